package io.tutormesh.engine.money;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Who gets what a session held when it is cancelled before it went live (a LIVE session is ended,
 * not cancelled). Free, i.e. everything back to the student:
 *
 * <ul>
 *   <li>when the tutor, an admin or the system (timeouts, a room nobody joined) cancels;
 *   <li>an instant session (it has no start that a tutor keeps free for it);
 *   <li>a booked session cancelled at least {@code freeCancelBefore} before its scheduled start
 *       (exactly 12 h before is still free).
 * </ul>
 *
 * Otherwise (the student cancels a booking later, even after its start) {@code
 * lateCancelTutorSharePercent} % of the hold goes to the tutor, rounded down to the cent, and the
 * rest back to the student ({@link Settlement#share}). Refund + tutor share = held, always.
 */
public final class CancellationPolicy {
  private CancellationPolicy() {}

  /** Who cancels. */
  public enum Party { STUDENT, TUTOR, ADMIN, SYSTEM }

  /** The kind of session, as {@code SessionEntity.Kind}. */
  public enum SessionKind { INSTANT, BOOKED }

  /** {@link #decide(Party, SessionKind, Instant, Instant, long, Duration, int)} with the configured numbers. */
  public static Settlement decide(
      Party cancelledBy, SessionKind kind, Instant scheduledStart, Instant cancelledAt, long heldCents, MoneySettings settings) {
    return decide(cancelledBy, kind, scheduledStart, cancelledAt, heldCents, settings.freeCancelBefore(),
        settings.lateCancelTutorSharePercent());
  }

  /**
   * How {@code heldCents} is settled when {@code cancelledBy} cancels at {@code cancelledAt}.
   *
   * @param scheduledStart the booked start; ignored (may be null) for an instant session
   */
  public static Settlement decide(
      Party cancelledBy,
      SessionKind kind,
      Instant scheduledStart,
      Instant cancelledAt,
      long heldCents,
      Duration freeCancelBefore,
      int lateCancelTutorSharePercent) {
    Percent.require(lateCancelTutorSharePercent, "lateCancelTutorSharePercent");
    Settlement settlement = isFree(cancelledBy, kind, scheduledStart, cancelledAt, freeCancelBefore)
        ? Settlement.fullRefund(heldCents)
        : Settlement.share(heldCents, lateCancelTutorSharePercent);
    return settlement.requireTotal(heldCents);
  }

  /** True when the cancellation refunds everything (see the class comment). */
  public static boolean isFree(
      Party cancelledBy, SessionKind kind, Instant scheduledStart, Instant cancelledAt, Duration freeCancelBefore) {
    Objects.requireNonNull(cancelledBy, "cancelledBy");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(cancelledAt, "cancelledAt");
    Objects.requireNonNull(freeCancelBefore, "freeCancelBefore");
    if (cancelledBy != Party.STUDENT || kind == SessionKind.INSTANT) {
      return true;
    }
    Objects.requireNonNull(scheduledStart, "scheduledStart of a booked session");
    return !cancelledAt.isAfter(scheduledStart.minus(freeCancelBefore));
  }
}
