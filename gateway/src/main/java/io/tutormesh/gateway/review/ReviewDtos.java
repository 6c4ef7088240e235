package io.tutormesh.gateway.review;

import io.tutormesh.engine.review.RatingAggregate;
import io.tutormesh.engine.review.ReviewList;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.gateway.tutor.TutorDtos;
import java.time.Instant;
import java.util.List;

/** Reviews on the wire, mapped explicitly from the engine's records. */
public final class ReviewDtos {
  private ReviewDtos() {}

  /** `POST /v1/sessions/{id}/reviews`: the rating is checked by the session (1..5, required). */
  public record ReviewRequest(Integer rating, String comment) {}

  /** The answer to a review (201) or to a hide (200). */
  public record ReviewCreated(String reviewId, String sessionId, boolean hidden) {
    static ReviewCreated of(SessionEntity.ReviewReceipt receipt) {
      return new ReviewCreated(receipt.reviewId(), receipt.sessionId(), receipt.hidden());
    }
  }

  /** One review; {@code by} is who wrote it ({@code student} or {@code tutor}), about the other participant. */
  public record Review(String reviewId, String sessionId, String by, String fromUserId, String toUserId, int rating, String comment, Instant at) {
    public static Review of(io.tutormesh.engine.review.Review r) {
      return new Review(r.reviewId(), r.sessionId(), r.by().name().toLowerCase(java.util.Locale.ROOT), r.fromUserId(), r.toUserId(), r.rating(),
          r.comment(), r.at());
    }

    public static List<Review> of(List<io.tutormesh.engine.review.Review> reviews) {
      return reviews.stream().map(Review::of).toList();
    }
  }

  /** `GET /v1/tutors/{id}/reviews`, `GET /v1/students/{id}/reviews`: the last visible reviews, newest first. */
  public record ReviewPage(String userId, TutorDtos.Rating rating, List<Review> items) {
    static ReviewPage of(ReviewList list) {
      return new ReviewPage(list.userId(), ReviewDtos.rating(list.rating()), Review.of(list.items()));
    }
  }

  /** A rating on the wire: no average (null) without reviews. */
  public static TutorDtos.Rating rating(RatingAggregate rating) {
    return new TutorDtos.Rating(rating.count() == 0 ? null : rating.average(), rating.count());
  }
}
