package io.tutormesh.gateway.money;

import static io.tutormesh.gateway.money.Lessons.account;
import static io.tutormesh.gateway.money.Lessons.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.money.Lessons.Student;
import io.tutormesh.gateway.money.Lessons.Tutor;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.WsClient;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No-shows end to end, on a real node with the real Cassandra and a no-show grace of 3 s: a matched
 * room that only the student joins ends NO_SHOW with everything back to the student and the tutor
 * set AWAY (a strike); one that only the tutor joins ends NO_SHOW with the tutor paid their share
 * (100 % by default) net of commission. Both settle through the ledger and count in the KPIs.
 */
class NoShowIntegrationTest {

  /** The tutor's 30.00 an hour for 60 minutes. */
  private static final long ESCROW = 3000;

  private static Lessons lessons;

  @BeforeAll
  static void startNode() throws Exception {
    lessons = Lessons.start(Map.of("tutormesh.room.no-show-grace", "3s"));
  }

  @AfterAll
  static void stopNode() {
    if (lessons != null) {
      lessons.close();
    }
  }

  @Test
  void aTutorWhoNeverJoinsIsANoShowTheStudentGetsEverythingBackAndTheTutorIsSetAway() throws Exception {
    Instant from = Instant.now();
    Student s = lessons.student();
    try (Tutor t = lessons.tutor()) {
      String sessionId = lessons.matched(s, t);
      try (WsClient room = WsClient.connect(lessons.node().wsPort(), "/ws/session/" + sessionId, s.token())) {
        room.await("status", f -> "NO_SHOW".equals(f.get("status").asText()));
      }
      JsonNode away = t.socket().await("status", f -> "AWAY".equals(f.path("status").asText()));
      assertThat(away.path("reason").asText()).contains(sessionId);

      JsonNode session = lessons.awaitStatus(sessionId, s.token(), "NO_SHOW");
      assertThat(session.get("escrow").get("status").asText()).isEqualTo("REFUNDED");
      assertThat(session.get("escrow").get("refundedCents").asLong()).isEqualTo(ESCROW);
      assertThat(session.get("escrow").get("releasedCents").asLong()).isZero();
      lessons.awaitWallet(s, Funding.CREDIT_CENTS);
      assertThat(lessons.earnings(t).get("entries").findValuesAsText("sessionId")).doesNotContain(sessionId);
      assertThat(lessons.api().get("/v1/tutors/" + t.id(), t.token()).json().get("presence").asText()).isEqualTo("AWAY");

      awaitSettledInTheLedger(sessionId, s, Funding.CREDIT_CENTS);
      awaitNoShowsCounted(from, 1);
    }
  }

  @Test
  void aStudentWhoNeverJoinsIsANoShowAndTheTutorIsPaidTheirShare() throws Exception {
    Instant from = Instant.now();
    Student s = lessons.student();
    try (Tutor t = lessons.tutor()) {
      String sessionId = lessons.matched(s, t);
      try (WsClient room = WsClient.connect(lessons.node().wsPort(), "/ws/session/" + sessionId, t.token())) {
        room.await("status", f -> "NO_SHOW".equals(f.get("status").asText()));
      }

      JsonNode session = lessons.awaitStatus(sessionId, s.token(), "NO_SHOW");
      assertThat(session.get("escrow").get("status").asText()).isEqualTo("RELEASED");
      assertThat(session.get("escrow").get("releasedCents").asLong()).isEqualTo(ESCROW);
      lessons.awaitWallet(s, Funding.CREDIT_CENTS - ESCROW);
      JsonNode earnings = await(() -> lessons.earnings(t),
          e -> e.get("entries").findValuesAsText("sessionId").contains(sessionId), "tutor credited for " + sessionId);
      assertThat(earnings.get("pendingCents").asLong() + earnings.get("commissionCents").asLong()).isEqualTo(ESCROW);
      assertThat(earnings.get("commissionCents").asLong()).isPositive();
      // The tutor was there: no strike.
      assertThat(lessons.api().get("/v1/tutors/" + t.id(), t.token()).json().get("presence").asText()).isEqualTo("ONLINE");

      awaitSettledInTheLedger(sessionId, s, Funding.CREDIT_CENTS - ESCROW);
      awaitNoShowsCounted(from, 1);
    }
  }

  private static void awaitSettledInTheLedger(String sessionId, Student s, long studentCents) throws InterruptedException {
    JsonNode check = await(lessons::ledger,
        c -> c.path("accounts").has("escrow:" + sessionId) && account(c, "escrow:" + sessionId) == 0
            && account(c, "student:" + s.id()) == studentCents,
        "no-show settled in the ledger", Lessons.LEDGER_DEADLINE);
    assertThat(check.get("balanced").asBoolean()).as(check.toString()).isTrue();
  }

  private static void awaitNoShowsCounted(Instant from, long atLeast) throws InterruptedException {
    String window = "?from=" + from + "&to=" + Instant.now().plusSeconds(600);
    await(() -> lessons.api().get("/v1/admin/kpis" + window, lessons.admin).json(),
        k -> k.path("noShows").asLong() >= atLeast, "no-shows in the KPIs", Lessons.LEDGER_DEADLINE);
  }
}
