package io.tutormesh.engine.review;

import io.tutormesh.engine.common.CborSerializable;
import java.util.List;

/** The reviews about one user as a profile shows them: the last visible ones (newest first) and the rating of all visible ones. */
public record ReviewList(String userId, RatingAggregate rating, List<Review> items) implements CborSerializable {
  public ReviewList {
    items = List.copyOf(items);
  }

  public static ReviewList of(String userId, ReceivedReviews reviews) {
    return new ReviewList(userId, reviews.rating(), reviews.recent().visible());
  }
}
