package io.tutormesh.engine.review;

import io.tutormesh.engine.common.CborSerializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last {@code limit} reviews about a user, newest first, and the rating aggregate of all of
 * them (also those no longer kept): what a profile shows, in a state of bounded size. Adding a
 * review id it already holds changes nothing; hiding one takes its rating out of the aggregate.
 */
public record RecentReviews(List<Review> items, RatingAggregate rating) implements CborSerializable {
  public static final RecentReviews NONE = new RecentReviews(List.of(), RatingAggregate.NONE);

  public RecentReviews {
    items = List.copyOf(items);
  }

  public boolean holds(String reviewId) {
    return find(reviewId).isPresent();
  }

  public Optional<Review> find(String reviewId) {
    return items.stream().filter(r -> r.reviewId().equals(reviewId)).findFirst();
  }

  public RecentReviews add(Review review, int limit) {
    if (holds(review.reviewId())) {
      return this;
    }
    List<Review> newer = new ArrayList<>(items.size() + 1);
    newer.add(review);
    newer.addAll(items);
    List<Review> kept = newer.size() > limit ? newer.subList(0, limit) : newer;
    return new RecentReviews(kept, review.hidden() ? rating : rating.add(review.rating()));
  }

  /**
   * Hides a review: out of the list shown and out of the aggregate. {@code rating} is the hidden
   * review's, given by the caller, because it may no longer be among the kept ones; for the same
   * reason the caller hides each review once (the session that holds it records the hide).
   */
  public RecentReviews hide(String reviewId, int rating) {
    Optional<Review> kept = find(reviewId);
    if (kept.isPresent() && kept.get().hidden()) {
      return this;
    }
    List<Review> shown = items.stream().map(r -> r.reviewId().equals(reviewId) ? r.hide() : r).toList();
    return new RecentReviews(shown, this.rating.remove(rating));
  }

  /** The reviews to show: the kept ones not hidden, newest first. */
  public List<Review> visible() {
    return items.stream().filter(r -> !r.hidden()).toList();
  }
}
