package io.tutormesh.gateway.review;

import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.MoneyFlowFixture;
import io.tutormesh.gateway.testing.WsClient;
import org.junit.jupiter.api.Test;

/**
 * Two-sided reviews against a real node and its embedded Cassandra: after a completed lesson each
 * participant reviews the other once; every bad input is refused (problem+json) and changes
 * nothing; the tutor's rating follows on its profile, its review list and the availability feed;
 * an admin hides a review (idempotently) and it no longer counts.
 */
@MoneyFlowFixture.NodeSettings("tutormesh.reviews.delivery-retry-interval=500ms")
class ReviewsIntegrationTest extends MoneyFlowFixture {

  private record Lesson(Student student, Tutor tutor, String language, String sessionId) {}

  /** A lesson matched (not completed yet): the tutor stays connected (the caller closes it). */
  private static Lesson matched() throws Exception {
    String language = language();
    Student s = student(true);
    Tutor t = tutor(language);
    String sessionId = requested(s, language, 5000, 60);
    awaitStatus(sessionId, s.token(), "MATCHED");
    return new Lesson(s, t, language, sessionId);
  }

  private static void complete(Lesson lesson) throws Exception {
    try (WsClient studentRoom = WsClient.connect(node.wsPort(), "/ws/session/" + lesson.sessionId(), lesson.student().token());
        WsClient tutorRoom = WsClient.connect(node.wsPort(), "/ws/session/" + lesson.sessionId(), lesson.tutor().token())) {
      studentRoom.await("status", f -> "LIVE".equals(f.get("status").asText()));
      studentRoom.send("{\"type\":\"end\"}");
      studentRoom.await("status", f -> "COMPLETED".equals(f.get("status").asText()));
    }
  }

  private static Reply review(String sessionId, String token, String body) {
    return api.post("/v1/sessions/" + sessionId + "/reviews", token, body);
  }

  private static Reply hide(String reviewId, String token) {
    return api.post("/v1/admin/reviews/" + reviewId + "/hide", token, "");
  }

  private static JsonNode reviewsOf(String kind, String id, String token) {
    Reply reply = api.get("/v1/" + kind + "/" + id + "/reviews", token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private static JsonNode tutorProfile(Tutor t) {
    Reply reply = api.get("/v1/tutors/" + t.id(), t.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private static void assertProblem(Reply reply, int status) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.isProblem()).as(reply.contentType()).isTrue();
  }

  private static void assertBadField(Reply reply, String field) {
    assertProblem(reply, 400);
    assertThat(reply.json().get("detail").asText()).contains(field);
  }

  @Test
  void eachParticipantReviewsTheOtherOnceAfterCompletionAndBadInputChangesNothing() throws Exception {
    Lesson lesson = matched();
    Student s = lesson.student();
    String sessionId = lesson.sessionId();
    try (Tutor t = lesson.tutor()) {
      Reply early = review(sessionId, s.token(), "{\"rating\":5,\"comment\":\"too soon\"}");
      assertProblem(early, 409);

      complete(lesson);

      assertBadField(review(sessionId, s.token(), "{\"rating\":0,\"comment\":\"x\"}"), "rating");
      assertBadField(review(sessionId, s.token(), "{\"rating\":6,\"comment\":\"x\"}"), "rating");
      assertBadField(review(sessionId, s.token(), "{\"comment\":\"no rating\"}"), "rating");
      assertProblem(review(sessionId, s.token(), "{\"rating\":4.5}"), 400);
      assertProblem(review(sessionId, s.token(), "{\"rating\":"), 400);
      assertBadField(review(sessionId, s.token(), "{\"rating\":5,\"comment\":\"" + "x".repeat(2001) + "\"}"), "comment");
      assertProblem(review(sessionId, api.token(unique("other"), "student"), "{\"rating\":5}"), 403);
      assertProblem(review(sessionId, admin, "{\"rating\":5}"), 403);
      assertProblem(review(unique("nosession"), s.token(), "{\"rating\":5}"), 404);
      assertProblem(review("bad.id", s.token(), "{\"rating\":5}"), 400);
      assertThat(reviewsOf("tutors", t.id(), s.token()).get("items")).as("nothing written").isEmpty();

      Reply byStudent = review(sessionId, s.token(), "{\"rating\":5,\"comment\":\"  patient and clear  \"}");
      assertThat(byStudent.status()).as(byStudent.body()).isEqualTo(201);
      assertThat(byStudent.json().get("reviewId").asText()).isEqualTo(sessionId + ".s");

      Reply twice = review(sessionId, s.token(), "{\"rating\":1}");
      assertProblem(twice, 409);
      assertThat(twice.json().get("detail").asText()).contains("duplicate review");

      Reply byTutor = review(sessionId, t.token(), "{\"rating\":4,\"comment\":\"well prepared\"}");
      assertThat(byTutor.status()).as(byTutor.body()).isEqualTo(201);
      assertThat(byTutor.json().get("reviewId").asText()).isEqualTo(sessionId + ".t");
      assertProblem(review(sessionId, t.token(), "{\"rating\":4}"), 409);

      JsonNode aboutTutor = await(() -> reviewsOf("tutors", t.id(), s.token()), r -> r.get("items").size() == 1, "the review reached the tutor");
      JsonNode item = aboutTutor.get("items").get(0);
      assertThat(item.get("reviewId").asText()).isEqualTo(sessionId + ".s");
      assertThat(item.get("by").asText()).isEqualTo("student");
      assertThat(item.get("fromUserId").asText()).isEqualTo(s.id());
      assertThat(item.get("rating").asInt()).isEqualTo(5);
      assertThat(item.get("comment").asText()).isEqualTo("patient and clear");
      assertThat(aboutTutor.get("rating").get("average").asDouble()).isEqualTo(5.0);
      assertThat(aboutTutor.get("rating").get("count").asInt()).isEqualTo(1);

      JsonNode profile = tutorProfile(t);
      assertThat(profile.get("rating").get("average").asDouble()).isEqualTo(5.0);
      assertThat(profile.get("rating").get("count").asInt()).isEqualTo(1);
      assertThat(profile.get("reviews").get(0).get("reviewId").asText()).isEqualTo(sessionId + ".s");

      // The tutor is online: the availability feed carries the new rating (its card was announced again).
      await(() -> api.get("/v1/availability?subject=physics&language=" + lesson.language(), s.token()).json(),
          a -> a.path("tutors").findValues("tutorId").stream().anyMatch(id -> id.asText().equals(t.id()))
              && a.path("tutors").get(0).path("rating").path("count").asInt() == 1,
          "the availability of " + t.id() + " rated");

      JsonNode aboutStudent = await(() -> reviewsOf("students", s.id(), t.token()), r -> r.get("items").size() == 1, "the review reached the student");
      assertThat(aboutStudent.get("items").get(0).get("reviewId").asText()).isEqualTo(sessionId + ".t");
      assertThat(aboutStudent.get("items").get(0).get("by").asText()).isEqualTo("tutor");
      JsonNode studentProfile = api.get("/v1/students/" + s.id(), s.token()).json();
      assertThat(studentProfile.get("rating").get("count").asInt()).isEqualTo(1);
      assertThat(studentProfile.get("reviews").get(0).get("comment").asText()).isEqualTo("well prepared");

      assertProblem(api.get("/v1/tutors/" + unique("nobody") + "/reviews", s.token()), 404);
    }
  }

  @Test
  void anAdminHidesAReviewIdempotentlyAndItNoLongerCounts() throws Exception {
    Lesson lesson = matched();
    Student s = lesson.student();
    String sessionId = lesson.sessionId();
    try (Tutor t = lesson.tutor()) {
      complete(lesson);
      assertThat(review(sessionId, s.token(), "{\"rating\":1,\"comment\":\"rude\"}").status()).isEqualTo(201);
      await(() -> tutorProfile(t), p -> p.get("rating").get("count").asInt() == 1, "the review counted");
      String reviewId = sessionId + ".s";

      assertProblem(hide(reviewId, t.token()), 403);
      assertProblem(hide(reviewId, s.token()), 403);
      assertProblem(hide("not-a-review-id", admin), 404);
      assertProblem(hide(unique("nosession") + ".s", admin), 404);
      assertProblem(hide(sessionId + ".t", admin), 404);
      assertThat(tutorProfile(t).get("rating").get("count").asInt()).as("nothing changed").isEqualTo(1);

      Reply hidden = hide(reviewId, admin);
      assertThat(hidden.status()).as(hidden.body()).isEqualTo(200);
      assertThat(hidden.json().get("reviewId").asText()).isEqualTo(reviewId);
      assertThat(hidden.json().get("hidden").asBoolean()).isTrue();
      Reply again = hide(reviewId, admin);
      assertThat(again.status()).as(again.body()).isEqualTo(200);
      assertThat(again.json()).isEqualTo(hidden.json());

      JsonNode profile = await(() -> tutorProfile(t), p -> p.get("rating").get("count").asInt() == 0, "the hidden review no longer counts");
      assertThat(profile.get("rating").get("average").isNull()).isTrue();
      assertThat(profile.get("reviews")).isEmpty();
      assertThat(reviewsOf("tutors", t.id(), admin).get("items")).isEmpty();
      assertProblem(review(sessionId, s.token(), "{\"rating\":5}"), 409);
    }
  }
}
