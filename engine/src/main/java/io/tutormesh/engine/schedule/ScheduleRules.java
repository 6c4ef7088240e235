package io.tutormesh.engine.schedule;

import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.schedule.ScheduleDraft.DraftException;
import io.tutormesh.engine.schedule.ScheduleDraft.DraftRule;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules a schedule must follow: a pure parser from what the client sent ({@link ScheduleDraft})
 * to a {@link Schedule}, or the first broken rule as a {@link Rejection} whose field is the JSON
 * path as sent ({@code weekly[2].end}).
 *
 * <ul>
 *   <li>{@code timezone}: an IANA zone id known to java.time ({@code Europe/Paris}, {@code UTC});
 *       fixed offsets such as {@code +02:00} are refused (a tutor's clock follows a region).
 *   <li>{@code weekly[i]}: {@code day} one of MON..SUN; {@code start} and {@code end} are "HH:mm",
 *       00:00 to 23:59; {@code end} may also be "24:00", the midnight that ends the day (so
 *       "22:00"-"24:00" is the last two hours of the day; "00:00" is never an end: it would be
 *       before any start). {@code end} after {@code start}; rules of one day may touch
 *       ("09:00-12:00" and "12:00-14:00") but not overlap.
 *   <li>{@code exceptions[i]}: {@code available:false} with {@code date} (YYYY-MM-DD) is a day off;
 *       {@code available:true} with local date-times {@code start}, {@code end}
 *       ({@code 2026-12-24T14:00}) is extra hours, at most {@code max-extra-hours} long. Past
 *       exceptions are accepted and ignored.
 *   <li>at most {@code max-weekly-rules} rules and {@code max-exceptions} exceptions.
 * </ul>
 */
public final class ScheduleRules {

  private static final Set<String> ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());
  private static final Pattern TIME = Pattern.compile("(\\d{2}):(\\d{2})");
  private static final Map<String, DayOfWeek> DAYS = Map.of(
      "MON", DayOfWeek.MONDAY, "TUE", DayOfWeek.TUESDAY, "WED", DayOfWeek.WEDNESDAY, "THU", DayOfWeek.THURSDAY,
      "FRI", DayOfWeek.FRIDAY, "SAT", DayOfWeek.SATURDAY, "SUN", DayOfWeek.SUNDAY);
  private static final int MIN_YEAR = 1970;
  private static final int MAX_YEAR = 9999;
  private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  /** A parsed schedule, or why the draft was refused. Exactly one is non-null. */
  public record Result(Schedule schedule, Rejection rejection) {
    public boolean isValid() {
      return schedule != null;
    }
  }

  private final ScheduleSettings settings;

  public ScheduleRules(ScheduleSettings settings) {
    this.settings = settings;
  }

  public Result parse(ScheduleDraft draft) {
    try {
      return new Result(schedule(draft), null);
    } catch (Invalid invalid) {
      return new Result(null, invalid.rejection);
    }
  }

  /** A query instant outside years 1970-9999 (or null: a default applies) is refused naming the field. */
  public Optional<Rejection> checkInstant(String field, Instant at) {
    if (at != null && (at.isBefore(EARLIEST) || at.isAfter(LATEST))) {
      return Optional.of(Rejection.invalid(field, "must be between " + EARLIEST + " and " + LATEST));
    }
    return Optional.empty();
  }

  /**
   * The bounds of a slots query: {@code from} before {@code to}, at most {@code max-query-window}
   * apart, a lesson length within the platform's bounds.
   */
  public Optional<Rejection> checkQuery(Instant from, Instant to, int durationMinutes) {
    if (durationMinutes < settings.minDurationMinutes() || durationMinutes > settings.maxDurationMinutes()) {
      return Optional.of(Rejection.invalid("durationMinutes",
          "must be " + settings.minDurationMinutes() + " to " + settings.maxDurationMinutes()));
    }
    if (!from.isBefore(to)) {
      return Optional.of(Rejection.invalid("to", "must be after from"));
    }
    if (Duration.between(from, to).compareTo(settings.maxQueryWindow()) > 0) {
      return Optional.of(Rejection.invalid("to", "at most " + settings.maxQueryWindow().toDays() + " days after from"));
    }
    return Optional.empty();
  }

  // --- the parser; the first broken rule is thrown as Invalid and becomes the Result ---

  private Schedule schedule(ScheduleDraft draft) {
    if (draft == null) {
      throw invalid(null, "a schedule is required");
    }
    String zone = zone(draft.timezone());
    if (draft.weekly() == null) {
      throw invalid("weekly", "is required (an empty list for no weekly hours)");
    }
    if (draft.weekly().size() > settings.maxWeeklyRules()) {
      throw invalid("weekly", "at most " + settings.maxWeeklyRules() + " rules are allowed");
    }
    List<WeeklyRule> rules = new ArrayList<>();
    for (int i = 0; i < draft.weekly().size(); i++) {
      rules.add(rule("weekly[" + i + "]", draft.weekly().get(i)));
    }
    noOverlap(rules);
    List<DraftException> drafts = draft.exceptions() == null ? List.of() : draft.exceptions();
    if (drafts.size() > settings.maxExceptions()) {
      throw invalid("exceptions", "at most " + settings.maxExceptions() + " exceptions are allowed");
    }
    List<ScheduleException> exceptions = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      exceptions.add(exception("exceptions[" + i + "]", drafts.get(i)));
    }
    List<WeeklyRule> sorted = new ArrayList<>(rules);
    sorted.sort(Comparator.comparing(WeeklyRule::day).thenComparing(WeeklyRule::startMinute));
    return new Schedule(zone, sorted, exceptions);
  }

  private static String zone(String timezone) {
    if (timezone == null || timezone.isBlank()) {
      throw invalid("timezone", "is required (an IANA zone such as Europe/Paris)");
    }
    if (!ZONES.contains(timezone)) {
      throw invalid("timezone", "unknown time zone " + Rejection.quoted(timezone) + " (an IANA zone such as Europe/Paris)");
    }
    return timezone;
  }

  private static WeeklyRule rule(String path, DraftRule draft) {
    if (draft == null) {
      throw invalid(path, "a rule {day, start, end} is required");
    }
    if (draft.day() == null || !DAYS.containsKey(draft.day())) {
      throw invalid(path + ".day", "must be one of MON, TUE, WED, THU, FRI, SAT, SUN");
    }
    LocalTime start = time(path + ".start", draft.start(), false);
    LocalTime end = time(path + ".end", draft.end(), true);
    WeeklyRule rule = new WeeklyRule(DAYS.get(draft.day()), start, end);
    if ("00:00".equals(draft.end()) || rule.endMinute() <= rule.startMinute()) {
      throw invalid(path + ".end", "must be after start (\"24:00\" for the midnight that ends the day)");
    }
    return rule;
  }

  /** "HH:mm", 00:00-23:59; "24:00" as an end only, returned as MIDNIGHT. */
  private static LocalTime time(String path, String text, boolean isEnd) {
    if (text == null) {
      throw invalid(path, "is required (\"HH:mm\")");
    }
    Matcher m = TIME.matcher(text);
    if (!m.matches()) {
      throw invalid(path, "must be a local time \"HH:mm\", got " + Rejection.quoted(text));
    }
    int hours = Integer.parseInt(m.group(1));
    int minutes = Integer.parseInt(m.group(2));
    if (isEnd && hours == 24 && minutes == 0) {
      return LocalTime.MIDNIGHT;
    }
    if (hours > 23 || minutes > 59) {
      throw invalid(path, "no such time " + Rejection.quoted(text) + " (00:00 to 23:59" + (isEnd ? ", or 24:00 for midnight)" : ")"));
    }
    return LocalTime.of(hours, minutes);
  }

  private static void noOverlap(List<WeeklyRule> rules) {
    for (int i = 0; i < rules.size(); i++) {
      for (int j = 0; j < i; j++) {
        WeeklyRule a = rules.get(j);
        WeeklyRule b = rules.get(i);
        if (a.day() == b.day() && a.startMinute() < b.endMinute() && b.startMinute() < a.endMinute()) {
          throw invalid("weekly[" + i + "]", "overlaps weekly[" + j + "] on " + b.day());
        }
      }
    }
  }

  private ScheduleException exception(String path, DraftException draft) {
    if (draft == null) {
      throw invalid(path, "an exception {date, available:false} or {start, end, available:true} is required");
    }
    if (draft.available() == null) {
      throw invalid(path + ".available", "is required (false: a day off on date; true: extra hours from start to end)");
    }
    if (!draft.available()) {
      if (draft.start() != null || draft.end() != null) {
        throw invalid(path + ".start", "a day off is a whole date: send date only (start/end are for available:true)");
      }
      return new ScheduleException.DayOff(date(path + ".date", draft.date()));
    }
    if (draft.date() != null) {
      throw invalid(path + ".date", "extra hours have start and end local date-times, not a date");
    }
    LocalDateTime start = dateTime(path + ".start", draft.start());
    LocalDateTime end = dateTime(path + ".end", draft.end());
    if (!end.isAfter(start)) {
      throw invalid(path + ".end", "must be after start");
    }
    if (Duration.between(start, end).compareTo(settings.maxExtraHours()) > 0) {
      throw invalid(path + ".end", "extra hours may last at most " + settings.maxExtraHours().toHours() + " h");
    }
    return new ScheduleException.ExtraHours(start, end);
  }

  private static LocalDate date(String path, String text) {
    if (text == null) {
      throw invalid(path, "is required (YYYY-MM-DD)");
    }
    try {
      LocalDate date = LocalDate.parse(text);
      if (date.getYear() < MIN_YEAR || date.getYear() > MAX_YEAR) {
        throw invalid(path, "year out of range");
      }
      return date;
    } catch (DateTimeParseException e) {
      throw invalid(path, "must be a date YYYY-MM-DD, got " + Rejection.quoted(text));
    }
  }

  private static LocalDateTime dateTime(String path, String text) {
    if (text == null) {
      throw invalid(path, "is required (a local date-time such as 2026-12-24T14:00)");
    }
    try {
      LocalDateTime at = LocalDateTime.parse(text);
      if (at.getYear() < MIN_YEAR || at.getYear() > MAX_YEAR) {
        throw invalid(path, "year out of range");
      }
      return at;
    } catch (DateTimeParseException e) {
      throw invalid(path, "must be a local date-time such as 2026-12-24T14:00, got " + Rejection.quoted(text));
    }
  }

  private static Invalid invalid(String field, String detail) {
    return new Invalid(Rejection.invalid(field, detail));
  }

  /** The first broken rule; carries no stack trace (it is an answer, not a failure). */
  private static final class Invalid extends RuntimeException {
    private final transient Rejection rejection;

    Invalid(Rejection rejection) {
      super(rejection.toMessage(), null, false, false);
      this.rejection = rejection;
    }
  }
}
