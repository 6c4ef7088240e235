package io.tutormesh.gateway.money;

import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.session.Fixtures;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Completed lessons for the money tests: a funded student, an ONLINE tutor teaching physics in a
 * language of its own at 30.00 an hour who accepts every offer, a 60-minute request at up to 50.00
 * ended at once. It costs the 15-minute minimum: 750 captured, 248 commission (33 %), 502 net.
 */
final class Lessons implements AutoCloseable {

  static final Duration DEADLINE = Duration.ofSeconds(30);
  /** The ledger is a projection: events by tag arrive after the plugin's eventual-consistency delay. */
  static final Duration LEDGER_DEADLINE = Duration.ofSeconds(90);
  static final long TUTOR_RATE = 3000;
  static final long CAPTURED = 750;
  static final long NET = 502;
  static final long COMMISSION = 248;
  private static final List<String> LANGUAGES = List.of("it", "pt", "ru", "zh", "ar", "hi", "bg", "hr", "sk", "sl", "lt", "lv");
  private static final AtomicInteger nextLanguage = new AtomicInteger();

  record Student(String id, String token) {}

  record Tutor(String id, String token, WsClient socket, String language) implements AutoCloseable {
    @Override
    public void close() {
      socket.close();
    }
  }

  private final Node node;
  private final Api api;
  final String admin;

  /**
   * A node of its own for one test class (request timeout 4 s, plus `overrides`); {@link #close()}
   * stops it.
   */
  static Lessons start(Map<String, Object> overrides) throws Exception {
    Map<String, Object> settings = new java.util.HashMap<>(Map.of("tutormesh.matching.request-timeout", "4s"));
    settings.putAll(overrides);
    return new Lessons(io.tutormesh.gateway.testing.TestNodes.start(settings));
  }

  Lessons(Node node) {
    this.node = node;
    this.api = new Api(node.httpPort());
    this.admin = api.token(unique("admin"), "admin");
  }

  Api api() {
    return api;
  }

  Node node() {
    return node;
  }

  @Override
  public void close() {
    node.stop();
  }

  Student student() {
    String id = unique("payer");
    String token = api.token(id, "student");
    assertThat(api.put("/v1/students/" + id, token, Fixtures.studentJson("Pia")).status()).isEqualTo(200);
    assertThat(Funding.fund(api, id, token)).isEqualTo(Funding.CREDIT_CENTS);
    return new Student(id, token);
  }

  Tutor tutor() throws Exception {
    String language = LANGUAGES.get(nextLanguage.getAndIncrement() % LANGUAGES.size());
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
    return new Tutor(id, token, socket, language);
  }

  String matched(Student s, Tutor t) throws Exception {
    Reply reply = api.post("/v1/instant-requests", s.token(), Fixtures.instantJson("physics", "high", t.language(), 5000, 60));
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    String sessionId = reply.json().get("sessionId").asText();
    awaitStatus(sessionId, s.token(), "MATCHED");
    return sessionId;
  }

  /** A lesson of `s` with `t`, completed, and its tutor credited (the settlement is done). */
  String completed(Student s, Tutor t) throws Exception {
    String sessionId = matched(s, t);
    try (WsClient studentRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, s.token());
        WsClient tutorRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, t.token())) {
      studentRoom.await("status", f -> "LIVE".equals(f.get("status").asText()));
      studentRoom.send("{\"type\":\"end\"}");
      studentRoom.await("status", f -> "COMPLETED".equals(f.get("status").asText()));
    }
    awaitWallet(s, Funding.CREDIT_CENTS - CAPTURED);
    await(() -> earnings(t), e -> e.get("entries").findValuesAsText("sessionId").contains(sessionId), "tutor credited for " + sessionId);
    return sessionId;
  }

  JsonNode session(String sessionId, String token) {
    Reply reply = api.get("/v1/sessions/" + sessionId, token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  JsonNode awaitStatus(String sessionId, String token, String status) throws InterruptedException {
    return await(() -> session(sessionId, token), j -> status.equals(j.path("status").asText()), "session " + sessionId + " " + status);
  }

  JsonNode wallet(Student s) {
    Reply reply = api.get("/v1/students/" + s.id() + "/wallet", s.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  JsonNode awaitWallet(Student s, long balanceCents) throws InterruptedException {
    return await(() -> wallet(s), w -> w.get("balanceCents").asLong() == balanceCents && w.get("heldCents").asLong() == 0,
        "wallet of " + s.id() + " at " + balanceCents);
  }

  JsonNode earnings(Tutor t) {
    Reply reply = api.get("/v1/tutors/" + t.id() + "/earnings", t.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  Reply payout(String tutorId, String token, String key, String body) {
    Map<String, String> headers = key == null ? Map.of() : Map.of("Idempotency-Key", key);
    return api.send("POST", "/v1/tutors/" + tutorId + "/payouts", token, body, headers);
  }

  static String payoutJson(long amountCents, String accountId) {
    return "{\"amountCents\":" + amountCents + ",\"accountId\":\"" + accountId + "\"}";
  }

  static String key() {
    return UUID.randomUUID().toString();
  }

  JsonNode ledger() {
    Reply reply = api.get("/v1/admin/ledger/check", admin);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  static long account(JsonNode check, String account) {
    return check.path("accounts").path(account).asLong(0);
  }

  static <T> T await(Supplier<T> read, Predicate<T> done, String what) throws InterruptedException {
    return await(read, done, what, DEADLINE);
  }

  static <T> T await(Supplier<T> read, Predicate<T> done, String what, Duration deadline) throws InterruptedException {
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
}
