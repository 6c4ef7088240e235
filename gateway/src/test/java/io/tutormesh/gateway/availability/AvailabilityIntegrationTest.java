package io.tutormesh.gateway.availability;

import static io.tutormesh.gateway.session.Fixtures.assertBadField;
import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.tutorJson;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.AvailabilityTopics;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `GET /v1/availability` and its event stream on a real node. Tutors go ONLINE through their
 * TutorEntity as the tutor socket would (see {@link TutorPresence}); each test uses its own
 * subject and language so that the tests of this class do not see each other's tutors.
 */
class AvailabilityIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static Node node;
  private static Api api;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNodes.start(Map.of("tutormesh.availability.stream.keep-alive", "1s"));
    api = new Api(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.stop();
    }
  }

  private static String tutor(String id, String subject, List<String> levels, List<String> languages) {
    String token = api.token(id, "tutor");
    Reply created = api.put("/v1/tutors/" + id, token, tutorJson("Tutor " + id, subject, levels, languages, 2500));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    return token;
  }

  private static List<String> tutorIds(Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("tutors").findValuesAsText("tutorId");
  }

  @Test
  void queriesAreChecked() {
    String partner = api.token(unique("partner"), "partner");
    for (String path : List.of("/v1/availability", "/v1/availability/stream")) {
      assertBadField(api.get(path, partner), "subject");
      assertBadField(api.get(path + "?subject=", partner), "subject");
      assertBadField(api.get(path + "?subject=alchemy", partner), "subject");
      assertBadField(api.get(path + "?subject=math&language=xx", partner), "language");
      assertBadField(api.get(path + "?subject=math&language=EN", partner), "language");
      assertBadField(api.get(path + "?subject=math&level=phd", partner), "level");
      assertBadField(api.get(path + "?subject=latin&level=primary", partner), "level");
      assertProblem(api.get(path + "?subject=math", null), 401);
      assertProblem(api.get(path + "?subject=math", "garbage"), 401);
      assertProblem(api.post(path + "?subject=math", partner, "{}"), 405);
    }
  }

  @Test
  void nobodyOnlineIsAnEmptyList() {
    Reply reply = api.get("/v1/availability?subject=programming&language=zu", api.token(unique("student"), "student"));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().get("subject").asText()).isEqualTo("programming");
    assertThat(reply.json().get("tutors")).isEmpty();
  }

  @Test
  void onlineTutorsAreListedWithTheirCardAndFiltered() throws Exception {
    String id = unique("tutor");
    tutor(id, "music", List.of("high", "adult"), List.of("de", "en"));
    String partner = api.token(unique("partner"), "partner");
    assertThat(tutorIds(api.get("/v1/availability?subject=music&language=de", partner))).doesNotContain(id);

    try (TutorPresence presence = TutorPresence.connect(node, id)) {
      Reply reply = api.get("/v1/availability?subject=music&language=de", partner);
      assertThat(tutorIds(reply)).contains(id);
      JsonNode entry = entryOf(reply.json(), id);
      assertThat(entry.get("displayName").asText()).isEqualTo("Tutor " + id);
      assertThat(entry.get("subjects").toString()).isEqualTo("[\"music\"]");
      assertThat(entry.get("languages").toString()).isEqualTo("[\"de\",\"en\"]");
      assertThat(entry.get("levels").toString()).isEqualTo("[\"high\",\"adult\"]");
      assertThat(entry.get("rateCents").asLong()).isEqualTo(2500);
      assertThat(entry.get("currency").asText()).isEqualTo("EUR");
      assertThat(entry.get("rating").get("count").asInt()).isZero();
      assertThat(entry.get("rating").get("average").isNull()).isTrue();

      assertThat(tutorIds(api.get("/v1/availability?subject=music&level=adult&language=en", partner))).contains(id);
      assertThat(tutorIds(api.get("/v1/availability?subject=music&language=ja", partner))).doesNotContain(id);
      assertThat(tutorIds(api.get("/v1/availability?subject=music&level=primary", partner))).doesNotContain(id);
      assertThat(tutorIds(api.get("/v1/availability?subject=math", partner))).doesNotContain(id);

      presence.setAvailable(false);
      assertThat(tutorIds(api.get("/v1/availability?subject=music&language=de", partner))).doesNotContain(id);
    }
  }

  @Test
  void theStreamStartsWithASnapshotThenFollowsChanges() throws Exception {
    String early = unique("tutor");
    tutor(early, "history", List.of("high"), List.of("ga"));
    String other = unique("tutor");
    tutor(other, "history", List.of("high"), List.of("en"));
    String late = unique("tutor");
    tutor(late, "history", List.of("high", "university"), List.of("ga", "en"));
    String admin = api.token(unique("admin"), "admin");

    try (TutorPresence earlyPresence = TutorPresence.connect(node, early);
        SseClient stream = SseClient.open(node.httpPort(), "/v1/availability/stream?subject=history&language=ga", api.token(unique("partner"), "partner"))) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.contentType()).startsWith("text/event-stream");

      SseClient.Event snapshot = stream.next(TIMEOUT);
      assertThat(snapshot.type()).isEqualTo("snapshot");
      assertThat(snapshot.data().get("type").asText()).isEqualTo("snapshot");
      assertThat(snapshot.data().get("subject").asText()).isEqualTo("history");
      assertThat(snapshot.data().get("tutors").findValuesAsText("tutorId")).containsExactly(early);
      assertThat(snapshot.data().get("tutors").get(0).get("levels").toString()).isEqualTo("[\"high\"]");

      // Not Irish-speaking: filtered out, so the next event is about the tutor who is.
      try (TutorPresence otherPresence = TutorPresence.connect(node, other);
          TutorPresence latePresence = TutorPresence.connect(node, late)) {
        SseClient.Event available = stream.next(TIMEOUT);
        assertThat(available.type()).isEqualTo("available");
        JsonNode frame = available.data();
        assertThat(frame.get("type").asText()).isEqualTo("available");
        assertThat(frame.get("tutorId").asText()).isEqualTo(late);
        assertThat(frame.get("subject").asText()).isEqualTo("history");
        assertThat(frame.get("displayName").asText()).isEqualTo("Tutor " + late);
        assertThat(frame.get("subjects").toString()).isEqualTo("[\"history\"]");
        assertThat(frame.get("languages").toString()).isEqualTo("[\"ga\",\"en\"]");
        assertThat(frame.get("levels").toString()).isEqualTo("[\"high\",\"university\"]");
        assertThat(frame.get("rateCents").asLong()).isEqualTo(2500);
        assertThat(frame.get("currency").asText()).isEqualTo("EUR");
        assertThat(frame.get("rating").get("count").asInt()).isZero();

        latePresence.setAvailable(false);
        SseClient.Event away = stream.next(TIMEOUT);
        assertThat(away.type()).isEqualTo("unavailable");
        assertThat(away.data().toString()).isEqualTo("{\"type\":\"unavailable\",\"tutorId\":\"" + late + "\",\"subject\":\"history\"}");

        latePresence.setAvailable(true);
        assertThat(stream.next(TIMEOUT).data().get("tutorId").asText()).isEqualTo(late);

        assertThat(api.post("/v1/admin/tutors/" + late + "/suspend", admin, "{\"reason\":\"audit\"}").status()).isEqualTo(200);
        SseClient.Event suspended = stream.next(TIMEOUT);
        assertThat(suspended.type()).isEqualTo("unavailable");
        assertThat(suspended.data().get("tutorId").asText()).isEqualTo(late);
      }

      earlyPresence.close();
      SseClient.Event offline = stream.next(TIMEOUT);
      assertThat(offline.type()).isEqualTo("unavailable");
      assertThat(offline.data().get("tutorId").asText()).isEqualTo(early);
    }
  }

  @Test
  void aTutorSocketMakesItsTutorAvailableUntilItCloses() throws Exception {
    String id = unique("tutor");
    tutor(id, "biology", List.of("middle"), List.of("cy"));
    String partner = api.token(unique("partner"), "partner");
    WebSocketClient client = new WebSocketClient();
    client.start();
    try (SseClient stream = SseClient.open(node.httpPort(), "/v1/availability/stream?subject=biology&language=cy", partner)) {
      assertThat(stream.next(TIMEOUT).data().get("tutors")).isEmpty();

      Session socket =
          client.connect(new Session.Listener.AutoDemanding() {}, URI.create("ws://127.0.0.1:" + node.wsPort() + "/ws/tutor?token=" + api.token(id, "tutor")))
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      SseClient.Event available = stream.next(TIMEOUT);
      assertThat(available.type()).isEqualTo("available");
      assertThat(available.data().get("tutorId").asText()).isEqualTo(id);
      assertThat(tutorIds(api.get("/v1/availability?subject=biology&language=cy", partner))).containsExactly(id);

      socket.close();
      SseClient.Event gone = stream.next(TIMEOUT);
      assertThat(gone.type()).isEqualTo("unavailable");
      assertThat(gone.data().get("tutorId").asText()).isEqualTo(id);
      assertThat(tutorIds(api.get("/v1/availability?subject=biology&language=cy", partner))).isEmpty();
    } finally {
      client.stop();
    }
  }

  @Test
  void anIdleStreamGetsKeepAliveComments() throws Exception {
    try (SseClient stream = SseClient.open(node.httpPort(), "/v1/availability/stream?subject=german&language=is", api.token(unique("admin"), "admin"))) {
      assertThat(stream.next(TIMEOUT).type()).isEqualTo("snapshot");
      stream.awaitComment(Duration.ofSeconds(5));
    }
  }

  @Test
  void clientsThatLeaveLeaveTheTopicAndTheReceptionistStaysUp() throws Exception {
    ActorRef<Topic.Command<AvailabilityEvent>> topic = AvailabilityTopics.get(node.system()).topic("spanish");
    TestProbe<Topic.TopicStats> stats = TestProbe.create(node.system());
    for (int i = 0; i < 2; i++) {
      SseClient stream = SseClient.open(node.httpPort(), "/v1/availability/stream?subject=spanish", api.token(unique("partner"), "partner"));
      assertThat(stream.next(TIMEOUT).type()).isEqualTo("snapshot");
      topic.tell(Topic.getTopicStats(stats.ref()));
      assertThat(stats.receiveMessage(TIMEOUT).localSubscriberCount()).isEqualTo(1);
      stream.close();
      stats.awaitAssert(TIMEOUT, () -> {
        topic.tell(Topic.getTopicStats(stats.ref()));
        assertThat(stats.receiveMessage(TIMEOUT).localSubscriberCount()).isZero();
        return null;
      });
    }
    // Subscribers come and go, the topic (de)registers each time: the receptionist must survive it.
    TestProbe<Receptionist.Listing> listing = TestProbe.create(node.system());
    node.system().receptionist().tell(Receptionist.find(ServiceKey.create(String.class, "alive-check"), listing.ref()));
    listing.expectMessageClass(Receptionist.Listing.class, TIMEOUT);
  }

  @Test
  void everyRoleMayReadTheStream() throws Exception {
    for (String role : List.of("student", "tutor", "partner", "admin")) {
      try (SseClient stream = SseClient.open(node.httpPort(), "/v1/availability/stream?subject=latin", api.token(unique(role), role))) {
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.next(TIMEOUT).type()).isEqualTo("snapshot");
      }
    }
  }

  private static JsonNode entryOf(JsonNode availability, String tutorId) {
    for (JsonNode entry : availability.get("tutors")) {
      if (entry.get("tutorId").asText().equals(tutorId)) {
        return entry;
      }
    }
    throw new AssertionError(tutorId + " not in " + availability);
  }
}
