package io.tutormesh.engine.review;

import io.tutormesh.engine.common.CborSerializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One participant's review of the other after a completed session: a rating of 1 to 5 and a short
 * comment. Its id names the session and the side that wrote it ({@link ReviewRules#reviewId}), so a
 * second review by the same side is the same id and an admin's hide finds the session that holds it.
 *
 * @param hidden hidden by an admin: no longer listed, no longer counted in the rating
 */
public record Review(
    String reviewId,
    String sessionId,
    Side by,
    String fromUserId,
    String toUserId,
    int rating,
    String comment,
    Instant at,
    boolean hidden) implements CborSerializable {

  /** Who wrote it; the other side is who it is about. */
  public enum Side { STUDENT, TUTOR }

  public Review {
    Objects.requireNonNull(reviewId, "reviewId");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(fromUserId, "fromUserId");
    Objects.requireNonNull(toUserId, "toUserId");
    Objects.requireNonNull(at, "at");
    comment = comment == null ? "" : comment;
  }

  public Review hide() {
    return new Review(reviewId, sessionId, by, fromUserId, toUserId, rating, comment, at, true);
  }
}
