package io.tutormesh.engine.schedule;

import io.tutormesh.engine.common.CborSerializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A tutor's availability: weekly rules and one-off exceptions, all in local wall-clock time of
 * {@code zone} (an IANA id such as {@code Europe/Paris}). Built only by {@link ScheduleRules#parse},
 * so a stored schedule is always valid.
 */
public record Schedule(String zone, List<WeeklyRule> weekly, List<ScheduleException> exceptions) implements CborSerializable {

  public Schedule {
    weekly = weekly == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(weekly));
    exceptions = exceptions == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(exceptions));
  }

  public boolean isDayOff(LocalDate date) {
    return exceptions.stream().anyMatch(e -> e instanceof ScheduleException.DayOff off && off.date().equals(date));
  }
}
