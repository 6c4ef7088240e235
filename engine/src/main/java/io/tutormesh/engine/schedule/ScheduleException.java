package io.tutormesh.engine.schedule;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tutormesh.engine.common.CborSerializable;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * A one-off change to the weekly rules, in the schedule's zone: a whole {@link DayOff} (that
 * date's weekly hours are gone) or {@link ExtraHours} (added on top of the weekly hours, also on a
 * day off). Exceptions in the past are kept as sent and ignored by the slot expansion.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ScheduleException.DayOff.class, name = "day-off"),
  @JsonSubTypes.Type(value = ScheduleException.ExtraHours.class, name = "extra-hours")
})
public sealed interface ScheduleException extends CborSerializable {

  /** No weekly hours on this local date. */
  record DayOff(LocalDate date) implements ScheduleException {}

  /** Available from {@code start} to {@code end}, local date-times ({@code end} after {@code start}). */
  record ExtraHours(LocalDateTime start, LocalDateTime end) implements ScheduleException {}
}
