package io.tutormesh.engine.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The session's {@link ReviewLog} and the reviewed user's {@link ReceivedReviews}: idempotent on both ends. */
class ReviewDeliveryTest {

  private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");

  private static Review review(String sessionId, Review.Side by, int rating) {
    return new Review(ReviewRules.reviewId(sessionId, by), sessionId, by, "from", "to", rating, "", AT, false);
  }

  @Test
  void theLogKeepsOneReviewPerSideAndWhatIsStillToDeliver() {
    Review s = review("x", Review.Side.STUDENT, 5);
    ReviewLog log = ReviewLog.NONE.written(s);
    assertThat(log.written(s)).isEqualTo(log);
    assertThat(log.by(Review.Side.STUDENT)).contains(s);
    assertThat(log.by(Review.Side.TUTOR)).isEmpty();
    assertThat(log.toDeliver()).containsExactly(s);

    ReviewLog delivered = log.delivered(s.reviewId(), false);
    assertThat(delivered.delivering()).isFalse();

    ReviewLog hidden = delivered.hidden(s.reviewId());
    assertThat(hidden.toDeliver()).containsExactly(s.hide());
    assertThat(hidden.hidden(s.reviewId())).as("hidden twice").isEqualTo(hidden);
    assertThat(hidden.hidden("x.t")).as("unknown").isEqualTo(hidden);
    assertThat(hidden.delivered(s.reviewId(), false)).as("an older version's acknowledgement").isEqualTo(hidden);
    assertThat(hidden.delivered(s.reviewId(), true).delivering()).isFalse();
  }

  @Test
  void theReviewedUserAppliesEachVersionOnceWithinItsWindow() {
    Review a = review("a", Review.Side.STUDENT, 5);
    Review b = review("b", Review.Side.STUDENT, 1);
    ReceivedReviews r = ReceivedReviews.NONE.apply(a, 20, 10).apply(b, 20, 10);
    assertThat(r.rating()).isEqualTo(new RatingAggregate(6, 2));
    assertThat(r.apply(a, 20, 10)).isEqualTo(r);

    ReceivedReviews hidden = r.apply(b.hide(), 20, 10);
    assertThat(hidden.rating()).isEqualTo(new RatingAggregate(5, 1));
    assertThat(hidden.apply(b.hide(), 20, 10)).isEqualTo(hidden);
    assertThat(hidden.apply(b, 20, 10)).as("a late copy of the shown version").isEqualTo(hidden);
    assertThat(hidden.recent().visible()).containsExactly(a);
  }

  @Test
  void aReviewBeyondTheKeptOnesIsStillTakenOutWhenHidden() {
    Review old = review("old", Review.Side.TUTOR, 1);
    ReceivedReviews r = ReceivedReviews.NONE.apply(old, 1, 10).apply(review("new", Review.Side.TUTOR, 5), 1, 10);
    assertThat(r.recent().items()).extracting(Review::reviewId).containsExactly("new.t");
    assertThat(r.rating()).isEqualTo(new RatingAggregate(6, 2));
    assertThat(r.apply(old.hide(), 1, 10).rating()).isEqualTo(new RatingAggregate(5, 1));
  }

  @Test
  void theDedupeWindowIsBounded() {
    ReceivedReviews r = ReceivedReviews.NONE;
    for (int i = 0; i < 5; i++) {
      r = r.apply(review("s" + i, Review.Side.STUDENT, 3), 20, 3);
    }
    assertThat(r.applied()).containsExactly("s2.s", "s3.s", "s4.s");
  }
}
