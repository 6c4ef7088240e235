package io.tutormesh.engine.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.engine.common.Rejection;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReviewsTest {

  private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");

  private static Review review(String sessionId, int rating) {
    return new Review(ReviewRules.reviewId(sessionId, Review.Side.STUDENT), sessionId, Review.Side.STUDENT, "sam", "ada", rating, "good", AT, false);
  }

  @Test
  void ratingsFromOneToFiveAndABoundedCommentAreAccepted() {
    assertThat(ReviewRules.check(1, "", 10)).isEmpty();
    assertThat(ReviewRules.check(5, "  ten chars!  ".trim().substring(0, 10), 10)).isEmpty();
    assertThat(ReviewRules.check(3, null, 10)).isEmpty();
    assertThat(ReviewRules.check(4, "   padded   ", 6)).as("trimmed first").isEmpty();
  }

  @Test
  void aRatingOutsideOneToFiveOrMissingOrAnOversizedCommentIsRefusedWithItsField() {
    assertThat(ReviewRules.check(0, "x", 10)).get().extracting(Rejection::field).isEqualTo("rating");
    assertThat(ReviewRules.check(6, "x", 10)).get().extracting(Rejection::field).isEqualTo("rating");
    assertThat(ReviewRules.check(null, "x", 10)).get().extracting(Rejection::field).isEqualTo("rating");
    assertThat(ReviewRules.check(3, "x".repeat(11), 10)).get()
        .satisfies(r -> assertThat(r.kind()).isEqualTo(Rejection.Kind.INVALID))
        .extracting(Rejection::field).isEqualTo("comment");
  }

  @Test
  void aReviewIdNamesItsSessionAndSide() {
    String id = ReviewRules.reviewId("s-1", Review.Side.TUTOR);
    assertThat(id).isNotEqualTo(ReviewRules.reviewId("s-1", Review.Side.STUDENT));
    assertThat(ReviewRules.sessionOf(id)).contains("s-1");
    assertThat(ReviewRules.sessionOf("s-1")).isEmpty();
    assertThat(ReviewRules.sessionOf(".s")).isEmpty();
    assertThat(ReviewRules.sessionOf(null)).isEmpty();
  }

  @Test
  void theAggregateAddsAndTakesBackRatings() {
    RatingAggregate r = RatingAggregate.NONE.add(5).add(4).add(4);
    assertThat(r.count()).isEqualTo(3);
    assertThat(r.average()).isEqualTo(4.33);
    assertThat(r.remove(5).average()).isEqualTo(4.0);
    assertThat(RatingAggregate.NONE.remove(5)).isEqualTo(RatingAggregate.NONE);
    assertThat(RatingAggregate.NONE.average()).isZero();
    assertThatThrownBy(() -> new RatingAggregate(11, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void recentReviewsKeepTheLastNNewestFirstButCountThemAll() {
    RecentReviews reviews = RecentReviews.NONE;
    for (int i = 1; i <= 5; i++) {
      reviews = reviews.add(review("s-" + i, i), 3);
    }
    assertThat(reviews.items()).extracting(Review::sessionId).containsExactly("s-5", "s-4", "s-3");
    assertThat(reviews.rating()).isEqualTo(new RatingAggregate(15, 5));
  }

  @Test
  void addingAReviewTwiceChangesNothing() {
    RecentReviews once = RecentReviews.NONE.add(review("s-1", 4), 10);
    assertThat(once.add(review("s-1", 4), 10)).isEqualTo(once);
  }

  @Test
  void aHiddenReviewIsNeitherShownNorCountedAlsoWhenNoLongerKept() {
    RecentReviews reviews = RecentReviews.NONE.add(review("s-1", 1), 2).add(review("s-2", 5), 2).add(review("s-3", 5), 2);
    assertThat(reviews.rating().average()).isEqualTo(3.67);

    RecentReviews hidden = reviews.hide(ReviewRules.reviewId("s-2", Review.Side.STUDENT), 5);
    assertThat(hidden.visible()).extracting(Review::sessionId).containsExactly("s-3");
    assertThat(hidden.rating()).isEqualTo(new RatingAggregate(6, 2));
    assertThat(hidden.hide(ReviewRules.reviewId("s-2", Review.Side.STUDENT), 5)).as("hiding a kept one again").isEqualTo(hidden);

    // s-1 is no longer kept: its rating comes from the caller.
    RecentReviews old = hidden.hide(ReviewRules.reviewId("s-1", Review.Side.STUDENT), 1);
    assertThat(old.rating()).isEqualTo(new RatingAggregate(5, 1));
    assertThat(old.visible()).extracting(Review::sessionId).containsExactly("s-3");
  }
}
