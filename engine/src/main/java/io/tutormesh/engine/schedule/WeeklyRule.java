package io.tutormesh.engine.schedule;

import io.tutormesh.engine.common.CborSerializable;
import java.time.DayOfWeek;
import java.time.LocalTime;

/**
 * Hours a tutor teaches every week on {@code day}, local wall-clock times in the schedule's zone.
 * {@code end} is {@link LocalTime#MIDNIGHT} for "24:00": the midnight that ends the day (a rule
 * never crosses midnight; "MON 22:00-24:00" and "TUE 00:00-02:00" together do, and the slot
 * expansion joins them).
 */
public record WeeklyRule(DayOfWeek day, LocalTime start, LocalTime end) implements CborSerializable {

  /** Minutes from the day's midnight to the start. */
  public int startMinute() {
    return start.getHour() * 60 + start.getMinute();
  }

  /** Minutes from the day's midnight to the end; 1440 for "24:00". */
  public int endMinute() {
    return end.equals(LocalTime.MIDNIGHT) ? 24 * 60 : end.getHour() * 60 + end.getMinute();
  }

  public boolean endsAtMidnight() {
    return end.equals(LocalTime.MIDNIGHT);
  }
}
