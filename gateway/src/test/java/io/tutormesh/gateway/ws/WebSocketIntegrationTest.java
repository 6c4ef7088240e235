package io.tutormesh.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.TestNodes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three sockets against a real node (real Jetty, real cluster sharding, the shared embedded
 * Cassandra) with a real Jetty client. Tests are isolated by unique ids and by a language of
 * their own, so that the shared MatchPools never mix their tutors.
 */
class WebSocketIntegrationTest {

  private static final List<String> LANGUAGES = List.of(
      "eu", "cy", "ga", "is", "mt", "lb", "sq", "hy", "ka", "kk", "ky", "lo", "mn", "ne", "si", "sw", "ta", "te", "tg", "tk", "uz", "xh", "yo", "zu");
  private static final AtomicInteger nextLanguage = new AtomicInteger();
  private static final Duration QUIET = Duration.ofMillis(500);

  private static Node node;
  private static Api api;
  private static WebSocketClient client;
  private static int ws;

  @BeforeAll
  static void start() throws Exception {
    // A low rate, so that a burst of 100 frames is over the limit even on a loaded machine.
    node = TestNodes.start(Map.of("tutormesh.ws.max-subscriptions", 3, "tutormesh.ws.rate.frames-per-second", 5));
    api = new Api(node.httpPort());
    ws = node.wsPort();
    client = new WebSocketClient();
    client.setMaxTextMessageSize(1024 * 1024);
    client.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.stop();
    }
    if (node != null) {
      node.stop();
    }
  }

  // --- helpers ---

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
  }

  static String language() {
    return LANGUAGES.get(nextLanguage.getAndIncrement() % LANGUAGES.size());
  }

  /** A tutor of math (high, university) and physics (high) who speaks {@code language}. */
  static String tutor(String language) {
    String id = unique("tutor");
    String body = """
        {"displayName":"Ada %s","subjects":[{"subject":"math","levels":["high","university"]},{"subject":"physics","levels":["high"]}],
         "languages":["%s"],"rateCents":4000,"currency":"EUR","timezone":"Europe/Paris","bio":"Live."}
        """.formatted(id, language);
    Api.Reply reply = api.put("/v1/tutors/" + id, api.token(id, "tutor"), body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return id;
  }

  static String student(String language) {
    String id = unique("student");
    String body = """
        {"displayName":"Blaise","level":"high","languages":["%s"],"timezone":"Europe/Paris"}
        """.formatted(language);
    String token = api.token(id, "student");
    Api.Reply reply = api.put("/v1/students/" + id, token, body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    Funding.fund(api, id, token);
    return id;
  }

  /** An instant request of math at high level, straight to the engine (as the REST route does). */
  static String instantRequest(String studentId, String language) throws Exception {
    String sessionId = UUID.randomUUID().toString();
    SessionEntity.SessionSummary session = ClusterSharding.get(node.system())
        .entityRefFor(StudentEntity.ENTITY_KEY, studentId)
        .<SessionEntity.SessionSummary>askWithStatus(
            replyTo -> new StudentEntity.RequestInstantTutor(sessionId, new InstantRequest("math", "high", language, 5000, 30), replyTo),
            Duration.ofSeconds(10))
        .toCompletableFuture()
        .get(15, TimeUnit.SECONDS);
    assertThat(session.status()).isEqualTo(SessionEntity.Status.MATCHING);
    return sessionId;
  }

  static TestSocket open(String path, String sub, String role) throws Exception {
    return TestSocket.open(client, ws, path + "?token=" + api.token(sub, role));
  }

  static int refusal(String pathAndQuery) throws Exception {
    return TestSocket.refusal(client, ws, pathAndQuery);
  }

  static String presence(String tutorId) {
    return api.get("/v1/tutors/" + tutorId, api.token(unique("partner"), "partner")).json().get("presence").asText();
  }

  static void awaitPresence(String tutorId, String expected) throws InterruptedException {
    long deadline = System.nanoTime() + TestSocket.WAIT.toNanos();
    String seen = presence(tutorId);
    while (!seen.equals(expected) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50); // poll interval, bounded by the deadline
      seen = presence(tutorId);
    }
    assertThat(seen).as("presence of " + tutorId).isEqualTo(expected);
  }

  static void assertError(TestSocket socket, String code) throws InterruptedException {
    JsonNode frame = socket.next();
    assertThat(frame.get("type").asText()).as(frame.toString()).isEqualTo("error");
    assertThat(frame.get("code").asText()).as(frame.toString()).isEqualTo(code);
    assertThat(frame.get("message").asText()).isNotBlank();
  }

  static void assertPingPong(TestSocket socket) throws Exception {
    socket.send("{\"type\":\"ping\"}");
    assertThat(socket.next().get("type").asText()).isEqualTo("pong");
  }

  // --- the upgrade ---

  @Test
  void upgradesAreRefusedWithoutTheRightTokenRoleOrSession() throws Exception {
    String studentToken = api.token(unique("student"), "student");
    for (String path : List.of("/ws/tutor", "/ws/availability", "/ws/session/some-session")) {
      assertThat(refusal(path)).as(path + " without token").isEqualTo(401);
      assertThat(refusal(path + "?token=not.a.jwt")).as(path + " with a bad token").isEqualTo(401);
    }
    String forged = api.token(unique("tutor"), "tutor");
    forged = forged.substring(0, forged.length() - 2) + (forged.endsWith("AA") ? "BB" : "AA");
    assertThat(refusal("/ws/tutor?token=" + forged)).as("bad signature").isEqualTo(401);
    assertThat(refusal("/ws/tutor?token=" + studentToken)).isEqualTo(403);
    assertThat(refusal("/ws/tutor?token=" + api.token(unique("partner"), "partner"))).isEqualTo(403);
    assertThat(refusal("/ws/availability?token=" + studentToken)).isEqualTo(403);
    assertThat(refusal("/ws/availability?token=" + api.token(unique("tutor"), "tutor"))).isEqualTo(403);
    assertThat(refusal("/ws/session/" + unique("nosuch") + "?token=" + studentToken)).isEqualTo(404);

    String language = language();
    String studentId = student(language);
    String sessionId = instantRequest(studentId, language);
    assertThat(refusal("/ws/session/" + sessionId + "?token=" + studentToken)).as("another student").isEqualTo(403);
    assertThat(refusal("/ws/session/" + sessionId + "?token=" + api.token(unique("admin"), "admin"))).as("an admin").isEqualTo(403);
    assertThat(refusal("/ws/session/" + sessionId + "?token=" + api.token(unique("tutor"), "tutor"))).as("a tutor not in it").isEqualTo(403);
    TestSocket own = open("/ws/session/" + sessionId, studentId, "student");
    assertThat(own.next("status").get("status").asText()).isEqualTo("MATCHING");
    own.close();
  }

  // --- /ws/tutor ---

  @Test
  void theTutorSocketDrivesPresence() throws Exception {
    String tutorId = tutor(language());
    assertThat(presence(tutorId)).isEqualTo("OFFLINE");
    TestSocket socket = open("/ws/tutor", tutorId, "tutor");
    awaitPresence(tutorId, "ONLINE");

    socket.send("{\"type\":\"status\",\"status\":\"AWAY\"}");
    awaitPresence(tutorId, "AWAY");
    socket.send("{\"type\":\"status\",\"status\":\"AVAILABLE\"}");
    awaitPresence(tutorId, "ONLINE");
    assertPingPong(socket);

    socket.close();
    assertThat(socket.awaitClose().code()).isEqualTo(1000);
    awaitPresence(tutorId, "OFFLINE");
  }

  @Test
  void aTutorWithoutProfileIsToldAndClosed() throws Exception {
    TestSocket socket = open("/ws/tutor", unique("tutor"), "tutor");
    assertError(socket, "no-profile");
    assertThat(socket.awaitClose().code()).isEqualTo(1008);
  }

  @Test
  void aSecondConnectionReplacesTheFirst() throws Exception {
    String tutorId = tutor(language());
    TestSocket first = open("/ws/tutor", tutorId, "tutor");
    awaitPresence(tutorId, "ONLINE");
    TestSocket second = open("/ws/tutor", tutorId, "tutor");

    TestSocket.CloseStatus closed = first.awaitClose();
    assertThat(closed.code()).isEqualTo(4001);
    assertThat(closed.reason()).contains("replaced");
    assertPingPong(second);
    assertThat(presence(tutorId)).as("the first socket's close does not take the tutor offline").isEqualTo("ONLINE");
    second.send("{\"type\":\"status\",\"status\":\"AWAY\"}");
    awaitPresence(tutorId, "AWAY");
    second.close();
    awaitPresence(tutorId, "OFFLINE");
  }

  @Test
  void badFramesGetErrorFramesAndTheSocketStaysUsable() throws Exception {
    String tutorId = tutor(language());
    TestSocket socket = open("/ws/tutor", tutorId, "tutor");
    awaitPresence(tutorId, "ONLINE");

    socket.send("{\"type\":\"status\",");
    assertError(socket, "bad-json");
    socket.send("[\"status\"]");
    assertError(socket, "bad-json");
    socket.send("{\"status\":\"AWAY\"}");
    assertError(socket, "unknown-type");
    socket.send("{\"type\":\"teleport\"}");
    assertError(socket, "unknown-type");
    socket.send("{\"type\":\"status\",\"status\":5}");
    assertError(socket, "bad-field");
    socket.send("{\"type\":\"status\",\"status\":\"BUSY\"}");
    assertError(socket, "bad-field");
    socket.send("{\"type\":\"accept\"}");
    assertError(socket, "bad-field");
    socket.send("{\"type\":\"accept\",\"offerId\":{\"id\":1}}");
    assertError(socket, "bad-field");
    socket.send("{\"type\":\"accept\",\"offerId\":\"" + UUID.randomUUID() + "\"}");
    assertError(socket, "unknown-offer");
    socket.send("{\"type\":\"decline\",\"offerId\":\"" + UUID.randomUUID() + "\"}");
    assertError(socket, "unknown-offer");
    Callback.Completable sent = new Callback.Completable();
    sessionOf(socket).sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), sent);
    sent.get(5, TimeUnit.SECONDS);
    assertError(socket, "bad-json");

    assertPingPong(socket);
    assertThat(presence(tutorId)).isEqualTo("ONLINE");
    socket.close();
  }

  @Test
  void aBurstIsRateLimitedAndTheSocketRecovers() throws Exception {
    String tutorId = tutor(language());
    TestSocket socket = open("/ws/tutor", tutorId, "tutor");
    for (int i = 0; i < 100; i++) {
      socket.sendAsync("{\"type\":\"ping\"}");
    }
    List<JsonNode> frames = new ArrayList<>();
    for (JsonNode frame = socket.poll(QUIET); frame != null; frame = socket.poll(QUIET)) {
      frames.add(frame);
    }
    long pongs = frames.stream().filter(f -> f.get("type").asText().equals("pong")).count();
    long limited = frames.stream().filter(f -> "rate-limited".equals(f.path("code").asText())).count();
    long dropped = 100 - pongs;
    assertThat(pongs).as("the burst of 40 passes, most of the rest is dropped").isBetween(40L, 80L);
    assertThat(limited).as("one error per run of dropped frames, not one per dropped frame").isBetween(1L, Math.min(10L, dropped / 2));

    // Tokens come back at 5 per second: the socket answers again.
    JsonNode answer = null;
    long deadline = System.nanoTime() + TestSocket.WAIT.toNanos();
    while (answer == null && System.nanoTime() < deadline) {
      socket.send("{\"type\":\"ping\"}");
      answer = socket.poll(Duration.ofMillis(200));
    }
    assertThat(answer).isNotNull();
    assertThat(answer.get("type").asText()).isEqualTo("pong");
    assertThat(api.get("/health", null).status()).isEqualTo(200);
    socket.close();
  }

  @Test
  void aFrameOver64KiBClosesTheSocketWith1009() throws Exception {
    String tutorId = tutor(language());
    TestSocket socket = open("/ws/tutor", tutorId, "tutor");
    socket.sendAsync("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
    assertThat(socket.awaitClose().code()).isEqualTo(1009);
    awaitPresence(tutorId, "OFFLINE");
  }

  @Test
  void aMessageSentInFramesIsOneMessage() throws Exception {
    String tutorId = tutor(language());
    TestSocket socket = open("/ws/tutor", tutorId, "tutor");
    awaitPresence(tutorId, "ONLINE");

    sendPart(socket, "{\"type\":\"sta", false);
    sendPart(socket, "tus\",\"status\":", false);
    sendPart(socket, "\"AWAY\"}", true);

    awaitPresence(tutorId, "AWAY");
    assertPingPong(socket);
    socket.close();
  }

  @Test
  void aMessageOver64KiBInFramesUnder64KiBClosesTheSocketWith1009() throws Exception {
    String tutorId = tutor(language());
    TestSocket socket = open("/ws/tutor", tutorId, "tutor");
    awaitPresence(tutorId, "ONLINE");

    sendPart(socket, "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(40 * 1024), false);
    sendPart(socket, "y".repeat(40 * 1024) + "\"}", true);

    assertThat(socket.awaitClose().code()).isEqualTo(1009);
    awaitPresence(tutorId, "OFFLINE");
  }

  @Test
  void theServerAnswersAProtocolPingWithItsPayload() throws Exception {
    TestSocket socket = open("/ws/tutor", tutor(language()), "tutor");
    Callback.Completable sent = new Callback.Completable();

    sessionOf(socket).sendPing(ByteBuffer.wrap(new byte[] {7, 8, 9}), sent);
    sent.get(5, TimeUnit.SECONDS);

    assertThat(socket.nextPong()).isEqualTo(ByteBuffer.wrap(new byte[] {7, 8, 9}));
    socket.close();
  }

  private static void sendPart(TestSocket socket, String part, boolean last) throws Exception {
    Callback.Completable sent = new Callback.Completable();
    sessionOf(socket).sendPartialText(part, last, sent);
    sent.get(5, TimeUnit.SECONDS);
  }

  // --- offers and the room ---

  @Test
  void anOfferIsShownAcceptedAndTheRoomSeesTheMatch() throws Exception {
    String language = language();
    String tutorId = tutor(language);
    TestSocket tutorSocket = open("/ws/tutor", tutorId, "tutor");
    awaitPresence(tutorId, "ONLINE");
    String studentId = student(language);
    String sessionId = instantRequest(studentId, language);
    TestSocket room = open("/ws/session/" + sessionId, studentId, "student");
    assertThat(room.next("status").get("status").asText()).isEqualTo("MATCHING");

    JsonNode offer = tutorSocket.next("offer");
    assertThat(offer.get("sessionId").asText()).isEqualTo(sessionId);
    assertThat(offer.get("subject").asText()).isEqualTo("math");
    assertThat(offer.get("level").asText()).isEqualTo("high");
    assertThat(offer.get("language").asText()).isEqualTo(language);
    assertThat(offer.get("durationMinutes").asInt()).isEqualTo(30);
    assertThat(offer.get("rateCents").asLong()).isEqualTo(4000);
    assertThat(offer.get("currency").asText()).isEqualTo("EUR");
    assertThat(offer.get("expiresAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    String offerId = offer.get("offerId").asText();
    tutorSocket.send("{\"type\":\"accept\",\"offerId\":\"" + offerId + "\"}");
    assertThat(tutorSocket.next("matched").get("sessionId").asText()).isEqualTo(sessionId);
    JsonNode matched = room.next("status");
    assertThat(matched.get("status").asText()).isEqualTo("MATCHED");
    assertThat(matched.get("tutorId").asText()).isEqualTo(tutorId);
    awaitPresence(tutorId, "BUSY");

    tutorSocket.send("{\"type\":\"accept\",\"offerId\":\"" + offerId + "\"}");
    assertError(tutorSocket, "unknown-offer");

    TestSocket tutorRoom = open("/ws/session/" + sessionId, tutorId, "tutor");
    JsonNode status = tutorRoom.next("status");
    assertThat(status.get("status").asText()).isEqualTo("MATCHED");
    tutorRoom.send("{\"type\":\"chat\",\"text\":\"hello\",\"clientId\":\"c1\"}");
    assertThat(tutorRoom.next("chat").get("seq").asLong()).isEqualTo(1);
    tutorRoom.send("{\"type\":\"juggle\"}");
    assertError(tutorRoom, "unknown-type");
    assertPingPong(tutorRoom);
    for (TestSocket s : List.of(tutorRoom, room, tutorSocket)) {
      s.close();
    }
  }

  @Test
  void aRestInstantRequestReachesTheTutorSocketAndTheRoom() throws Exception {
    String language = language();
    String tutorId = tutor(language);
    TestSocket tutorSocket = open("/ws/tutor", tutorId, "tutor");
    awaitPresence(tutorId, "ONLINE");
    String studentId = student(language);
    String studentToken = api.token(studentId, "student");
    Api.Reply requested = api.post("/v1/instant-requests", studentToken, """
        {"subject":"math","level":"high","language":"%s","maxRateCents":5000,"durationMinutes":30}
        """.formatted(language));
    assertThat(requested.status()).as(requested.body()).isEqualTo(202);
    String sessionId = requested.json().get("sessionId").asText();

    JsonNode offer = tutorSocket.next("offer");
    assertThat(offer.get("sessionId").asText()).isEqualTo(sessionId);
    TestSocket room = TestSocket.open(client, ws, "/ws/session/" + sessionId + "?token=" + studentToken);
    assertThat(room.next("status").get("status").asText()).isEqualTo("MATCHING");
    tutorSocket.send("{\"type\":\"accept\",\"offerId\":\"" + offer.get("offerId").asText() + "\"}");
    assertThat(tutorSocket.next("matched").get("sessionId").asText()).isEqualTo(sessionId);
    assertThat(room.next("status").get("tutorId").asText()).isEqualTo(tutorId);
    room.close();
    tutorSocket.close();
  }

  @Test
  void aDeclinedOfferIsForgotten() throws Exception {
    String language = language();
    String tutorId = tutor(language);
    TestSocket tutorSocket = open("/ws/tutor", tutorId, "tutor");
    awaitPresence(tutorId, "ONLINE");
    instantRequest(student(language), language);

    String offerId = tutorSocket.next("offer").get("offerId").asText();
    tutorSocket.send("{\"type\":\"decline\",\"offerId\":\"" + offerId + "\"}");
    tutorSocket.expectNothing(QUIET);
    tutorSocket.send("{\"type\":\"accept\",\"offerId\":\"" + offerId + "\"}");
    assertError(tutorSocket, "unknown-offer");
    assertThat(presence(tutorId)).isEqualTo("ONLINE");
    tutorSocket.close();
  }

  // --- /ws/availability ---

  @Test
  void partnersGetASnapshotThenDeltasFilteredByLanguageAndLevel() throws Exception {
    String language = language();
    String tutorId = tutor(language);
    TestSocket tutorSocket = open("/ws/tutor", tutorId, "tutor");
    awaitPresence(tutorId, "ONLINE");

    TestSocket partner = open("/ws/availability", unique("partner"), "partner");
    partner.send("{\"type\":\"subscribe\",\"subject\":\"math\",\"language\":\"" + language + "\"}");
    JsonNode snapshot = partner.next();
    assertThat(snapshot.get("type").asText()).isEqualTo("snapshot");
    assertThat(snapshot.get("subject").asText()).isEqualTo("math");
    assertThat(snapshot.get("tutors")).hasSize(1);
    JsonNode entry = snapshot.get("tutors").get(0);
    assertThat(entry.get("tutorId").asText()).isEqualTo(tutorId);
    assertThat(entry.get("displayName").asText()).isEqualTo("Ada " + tutorId);
    assertThat(entry.get("subjects").toString()).isEqualTo("[\"math\",\"physics\"]");
    assertThat(entry.get("languages").toString()).isEqualTo("[\"" + language + "\"]");
    assertThat(entry.get("levels").toString()).isEqualTo("[\"high\",\"university\"]");
    assertThat(entry.get("rateCents").asLong()).isEqualTo(4000);
    assertThat(entry.get("currency").asText()).isEqualTo("EUR");
    assertThat(entry.get("rating").get("average").isNull()).isTrue();
    assertThat(entry.get("rating").get("count").asInt()).isZero();

    TestSocket admin = open("/ws/availability", unique("admin"), "admin");
    admin.send("{\"type\":\"subscribe\",\"subject\":\"math\",\"language\":\"" + language + "\",\"level\":\"university\"}");
    assertThat(admin.next().get("tutors")).hasSize(1);
    TestSocket primary = open("/ws/availability", unique("partner"), "partner");
    primary.send("{\"type\":\"subscribe\",\"subject\":\"math\",\"language\":\"" + language + "\",\"level\":\"primary\"}");
    assertThat(primary.next().get("tutors")).isEmpty();
    TestSocket otherLanguage = open("/ws/availability", unique("partner"), "partner");
    otherLanguage.send("{\"type\":\"subscribe\",\"subject\":\"math\",\"language\":\"" + language() + "\"}");
    assertThat(otherLanguage.next().get("tutors")).isEmpty();

    tutorSocket.send("{\"type\":\"status\",\"status\":\"AWAY\"}");
    JsonNode gone = partner.next();
    assertThat(gone.get("type").asText()).isEqualTo("unavailable");
    assertThat(gone.get("tutorId").asText()).isEqualTo(tutorId);
    assertThat(gone.get("subject").asText()).isEqualTo("math");
    assertThat(admin.next().get("type").asText()).isEqualTo("unavailable");

    tutorSocket.send("{\"type\":\"status\",\"status\":\"AVAILABLE\"}");
    JsonNode back = partner.next();
    assertThat(back.get("type").asText()).isEqualTo("available");
    assertThat(back.get("tutorId").asText()).isEqualTo(tutorId);
    assertThat(back.get("subject").asText()).isEqualTo("math");
    assertThat(back.get("levels").toString()).isEqualTo("[\"high\",\"university\"]");
    assertThat(back.get("rating").get("count").asInt()).isZero();
    assertThat(admin.next().get("type").asText()).isEqualTo("available");

    primary.expectNothing(QUIET);
    otherLanguage.expectNothing(Duration.ZERO);

    partner.send("{\"type\":\"unsubscribe\",\"subject\":\"math\"}");
    assertPingPong(partner); // the unsubscribe is done once the pong is back
    tutorSocket.close();
    assertThat(admin.next().get("type").asText()).isEqualTo("unavailable");
    partner.expectNothing(QUIET);
    for (TestSocket s : List.of(partner, admin, primary, otherLanguage)) {
      s.close();
    }
  }

  @Test
  void subscriptionsAreValidatedAndBounded() throws Exception {
    TestSocket partner = open("/ws/availability", unique("partner"), "partner");
    partner.send("{\"type\":\"subscribe\"}");
    assertError(partner, "bad-field");
    partner.send("{\"type\":\"subscribe\",\"subject\":\"alchemy\"}");
    assertError(partner, "bad-field");
    partner.send("{\"type\":\"subscribe\",\"subject\":\"math\",\"language\":\"xx\"}");
    assertError(partner, "bad-field");
    partner.send("{\"type\":\"subscribe\",\"subject\":\"latin\",\"level\":\"primary\"}");
    assertError(partner, "bad-field");
    partner.send("{\"type\":\"subscribe\",\"subject\":\"math\",\"level\":7}");
    assertError(partner, "bad-field");

    String language = language(); // nobody speaks it: every snapshot is empty
    for (String subject : List.of("math", "physics", "chemistry")) {
      partner.send("{\"type\":\"subscribe\",\"subject\":\"" + subject + "\",\"language\":\"" + language + "\"}");
      assertThat(partner.next().get("type").asText()).isEqualTo("snapshot");
    }
    partner.send("{\"type\":\"subscribe\",\"subject\":\"math\",\"language\":\"" + language + "\",\"level\":\"high\"}");
    assertThat(partner.next().get("type").asText()).as("re-subscribing replaces the filters").isEqualTo("snapshot");
    partner.send("{\"type\":\"subscribe\",\"subject\":\"biology\",\"language\":\"" + language + "\"}");
    assertError(partner, "too-many-subscriptions");
    partner.send("{\"type\":\"unsubscribe\",\"subject\":\"physics\"}");
    partner.send("{\"type\":\"subscribe\",\"subject\":\"biology\",\"language\":\"" + language + "\"}");
    JsonNode snapshot = partner.next();
    assertThat(snapshot.get("type").asText()).isEqualTo("snapshot");
    assertThat(snapshot.get("subject").asText()).isEqualTo("biology");
    assertPingPong(partner);
    partner.close();
  }

  private static org.eclipse.jetty.websocket.api.Session sessionOf(TestSocket socket) {
    return socket.session();
  }
}
