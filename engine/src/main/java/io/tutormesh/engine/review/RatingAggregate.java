package io.tutormesh.engine.review;

import io.tutormesh.engine.common.CborSerializable;

/**
 * A user's rating as the sum and count of the visible reviews about them: a review adds its
 * rating, a hidden one takes it back out, so the average never needs the reviews themselves.
 */
public record RatingAggregate(long sum, int count) implements CborSerializable {
  public static final RatingAggregate NONE = new RatingAggregate(0, 0);

  public RatingAggregate {
    if (count < 0 || sum < 0 || sum > (long) count * ReviewRules.MAX_RATING || sum < (long) count * ReviewRules.MIN_RATING) {
      throw new IllegalArgumentException("not an aggregate of 1-5 ratings: sum " + sum + ", count " + count);
    }
  }

  public RatingAggregate add(int rating) {
    return new RatingAggregate(sum + rating, count + 1);
  }

  /** Takes a counted review back out (hidden); never below no reviews at all. */
  public RatingAggregate remove(int rating) {
    if (count == 0) {
      return this;
    }
    return new RatingAggregate(Math.max(0, sum - rating), count - 1);
  }

  /** The average, to two decimals (0 without reviews). */
  public double average() {
    return count == 0 ? 0.0 : Math.round(100.0 * sum / count) / 100.0;
  }
}
