package io.tutormesh.gateway.session;

import static io.tutormesh.gateway.session.Fixtures.assertBadField;
import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.instantJson;
import static io.tutormesh.gateway.session.Fixtures.sample;
import static io.tutormesh.gateway.session.Fixtures.studentJson;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Overload of `POST /v1/instant-requests`: a refused request is a 503 problem with `Retry-After`
 * and leaves nothing open (API.md: nothing half-done on any error). Two nodes, each a cluster of
 * its own on the shared Cassandra with students of its own: one with no room for instant requests
 * (`max-in-flight-requests = 0`: every request is shed at the door), one whose requests always
 * reach the StudentEntity after their deadline (`accept-budget = 1ns`).
 */
class InstantRequestSheddingIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String CAPACITY = "tutormesh_matching_requests_shed_total{reason=\"capacity\"}";
  private static final String LATE = "tutormesh_matching_requests_shed_total{reason=\"late\"}";

  private static Node full;
  private static Api fullApi;
  private static Node late;
  private static Api lateApi;

  @BeforeAll
  static void startNodes() throws Exception {
    full = TestNodes.start(Map.of("tutormesh.matching.max-in-flight-requests", 0));
    fullApi = new Api(full.httpPort());
    late = TestNodes.start(Map.of("tutormesh.matching.accept-budget", "1ns"));
    lateApi = new Api(late.httpPort());
  }

  @AfterAll
  static void stopNodes() {
    if (full != null) {
      full.stop();
    }
    if (late != null) {
      late.stop();
    }
  }

  private static String registered(Api api, String studentId) {
    String token = api.token(studentId, "student");
    Reply created = api.put("/v1/students/" + studentId, token, studentJson("Blaise"));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    Funding.fund(api, studentId, token);
    return token;
  }

  private static Reply request(Api api, String token, String body) {
    return api.post("/v1/instant-requests", token, body);
  }

  private static void assertUnavailable(Reply reply) {
    assertProblem(reply, 503);
    assertThat(reply.header("Retry-After")).as("Retry-After").hasValue("1");
    assertThat(reply.json().get("type").asText()).endsWith("/unavailable");
    assertThat(reply.json().get("detail").asText()).contains("nothing was opened");
  }

  /**
   * Straight to the StudentEntity (no deadline): a physics request. Had anything stayed open, this
   * different request would be refused as a conflict; it is MATCHING instead.
   */
  private static String openDirectly(Node node, String studentId) throws Exception {
    SessionEntity.SessionSummary session = ClusterSharding.get(node.system())
        .entityRefFor(StudentEntity.ENTITY_KEY, studentId)
        .<SessionEntity.SessionSummary>askWithStatus(
            replyTo -> new StudentEntity.RequestInstantTutor(
                UUID.randomUUID().toString(), new InstantRequest("physics", "high", "en", 4000, 30), replyTo),
            TIMEOUT)
        .toCompletableFuture()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(session.status()).isEqualTo(SessionEntity.Status.MATCHING);
    assertThat(session.subject()).isEqualTo("physics");
    return session.sessionId();
  }

  @Test
  void atCapacityARequestIsAnsweredAtOnceWith503AndRetryAfterAndOpensNothing() throws Exception {
    String studentId = unique("student");
    String token = registered(fullApi, studentId);

    Reply shed = request(fullApi, token, instantJson("math", "high", "fr", 4000, 60));

    assertUnavailable(shed);
    assertThat(shed.json().get("detail").asText()).contains("capacity");
    String sessionId = openDirectly(full, studentId);
    Reply cancelled = fullApi.post("/v1/sessions/" + sessionId + "/cancel", token, null);
    assertThat(cancelled.status()).as("cancels are not shed: " + cancelled.body()).isEqualTo(200);
  }

  @Test
  void aShedRequestTouchesNoEntity() {
    // A student without a profile: its entity would answer 409. At the door, it is 503.
    Reply shed = request(fullApi, fullApi.token(unique("student"), "student"), instantJson("math", "high", "fr", 4000, 60));
    assertUnavailable(shed);
  }

  @Test
  void badInputIsStill400AtCapacity() {
    String token = registered(fullApi, unique("student"));
    assertBadField(request(fullApi, token, instantJson("alchemy", "high", "fr", 4000, 60)), "subject");
    assertBadField(request(fullApi, token, instantJson("math", "high", "xx", 4000, 60)), "language");
    assertBadField(request(fullApi, token, instantJson("math", "high", "fr", 4000, 10)), "durationMinutes");
    assertBadField(request(fullApi, token, "{\"subject\":\"math\",\"level\":\"high\",\"language\":\"fr\",\"durationMinutes\":60}"), "maxRateCents");
    assertBadField(request(fullApi, token, "[1,2]"), "");
  }

  @Test
  void theMetricsCountShedRequests() {
    String token = registered(fullApi, unique("student"));
    double before = sample(fullApi.get("/metrics", null).body(), CAPACITY);
    assertThat(before).as(CAPACITY + " is shown").isGreaterThanOrEqualTo(0);

    for (int i = 0; i < 3; i++) {
      assertUnavailable(request(fullApi, token, instantJson("math", "high", "fr", 4000, 60)));
    }
    request(fullApi, token, instantJson("alchemy", "high", "fr", 4000, 60)); // a 400 is not shed

    String metrics = fullApi.get("/metrics", null).body();
    assertThat(sample(metrics, CAPACITY)).isEqualTo(before + 3);
    assertThat(sample(metrics, "tutormesh_matching_requests_in_flight")).isZero();
    assertThat(sample(metrics, LATE)).isZero();
    assertThat(sample(metrics, "tutormesh_matching_requests_shed_total{reason=\"timeout\"}")).isZero();
  }

  @Test
  void aRequestPastItsDeadlineIs503AndOpensNothing() throws Exception {
    String studentId = unique("student");
    String token = registered(lateApi, studentId);
    double before = sample(lateApi.get("/metrics", null).body(), LATE);

    Reply tooLate = request(lateApi, token, instantJson("math", "high", "fr", 4000, 60));

    assertUnavailable(tooLate);
    assertThat(tooLate.json().get("detail").asText()).contains("in time");
    assertThat(sample(lateApi.get("/metrics", null).body(), LATE)).isEqualTo(before + 1);
    String sessionId = openDirectly(late, studentId);
    assertThat(lateApi.post("/v1/sessions/" + sessionId + "/cancel", token, null).status()).isEqualTo(200);
    // Bad input is still judged before any deadline.
    assertBadField(request(lateApi, token, instantJson("math", "kindergarten", "fr", 4000, 60)), "level");
  }
}
