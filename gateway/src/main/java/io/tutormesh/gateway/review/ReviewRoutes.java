package io.tutormesh.gateway.review;

import io.tutormesh.engine.common.Ids;
import io.tutormesh.engine.review.ReviewRules;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.gateway.http.Problem;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Reviews: a participant reviews the other after a completed session (the session decides, see
 * {@link SessionEntity.SubmitReview}); anyone with a valid token reads the reviews about a tutor or
 * a student (public data); an admin hides one (the session that holds it records it and tells the
 * reviewed user's entity).
 */
public final class ReviewRoutes extends ApiDirectives {

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public ReviewRoutes(ApiContext context) {
    super(context);
    this.sharding = context.sharding();
    this.askTimeout = context.askTimeout();
  }

  public Route route() {
    return concat(
        path(PathMatchers.segment("sessions").slash(PathMatchers.segment()).slash("reviews"), this::submit),
        path(PathMatchers.segment("tutors").slash(PathMatchers.segment()).slash("reviews"), this::aboutTutor),
        path(PathMatchers.segment("students").slash(PathMatchers.segment()).slash("reviews"), this::aboutStudent),
        path(PathMatchers.segment("admin").slash("reviews").slash(PathMatchers.segment()).slash("hide"), this::hide));
  }

  /** A participant's review of the other one: 201 `{reviewId}`. */
  private Route submit(String id) {
    return endpoint("/v1/sessions/{id}/reviews", () -> authenticated(who -> validId("id", id, () -> post(() -> jsonBody(
        ReviewDtos.ReviewRequest.class, body -> reply(
            201,
            sharding.entityRefFor(SessionEntity.ENTITY_KEY, id).askWithStatus(
                replyTo -> new SessionEntity.SubmitReview(who.userId(), body.rating(), body.comment(), replyTo), askTimeout),
            ReviewDtos.ReviewCreated::of))))));
  }

  private Route aboutTutor(String id) {
    return endpoint("/v1/tutors/{id}/reviews", () -> authenticated(who -> validId("id", id, () -> get(() -> reply(
        200, sharding.entityRefFor(TutorEntity.ENTITY_KEY, id).askWithStatus(TutorEntity.GetReviews::new, askTimeout), ReviewDtos.ReviewPage::of)))));
  }

  private Route aboutStudent(String id) {
    return endpoint("/v1/students/{id}/reviews", () -> authenticated(who -> validId("id", id, () -> get(() -> reply(
        200, sharding.entityRefFor(StudentEntity.ENTITY_KEY, id).askWithStatus(StudentEntity.GetReviews::new, askTimeout), ReviewDtos.ReviewPage::of)))));
  }

  /**
   * An admin hides a review (idempotent: 200 with the same answer again). A review id names its
   * session ({@code <sessionId>.s} or {@code .t}); anything else is an unknown review (404).
   */
  private Route hide(String reviewId) {
    return endpoint("/v1/admin/reviews/{id}/hide", () -> authenticated(who -> post(() -> authorize(who.isAdmin(), "admins only",
        () -> withSizeLimit(maxBodyBytes, () -> entity(Unmarshaller.entityToString(), ignored -> {
          Optional<String> sessionId = ReviewRules.sessionOf(reviewId).filter(Ids::isValid);
          if (sessionId.isEmpty()) {
            return complete(problem(Problem.notFound("review " + reviewId + " not found")));
          }
          return reply(
              200,
              sharding.entityRefFor(SessionEntity.ENTITY_KEY, sessionId.get()).askWithStatus(
                  replyTo -> new SessionEntity.HideReview(reviewId, who.userId(), replyTo), askTimeout),
              ReviewDtos.ReviewCreated::of);
        }))))));
  }
}
