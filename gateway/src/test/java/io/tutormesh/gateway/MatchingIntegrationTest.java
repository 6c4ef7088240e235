package io.tutormesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
import io.tutormesh.gateway.testing.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Instant matching end to end: real tutor sockets, real REST, the real Cassandra. Each test uses
 * its own subject so that tutors of one test never receive another test's offers.
 */
class MatchingIntegrationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private static Node node;
  private static Api api;

  @BeforeAll
  static void startNode() throws Exception {
    node =
        TestNodes.start(
            Map.of(
                "tutormesh.matching.offer-timeout", "1500ms",
                "tutormesh.matching.request-timeout", "8s",
                "tutormesh.matching.retry-interval", "100ms"));
    api = new Api(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.stop();
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
  }

  /** A tutor of `subject` (all its levels, French and English, 30.00/h) with an open socket. */
  private static Tutor tutor(String subject, java.util.function.BiConsumer<WsClient, JsonNode> onFrame) throws Exception {
    String id = unique("tutor");
    String token = api.token(id, "tutor");
    String profile =
        """
        {"displayName":"T %s","subjects":[{"subject":"%s","levels":["middle","high","university"]}],
         "languages":["fr","en"],"rateCents":3000,"currency":"EUR","timezone":"Europe/Paris"}
        """.formatted(id, subject);
    assertThat(api.put("/v1/tutors/" + id, token, profile).status()).isEqualTo(200);
    WsClient socket = WsClient.connect(node.wsPort(), "/ws/tutor", token, onFrame);
    awaitTrue(() -> "ONLINE".equals(api.get("/v1/tutors/" + id, token).json().path("presence").asText()), "tutor " + id + " ONLINE");
    return new Tutor(id, token, socket);
  }

  private static Tutor tutor(String subject) throws Exception {
    return tutor(subject, (socket, frame) -> {});
  }

  /** Accepts every offer as soon as it arrives. */
  private static Tutor eagerTutor(String subject) throws Exception {
    return tutor(subject, (socket, frame) -> {
      if ("offer".equals(frame.path("type").asText())) {
        socket.send("{\"type\":\"accept\",\"offerId\":\"" + frame.get("offerId").asText() + "\"}");
      }
    });
  }

  record Tutor(String id, String token, WsClient socket) {}

  record Student(String id, String token) {}

  private static Student student() {
    String id = unique("student");
    String token = api.token(id, "student");
    String profile = "{\"displayName\":\"S\",\"level\":\"high\",\"languages\":[\"fr\"],\"timezone\":\"Europe/Paris\"}";
    assertThat(api.put("/v1/students/" + id, token, profile).status()).isEqualTo(200);
    Funding.fund(api, id, token);
    return new Student(id, token);
  }

  private static String request(Student student, String subject) {
    String body = "{\"subject\":\"%s\",\"level\":\"high\",\"language\":\"fr\",\"maxRateCents\":5000,\"durationMinutes\":60}".formatted(subject);
    Reply reply = api.post("/v1/instant-requests", student.token(), body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    assertThat(reply.json().get("status").asText()).isEqualTo("MATCHING");
    return reply.json().get("sessionId").asText();
  }

  private static JsonNode session(String sessionId, String token) {
    Reply reply = api.get("/v1/sessions/" + sessionId, token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private static JsonNode awaitStatus(String sessionId, String token, String status) throws InterruptedException {
    awaitTrue(() -> status.equals(session(sessionId, token).path("status").asText()), "session " + sessionId + " " + status);
    return session(sessionId, token);
  }

  private static void accept(Tutor tutor, JsonNode offer) {
    tutor.socket().send("{\"type\":\"accept\",\"offerId\":\"" + offer.get("offerId").asText() + "\"}");
  }

  @Test
  void anOfferIsAcceptedAndBothSidesSeeTheMatch() throws Exception {
    Tutor ada = tutor("music");
    Student student = student();
    String sessionId = request(student, "music");

    JsonNode offer = ada.socket().await("offer", o -> o.get("sessionId").asText().equals(sessionId));
    assertThat(offer.get("subject").asText()).isEqualTo("music");
    assertThat(offer.get("rateCents").asLong()).isEqualTo(3000);
    assertThat(offer.get("durationMinutes").asInt()).isEqualTo(60);
    assertThat(Instant.parse(offer.get("expiresAt").asText())).isAfter(Instant.now());
    try (WsClient room = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, student.token())) {
      assertThat(room.await("status").get("status").asText()).isEqualTo("MATCHING");
      accept(ada, offer);

      assertThat(ada.socket().await("matched").get("sessionId").asText()).isEqualTo(sessionId);
      JsonNode matched = room.await("status", s -> s.get("status").asText().equals("MATCHED"));
      assertThat(matched.get("tutorId").asText()).isEqualTo(ada.id());
    }
    JsonNode session = session(sessionId, student.token());
    assertThat(session.get("status").asText()).isEqualTo("MATCHED");
    assertThat(session.get("tutorId").asText()).isEqualTo(ada.id());
    assertThat(session.get("timeline").findValuesAsText("status")).containsExactly("MATCHING", "MATCHED");
    assertThat(api.get("/v1/tutors/" + ada.id(), ada.token()).json().get("presence").asText()).isEqualTo("BUSY");
    assertThat(session(sessionId, ada.token()).get("status").asText()).as("the tutor may read it").isEqualTo("MATCHED");

    // A stale accept of the same offer is refused with an error frame; the socket stays open.
    accept(ada, offer);
    assertThat(ada.socket().await("error").get("code").asText()).isNotBlank();
    ada.socket().close();
  }

  @Test
  void aDeclineATimeoutAndADisconnectEachMoveOnToTheNextTutor() throws Exception {
    Tutor first = tutor("physics");
    Student student = student();
    String sessionId = request(student, "physics");
    JsonNode offer1 = first.socket().await("offer", o -> o.get("sessionId").asText().equals(sessionId));

    Tutor second = tutor("physics");
    first.socket().send("{\"type\":\"decline\",\"offerId\":\"" + offer1.get("offerId").asText() + "\"}");
    // Declined: the next tutor gets it; letting it time out moves on again (the offer is withdrawn).
    JsonNode offer2 = second.socket().await("offer", o -> o.get("sessionId").asText().equals(sessionId));
    Tutor third = tutor("physics");
    second.socket().await("offer-withdrawn", w -> w.get("offerId").asText().equals(offer2.get("offerId").asText()));

    JsonNode offer3 = third.socket().await("offer", o -> o.get("sessionId").asText().equals(sessionId));
    Tutor fourth = eagerTutor("physics");
    third.socket().close(); // the tutor holding the offer goes away: the next one gets it at once

    assertThat(fourth.socket().await("matched").get("sessionId").asText()).isEqualTo(sessionId);
    JsonNode session = awaitStatus(sessionId, student.token(), "MATCHED");
    assertThat(session.get("tutorId").asText()).isEqualTo(fourth.id());
    assertThat(offer3.get("offerId").asText()).isNotEqualTo(offer1.get("offerId").asText());
    List.of(first, second, fourth).forEach(t -> t.socket().close());
  }

  @Test
  void theStudentCancelsWhileMatchingAndTheOfferIsWithdrawn() throws Exception {
    Tutor ada = tutor("chemistry");
    Student student = student();
    String sessionId = request(student, "chemistry");
    JsonNode offer = ada.socket().await("offer", o -> o.get("sessionId").asText().equals(sessionId));

    Reply cancelled = api.post("/v1/sessions/" + sessionId + "/cancel", student.token(), "{}");

    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("status").asText()).isEqualTo("CANCELLED");
    ada.socket().await("offer-withdrawn", w -> w.get("offerId").asText().equals(offer.get("offerId").asText()));
    accept(ada, offer);
    assertThat(ada.socket().await("error").get("code").asText()).isNotBlank();
    assertThat(api.post("/v1/sessions/" + sessionId + "/cancel", student.token(), "{}").status()).isEqualTo(409);
    assertThat(api.get("/v1/tutors/" + ada.id(), ada.token()).json().get("presence").asText()).isEqualTo("ONLINE");
    // The request is closed: the student may ask again.
    String again = request(student, "chemistry");
    assertThat(api.post("/v1/sessions/" + again + "/cancel", student.token(), "{}").status()).isEqualTo(200);
    ada.socket().close();
  }

  @Test
  void twoStudentsRacingForTheOnlyTutorGiveExactlyOneMatchAndTheOtherEndsNoTutor() throws Exception {
    Tutor only = eagerTutor("latin");
    Student one = student();
    Student two = student();

    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<String> first = pool.submit(() -> request(one, "latin"));
    Future<String> second = pool.submit(() -> request(two, "latin"));
    String sessionOne = first.get(30, TimeUnit.SECONDS);
    String sessionTwo = second.get(30, TimeUnit.SECONDS);
    pool.shutdown();

    String matchedSession = only.socket().await("matched").get("sessionId").asText();
    String otherSession = matchedSession.equals(sessionOne) ? sessionTwo : sessionOne;
    String otherToken = matchedSession.equals(sessionOne) ? two.token() : one.token();
    JsonNode other = awaitStatus(otherSession, otherToken, "NO_TUTOR");
    assertThat(other.get("tutorId").isNull() || other.get("tutorId").isMissingNode()).isTrue();
    String matchedToken = matchedSession.equals(sessionOne) ? one.token() : two.token();
    assertThat(session(matchedSession, matchedToken).get("tutorId").asText()).isEqualTo(only.id());
    only.socket().close();
  }

  @Test
  void fiftyTutorsAndAHundredConcurrentRequestsMatchEverySessionOnceAndNoTutorTwiceAtATime() throws Exception {
    List<Tutor> tutors = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      tutors.add(eagerTutor("math"));
    }
    List<Student> students = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      students.add(student());
    }

    ExecutorService pool = Executors.newFixedThreadPool(20);
    List<Future<String>> requests = new ArrayList<>();
    for (Student student : students) {
      requests.add(pool.submit(() -> request(student, "math")));
    }
    Map<String, Student> sessions = new ConcurrentHashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      sessions.put(requests.get(i).get(30, TimeUnit.SECONDS), students.get(i));
    }
    // Each student, once matched, ends the session (cancel) so that its tutor takes the next one.
    List<Future<JsonNode>> outcomes = new ArrayList<>();
    for (Map.Entry<String, Student> entry : sessions.entrySet()) {
      outcomes.add(pool.submit(() -> {
        awaitStatus(entry.getKey(), entry.getValue().token(), "MATCHED");
        Reply cancelled = api.post("/v1/sessions/" + entry.getKey() + "/cancel", entry.getValue().token(), "{}");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        return session(entry.getKey(), entry.getValue().token());
      }));
    }
    Map<String, List<Instant[]>> busyByTutor = new HashMap<>();
    for (Future<JsonNode> outcome : outcomes) {
      JsonNode session = outcome.get(60, TimeUnit.SECONDS);
      List<String> statuses = session.get("timeline").findValuesAsText("status");
      assertThat(statuses).containsExactly("MATCHING", "MATCHED", "CANCELLED");
      Instant matchedAt = Instant.parse(session.get("timeline").get(1).get("at").asText());
      Instant endedAt = Instant.parse(session.get("timeline").get(2).get("at").asText());
      busyByTutor.computeIfAbsent(session.get("tutorId").asText(), t -> new ArrayList<>()).add(new Instant[] {matchedAt, endedAt});
    }
    pool.shutdown();

    assertThat(busyByTutor.keySet()).isSubsetOf(tutors.stream().map(Tutor::id).collect(java.util.stream.Collectors.toSet()));
    for (Map.Entry<String, List<Instant[]>> entry : busyByTutor.entrySet()) {
      List<Instant[]> spans = new ArrayList<>(entry.getValue());
      spans.sort((a, b) -> a[0].compareTo(b[0]));
      for (int i = 1; i < spans.size(); i++) {
        assertThat(spans.get(i)[0]).as("tutor " + entry.getKey() + " in two sessions at once").isAfterOrEqualTo(spans.get(i - 1)[1]);
      }
    }
    assertThat(busyByTutor.values().stream().mapToInt(List::size).sum()).isEqualTo(100);
    for (Tutor tutor : tutors) {
      tutor.socket().close();
    }
  }

  /** Polls a condition with a deadline (the engine is asynchronous; nothing here sleeps blindly). */
  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + DEADLINE + ": " + what);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }
}
