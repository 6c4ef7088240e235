package io.tutormesh.engine.tutor;

import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.schedule.ScheduleSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Whether a tutor can be booked for {@code [start, start + duration)}: the one decision the
 * TutorEntity (the single writer of its calendar) takes before it reserves a slot. Pure, so that
 * it is tested on its own.
 *
 * <p>A booking is refused when its duration is out of bounds, it is in the past or less than
 * {@code tutormesh.schedule.min-notice} ahead, more than {@code horizon} ahead, not {@code offered}
 * by the tutor's schedule (outside the weekly hours and exceptions, or off the {@code slot-step}
 * grid of the tutor's local clock: the entity asks {@code SlotExpansion}), overlapping a booked
 * lesson (widened by {@code buffer} on both sides), or overlapping the instant session the
 * tutor is BUSY with. An instant session's length is not known to the tutor, so it is taken as
 * at most {@code tutormesh.matching.max-duration-minutes} from now. The bounds are the
 * {@link ScheduleSettings} the schedule's slot expansion uses too.
 */
public final class BookingRules {
  private BookingRules() {}

  /** A lesson in the tutor's calendar: {@code [start, end)} for {@code sessionId}, booked at {@code rateCents}. */
  public record BookedSlot(String sessionId, String studentId, Instant start, Instant end, long rateCents, String subject, String level)
      implements CborSerializable {

    /** As kept before subjects were recorded (null subject and level). */
    public BookedSlot(String sessionId, String studentId, Instant start, Instant end, long rateCents) {
      this(sessionId, studentId, start, end, rateCents, null, null);
    }

    /** Whether {@code [from, to)} comes closer than {@code buffer} to this lesson. */
    public boolean overlaps(Instant from, Instant to, Duration buffer) {
      return from.isBefore(end.plus(buffer)) && start.minus(buffer).isBefore(to);
    }
  }

  /**
   * Empty: bookable. {@code busyInstant}: the tutor is BUSY in an instant session now (it may last
   * up to {@code maxDurationMinutes} from {@code now}). {@code offered}: the tutor's schedule has a
   * slot starting at {@code start} for this duration (a tutor without a schedule offers none).
   */
  public static Optional<Rejection> check(
      List<BookedSlot> calendar, boolean busyInstant, boolean offered, Instant start, int durationMinutes, Instant now, ScheduleSettings settings) {
    if (start == null) {
      return Optional.of(Rejection.invalid("start", "is required"));
    }
    if (durationMinutes < settings.minDurationMinutes() || durationMinutes > settings.maxDurationMinutes()) {
      return Optional.of(Rejection.invalid("durationMinutes",
          "must be between " + settings.minDurationMinutes() + " and " + settings.maxDurationMinutes()));
    }
    if (!start.isAfter(now)) {
      return Optional.of(Rejection.conflict("the slot is not bookable: it is in the past"));
    }
    if (start.isBefore(now.plus(settings.minNotice()))) {
      return Optional.of(Rejection.conflict("the slot is not bookable: a booking must start at least " + settings.minNotice() + " ahead"));
    }
    if (start.isAfter(now.plus(settings.horizon()))) {
      return Optional.of(Rejection.conflict("the slot is not bookable: at most " + settings.horizon().toDays() + " days ahead"));
    }
    if (!offered) {
      return Optional.of(Rejection.conflict("the slot is not bookable: outside the tutor's availability, or not on its "
          + settings.slotStep().toMinutes() + "-minute grid (the tutor's local clock)"));
    }
    Instant end = start.plus(Duration.ofMinutes(durationMinutes));
    for (BookedSlot slot : calendar) {
      if (slot.overlaps(start, end, settings.buffer())) {
        return Optional.of(Rejection.conflict("the slot is not bookable: the tutor has another lesson then"));
      }
    }
    if (busyInstant && start.isBefore(now.plus(Duration.ofMinutes(settings.maxDurationMinutes())))) {
      return Optional.of(Rejection.conflict("the slot is not bookable: the tutor is in an instant session that may last until then"));
    }
    return Optional.empty();
  }

  /**
   * Whether a booked lesson is in progress at {@code now} or starts within {@code minutes} of it
   * (buffer included): then the tutor is not reserved for an instant session.
   */
  public static boolean blocksInstant(List<BookedSlot> calendar, Instant now, int minutes, Duration buffer) {
    Instant until = now.plus(Duration.ofMinutes(minutes));
    return calendar.stream().anyMatch(slot -> slot.overlaps(now, until, buffer));
  }

  /** The calendar without the lesson of {@code sessionId} (a reschedule may overlap the lesson it replaces). */
  public static List<BookedSlot> without(List<BookedSlot> calendar, String sessionId) {
    return sessionId == null ? calendar : calendar.stream().filter(slot -> !slot.sessionId().equals(sessionId)).toList();
  }

  /**
   * When the tutor's next booked lesson starts (one in progress at {@code now} counts: its start is
   * past), or null: what the MatchPool reads to skip a tutor whose lesson is about to begin.
   */
  public static Instant nextStart(List<BookedSlot> calendar, Instant now) {
    Instant next = null;
    for (BookedSlot slot : calendar) {
      if (slot.end().isAfter(now) && (next == null || slot.start().isBefore(next))) {
        next = slot.start();
      }
    }
    return next;
  }

  /** The calendar without the lessons that ended before {@code now} (they stay in the journal). */
  public static List<BookedSlot> withoutPast(List<BookedSlot> calendar, Instant now) {
    return calendar.stream().filter(slot -> slot.end().isAfter(now)).toList();
  }

}
