package io.tutormesh.gateway.testing;

import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.session.Fixtures;
import io.tutormesh.gateway.testing.Api.Reply;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * What the integration tests of instant lessons' money share (escrow, plans, KPIs): one node per
 * test class with a short request timeout, funded students, tutors who accept every offer (each
 * test in a language of its own, so only its tutor gets its offers), and readers of sessions,
 * wallets, earnings and the ledger that wait with a deadline.
 */
public abstract class MoneyFlowFixture {

  protected static final Duration DEADLINE = Duration.ofSeconds(30);
  /** The ledger is a projection: events by tag arrive after the plugin's eventual-consistency delay. */
  protected static final Duration LEDGER_DEADLINE = Duration.ofSeconds(90);
  protected static final List<String> LANGUAGES = List.of("it", "pt", "ru", "zh", "ar", "hi", "bg", "hr", "sk", "sl", "lt", "lv");
  protected static final AtomicInteger nextLanguage = new AtomicInteger();
  protected static final long TUTOR_RATE = 3000;

  protected static Node node;
  private static Map<String, Object> nodeSettings;
  protected static Api api;
  protected static String admin;

  /**
   * Settings a test class adds to (or overrides in) its node's, each {@code key=value}; e.g. {@code
   * @NodeSettings("tutormesh.money.subscriptions.day-length=300ms")}.
   */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  public @interface NodeSettings {
    String[] value();
  }

  @BeforeAll
  static void startNode(TestInfo info) throws Exception {
    Map<String, Object> settings = new HashMap<>(Map.of("tutormesh.matching.request-timeout", "4s"));
    info.getTestClass().map(c -> c.getAnnotation(NodeSettings.class)).ifPresent(extra -> {
      for (String setting : extra.value()) {
        int eq = setting.indexOf('=');
        settings.put(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
      }
    });
    nodeSettings = Map.copyOf(settings);
    node = TestNodes.start(settings);
    api = new Api(node.httpPort());
    admin = api.token(unique("admin"), "admin");
  }

  /**
   * Stops the node (every entity with it, timers and all) and starts a new one with the same
   * settings on the same keyspace: what survives is what is in Cassandra. Tokens stay valid.
   */
  protected static void restartNode() throws Exception {
    node.stop();
    node = null;
    node = TestNodes.start(nodeSettings);
    api = new Api(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.stop();
    }
  }

  protected record Student(String id, String token) {}

  protected record Tutor(String id, String token, WsClient socket) implements AutoCloseable {
    @Override
    public void close() {
      socket.close();
    }
  }

  protected static String language() {
    return LANGUAGES.get(nextLanguage.getAndIncrement() % LANGUAGES.size());
  }

  protected static Student student(boolean funded) {
    String id = unique("payer");
    String token = api.token(id, "student");
    assertThat(api.put("/v1/students/" + id, token, Fixtures.studentJson("Pia")).status()).isEqualTo(200);
    if (funded) {
      assertThat(Funding.fund(api, id, token)).isEqualTo(Funding.CREDIT_CENTS);
    }
    return new Student(id, token);
  }

  /** An ONLINE tutor teaching physics in `language` at 30.00 an hour, who accepts every offer. */
  protected static Tutor tutor(String language) throws Exception {
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

  protected static Reply request(Student s, String language, long maxRateCents, int minutes) {
    return api.post("/v1/instant-requests", s.token(), Fixtures.instantJson("physics", "high", language, maxRateCents, minutes));
  }

  protected static String requested(Student s, String language, long maxRateCents, int minutes) {
    Reply reply = request(s, language, maxRateCents, minutes);
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    return reply.json().get("sessionId").asText();
  }

  protected static JsonNode wallet(Student s) {
    Reply reply = api.get("/v1/students/" + s.id() + "/wallet", s.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  protected static JsonNode awaitWallet(Student s, long balanceCents, long heldCents) throws InterruptedException {
    return await(() -> wallet(s), w -> w.get("balanceCents").asLong() == balanceCents && w.get("heldCents").asLong() == heldCents,
        "wallet of " + s.id() + " at balance " + balanceCents + ", held " + heldCents);
  }

  protected static JsonNode session(String sessionId, String token) {
    Reply reply = api.get("/v1/sessions/" + sessionId, token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  protected static JsonNode awaitStatus(String sessionId, String token, String status) throws InterruptedException {
    return await(() -> session(sessionId, token), j -> status.equals(j.path("status").asText()), "session " + sessionId + " " + status);
  }

  protected static JsonNode earnings(Tutor t) {
    Reply reply = api.get("/v1/tutors/" + t.id() + "/earnings", t.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  protected static <T> T await(Supplier<T> read, Predicate<T> done, String what) throws InterruptedException {
    return await(read, done, what, DEADLINE);
  }

  protected static <T> T await(Supplier<T> read, Predicate<T> done, String what, Duration deadline) throws InterruptedException {
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

  protected static JsonNode ledger() {
    Reply reply = api.get("/v1/admin/ledger/check", admin);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  protected static long account(JsonNode check, String account) {
    return check.path("accounts").path(account).asLong(0);
  }
}
