package io.tutormesh.gateway.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tutormesh.engine.schedule.Schedule;
import io.tutormesh.engine.schedule.ScheduleDraft;
import io.tutormesh.engine.schedule.ScheduleException;
import io.tutormesh.engine.schedule.TimeRange;
import io.tutormesh.engine.schedule.WeeklyRule;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Schedules and slots on the wire, mapped explicitly to and from the engine's records. */
public final class ScheduleDtos {
  private ScheduleDtos() {}

  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
  private static final DateTimeFormatter LOCAL_DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm");

  public record Rule(String day, String start, String end) {}

  /** `{date, available:false}` (a day off) or `{start, end, available:true}` (extra hours). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Exception(String date, String start, String end, Boolean available) {}

  /** `PUT /v1/tutors/{id}/schedule`: checked by the engine's ScheduleRules, as sent. */
  public record ScheduleRequest(String timezone, List<Rule> weekly, List<Exception> exceptions) {

    ScheduleDraft toDraft() {
      return new ScheduleDraft(
          timezone,
          weekly == null ? null : weekly.stream().map(r -> r == null ? null : new ScheduleDraft.DraftRule(r.day(), r.start(), r.end())).toList(),
          exceptions == null
              ? null
              : exceptions.stream().map(e -> e == null ? null : new ScheduleDraft.DraftException(e.date(), e.start(), e.end(), e.available())).toList());
    }
  }

  /** `GET /v1/tutors/{id}/schedule` and the answer to a PUT; without a schedule, empty lists and no timezone. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ScheduleView(String tutorId, String timezone, List<Rule> weekly, List<Exception> exceptions, Instant updatedAt) {

    public static ScheduleView of(TutorEntity.TutorSchedule answer) {
      Schedule s = answer.schedule();
      if (s == null) {
        return new ScheduleView(answer.tutorId(), null, List.of(), List.of(), null);
      }
      return new ScheduleView(
          answer.tutorId(),
          s.zone(),
          s.weekly().stream().map(ScheduleDtos::rule).toList(),
          s.exceptions().stream().map(ScheduleDtos::exception).toList(),
          answer.updatedAt());
    }
  }

  public record Slot(Instant start, Instant end) {}

  /** `GET /v1/tutors/{id}/slots`. */
  public record Slots(String tutorId, Instant from, Instant to, int durationMinutes, List<Slot> slots) {

    public static Slots of(TutorEntity.BookableSlots answer) {
      return new Slots(answer.tutorId(), answer.from(), answer.to(), answer.durationMinutes(),
          answer.slots().stream().map((TimeRange r) -> new Slot(r.start(), r.end())).toList());
    }
  }

  private static Rule rule(WeeklyRule rule) {
    String end = rule.endsAtMidnight() ? "24:00" : rule.end().format(HH_MM);
    return new Rule(day(rule.day()), rule.start().format(HH_MM), end);
  }

  private static String day(DayOfWeek day) {
    return day.name().substring(0, 3);
  }

  private static Exception exception(ScheduleException exception) {
    if (exception instanceof ScheduleException.DayOff off) {
      return new Exception(off.date().toString(), null, null, false);
    }
    ScheduleException.ExtraHours extra = (ScheduleException.ExtraHours) exception;
    return new Exception(null, time(extra.start()), time(extra.end()), true);
  }

  private static String time(java.time.LocalDateTime at) {
    return at.getSecond() == 0 && at.getNano() == 0 ? at.format(LOCAL_DATE_TIME) : at.toString();
  }
}
