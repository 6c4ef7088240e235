package io.tutormesh.engine.review;

import io.tutormesh.engine.common.Rejection;
import java.util.Optional;

/**
 * What a review may say, as pure functions: a rating of {@value #MIN_RATING} to {@value
 * #MAX_RATING}, a comment of at most {@code maxCommentChars} characters (after trimming; it may be
 * empty), and the id it gets ({@code <sessionId>.s} for the student's review, {@code .t} for the
 * tutor's). Whether the session allows it (completed, the writer a participant, not reviewed yet)
 * is the session's to decide.
 */
public final class ReviewRules {
  public static final int MIN_RATING = 1;
  public static final int MAX_RATING = 5;

  private ReviewRules() {}

  public static Optional<Rejection> check(Integer rating, String comment, int maxCommentChars) {
    if (rating == null) {
      return Optional.of(Rejection.invalid("rating", "rating is required: a whole number from 1 to 5"));
    }
    if (rating < MIN_RATING || rating > MAX_RATING) {
      return Optional.of(Rejection.invalid("rating", "rating must be from 1 to 5, got " + rating));
    }
    if (comment != null && comment.trim().length() > maxCommentChars) {
      return Optional.of(Rejection.invalid("comment", "comment is longer than " + maxCommentChars + " characters"));
    }
    return Optional.empty();
  }

  /** The comment as it is stored: trimmed, never null. */
  public static String normalized(String comment) {
    return comment == null ? "" : comment.trim();
  }

  public static String reviewId(String sessionId, Review.Side by) {
    return sessionId + (by == Review.Side.STUDENT ? ".s" : ".t");
  }

  /** The session a review id names, if it is one ({@link #reviewId}'s inverse). */
  public static Optional<String> sessionOf(String reviewId) {
    if (reviewId == null || reviewId.length() < 3 || !(reviewId.endsWith(".s") || reviewId.endsWith(".t"))) {
      return Optional.empty();
    }
    return Optional.of(reviewId.substring(0, reviewId.length() - 2));
  }
}
