package io.tutormesh.engine.review;

import io.tutormesh.engine.common.CborSerializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The reviews about one user as their entity (tutor or student) keeps them: the last few and the
 * rating aggregate ({@link RecentReviews}), and the keys of the last deliveries it applied, so that
 * a delivery repeated by a session (its acknowledgement was lost) changes nothing.
 *
 * <p>Deliveries are idempotent by review id and version: {@code <reviewId>} for the review,
 * {@code <reviewId>!} for its hidden version. A hidden version applied marks both keys, so a late
 * copy of the shown version cannot count it again. The dedupe window is the last {@code window}
 * keys (config {@code tutormesh.reviews.dedupe-window}): a session re-sends an unacknowledged
 * delivery every few seconds, so a repeat is at most that old, while the window spans that many
 * reviews of this user; a repeat older than the window would count twice.
 */
public record ReceivedReviews(RecentReviews recent, List<String> applied) implements CborSerializable {
  public static final ReceivedReviews NONE = new ReceivedReviews(RecentReviews.NONE, List.of());

  public ReceivedReviews {
    recent = recent == null ? RecentReviews.NONE : recent;
    applied = applied == null ? List.of() : List.copyOf(applied);
  }

  /** Whether delivering {@code review} (as it is now: shown or hidden) would change nothing. */
  public boolean alreadyApplied(Review review) {
    return applied.contains(key(review));
  }

  /**
   * The review applied: a shown one is added (listed and counted); a hidden one is added as hidden
   * (never counted) if it was never delivered, else taken out of the list and the aggregate.
   */
  public ReceivedReviews apply(Review review, int limit, int window) {
    if (alreadyApplied(review)) {
      return this;
    }
    if (!review.hidden()) {
      return new ReceivedReviews(recent.add(review, limit), remembered(window, review.reviewId()));
    }
    boolean counted = applied.contains(review.reviewId()) || recent.holds(review.reviewId());
    RecentReviews changed = counted ? recent.hide(review.reviewId(), review.rating()) : recent.add(review, limit);
    return new ReceivedReviews(changed, remembered(window, review.reviewId(), review.reviewId() + "!"));
  }

  public RatingAggregate rating() {
    return recent.rating();
  }

  private List<String> remembered(int window, String... keys) {
    List<String> more = new ArrayList<>(applied);
    for (String key : keys) {
      if (!more.contains(key)) {
        more.add(key);
      }
    }
    return more.size() > window ? more.subList(more.size() - window, more.size()) : more;
  }

  private static String key(Review review) {
    return review.hidden() ? review.reviewId() + "!" : review.reviewId();
  }
}
