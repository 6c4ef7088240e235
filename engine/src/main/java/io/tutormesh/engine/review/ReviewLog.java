package io.tutormesh.engine.review;

import io.tutormesh.engine.common.CborSerializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reviews written about one session (at most one per side), as the session keeps them: the
 * single writer of who reviewed it, so that a second review by the same side is refused, and of
 * whether a review is hidden. {@code undelivered} are the ids whose current version (written, or
 * hidden since) the reviewed user's entity has not acknowledged yet: the session sends each again
 * until it is acknowledged.
 */
public record ReviewLog(List<Review> reviews, List<String> undelivered) implements CborSerializable {
  public static final ReviewLog NONE = new ReviewLog(List.of(), List.of());

  public ReviewLog {
    reviews = reviews == null ? List.of() : List.copyOf(reviews);
    undelivered = undelivered == null ? List.of() : List.copyOf(undelivered);
  }

  public Optional<Review> find(String reviewId) {
    return reviews.stream().filter(r -> r.reviewId().equals(reviewId)).findFirst();
  }

  public Optional<Review> by(Review.Side side) {
    return reviews.stream().filter(r -> r.by() == side).findFirst();
  }

  /** A new review, to be delivered; one already written by that side changes nothing. */
  public ReviewLog written(Review review) {
    if (find(review.reviewId()).isPresent()) {
      return this;
    }
    List<Review> more = new ArrayList<>(reviews);
    more.add(review);
    return new ReviewLog(more, withId(undelivered, review.reviewId()));
  }

  /** Hidden by an admin: its hidden version is to be delivered. Unknown or hidden already: unchanged. */
  public ReviewLog hidden(String reviewId) {
    Optional<Review> review = find(reviewId);
    if (review.isEmpty() || review.get().hidden()) {
      return this;
    }
    List<Review> changed = reviews.stream().map(r -> r.reviewId().equals(reviewId) ? r.hide() : r).toList();
    return new ReviewLog(changed, withId(undelivered, reviewId));
  }

  /**
   * The reviewed user acknowledged the version of {@code reviewId} that was {@code hidden} or not;
   * an acknowledgement of an older version (shown, while it has been hidden since) changes nothing.
   */
  public ReviewLog delivered(String reviewId, boolean hidden) {
    Optional<Review> review = find(reviewId);
    if (review.isEmpty() || review.get().hidden() != hidden || !undelivered.contains(reviewId)) {
      return this;
    }
    return new ReviewLog(reviews, undelivered.stream().filter(id -> !id.equals(reviewId)).toList());
  }

  /** The reviews whose current version is still to be delivered. */
  public List<Review> toDeliver() {
    return reviews.stream().filter(r -> undelivered.contains(r.reviewId())).toList();
  }

  public boolean delivering() {
    return !undelivered.isEmpty();
  }

  private static List<String> withId(List<String> ids, String id) {
    if (ids.contains(id)) {
      return ids;
    }
    List<String> more = new ArrayList<>(ids);
    more.add(id);
    return more;
  }
}
