package io.tutormesh.engine.matching;

import io.tutormesh.engine.matching.MatchPool.Outcome;
import java.time.Instant;

/**
 * What a pool remembers of a tutor beyond the card: last offer, offers sent and accepted and the
 * outstanding-offer mark. Kept by {@link PoolEntries} apart from the entries so that it survives
 * TutorUnavailable followed by TutorAvailable (and so does an outstanding offer); a live entry
 * holds a reference to its tutor's stats so that the candidate scan reads them without a lookup.
 * Past sessions per student are the pool's {@link PairHistory}.
 *
 * <p>Times are epoch millis in primitive fields: the scan reads them without following a
 * reference, and updating one writes no reference into this long-lived object (which a young
 * collection would have to scan).
 *
 * <p>Mutable and not thread-safe: owned by one pool actor.
 */
final class TutorStats {

  private static final long NONE = Long.MIN_VALUE;

  /** {@link Ranker#NEVER} until the first offer. */
  private long lastOfferedAtMillis = Ranker.NEVER;
  private int offersSent;
  private int offersAccepted;
  /** While an offer is outstanding, when it stops counting; {@link #NONE} without one. */
  private long offerHeldUntilMillis = NONE;
  /** Last time this tutor was in the pool or had news; drives {@link MatchPool#STATS_RETENTION}. */
  private long lastActiveAtMillis;

  TutorStats(Instant now) {
    this.lastActiveAtMillis = now.toEpochMilli();
  }

  /** When the pool last handed this tutor out, null if never. */
  Instant lastOfferedAt() {
    return lastOfferedAtMillis == Ranker.NEVER ? null : Instant.ofEpochMilli(lastOfferedAtMillis);
  }

  long lastOfferedAtMillis() {
    return lastOfferedAtMillis;
  }

  int offersSent() {
    return offersSent;
  }

  int offersAccepted() {
    return offersAccepted;
  }

  boolean holdsOffer(Instant now) {
    return holdsOffer(now.toEpochMilli());
  }

  boolean holdsOffer(long nowMillis) {
    return offerHeldUntilMillis != NONE && nowMillis < offerHeldUntilMillis;
  }

  boolean isIdleSince(Instant instant) {
    return lastActiveAtMillis < instant.toEpochMilli();
  }

  void touch(Instant now) {
    lastActiveAtMillis = now.toEpochMilli();
  }

  /** The pool handed this tutor out as a candidate at {@code now}; it holds the offer until {@code heldUntil}. */
  void offered(Instant now, Instant heldUntil) {
    lastActiveAtMillis = now.toEpochMilli();
    lastOfferedAtMillis = lastActiveAtMillis;
    offersSent++;
    offerHeldUntilMillis = heldUntil.toEpochMilli();
  }

  /**
   * The outstanding offer ended with {@code outcome}. False (and nothing changes) when there is no
   * outstanding offer: not one the pool handed out, or its outcome was already counted.
   */
  boolean answered(Outcome outcome, Instant now) {
    if (offerHeldUntilMillis == NONE) {
      return false;
    }
    offerHeldUntilMillis = NONE;
    lastActiveAtMillis = now.toEpochMilli();
    if (outcome == Outcome.ACCEPTED) {
      offersAccepted = Math.min(offersAccepted + 1, offersSent);
    } else if (outcome == Outcome.WITHDRAWN) {
      // The tutor never had the chance to answer (someone else accepted first, or the candidate
      // was not offered after all): the offer does not count against the acceptance rate.
      offersSent = Math.max(offersAccepted, offersSent - 1);
    }
    return true;
  }
}
