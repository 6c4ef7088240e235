package io.tutormesh.engine.money;

import io.tutormesh.engine.common.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a BOOKED lesson may be moved to another start ("rescheduling = cancel + book, atomically
 * for the student's money"). A reschedule cancels the old lesson, so it follows {@link
 * CancellationPolicy}: it is allowed exactly when that party's cancellation now would be free
 * (the tutor, an admin: always; the student: at least {@code freeCancelBefore} before the booked
 * start). Later, the student's reschedule is refused (409) rather than charged: a fee would be
 * taken out of an escrow that is supposed to move whole, so the student cancels (and pays the
 * policy's share) and books again instead. Nothing is rescheduled once the lesson has started,
 * nor to the start it already has. Whether the new slot is bookable is the tutor's to say.
 */
public final class ReschedulePolicy {
  private ReschedulePolicy() {}

  /** Empty: allowed. */
  public static Optional<Rejection> check(
      CancellationPolicy.Party by, Instant bookedStart, Instant newStart, Instant now, Duration freeCancelBefore) {
    if (newStart == null) {
      return Optional.of(Rejection.invalid("start", "is required"));
    }
    if (!now.isBefore(bookedStart)) {
      return Optional.of(Rejection.conflict("the lesson has started: it can no longer be rescheduled"));
    }
    if (newStart.equals(bookedStart)) {
      return Optional.of(Rejection.conflict("the lesson already starts at " + bookedStart));
    }
    if (!CancellationPolicy.isFree(by, CancellationPolicy.SessionKind.BOOKED, bookedStart, now, freeCancelBefore)) {
      return Optional.of(Rejection.conflict("too late to reschedule: less than " + freeCancelBefore.toHours()
          + " h before the start a student's cancellation is charged; cancel the lesson instead"));
    }
    return Optional.empty();
  }
}
