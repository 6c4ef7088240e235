package io.tutormesh.gateway.money;

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
 * The money of instant sessions end to end, on a real node with the real Cassandra: the hold of a
 * request (402 when the balance cannot cover it), the escrow at MATCHED, the capture at COMPLETED
 * (per started minute, 15 minutes at least), the tutor's earnings net of the 33 % commission, the
 * refunds (NO_TUTOR, cancels) and the ledger, balanced and agreeing with the wallet and earnings.
 * Each test has its own language, so only its own tutor gets its offers.
 */
class EscrowIntegrationTest {

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

  // --- holds and 402 ---

  @Test
  void aRequestTheBalanceCannotCoverIs402AndHoldsNothing() throws Exception {
    String language = language();
    Student poor = student(false);
    Reply broke = request(poor, language, 4000, 60);
    assertProblem(broke, 402);
    assertThat(broke.json().get("detail").asText()).contains("4000").contains("nothing was opened");
    assertThat(wallet(poor).get("heldCents").asLong()).isZero();

    Student funded = student(true);
    assertProblem(request(funded, language, 12_000, 60), 402); // holds 12,000 of 11,000
    JsonNode untouched = wallet(funded);
    assertThat(untouched.get("balanceCents").asLong()).isEqualTo(Funding.CREDIT_CENTS);
    assertThat(untouched.get("heldCents").asLong()).isZero();

    // Nothing was opened: a request the balance covers is accepted (not a 409 for an open one).
    String sessionId = requested(funded, language, 11_000, 60);
    awaitWallet(funded, 0, 11_000);
    assertThat(api.post("/v1/sessions/" + sessionId + "/cancel", funded.token(), null).status()).isEqualTo(200);
    awaitWallet(funded, Funding.CREDIT_CENTS, 0);
  }

  // --- the whole lesson ---

  @Test
  void aCompletedLessonCapturesFifteenMinutesRefundsTheRestAndCreditsTheTutorNetOfCommission() throws Exception {
    String language = language();
    Student s = student(true);
    String sessionId = requested(s, language, 5000, 60); // holds 50.00 × 60 / 60
    JsonNode held = awaitWallet(s, 6000, 5000);
    assertThat(held.get("entries").get(0).get("kind").asText()).isEqualTo("HOLD");
    assertThat(session(sessionId, s.token()).get("escrow").get("status").asText()).isEqualTo("NONE");

    try (Tutor t = tutor(language)) {
      JsonNode matched = awaitStatus(sessionId, s.token(), "MATCHED");
      assertThat(matched.get("escrow").get("status").asText()).isEqualTo("HELD");
      assertThat(matched.get("escrow").get("heldCents").asLong()).isEqualTo(3000); // the tutor's 30.00 × 60 / 60
      awaitWallet(s, 8000, 3000); // the difference is back

      try (WsClient studentRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, s.token());
          WsClient tutorRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, t.token())) {
        studentRoom.await("status", f -> "LIVE".equals(f.get("status").asText()));
        studentRoom.send("{\"type\":\"end\"}");
        studentRoom.await("status", f -> "COMPLETED".equals(f.get("status").asText()));
      }
      JsonNode completed = awaitStatus(sessionId, s.token(), "COMPLETED");
      JsonNode escrow = completed.get("escrow");
      assertThat(escrow.get("status").asText()).isEqualTo("RELEASED");
      assertThat(escrow.get("heldCents").asLong()).isEqualTo(3000);
      assertThat(escrow.get("releasedCents").asLong()).isEqualTo(750); // a short lesson costs the 15-minute minimum
      assertThat(escrow.get("refundedCents").asLong()).isEqualTo(2250);

      JsonNode settled = awaitWallet(s, Funding.CREDIT_CENTS - 750, 0);
      assertThat(settled.get("entries").findValuesAsText("kind")).contains("CHARGE", "REFUND", "HOLD_RESIZED", "HOLD");

      JsonNode earned = await(() -> earnings(t), e -> e.get("pendingCents").asLong() > 0, "tutor credited");
      assertThat(earned.get("commissionCents").asLong()).isEqualTo(248); // 33 % of 750, half up
      assertThat(earned.get("pendingCents").asLong()).isEqualTo(502); // net, pending for the dispute window
      assertThat(earned.get("availableCents").asLong()).isZero();
      assertThat(earned.get("paidOutCents").asLong()).isZero();
      JsonNode entry = earned.get("entries").get(0);
      assertThat(entry.get("sessionId").asText()).isEqualTo(sessionId);
      assertThat(entry.get("grossCents").asLong()).isEqualTo(750);
      assertThat(entry.get("commissionPercent").asInt()).isEqualTo(33);
      assertThat(entry.get("status").asText()).isEqualTo("PENDING");

      // The ledger, once projected: balanced, and agreeing with the wallet and the earnings.
      JsonNode check = await(EscrowIntegrationTest::ledger,
          c -> account(c, "tutor:" + t.id()) == 502 && account(c, "student:" + s.id()) == Funding.CREDIT_CENTS - 750
              && account(c, "escrow:" + sessionId) == 0 && c.path("accounts").has("escrow:" + sessionId),
          "ledger projected", LEDGER_DEADLINE);
      assertThat(check.get("balanced").asBoolean()).as(check.toString()).isTrue();
      assertThat(check.get("totals").get("commissionCents").asLong()).isGreaterThanOrEqualTo(248);
    }
  }

  // --- refunds ---

  @Test
  void noTutorGivesTheHoldBackWhole() throws Exception {
    Student s = student(true);
    String sessionId = requested(s, language(), 4000, 30); // nobody teaches physics in this language here
    awaitWallet(s, Funding.CREDIT_CENTS - 2000, 2000);
    JsonNode ended = awaitStatus(sessionId, s.token(), "NO_TUTOR");
    assertThat(ended.get("escrow").get("status").asText()).isEqualTo("NONE");
    JsonNode back = awaitWallet(s, Funding.CREDIT_CENTS, 0);
    assertThat(back.get("entries").get(0).get("kind").asText()).isEqualTo("HOLD_RELEASED");
    assertThat(back.get("entries").get(0).get("amountCents").asLong()).isEqualTo(2000);
  }

  @Test
  void cancellingAMatchedSessionRefundsTheEscrowInFull() throws Exception {
    String language = language();
    Student s = student(true);
    try (Tutor t = tutor(language)) {
      String sessionId = requested(s, language, 5000, 60);
      awaitStatus(sessionId, s.token(), "MATCHED");
      awaitWallet(s, 8000, 3000);

      Reply cancelled = api.post("/v1/sessions/" + sessionId + "/cancel", t.token(), null); // by the tutor
      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
      JsonNode escrow = awaitStatus(sessionId, s.token(), "CANCELLED").get("escrow");
      assertThat(escrow.get("status").asText()).isEqualTo("REFUNDED");
      assertThat(escrow.get("heldCents").asLong()).isEqualTo(3000);
      assertThat(escrow.get("releasedCents").asLong()).isZero();
      assertThat(escrow.get("refundedCents").asLong()).isEqualTo(3000);
      awaitWallet(s, Funding.CREDIT_CENTS, 0);
      assertThat(earnings(t).get("pendingCents").asLong()).isZero();
      assertThat(earnings(t).get("entries")).isEmpty();

      JsonNode check = await(EscrowIntegrationTest::ledger, c -> c.path("accounts").has("escrow:" + sessionId)
          && account(c, "escrow:" + sessionId) == 0 && account(c, "student:" + s.id()) == Funding.CREDIT_CENTS,
          "escrow and refund projected", LEDGER_DEADLINE);
      assertThat(check.get("balanced").asBoolean()).isTrue();
    }
  }

  // --- who may read earnings ---

  @Test
  void earningsAreForTheirTutorAndAdminsOnly() throws Exception {
    try (Tutor t = tutor(language())) {
      String other = unique("tutor");
      assertProblem(api.get("/v1/tutors/" + t.id() + "/earnings", api.token(other, "tutor")), 403);
      assertProblem(api.get("/v1/tutors/" + t.id() + "/earnings", api.token(unique("student"), "student")), 403);
      assertProblem(api.get("/v1/tutors/" + unique("nobody") + "/earnings", admin), 404);
      Reply byAdmin = api.get("/v1/tutors/" + t.id() + "/earnings", admin);
      assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(200);
      assertThat(byAdmin.json().get("availableCents").asLong()).isZero();
      assertThat(byAdmin.json().get("currency").asText()).isEqualTo("EUR");
    }
  }
}
