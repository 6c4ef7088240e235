package io.tutormesh.gateway.money;

import static io.tutormesh.gateway.money.Lessons.account;
import static io.tutormesh.gateway.money.Lessons.await;
import static io.tutormesh.gateway.session.Fixtures.assertBadField;
import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.money.Lessons.Student;
import io.tutormesh.gateway.money.Lessons.Tutor;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.Funding;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Disputes and admin refunds end to end, on a real node with the real Cassandra and a dispute
 * window of 10 s: the student disputes a completed lesson (DISPUTED, the tutor's credit frozen past
 * its window), an admin refunds it (REFUNDED: the student's wallet back up, the tutor's earnings
 * and the commission down), once; the ledger stays balanced with the escrow back at 0.
 */
class DisputeIntegrationTest {

  private static final String WINDOW = "10s";

  private static Lessons lessons;
  private static Api api;

  @BeforeAll
  static void startNode() throws Exception {
    lessons = Lessons.start(Map.of("tutormesh.money.dispute-window", WINDOW, "tutormesh.money.payout-delay-after-window", "0s"));
    api = lessons.api();
  }

  @AfterAll
  static void stopNode() {
    if (lessons != null) {
      lessons.close();
    }
  }

  private static Reply dispute(String sessionId, String token, String reason) {
    return api.post("/v1/sessions/" + sessionId + "/dispute", token, reason == null ? "{}" : "{\"reason\":\"" + reason + "\"}");
  }

  private static Reply refund(String sessionId, String token) {
    return api.post("/v1/admin/sessions/" + sessionId + "/refund", token, "{\"reason\":\"the lesson did not happen\"}");
  }

  /** The settlement may still be finishing right after the tutor was credited (409 meanwhile). */
  private static Reply disputed(String sessionId, String token) throws InterruptedException {
    return await(() -> dispute(sessionId, token, "the tutor left after five minutes"), r -> r.status() != 409
        || !r.json().path("detail").asText().contains("still being settled"), "dispute accepted");
  }

  @Test
  void aDisputedLessonIsRefundedByAnAdminOnceAndTheMoneyGoesBack() throws Exception {
    Student s = lessons.student();
    try (Tutor t = lessons.tutor()) {
      String sessionId = lessons.completed(s, t);

      assertProblem(dispute(sessionId, t.token(), "the student was rude"), 403); // the tutor
      assertProblem(dispute(sessionId, api.token(unique("student"), "student"), "not mine"), 403); // somebody else
      assertBadField(dispute(sessionId, s.token(), null), "reason");
      assertBadField(dispute(sessionId, s.token(), "x".repeat(501)), "reason");
      assertProblem(dispute(unique("nosession"), s.token(), "what"), 404);

      Reply disputed = disputed(sessionId, s.token());
      assertThat(disputed.status()).as(disputed.body()).isEqualTo(200);
      assertThat(disputed.json().get("status").asText()).isEqualTo("DISPUTED");
      assertThat(disputed.json().get("escrow").get("status").asText()).isEqualTo("DISPUTED");
      assertThat(disputed.json().get("timeline").findValuesAsText("status")).contains("COMPLETED", "DISPUTED");
      assertProblem(dispute(sessionId, s.token(), "again"), 409);

      // Frozen: still pending after its window has passed.
      JsonNode frozen = await(() -> lessons.earnings(t), e -> "DISPUTED".equals(e.get("entries").get(0).get("status").asText()), "credit frozen");
      assertThat(frozen.get("pendingCents").asLong()).isEqualTo(Lessons.NET);
      java.time.Instant availableAt = java.time.Instant.parse(frozen.get("entries").get(0).get("availableAt").asText());
      await(java.time.Instant::now, now -> now.isAfter(availableAt), "the dispute window passed", java.time.Duration.ofSeconds(60));
      JsonNode stillFrozen = lessons.earnings(t);
      assertThat(stillFrozen.get("pendingCents").asLong()).isEqualTo(Lessons.NET);
      assertThat(stillFrozen.get("availableCents").asLong()).isZero();
      assertProblem(lessons.payout(t.id(), t.token(), Lessons.key(), Lessons.payoutJson(1, "acct_ok")), 409);

      assertProblem(refund(sessionId, s.token()), 403); // not an admin
      assertProblem(refund(sessionId, t.token()), 403);
      long refundsBefore = refundsKpi();
      Reply refunded = refund(sessionId, lessons.admin);
      assertThat(refunded.status()).as(refunded.body()).isEqualTo(200);
      assertThat(refunded.json().get("status").asText()).isEqualTo("REFUNDED");
      JsonNode escrow = refunded.json().get("escrow");
      assertThat(escrow.get("status").asText()).isEqualTo("REFUNDED");
      assertThat(escrow.get("releasedCents").asLong()).isZero();
      assertThat(escrow.get("refundedCents").asLong()).isEqualTo(escrow.get("heldCents").asLong());
      assertProblem(refund(sessionId, lessons.admin), 409);

      JsonNode wallet = lessons.awaitWallet(s, Funding.CREDIT_CENTS);
      assertThat(wallet.get("entries").get(0).get("kind").asText()).isEqualTo("SESSION_REFUND");
      assertThat(wallet.get("entries").get(0).get("amountCents").asLong()).isEqualTo(Lessons.CAPTURED);
      JsonNode earnings = await(() -> lessons.earnings(t), e -> "REFUNDED".equals(e.get("entries").get(0).get("status").asText()), "credit reversed");
      assertThat(earnings.get("pendingCents").asLong()).isZero();
      assertThat(earnings.get("availableCents").asLong()).isZero();
      assertThat(earnings.get("commissionCents").asLong()).isZero();
      assertThat(lessons.session(sessionId, s.token()).get("status").asText()).isEqualTo("REFUNDED");

      JsonNode check = await(lessons::ledger,
          c -> c.path("accounts").has("escrow:" + sessionId) && account(c, "escrow:" + sessionId) == 0
              && account(c, "tutor:" + t.id()) == 0 && account(c, "student:" + s.id()) == Funding.CREDIT_CENTS,
          "refund projected", Lessons.LEDGER_DEADLINE);
      assertThat(check.get("balanced").asBoolean()).as(check.toString()).isTrue();
      // The admin refund counts among the KPIs' refunds (other tests' refunds may add to it).
      await(DisputeIntegrationTest::refundsKpi, refunds -> refunds >= refundsBefore + Lessons.CAPTURED, "refund in the KPIs",
          Lessons.LEDGER_DEADLINE);
    }
  }

  private static long refundsKpi() {
    return api.get("/v1/admin/kpis", lessons.admin).json().get("refundsCents").asLong();
  }

  @Test
  void anAdminReleaseGivesTheTutorItsShareAtOnce() throws Exception {
    Student s = lessons.student();
    try (Tutor t = lessons.tutor()) {
      String sessionId = lessons.completed(s, t);
      Reply notDisputed = api.post("/v1/admin/sessions/" + sessionId + "/release", lessons.admin, "{\"reason\":\"fine\"}");
      assertProblem(notDisputed, 409);
      assertThat(disputed(sessionId, s.token()).status()).isEqualTo(200);
      await(() -> lessons.earnings(t), e -> "DISPUTED".equals(e.get("entries").get(0).get("status").asText()), "credit frozen");

      assertProblem(api.post("/v1/admin/sessions/" + sessionId + "/release", t.token(), "{\"reason\":\"mine\"}"), 403);
      Reply released = await(() -> api.post("/v1/admin/sessions/" + sessionId + "/release", lessons.admin, "{\"reason\":\"a full lesson\"}"),
          r -> r.status() != 409, "release accepted");
      assertThat(released.status()).as(released.body()).isEqualTo(200);
      assertThat(released.json().get("status").asText()).isEqualTo("COMPLETED");
      assertThat(released.json().get("escrow").get("status").asText()).isEqualTo("RELEASED");

      JsonNode available = await(() -> lessons.earnings(t), e -> e.get("availableCents").asLong() == Lessons.NET, "credit available at once");
      assertThat(available.get("entries").get(0).get("status").asText()).isEqualTo("AVAILABLE");
      Reply paid = lessons.payout(t.id(), t.token(), Lessons.key(), Lessons.payoutJson(Lessons.NET, "acct_ok"));
      assertThat(paid.status()).as(paid.body()).isEqualTo(201);
      assertProblem(refund(sessionId, lessons.admin), 409);
      assertProblem(dispute(sessionId, s.token(), "again"), 409);
    }
  }

  @Test
  void afterTheWindowALessonCanNeitherBeDisputedNorRefunded() throws Exception {
    Student s = lessons.student();
    try (Tutor t = lessons.tutor()) {
      String sessionId = lessons.completed(s, t);
      await(() -> lessons.earnings(t), e -> e.get("availableCents").asLong() == Lessons.NET, "the window passed", java.time.Duration.ofSeconds(60));

      Reply late = dispute(sessionId, s.token(), "too late");
      assertProblem(late, 409);
      assertThat(late.json().get("detail").asText()).contains("window");
      assertProblem(refund(sessionId, lessons.admin), 409);
      assertThat(lessons.session(sessionId, s.token()).get("status").asText()).isEqualTo("COMPLETED");
    }
  }

  @Test
  void aSessionWithNothingCapturedCannotBeRefunded() throws Exception {
    Student s = lessons.student();
    try (Tutor t = lessons.tutor()) {
      String sessionId = lessons.matched(s, t);
      assertProblem(dispute(sessionId, s.token(), "not started"), 409);
      assertProblem(refund(sessionId, lessons.admin), 409);
      assertThat(api.post("/v1/sessions/" + sessionId + "/cancel", s.token(), null).status()).isEqualTo(200);
      lessons.awaitWallet(s, Funding.CREDIT_CENTS);

      assertProblem(refund(sessionId, lessons.admin), 409);
      assertProblem(refund(unique("nosession"), lessons.admin), 404);
    }
  }
}
