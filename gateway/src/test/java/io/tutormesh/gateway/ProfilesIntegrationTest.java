package io.tutormesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tutors and students through real HTTP, against the real embedded Cassandra. */
class ProfilesIntegrationTest {

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

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
  }

  static String tutorJson(String name, long rateCents) {
    return """
        {"displayName":"%s","subjects":[{"subject":"math","levels":["high","university"]}],
         "languages":["fr","en"],"rateCents":%d,"currency":"EUR","timezone":"Europe/Paris","bio":"Calculus, patiently."}
        """.formatted(name, rateCents);
  }

  static String studentJson(String name) {
    return """
        {"displayName":"%s","level":"high","languages":["fr"],"timezone":"America/Montreal"}
        """.formatted(name);
  }

  @Test
  void aRequestTooMalformedToReachARouteIsStillProblemJson() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.httpPort())) {
      String request = "GET /v1/catalog HTTP/1.1\r\nHost: localhost\r\nX-Filename: bad\u0001name\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400");
      assertThat(answer).contains("Content-Type: application/problem+json");
      assertThat(answer).contains("\"status\":400", "\"detail\":\"the request could not be read");
    }
    assertThat(api.get("/health", null).status()).as("the node goes on").isEqualTo(200);
  }

  @Test
  void tutorIsCreatedReadAndUpdated() {
    String id = unique("tutor");
    String token = api.token(id, "tutor");

    Reply created = api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    JsonNode tutor = created.json();
    assertThat(tutor.get("tutorId").asText()).isEqualTo(id);
    assertThat(tutor.get("rateCents").asLong()).isEqualTo(4500);
    assertThat(tutor.get("presence").asText()).isEqualTo("OFFLINE");
    assertThat(tutor.get("rating").get("count").asInt()).isZero();
    assertThat(tutor.get("subjects").get(0).get("levels")).hasSize(2);

    String readerToken = api.token(unique("partner"), "partner");
    Reply read = api.get("/v1/tutors/" + id, readerToken);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().get("displayName").asText()).isEqualTo("Ada");

    Reply updated = api.put("/v1/tutors/" + id, token, tutorJson("Ada L.", 5000));
    assertThat(updated.status()).isEqualTo(200);
    assertThat(api.get("/v1/tutors/" + id, token).json().get("rateCents").asLong()).isEqualTo(5000);
    assertThat(updated.json().get("createdAt")).isEqualTo(tutor.get("createdAt"));
  }

  @Test
  void studentIsPrivateToItselfAndAdmins() {
    String id = unique("student");
    String token = api.token(id, "student");
    assertThat(api.put("/v1/students/" + id, token, studentJson("Blaise")).status()).isEqualTo(200);
    assertThat(api.get("/v1/students/" + id, token).json().get("level").asText()).isEqualTo("high");
    assertThat(api.get("/v1/students/" + id, api.token(unique("admin"), "admin")).status()).isEqualTo(200);

    Reply byTutor = api.get("/v1/students/" + id, api.token(unique("tutor"), "tutor"));
    assertProblem(byTutor, 403);
    Reply byOtherStudent = api.get("/v1/students/" + id, api.token(unique("student"), "student"));
    assertProblem(byOtherStudent, 403);
  }

  @Test
  void adminMayWriteAnyTutor() {
    String id = unique("tutor");
    Reply reply = api.put("/v1/tutors/" + id, api.token(unique("admin"), "admin"), tutorJson("Emmy", 3000));
    assertThat(reply.status()).isEqualTo(200);
  }

  @Test
  void catalogueListsSubjectsLevelsAndCurrency() {
    Reply reply = api.get("/v1/catalog", api.token(unique("partner"), "partner"));
    assertThat(reply.status()).isEqualTo(200);
    JsonNode catalog = reply.json();
    assertThat(catalog.get("currency").asText()).isEqualTo("EUR");
    assertThat(catalog.get("subjects").findValuesAsText("subject"))
        .contains("math", "physics", "chemistry", "biology", "english", "french", "spanish", "german", "latin", "history", "programming", "music");
    assertThat(catalog.get("levels").toString()).contains("primary", "middle", "high", "university", "adult");
  }

  @Test
  void badTutorInputIsRefusedWithProblemsAndChangesNothing() {
    String id = unique("tutor");
    String token = api.token(id, "tutor");
    assertThat(api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500)).status()).isEqualTo(200);
    String before = api.get("/v1/tutors/" + id, token).body();

    assertBadField(api.put("/v1/tutors/" + id, token, "{\"displayName\": \"Ada\", "), "");
    assertBadField(api.put("/v1/tutors/" + id, token, "[1,2]"), "");
    assertBadField(api.put("/v1/tutors/" + id, token, ""), "");
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500).replace("\"math\"", "\"alchemy\"")), "subjects[0].subject");
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500).replace("\"high\",", "\"kindergarten\",")), "subjects[0].levels[0]");
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500).replace("\"fr\"", "\"xx\"")), "languages[0]");
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500).replace("Europe/Paris", "Mars/Olympus")), "timezone");
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("Ada", -100)), "rateCents");
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("Ada", 999_999_999_999L)), "rateCents");
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500).replace("4500", "99999999999999999999999")), "rateCents");
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500).replace("4500", "45.5")), "rateCents");
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500).replace("4500", "\"lots\"")), "rateCents");
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500).replace("\"EUR\"", "\"USD\"")), "currency");
    assertBadField(
        api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500).replace("[{\"subject\":\"math\",\"levels\":[\"high\",\"university\"]}]", "[]")),
        "subjects");
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("", 4500)), "displayName");
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("x".repeat(101), 4500)), "displayName");
    assertBadField(api.put("/v1/tutors/" + id, token, "{\"displayName\":\"Ada\"}"), null);
    assertBadField(api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500).replace("\"languages\":[\"fr\",\"en\"]", "\"languages\":\"fr\"")), "languages");

    Reply tooLarge = api.put("/v1/tutors/" + id, token, tutorJson("Ada", 4500).replace("Calculus, patiently.", "x".repeat(1_100_000)));
    assertProblem(tooLarge, 413);

    assertThat(api.get("/v1/tutors/" + id, token).body()).isEqualTo(before);
  }

  @Test
  void badStudentInputIsRefused() {
    String id = unique("student");
    String token = api.token(id, "student");
    assertBadField(api.put("/v1/students/" + id, token, studentJson("Blaise").replace("\"high\"", "\"phd\"")), "level");
    assertBadField(api.put("/v1/students/" + id, token, studentJson("Blaise").replace("America/Montreal", "EST5EDT-nope")), "timezone");
    assertBadField(api.put("/v1/students/" + id, token, studentJson("Blaise").replace("[\"fr\"]", "[\"french\"]")), "languages[0]");
    assertProblem(api.get("/v1/students/" + id, token), 404);
  }

  @Test
  void tokensAreCheckedBeforeAnything() {
    String id = unique("tutor");
    String body = tutorJson("Ada", 4500);
    assertProblem(api.put("/v1/tutors/" + id, null, body), 401);
    assertProblem(api.put("/v1/tutors/" + id, "garbage", body), 401);
    assertProblem(api.get("/v1/catalog", null), 401);
    String unsigned =
        b64("{\"alg\":\"none\"}") + "." + b64("{\"sub\":\"" + id + "\",\"role\":\"admin\",\"exp\":4102444800}") + ".";
    assertProblem(api.put("/v1/tutors/" + id, unsigned, body), 401);
    io.tutormesh.gateway.auth.JwtAuth otherKey =
        io.tutormesh.gateway.auth.JwtAuth.fromSecret("some-other-secret-some-other-secret!", java.time.Duration.ZERO);
    assertProblem(api.put("/v1/tutors/" + id, otherKey.issue(id, io.tutormesh.gateway.auth.Role.TUTOR, java.time.Duration.ofHours(1)), body), 401);
    io.tutormesh.gateway.auth.JwtAuth sameKey =
        io.tutormesh.gateway.auth.JwtAuth.fromSecret(TestNodes.JWT_SECRET, java.time.Duration.ZERO);
    String expired = sameKey.issue(id, io.tutormesh.gateway.auth.Role.TUTOR, java.time.Duration.ofMinutes(-5));
    assertProblem(api.put("/v1/tutors/" + id, expired, body), 401);

    assertProblem(api.put("/v1/tutors/" + id, api.token(unique("student"), "student"), body), 403);
    assertProblem(api.put("/v1/tutors/" + id, api.token(unique("tutor"), "tutor"), body), 403);
    assertProblem(api.put("/v1/tutors/" + id, api.token(unique("partner"), "partner"), body), 403);
    assertProblem(api.get("/v1/tutors/" + id, api.token(id, "tutor")), 404);
  }

  @Test
  void unknownRoutesWrongMethodsAndBadIdsAreProblems() {
    String token = api.token(unique("admin"), "admin");
    assertProblem(api.get("/v1/nothing-here", token), 404);
    assertProblem(api.get("/nothing-here", null), 404);
    assertProblem(api.send("DELETE", "/v1/tutors/" + unique("tutor"), token, null), 405);
    assertProblem(api.send("POST", "/health", null, "{}"), 405);
    assertBadField(api.get("/v1/tutors/bad%20id!", token), "id");
    assertBadField(api.get("/v1/tutors/" + "x".repeat(65), token), "id");
    assertBadField(api.post("/v1/dev/tokens", null, "{\"sub\":\"a\",\"role\":\"root\"}"), "role");
    assertBadField(api.post("/v1/dev/tokens", null, "{\"sub\":\"a b\",\"role\":\"admin\"}"), "sub");
  }

  @Test
  void operationsEndpointsAnswer() {
    assertThat(api.get("/health", null).status()).isEqualTo(200);
    Reply ready = api.get("/ready", null);
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    api.get("/v1/catalog", api.token(unique("partner"), "partner"));
    Reply metrics = api.get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("tutormesh_http_server_requests_seconds_bucket")
        .contains("route=\"/v1/catalog\"")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void projectionProgressShowsOnMetrics() throws InterruptedException {
    double before = directoryEvents(api.get("/metrics", null).body());
    String id = unique("tutor");
    assertThat(api.put("/v1/tutors/" + id, api.token(id, "tutor"), tutorJson("Sofia", 4000)).status()).isEqualTo(200);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String metrics = api.get("/metrics", null).body();
    while (directoryEvents(metrics) <= before) {
      assertThat(System.nanoTime()).as("tutor-directory events on /metrics rise above " + before).isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(200); // poll interval, bounded by the deadline
      metrics = api.get("/metrics", null).body();
    }
    assertThat(metrics)
        .containsPattern("tutormesh_projection_lag_seconds\\{projection=\"tutor-directory\",slice=\"tutor-directory-\\d\"} \\d")
        .containsPattern("tutormesh_projection_last_event_timestamp_seconds\\{projection=\"tutor-directory\",slice=\"tutor-directory-\\d\"} \\d")
        .contains("tutormesh_projection_events_total{projection=\"ledger\",slice=\"student-0\"}");
  }

  /** The sum of {@code tutormesh_projection_events_total} over the directory's slices. */
  private static double directoryEvents(String metrics) {
    return metrics.lines()
        .filter(line -> line.startsWith("tutormesh_projection_events_total{projection=\"tutor-directory\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void openApiDescribesEveryServedPath() {
    Reply doc = api.get("/openapi.json", null);
    assertThat(doc.status()).isEqualTo(200);
    JsonNode paths = doc.json().get("paths");
    String token = api.token(unique("admin"), "admin");
    paths.fieldNames().forEachRemaining(template -> {
      String path = template.replaceAll("\\{[^}]+}", unique("x"));
      paths.get(template).fieldNames().forEachRemaining(method -> {
        if (method.equals("parameters")) {
          return;
        }
        Reply reply = api.send(method.toUpperCase(), path, token, method.equals("get") ? null : "{}");
        assertThat(reply.status()).as(method + " " + template + " is served").isNotIn(405);
        if (reply.status() == 404) {
          assertThat(reply.body()).as(method + " " + template + " is routed").doesNotContain("no such resource");
        }
      });
    });
    assertThat(paths.has("/v1/tutors/{id}")).isTrue();
    assertThat(paths.has("/v1/students/{id}")).isTrue();
    assertThat(paths.has("/v1/catalog")).isTrue();
  }

  @Test
  void theWebSocketPortAnswersUnknownPathsWithProblems() {
    Reply reply = new Api(node.wsPort()).get("/ws/nothing", null);
    assertProblem(reply, 404);
  }

  static void assertProblem(Reply reply, int status) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.isProblem()).as("problem+json: " + reply.contentType()).isTrue();
    JsonNode problem = reply.json();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).isNotBlank();
    assertThat(problem.get("type").asText()).isNotBlank();
  }

  /** A 400 problem whose `field` is `field` (null: any field; "": none named). */
  static void assertBadField(Reply reply, String field) {
    assertProblem(reply, 400);
    if (field == null) {
      return;
    }
    if (field.isEmpty()) {
      assertThat(reply.json().has("field")).as(reply.body()).isFalse();
    } else {
      assertThat(reply.json().path("field").asText()).as(reply.body()).isEqualTo(field);
      assertThat(reply.json().get("detail").asText()).contains(field);
    }
  }

  private static String b64(String s) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
