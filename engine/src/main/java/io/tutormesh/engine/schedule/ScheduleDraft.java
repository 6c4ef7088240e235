package io.tutormesh.engine.schedule;

import io.tutormesh.engine.common.CborSerializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A schedule as the client sent it (`PUT /v1/tutors/{id}/schedule`), text not yet checked:
 * {@link ScheduleRules#parse} turns it into a {@link Schedule} or says which field is wrong.
 */
public record ScheduleDraft(String timezone, List<DraftRule> weekly, List<DraftException> exceptions) implements CborSerializable {

  public ScheduleDraft {
    weekly = frozen(weekly);
    exceptions = frozen(exceptions);
  }

  /** {@code {day:"MON", start:"09:00", end:"12:30"}}. */
  public record DraftRule(String day, String start, String end) implements CborSerializable {}

  /** {@code {date, available:false}} or {@code {start, end, available:true}}. */
  public record DraftException(String date, String start, String end, Boolean available) implements CborSerializable {}

  /** An unmodifiable copy that keeps null elements, so that the validator can point at them. */
  private static <T> List<T> frozen(List<T> list) {
    return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
  }
}
