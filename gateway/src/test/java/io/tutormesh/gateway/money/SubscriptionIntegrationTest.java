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
 * Student plans end to end, on a real node with the real Cassandra: `GET /v1/plans`, subscribing
 * to `plus` (its first period charged through the provider), its 10 % discount on a completed
 * lesson (less captured, more refunded, the tutor credited on what was captured), a declined card
 * (402, nothing active), unknown and tutor plans (400), cancelling, and the ledger balanced.
 */
class SubscriptionIntegrationTest {

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

  private static Reply subscribe(Student s, String json) {
    return api.put("/v1/students/" + s.id() + "/subscription", s.token(), json);
  }

  @Test
  void plansListBothKinds() {
    Reply plans = api.get("/v1/plans", admin);
    assertThat(plans.status()).isEqualTo(200);
    assertThat(plans.json().get("items").findValuesAsText("kind")).contains("student", "tutor");
    assertThat(plans.json().get("items").findValuesAsText("planId")).contains("plus", "pro");
  }

  @Test
  void aPlusStudentPaysTheDiscountedPriceOfACompletedLesson() throws Exception {
    String language = language();
    Student s = student(true);
    Reply subscribed = subscribe(s, "{\"plan\":\"plus\",\"paymentMethod\":\"pm_card_ok\"}");
    assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(200);
    assertThat(subscribed.json().get("status").asText()).isEqualTo("ACTIVE");
    assertThat(subscribed.json().get("plan").asText()).isEqualTo("plus");
    assertThat(subscribed.json().get("sessionDiscountPercent").asInt()).isEqualTo(10);
    assertThat(subscribed.json().hasNonNull("currentPeriodEnd")).isTrue();
    assertThat(wallet(s).get("balanceCents").asLong()).as("the plan is not paid from the wallet").isEqualTo(Funding.CREDIT_CENTS);
    Reply again = subscribe(s, "{\"plan\":\"plus\"}");
    assertThat(again.status()).as(again.body()).isEqualTo(200);

    String sessionId = requested(s, language, 5000, 60);
    try (Tutor t = tutor(language)) {
      awaitStatus(sessionId, s.token(), "MATCHED");
      try (WsClient studentRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, s.token());
          WsClient tutorRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, t.token())) {
        studentRoom.await("status", f -> "LIVE".equals(f.get("status").asText()));
        studentRoom.send("{\"type\":\"end\"}");
        studentRoom.await("status", f -> "COMPLETED".equals(f.get("status").asText()));
      }
      // 15 minutes at 30.00 is 750; plus takes 10 % off: 675 captured, 2,325 of the 3,000 refunded.
      JsonNode settled = await(() -> session(sessionId, s.token()),
          j -> j.path("escrow").path("releasedCents").asLong() == 675, "discounted price on the session");
      assertThat(settled.get("escrow").get("refundedCents").asLong()).isEqualTo(2325);
      awaitWallet(s, Funding.CREDIT_CENTS - 675, 0);
      JsonNode earned = await(() -> earnings(t), e -> e.get("pendingCents").asLong() > 0, "tutor credited");
      assertThat(earned.get("entries").get(0).get("grossCents").asLong()).isEqualTo(675);
      assertThat(earned.get("commissionCents").asLong()).isEqualTo(223); // 33 % of 675, half up

      JsonNode check = await(SubscriptionIntegrationTest::ledger,
          c -> account(c, "student:" + s.id()) == Funding.CREDIT_CENTS - 675 && c.path("accounts").has("escrow:" + sessionId)
              && account(c, "escrow:" + sessionId) == 0 && account(c, "platform:plans") >= 1500,
          "ledger projected", LEDGER_DEADLINE);
      assertThat(check.get("balanced").asBoolean()).as(check.toString()).isTrue();
    }

    Reply cancelled = api.send("DELETE", "/v1/students/" + s.id() + "/subscription", s.token(), null);
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("cancelAtPeriodEnd").asBoolean()).isTrue();
    assertThat(cancelled.json().get("status").asText()).as("paid until the period ends").isEqualTo("ACTIVE");
  }

  @Test
  void aDeclinedCardIs402AndNothingIsActive() {
    Student s = student(false);
    Reply declined = subscribe(s, "{\"plan\":\"plus\",\"paymentMethod\":\"pm_card_declined\"}");
    assertProblem(declined, 402);
    Reply failed = subscribe(s, "{\"plan\":\"plus\",\"paymentMethod\":\"pm_card_error\"}");
    assertProblem(failed, 502);
    Reply read = api.get("/v1/students/" + s.id() + "/subscription", s.token());
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().get("status").asText()).isEqualTo("FAILED");
  }

  @Test
  void unknownAndTutorPlansAre400AndOthersAre403() {
    Student s = student(false);
    assertProblem(subscribe(s, "{\"plan\":\"gold\"}"), 400);
    assertProblem(subscribe(s, "{\"plan\":\"pro\"}"), 400);
    Student other = student(false);
    assertProblem(api.put("/v1/students/" + s.id() + "/subscription", other.token(), "{\"plan\":\"plus\"}"), 403);
    Reply none = api.get("/v1/students/" + s.id() + "/subscription", s.token());
    assertThat(none.json().get("status").asText()).isEqualTo("NONE");
  }
}
