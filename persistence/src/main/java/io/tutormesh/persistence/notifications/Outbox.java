package io.tutormesh.persistence.notifications;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A durable outbox of notifications: enqueue now, send when due, each one once.
 *
 * <p>Life of a notification: {@link Status#PENDING} when enqueued; a worker {@link #claimDue
 * claims} it when due (a lease: no other worker takes it before the lease ends), sends it, and
 * {@link #markSent marks it SENT}; a failed send is {@link #markFailed rescheduled} with backoff
 * (still PENDING) until the last attempt, which leaves it {@link Status#FAILED}. {@link
 * #cancelGroup} turns every PENDING notification of a group {@link Status#CANCELLED}. The three end
 * states never change again.
 *
 * <p>Every operation is idempotent and safe to run from several nodes at once; a failed stage
 * (e.g. a timeout) may have applied or not, and may be retried. Invalid input fails the stage with
 * {@link IllegalArgumentException} and writes nothing.
 */
public interface Outbox {

  enum Status { PENDING, SENT, CANCELLED, FAILED }

  /** What {@link #enqueue} did. */
  enum Enqueued {
    /** Stored, PENDING. */
    ENQUEUED,
    /** A notification with this id was there already (in whatever state): nothing changed. */
    ALREADY_ENQUEUED,
    /** Its group is cancelled: not stored, never sent. */
    GROUP_CANCELLED
  }

  /**
   * A notification that a worker holds until {@code leaseUntil}: send it, then {@link #markSent} or
   * {@link #markFailed}.
   *
   * @param attempt 1 for the first try
   * @param scheduledAt the due time it was claimed under (its place in the due index)
   */
  record Claim(Notification notification, int attempt, String owner, Instant leaseUntil, Instant scheduledAt) {}

  /** A notification and where it stands. */
  record Entry(
      Notification notification,
      Status status,
      int attempts,
      Instant nextAttemptAt,
      String leaseOwner,
      Instant leaseUntil,
      String lastError,
      Instant sentAt) {}

  /** Stores a notification, PENDING, unless one with its id exists or its group is cancelled. */
  CompletionStage<Enqueued> enqueue(Notification notification);

  /**
   * Cancels every PENDING notification of the group and every one enqueued into it later.
   * A notification being sent at that moment (claimed) may still go out.
   *
   * @return how many notifications this call cancelled
   */
  CompletionStage<Integer> cancelGroup(String groupKey);

  /** Claims up to {@code limit} notifications due now, for {@code owner}, each under a lease. */
  CompletionStage<List<Claim>> claimDue(String owner, int limit);

  /** Records a claimed notification as sent; false if it was no longer PENDING (cancelled meanwhile). */
  CompletionStage<Boolean> markSent(Claim claim);

  /**
   * Records a failed try: PENDING again at the next backoff time, or FAILED after the last attempt.
   *
   * @return the status it is left in ({@link Status#PENDING} also when another worker holds it now)
   */
  CompletionStage<Status> markFailed(Claim claim, String error);

  /** The notification with this id and its state, if enqueued. */
  CompletionStage<Optional<Entry>> entry(String id);
}
