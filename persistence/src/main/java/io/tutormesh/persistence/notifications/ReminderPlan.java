package io.tutormesh.persistence.notifications;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * When a lesson's reminders go out: one per offset, at {@code start - offset}
 * ({@code tutormesh.notifications.reminder-offsets}, default 24 h and 15 min).
 *
 * <p>A reminder whose time has already passed when the plan is made (a lesson booked 3 h ahead
 * has no 24 h reminder) is <b>not scheduled</b>: it would arrive at once, next to the booking
 * confirmation, and say less than it. A reminder due exactly now is kept. A lesson that has
 * started (or is starting now) gets none. Offsets must be positive; duplicates count once.
 */
public record ReminderPlan(String sessionId, Instant start, List<Reminder> reminders) {

  /** The kind of a reminder notification. */
  public static final String KIND = "reminder";

  /** One reminder: {@code offset} before the start, due at {@code dueAt}. */
  public record Reminder(Duration offset, Instant dueAt) {
    /** The reminder's part of its notification id: the ISO-8601 offset, e.g. {@code PT15M}. */
    public String qualifier() {
      return offset.toString();
    }
  }

  public ReminderPlan {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(start, "start");
    reminders = List.copyOf(reminders);
  }

  public static ReminderPlan of(String sessionId, Instant start, List<Duration> offsets, Instant now) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(offsets, "offsets");
    for (Duration offset : offsets) {
      if (offset == null || offset.isNegative() || offset.isZero()) {
        throw new IllegalArgumentException("reminder offsets must be positive: " + offsets);
      }
    }
    Instant lessonStart = start.truncatedTo(ChronoUnit.MILLIS);
    List<Reminder> reminders = lessonStart.isAfter(now)
        ? offsets.stream()
            .distinct()
            .map(offset -> new Reminder(offset, lessonStart.minus(offset)))
            .filter(reminder -> !reminder.dueAt().isBefore(now))
            .sorted(Comparator.comparing(Reminder::dueAt))
            .toList()
        : List.of();
    return new ReminderPlan(sessionId, lessonStart, reminders);
  }
}
