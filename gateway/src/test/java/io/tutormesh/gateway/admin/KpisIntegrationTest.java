package io.tutormesh.gateway.admin;

import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.testing.MoneyFlowFixture;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.WsClient;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * `GET /v1/admin/kpis` on a real node with the real Cassandra: a completed, a cancelled and an
 * unmatched request show in the counts, the time to match and the money figures once the KPI
 * projections caught up; only admins may read them; a bad window is 400. Other test classes may
 * share the keyspace, so counts are at least these sessions' (the window starts with this class).
 */
class KpisIntegrationTest extends MoneyFlowFixture {

  private static final Instant START = Instant.now().minusSeconds(1);

  private static JsonNode kpis(String token, String query) {
    return api.get("/v1/admin/kpis" + query, token).json();
  }

  private static void completeLesson(Student s, Tutor t, String sessionId) throws Exception {
    awaitStatus(sessionId, s.token(), "MATCHED");
    try (WsClient studentRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, s.token());
        WsClient tutorRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, t.token())) {
      studentRoom.await("status", f -> "LIVE".equals(f.get("status").asText()));
      studentRoom.send("{\"type\":\"end\"}");
      studentRoom.await("status", f -> "COMPLETED".equals(f.get("status").asText()));
    }
  }

  @Test
  void matchedCompletedCancelledAndUnmatchedSessionsShowInTheKpis() throws Exception {
    String language = language();
    Student lone = student(true);
    String unmatched = requested(lone, "eu", 5000, 60); // nobody teaches physics in Basque: NO_TUTOR
    Student s = student(true);
    try (Tutor t = tutor(language)) {
      completeLesson(s, t, requested(s, language, 5000, 60)); // 750 captured, 2,250 refunded
      awaitWallet(s, Funding.CREDIT_CENTS - 750, 0);
      String cancelledId = requested(s, language, 5000, 60);
      awaitStatus(cancelledId, s.token(), "MATCHED");
      assertThat(api.post("/v1/sessions/" + cancelledId + "/cancel", s.token(), null).status()).isEqualTo(200);
      awaitStatus(cancelledId, s.token(), "CANCELLED");
    }
    awaitStatus(unmatched, lone.token(), "NO_TUTOR");

    String window = "?from=" + START + "&to=" + Instant.now().plusSeconds(600);
    JsonNode k = await(() -> kpis(admin, window),
        j -> j.path("requests").asLong() >= 3 && j.path("matched").asLong() >= 2 && j.path("completed").asLong() >= 1
            && j.path("cancelled").asLong() >= 1 && j.path("grossCents").asLong() >= 750 && j.path("refundsCents").asLong() >= 2250 + 3000,
        "KPIs projected", LEDGER_DEADLINE);
    assertThat(k.get("matchRate").asDouble()).isBetween(0.0, 1.0).isLessThan(1.0);
    assertThat(k.get("timeToMatchMs").get("p50").isNumber()).isTrue();
    assertThat(k.get("timeToMatchMs").get("p99").asLong()).isGreaterThanOrEqualTo(k.get("timeToMatchMs").get("p50").asLong());
    assertThat(k.get("commissionCents").asLong()).isGreaterThanOrEqualTo(248);
    assertThat(k.get("takeRate").asDouble()).isBetween(0.0, 1.0);
    assertThat(k.get("paymentSuccessRate").asDouble()).isBetween(0.0, 1.0);
    assertThat(k.get("escrowOutstandingCents").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(k.has("noShows")).isTrue();

    JsonNode empty = kpis(admin, "?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z");
    assertThat(empty.get("requests").asLong()).isZero();
    assertThat(empty.get("timeToMatchMs").get("p50").isNull()).isTrue();
    assertThat(kpis(admin, "").has("requests")).as("default: the last 24 h").isTrue();
  }

  @Test
  void onlyAdminsReadKpisAndABadWindowIs400() {
    Student s = student(false);
    assertProblem(api.get("/v1/admin/kpis", s.token()), 403);
    assertProblem(api.get("/v1/admin/kpis", null), 401);
    assertProblem(api.get("/v1/admin/kpis?from=yesterday", admin), 400);
    assertProblem(api.get("/v1/admin/kpis?from=2026-11-28T10:00:00Z&to=2026-11-28T09:00:00Z", admin), 400);
    assertProblem(api.get("/v1/admin/kpis?from=2025-01-01T00:00:00Z&to=2026-11-28T09:00:00Z", admin), 400);
  }

  @Test
  void financeCountersAreOnMetrics() {
    String metrics = api.get("/metrics", null).body();
    assertThat(metrics).contains("tutormesh_finance_gross_cents_total", "tutormesh_finance_payments_total");
  }
}
