package io.tutormesh.engine.matching;

import io.tutormesh.engine.matching.MatchPool.Outcome;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a pool remembers of a tutor beyond the card: last offer, offers sent and accepted, the
 * outstanding-offer mark and past sessions per student. Kept by {@link PoolEntries} apart from the
 * entries so that it survives TutorUnavailable followed by TutorAvailable (and so does an
 * outstanding offer); a live entry holds a reference to its tutor's stats so that the candidate
 * scan reads them without a lookup.
 *
 * <p>Mutable and not thread-safe: owned by one pool actor.
 */
final class TutorStats {

  private Instant lastOfferedAt;
  private int offersSent;
  private int offersAccepted;
  /** Non-null while an offer is outstanding; it stops counting at this instant. */
  private Instant offerHeldUntil;
  /** Last time this tutor was in the pool or had news; drives {@link MatchPool#STATS_RETENTION}. */
  private Instant lastActiveAt;
  /** Access-ordered: the least recently matched (or looked up) student is dropped first. */
  private final Map<String, Integer> sessionsByStudent = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > MatchPool.MAX_STUDENTS_PER_TUTOR;
    }
  };

  TutorStats(Instant now) {
    this.lastActiveAt = now;
  }

  Instant lastOfferedAt() {
    return lastOfferedAt;
  }

  int offersSent() {
    return offersSent;
  }

  int offersAccepted() {
    return offersAccepted;
  }

  boolean holdsOffer(Instant now) {
    return offerHeldUntil != null && now.isBefore(offerHeldUntil);
  }

  boolean isIdleSince(Instant instant) {
    return lastActiveAt.isBefore(instant);
  }

  void touch(Instant now) {
    lastActiveAt = now;
  }

  /** Sessions matched with this student; 0 for a null student (cheap: no lookup while there is no history). */
  int sessionsWith(String studentId) {
    if (studentId == null || sessionsByStudent.isEmpty()) {
      return 0;
    }
    return sessionsByStudent.getOrDefault(studentId, 0);
  }

  /** The pool handed this tutor out as a candidate at {@code now}; it holds the offer until {@code heldUntil}. */
  void offered(Instant now, Instant heldUntil) {
    lastActiveAt = now;
    lastOfferedAt = now;
    offersSent++;
    offerHeldUntil = heldUntil;
  }

  /**
   * The outstanding offer ended with {@code outcome}. False (and nothing changes) when there is no
   * outstanding offer: not one the pool handed out, or its outcome was already counted.
   */
  boolean answered(Outcome outcome, Instant now) {
    if (offerHeldUntil == null) {
      return false;
    }
    offerHeldUntil = null;
    lastActiveAt = now;
    if (outcome == Outcome.ACCEPTED) {
      offersAccepted = Math.min(offersAccepted + 1, offersSent);
    } else if (outcome == Outcome.WITHDRAWN) {
      // The tutor never had the chance to answer (someone else accepted first, or the candidate
      // was not offered after all): the offer does not count against the acceptance rate.
      offersSent = Math.max(offersAccepted, offersSent - 1);
    }
    return true;
  }

  void matchedWith(String studentId, Instant now) {
    lastActiveAt = now;
    sessionsByStudent.merge(studentId, 1, Integer::sum);
  }
}
