package io.tutormesh.gateway.admin;

import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.session.Fixtures;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.TestNodes;
import io.tutormesh.gateway.testing.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `GET /v1/admin/kpis` on a real node with the real Cassandra: a completed, a cancelled and an
 * unmatched request show in the counts, the time to match and the money figures once the KPI
 * projections caught up; only admins may read them; a bad window is 400. Other test classes may
 * share the keyspace, so counts are at least these sessions' (the window starts with this class).
 */
class KpisIntegrationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  /** The ledger is a projection: events by tag arrive after the plugin's eventual-consistency delay. */
  private static final Duration LEDGER_DEADLINE = Duration.ofSeconds(90);
  private static final List<String> LANGUAGES = List.of("it", "pt", "ru", "zh", "ar", "hi", "bg", "hr", "sk", "sl", "lt", "lv");
  private static final AtomicInteger nextLanguage = new AtomicInteger();
  private static final long TUTOR_RATE = 3000;

  private static Node node;
  private static Api api;
  private static String admin;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNodes.start(Map.of("tutormesh.matching.request-timeout", "4s"));
    api = new Api(node.httpPort());
    admin = api.token(unique("admin"), "admin");
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.stop();
    }
  }

  record Student(String id, String token) {}

  record Tutor(String id, String token, WsClient socket) implements AutoCloseable {
    @Override
    public void close() {
      socket.close();
    }
  }

  private static String language() {
    return LANGUAGES.get(nextLanguage.getAndIncrement() % LANGUAGES.size());
  }

  private static Student student(boolean funded) {
    String id = unique("payer");
    String token = api.token(id, "student");
    assertThat(api.put("/v1/students/" + id, token, Fixtures.studentJson("Pia")).status()).isEqualTo(200);
    if (funded) {
      assertThat(Funding.fund(api, id, token)).isEqualTo(Funding.CREDIT_CENTS);
    }
    return new Student(id, token);
  }

  /** An ONLINE tutor teaching physics in `language` at 30.00 an hour, who accepts every offer. */
  private static Tutor tutor(String language) throws Exception {
    String id = unique("earner");
    String token = api.token(id, "tutor");
    Reply profile = api.put("/v1/tutors/" + id, token, Fixtures.tutorJson("Emmy", "physics", List.of("high"), List.of(language), TUTOR_RATE));
    assertThat(profile.status()).as(profile.body()).isEqualTo(200);
    WsClient socket = WsClient.connect(node.wsPort(), "/ws/tutor", token, (ws, frame) -> {
      if ("offer".equals(frame.path("type").asText())) {
        ws.send("{\"type\":\"accept\",\"offerId\":\"" + frame.get("offerId").asText() + "\"}");
      }
    });
    await(() -> api.get("/v1/tutors/" + id, token).json(), t -> "ONLINE".equals(t.path("presence").asText()), "tutor online");
    return new Tutor(id, token, socket);
  }

  private static Reply request(Student s, String language, long maxRateCents, int minutes) {
    return api.post("/v1/instant-requests", s.token(), Fixtures.instantJson("physics", "high", language, maxRateCents, minutes));
  }

  private static String requested(Student s, String language, long maxRateCents, int minutes) {
    Reply reply = request(s, language, maxRateCents, minutes);
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    return reply.json().get("sessionId").asText();
  }

  private static JsonNode wallet(Student s) {
    Reply reply = api.get("/v1/students/" + s.id() + "/wallet", s.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private static JsonNode awaitWallet(Student s, long balanceCents, long heldCents) throws InterruptedException {
    return await(() -> wallet(s), w -> w.get("balanceCents").asLong() == balanceCents && w.get("heldCents").asLong() == heldCents,
        "wallet of " + s.id() + " at balance " + balanceCents + ", held " + heldCents);
  }

  private static JsonNode session(String sessionId, String token) {
    Reply reply = api.get("/v1/sessions/" + sessionId, token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private static JsonNode awaitStatus(String sessionId, String token, String status) throws InterruptedException {
    return await(() -> session(sessionId, token), j -> status.equals(j.path("status").asText()), "session " + sessionId + " " + status);
  }

  private static JsonNode earnings(Tutor t) {
    Reply reply = api.get("/v1/tutors/" + t.id() + "/earnings", t.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private static <T> T await(Supplier<T> read, Predicate<T> done, String what) throws InterruptedException {
    return await(read, done, what, DEADLINE);
  }

  private static <T> T await(Supplier<T> read, Predicate<T> done, String what, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    T last = read.get();
    while (!done.test(last)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + deadline + ": " + what + "; last: " + last);
      }
      TimeUnit.MILLISECONDS.sleep(100); // poll interval, bounded by the deadline
      last = read.get();
    }
    return last;
  }

  private static JsonNode ledger() {
    Reply reply = api.get("/v1/admin/ledger/check", admin);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private static long account(JsonNode check, String account) {
    return check.path("accounts").path(account).asLong(0);
  }

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
