package io.tutormesh.gateway.session;

import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Matched sessions and their room sockets on a test node. Each session has its own tutor, who
 * speaks a language of its own, so that no other test's tutor takes its request.
 */
final class Rooms {

  static final Duration DEADLINE = Duration.ofSeconds(20);
  static final Predicate<JsonNode> ENTRY = f -> List.of("chat", "wb").contains(f.path("type").asText());
  private static final List<String> LANGUAGES =
      List.of("sv", "da", "fi", "nl", "pl", "cs", "hu", "ro", "el", "tr", "uk", "he", "ja", "ko", "vi", "th", "id", "ms", "sw", "no");
  private static final AtomicInteger nextLanguage = new AtomicInteger();

  record Room(String sessionId, String studentId, String studentToken, String tutorId, String tutorToken, WsClient tutorSocket) {}

  private final Api api;
  private volatile int wsPort;

  Rooms(Node node) {
    this.api = new Api(node.httpPort());
    this.wsPort = node.wsPort();
  }

  Api api() {
    return api;
  }

  int wsPort() {
    return wsPort;
  }

  /** A tutor who accepts at once and a student whose instant request it accepted: a MATCHED session. */
  Room matched() throws Exception {
    String language = LANGUAGES.get(nextLanguage.getAndIncrement() % LANGUAGES.size());
    String tutorId = unique("tutor");
    String tutorToken = api.token(tutorId, "tutor");
    Reply tutor = api.put("/v1/tutors/" + tutorId, tutorToken, Fixtures.tutorJson("Ada", "chemistry", List.of("high"), List.of(language), 3000));
    assertThat(tutor.status()).as(tutor.body()).isEqualTo(200);
    WsClient tutorSocket = WsClient.connect(wsPort, "/ws/tutor", tutorToken, (socket, frame) -> {
      if ("offer".equals(frame.path("type").asText())) {
        socket.send("{\"type\":\"accept\",\"offerId\":\"" + frame.get("offerId").asText() + "\"}");
      }
    });
    awaitTrue(() -> "ONLINE".equals(api.get("/v1/tutors/" + tutorId, tutorToken).json().path("presence").asText()), "tutor online");
    String studentId = unique("student");
    String studentToken = api.token(studentId, "student");
    assertThat(api.put("/v1/students/" + studentId, studentToken, Fixtures.studentJson("Sam")).status()).isEqualTo(200);
    Funding.fund(api, studentId, studentToken);
    Reply requested = api.post("/v1/instant-requests", studentToken, Fixtures.instantJson("chemistry", "high", language, 5000, 60));
    assertThat(requested.status()).as(requested.body()).isEqualTo(202);
    String sessionId = requested.json().get("sessionId").asText();
    awaitTrue(() -> "MATCHED".equals(session(sessionId, studentToken).path("status").asText()), "session matched");
    return new Room(sessionId, studentId, studentToken, tutorId, tutorToken, tutorSocket);
  }

  WsClient join(Room room, String token) throws Exception {
    return WsClient.connect(wsPort, "/ws/session/" + room.sessionId(), token);
  }

  /** Both participants in the room: LIVE. Returns the student's socket, then the tutor's. */
  WsClient[] live(Room room) throws Exception {
    WsClient student = join(room, room.studentToken());
    assertThat(student.await("status").get("status").asText()).isEqualTo("MATCHED");
    WsClient tutor = join(room, room.tutorToken());
    student.await("status", f -> f.get("status").asText().equals("LIVE"));
    tutor.await("status", f -> f.get("status").asText().equals("LIVE"));
    return new WsClient[] {student, tutor};
  }

  JsonNode session(String sessionId, String token) {
    return api.get("/v1/sessions/" + sessionId, token).json();
  }

  JsonNode transcript(Room room, String token, String query) {
    Reply reply = api.get("/v1/sessions/" + room.sessionId() + "/transcript" + query, token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  static String chat(String text, String clientId) {
    return "{\"type\":\"chat\",\"text\":\"" + text + "\",\"clientId\":\"" + clientId + "\"}";
  }

  static String stroke(String id, int x) {
    return "{\"type\":\"wb\",\"op\":{\"kind\":\"stroke\",\"id\":\"" + id + "\",\"points\":[[" + x + ",1],[" + (x + 5) + ",6]],\"color\":\"#112233\",\"width\":2}}";
  }

  static List<Long> seqs(List<JsonNode> frames) {
    return frames.stream().map(f -> f.get("seq").asLong()).toList();
  }

  static void assertError(WsClient socket, String code) throws InterruptedException {
    JsonNode error = socket.await("error");
    assertThat(error.get("code").asText()).as(error.toString()).isEqualTo(code);
    assertThat(error.get("message").asText()).isNotBlank();
  }

  static void close(Room room, WsClient... sockets) {
    for (WsClient socket : sockets) {
      socket.close();
    }
    room.tutorSocket().close();
  }

  static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + DEADLINE + ": " + what);
      }
      TimeUnit.MILLISECONDS.sleep(50); // poll interval, bounded by the deadline
    }
  }
}
