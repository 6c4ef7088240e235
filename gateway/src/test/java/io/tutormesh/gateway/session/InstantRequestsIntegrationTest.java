package io.tutormesh.gateway.session;

import static io.tutormesh.gateway.session.Fixtures.assertBadField;
import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.instantJson;
import static io.tutormesh.gateway.session.Fixtures.sample;
import static io.tutormesh.gateway.session.Fixtures.studentJson;
import static io.tutormesh.gateway.session.Fixtures.tutorJson;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.availability.TutorPresence;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Instant requests and sessions through real HTTP, on a real node and the embedded Cassandra. */
class InstantRequestsIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static Node node;
  private static Api api;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNodes.start();
    api = new Api(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.stop();
    }
  }

  /** A registered student's token. */
  private static String student(String id) {
    String token = api.token(id, "student");
    Reply created = api.put("/v1/students/" + id, token, studentJson("Blaise"));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    Funding.fund(api, id, token);
    return token;
  }

  private static Reply request(String token, String body) {
    return api.post("/v1/instant-requests", token, body);
  }

  @Test
  void badRequestsAreRefusedByFieldAndOpenNothing() {
    String token = student(unique("student"));
    assertBadField(request(token, instantJson("alchemy", "high", "fr", 4000, 60)), "subject");
    assertBadField(request(token, instantJson("math", "kindergarten", "fr", 4000, 60)), "level");
    assertBadField(request(token, instantJson("latin", "primary", "fr", 4000, 60)), "level");
    assertBadField(request(token, instantJson("math", "high", "xx", 4000, 60)), "language");
    assertBadField(request(token, instantJson("math", "high", "fr", 4000, 10)), "durationMinutes");
    assertBadField(request(token, instantJson("math", "high", "fr", 4000, 200)), "durationMinutes");
    assertBadField(request(token, instantJson("math", "high", "fr", 0, 60)), "maxRateCents");
    assertBadField(request(token, instantJson("math", "high", "fr", -5, 60)), "maxRateCents");
    assertBadField(request(token, "{\"level\":\"high\",\"language\":\"fr\",\"maxRateCents\":4000,\"durationMinutes\":60}"), "subject");
    assertBadField(request(token, "{\"subject\":\"math\",\"level\":\"high\",\"language\":\"fr\",\"durationMinutes\":60}"), "maxRateCents");
    assertBadField(request(token, "{\"subject\":\"math\",\"level\":\"high\",\"language\":\"fr\",\"maxRateCents\":4000}"), "durationMinutes");
    assertBadField(request(token, instantJson("math", "high", "fr", 4000, 60).replace("4000", "\"lots\"")), "maxRateCents");
    assertBadField(request(token, instantJson("math", "high", "fr", 4000, 60).replace("4000", "40.5")), "maxRateCents");
    assertBadField(request(token, instantJson("math", "high", "fr", 4000, 60).replace("60", "\"an hour\"")), "durationMinutes");
    assertBadField(request(token, "{\"subject\":\"math\","), "");
    assertBadField(request(token, "[1,2]"), "");
    assertBadField(request(token, ""), "");

    // None of the above opened a request: a valid one is accepted.
    Reply accepted = request(token, instantJson("math", "high", "fr", 4000, 60));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    assertThat(api.post("/v1/sessions/" + accepted.json().get("sessionId").asText() + "/cancel", token, null).status()).isEqualTo(200);
  }

  @Test
  void onlyAStudentWithAProfileMayRequest() {
    String body = instantJson("math", "high", "fr", 4000, 60);
    assertProblem(request(null, body), 401);
    assertProblem(request("garbage", body), 401);
    assertProblem(request(api.token(unique("tutor"), "tutor"), body), 403);
    assertProblem(request(api.token(unique("partner"), "partner"), body), 403);
    assertProblem(request(api.token(unique("admin"), "admin"), body), 403);
    assertProblem(api.get("/v1/instant-requests", api.token(unique("student"), "student")), 405);

    Reply noProfile = request(api.token(unique("student"), "student"), body);
    assertProblem(noProfile, 409);
    assertThat(noProfile.json().get("detail").asText()).contains("profile");
  }

  @Test
  void aRequestIsFollowedReadAndCancelled() throws Exception {
    String studentId = unique("student");
    String token = student(studentId);

    HttpResponse<String> raw = postWithHeaders("/v1/instant-requests", token, instantJson("math", "university", "en", 4000, 45));
    assertThat(raw.statusCode()).as(raw.body()).isEqualTo(202);
    JsonNode accepted = new com.fasterxml.jackson.databind.ObjectMapper().readTree(raw.body());
    String sessionId = accepted.get("sessionId").asText();
    assertThat(accepted.get("status").asText()).isEqualTo("MATCHING");
    assertThat(raw.headers().firstValue("Location")).hasValue("/v1/sessions/" + sessionId);

    Reply second = request(token, instantJson("physics", "high", "fr", 4000, 60));
    assertProblem(second, 409);
    assertThat(second.json().get("detail").asText()).contains(sessionId);

    // The same request again (a retry after a lost answer or a 503) is the open session, not a new one.
    Reply retried = request(token, instantJson("math", "university", "en", 4000, 45));
    assertThat(retried.status()).as(retried.body()).isEqualTo(202);
    assertThat(retried.json().get("sessionId").asText()).isEqualTo(sessionId);

    Reply read = api.get("/v1/sessions/" + sessionId, token);
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    JsonNode session = read.json();
    assertThat(session.get("sessionId").asText()).isEqualTo(sessionId);
    assertThat(session.get("kind").asText()).isEqualTo("INSTANT");
    assertThat(session.get("status").asText()).isEqualTo("MATCHING");
    assertThat(session.get("studentId").asText()).isEqualTo(studentId);
    assertThat(session.get("tutorId").isNull()).isTrue();
    assertThat(session.get("subject").asText()).isEqualTo("math");
    assertThat(session.get("level").asText()).isEqualTo("university");
    assertThat(session.get("language").asText()).isEqualTo("en");
    assertThat(session.get("durationMinutes").asInt()).isEqualTo(45);
    assertThat(session.get("maxRateCents").asLong()).isEqualTo(4000);
    assertThat(session.get("currency").asText()).isEqualTo("EUR");
    assertThat(session.get("start").asText()).isNotBlank();
    assertThat(session.get("escrow").get("status").asText()).isEqualTo("NONE");
    assertThat(session.get("escrow").get("heldCents").asLong()).isZero();
    assertThat(session.get("timeline")).hasSize(1);
    assertThat(session.get("timeline").get(0).get("status").asText()).isEqualTo("MATCHING");
    assertThat(session.get("timeline").get(0).get("at").asText()).isEqualTo(session.get("start").asText());

    String otherStudent = api.token(unique("student"), "student");
    assertProblem(api.get("/v1/sessions/" + sessionId, otherStudent), 403);
    assertProblem(api.get("/v1/sessions/" + sessionId, api.token(unique("tutor"), "tutor")), 403);
    assertProblem(api.get("/v1/sessions/" + sessionId, api.token(unique("partner"), "partner")), 403);
    assertProblem(api.get("/v1/sessions/" + sessionId, api.token(studentId, "tutor")), 403);
    assertProblem(api.get("/v1/sessions/" + sessionId, null), 401);
    assertThat(api.get("/v1/sessions/" + sessionId, api.token(unique("admin"), "admin")).status()).isEqualTo(200);
    assertProblem(api.get("/v1/sessions/" + unique("nope"), token), 404);
    assertBadField(api.get("/v1/sessions/bad%20id!", token), "id");

    assertProblem(api.post("/v1/sessions/" + sessionId + "/cancel", otherStudent, null), 403);
    assertProblem(api.post("/v1/sessions/" + sessionId + "/cancel", api.token(unique("partner"), "partner"), null), 403);
    assertProblem(api.post("/v1/sessions/" + unique("nope") + "/cancel", token, null), 404);
    assertProblem(api.get("/v1/sessions/" + sessionId + "/cancel", token), 405);
    assertThat(api.get("/v1/sessions/" + sessionId, token).json().get("status").asText()).isEqualTo("MATCHING");

    Reply cancelled = api.post("/v1/sessions/" + sessionId + "/cancel", token, null);
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("status").asText()).isEqualTo("CANCELLED");
    assertThat(cancelled.json().get("timeline").findValuesAsText("status")).containsExactly("MATCHING", "CANCELLED");

    Reply again = api.post("/v1/sessions/" + sessionId + "/cancel", token, "{}");
    assertProblem(again, 409);
    assertThat(api.get("/v1/sessions/" + sessionId, token).json().get("status").asText()).isEqualTo("CANCELLED");

    String metrics = api.get("/metrics", null).body();
    assertThat(sample(metrics, "tutormesh_matching_requests_total{outcome=\"cancelled\"}")).isGreaterThanOrEqualTo(1.0);
    assertThat(metrics).contains("tutormesh_matching_time_to_match_seconds_bucket").contains("route=\"/v1/instant-requests\"");
  }

  @Test
  void aMatchedSessionIsSeenAndCancelledByItsTutor() throws Exception {
    String tutorId = unique("tutor");
    String tutorToken = api.token(tutorId, "tutor");
    Reply profile = api.put("/v1/tutors/" + tutorId, tutorToken, tutorJson("Marie", "chemistry", List.of("high"), List.of("it"), 3000));
    assertThat(profile.status()).as(profile.body()).isEqualTo(200);
    String studentId = unique("student");
    String token = student(studentId);

    try (TutorPresence presence = TutorPresence.connect(node, tutorId)) {
      Reply accepted = request(token, instantJson("chemistry", "high", "it", 5000, 30));
      assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
      String sessionId = accepted.json().get("sessionId").asText();

      TutorEntity.OfferMade offer = presence.socket().expectMessageClass(TutorEntity.OfferMade.class, TIMEOUT);
      assertThat(offer.offer().sessionId()).isEqualTo(sessionId);
      ClusterSharding.get(node.system())
          .entityRefFor(SessionEntity.ENTITY_KEY, sessionId)
          .<SessionEntity.SessionSummary>askWithStatus(r -> new SessionEntity.AcceptOffer(offer.offer().offerId(), tutorId, r), TIMEOUT)
          .toCompletableFuture()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

      Reply byTutor = api.get("/v1/sessions/" + sessionId, tutorToken);
      assertThat(byTutor.status()).as(byTutor.body()).isEqualTo(200);
      assertThat(byTutor.json().get("status").asText()).isEqualTo("MATCHED");
      assertThat(byTutor.json().get("tutorId").asText()).isEqualTo(tutorId);
      assertThat(byTutor.json().get("rateCents").asLong()).isEqualTo(3000);
      assertThat(byTutor.json().get("timeline").findValuesAsText("status")).containsExactly("MATCHING", "MATCHED");
      assertThat(api.get("/v1/sessions/" + sessionId, token).json().get("status").asText()).isEqualTo("MATCHED");
      assertProblem(api.get("/v1/sessions/" + sessionId, api.token(unique("tutor"), "tutor")), 403);
      assertProblem(api.get("/v1/sessions/" + sessionId, api.token(tutorId, "student")), 403);

      Reply cancelled = api.post("/v1/sessions/" + sessionId + "/cancel", tutorToken, null);
      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
      assertThat(cancelled.json().get("status").asText()).isEqualTo("CANCELLED");
      assertThat(cancelled.json().get("tutorId").asText()).isEqualTo(tutorId);
      assertProblem(api.post("/v1/sessions/" + sessionId + "/cancel", token, null), 409);
    }

    String metrics = api.get("/metrics", null).body();
    assertThat(sample(metrics, "tutormesh_matching_requests_total{outcome=\"matched\"}")).isGreaterThanOrEqualTo(1.0);
    assertThat(sample(metrics, "tutormesh_matching_offers_total{outcome=\"sent\"}")).isGreaterThanOrEqualTo(1.0);
    assertThat(sample(metrics, "tutormesh_matching_offers_total{outcome=\"accepted\"}")).isGreaterThanOrEqualTo(1.0);
    assertThat(sample(metrics, "tutormesh_matching_time_to_match_seconds_count")).isGreaterThanOrEqualTo(1.0);
    assertThat(sample(metrics, "tutormesh_matching_time_to_offer_seconds_count")).isGreaterThanOrEqualTo(1.0);
  }

  private static HttpResponse<String> postWithHeaders(String path, String token, String json) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
