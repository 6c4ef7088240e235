package io.tutormesh.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.schedule.ScheduleDraft.DraftException;
import io.tutormesh.engine.schedule.ScheduleDraft.DraftRule;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScheduleRulesTest {

  private static final ScheduleRules RULES = new ScheduleRules(ScheduleSettings.defaults());

  static DraftRule rule(String day, String start, String end) {
    return new DraftRule(day, start, end);
  }

  static ScheduleDraft weekly(DraftRule... rules) {
    return new ScheduleDraft("Europe/Paris", Arrays.asList(rules), List.of());
  }

  static ScheduleDraft exceptions(DraftException... exceptions) {
    return new ScheduleDraft("Europe/Paris", List.of(rule("MON", "09:00", "12:30")), Arrays.asList(exceptions));
  }

  static DraftException dayOff(String date) {
    return new DraftException(date, null, null, false);
  }

  static DraftException extra(String start, String end) {
    return new DraftException(null, start, end, true);
  }

  static Stream<Arguments> broken() {
    DraftRule ok = rule("MON", "09:00", "12:30");
    return Stream.of(
        Arguments.of(null, null),
        Arguments.of(new ScheduleDraft(null, List.of(ok), List.of()), "timezone"),
        Arguments.of(new ScheduleDraft(" ", List.of(ok), List.of()), "timezone"),
        Arguments.of(new ScheduleDraft("Mars/Olympus_Mons", List.of(ok), List.of()), "timezone"),
        Arguments.of(new ScheduleDraft("+02:00", List.of(ok), List.of()), "timezone"),
        Arguments.of(new ScheduleDraft("europe/paris", List.of(ok), List.of()), "timezone"),
        Arguments.of(new ScheduleDraft("Europe/Paris", null, List.of()), "weekly"),
        Arguments.of(new ScheduleDraft("Europe/Paris", Collections.nCopies(71, ok), List.of()), "weekly"),
        Arguments.of(weekly(ok, null), "weekly[1]"),
        Arguments.of(weekly(rule(null, "09:00", "10:00")), "weekly[0].day"),
        Arguments.of(weekly(rule("MONDAY", "09:00", "10:00")), "weekly[0].day"),
        Arguments.of(weekly(rule("mon", "09:00", "10:00")), "weekly[0].day"),
        Arguments.of(weekly(rule("MON", null, "10:00")), "weekly[0].start"),
        Arguments.of(weekly(rule("MON", "25:00", "26:00")), "weekly[0].start"),
        Arguments.of(weekly(rule("MON", "24:00", "24:00")), "weekly[0].start"),
        Arguments.of(weekly(rule("MON", "9:00", "10:00")), "weekly[0].start"),
        Arguments.of(weekly(rule("MON", "09:60", "10:00")), "weekly[0].start"),
        Arguments.of(weekly(rule("MON", "09:00:00", "10:00")), "weekly[0].start"),
        Arguments.of(weekly(rule("MON", "nine", "10:00")), "weekly[0].start"),
        Arguments.of(weekly(rule("MON", "09:00", null)), "weekly[0].end"),
        Arguments.of(weekly(rule("MON", "09:00", "25:00")), "weekly[0].end"),
        Arguments.of(weekly(rule("MON", "09:00", "24:30")), "weekly[0].end"),
        Arguments.of(weekly(rule("MON", "12:00", "09:00")), "weekly[0].end"),
        Arguments.of(weekly(rule("MON", "09:00", "09:00")), "weekly[0].end"),
        Arguments.of(weekly(rule("MON", "22:00", "00:00")), "weekly[0].end"),
        Arguments.of(weekly(ok, rule("MON", "12:00", "13:00")), "weekly[1]"),
        Arguments.of(weekly(ok, rule("TUE", "08:00", "09:00"), rule("MON", "08:00", "09:30")), "weekly[2]"),
        Arguments.of(weekly(ok, ok), "weekly[1]"),
        Arguments.of(exceptions((DraftException) null), "exceptions[0]"),
        Arguments.of(exceptions(new DraftException("2026-12-24", null, null, null)), "exceptions[0].available"),
        Arguments.of(exceptions(dayOff(null)), "exceptions[0].date"),
        Arguments.of(exceptions(dayOff("2026-02-30")), "exceptions[0].date"),
        Arguments.of(exceptions(dayOff("24/12/2026")), "exceptions[0].date"),
        Arguments.of(exceptions(new DraftException("2026-12-24", "2026-12-24T09:00", null, false)), "exceptions[0].start"),
        Arguments.of(exceptions(extra(null, "2026-12-24T12:00")), "exceptions[0].start"),
        Arguments.of(exceptions(extra("2026-12-24T25:00", "2026-12-24T26:00")), "exceptions[0].start"),
        Arguments.of(exceptions(extra("2026-12-24T09:00", "tomorrow")), "exceptions[0].end"),
        Arguments.of(exceptions(extra("2026-12-24T12:00", "2026-12-24T09:00")), "exceptions[0].end"),
        Arguments.of(exceptions(extra("2026-12-24T09:00", "2026-12-25T09:01")), "exceptions[0].end"),
        Arguments.of(exceptions(extra("2026-12-24T09:00Z", "2026-12-24T10:00Z")), "exceptions[0].start"),
        Arguments.of(exceptions(new DraftException("2026-12-24", "2026-12-24T09:00", "2026-12-24T10:00", true)), "exceptions[0].date"),
        Arguments.of(exceptions(dayOff("2026-12-24"), extra("2026-12-24T09:00", "2026-12-24T09:00")), "exceptions[1].end"),
        Arguments.of(new ScheduleDraft("Europe/Paris", List.of(), Collections.nCopies(201, dayOff("2026-12-24"))), "exceptions"));
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("broken")
  void everyBrokenScheduleIsRefusedNamingTheField(ScheduleDraft draft, String field) {
    ScheduleRules.Result result = RULES.parse(draft);

    assertThat(result.isValid()).isFalse();
    assertThat(result.schedule()).isNull();
    assertThat(result.rejection().kind()).isEqualTo(Rejection.Kind.INVALID);
    assertThat(result.rejection().field()).isEqualTo(field);
    assertThat(result.rejection().detail()).isNotBlank();
  }

  @Test
  void twentyFiveOClockIsNamedInTheDetail() {
    Rejection rejection = RULES.parse(weekly(rule("MON", "25:00", "26:00"))).rejection();

    assertThat(rejection.detail()).contains("'25:00'");
  }

  @Test
  void aValidScheduleIsParsedAndItsRulesSortedByDayAndStart() {
    ScheduleDraft draft = new ScheduleDraft("America/New_York",
        List.of(rule("TUE", "14:00", "18:00"), rule("MON", "12:00", "14:00"), rule("MON", "09:00", "12:00"), rule("SUN", "22:00", "24:00")),
        List.of(dayOff("2026-12-24"), extra("2026-12-26T10:00", "2026-12-26T12:30")));

    ScheduleRules.Result result = RULES.parse(draft);

    assertThat(result.rejection()).isNull();
    assertThat(result.schedule()).isEqualTo(new Schedule("America/New_York",
        List.of(
            new WeeklyRule(DayOfWeek.MONDAY, LocalTime.of(9, 0), LocalTime.of(12, 0)),
            new WeeklyRule(DayOfWeek.MONDAY, LocalTime.of(12, 0), LocalTime.of(14, 0)),
            new WeeklyRule(DayOfWeek.TUESDAY, LocalTime.of(14, 0), LocalTime.of(18, 0)),
            new WeeklyRule(DayOfWeek.SUNDAY, LocalTime.of(22, 0), LocalTime.MIDNIGHT)),
        List.of(
            new ScheduleException.DayOff(LocalDate.of(2026, 12, 24)),
            new ScheduleException.ExtraHours(LocalDateTime.of(2026, 12, 26, 10, 0), LocalDateTime.of(2026, 12, 26, 12, 30)))));
  }

  @Test
  void twentyFourHundredIsTheMidnightThatEndsTheDay() {
    Schedule schedule = RULES.parse(weekly(rule("FRI", "00:00", "24:00"))).schedule();

    WeeklyRule wholeDay = schedule.weekly().get(0);
    assertThat(wholeDay.endsAtMidnight()).isTrue();
    assertThat(wholeDay.endMinute()).isEqualTo(24 * 60);
  }

  @Test
  void noWeeklyHoursPastExceptionsAndAMissingExceptionsListAreFine() {
    assertThat(RULES.parse(new ScheduleDraft("UTC", List.of(), null)).isValid()).isTrue();
    assertThat(RULES.parse(new ScheduleDraft("Asia/Kathmandu", List.of(), List.of(dayOff("2001-01-01")))).isValid()).isTrue();
  }

  @Test
  void theMaximumNumbersOfRulesAndExceptionsAreAccepted() {
    List<DraftRule> rules = new ArrayList<>();
    for (String day : List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")) {
      for (int hour = 0; hour < 20; hour += 2) {
        rules.add(rule(day, "%02d:00".formatted(hour), "%02d:00".formatted(hour + 1)));
      }
    }
    assertThat(rules).hasSize(70);

    assertThat(RULES.parse(new ScheduleDraft("UTC", rules, Collections.nCopies(200, dayOff("2026-12-24")))).isValid()).isTrue();
  }

  @Test
  void aSlotsQueryIsBounded() {
    Instant from = Instant.parse("2026-06-01T00:00:00Z");

    assertThat(RULES.checkQuery(from, from.plusSeconds(3600), 60)).isEmpty();
    assertThat(RULES.checkQuery(from, from.plusSeconds(3600), 14).orElseThrow().field()).isEqualTo("durationMinutes");
    assertThat(RULES.checkQuery(from, from.plusSeconds(3600), 181).orElseThrow().field()).isEqualTo("durationMinutes");
    assertThat(RULES.checkQuery(from, from, 60).orElseThrow().field()).isEqualTo("to");
    assertThat(RULES.checkQuery(from, from.minusSeconds(1), 60).orElseThrow().field()).isEqualTo("to");
    assertThat(RULES.checkQuery(from, from.plus(java.time.Duration.ofDays(32)), 60).orElseThrow().field()).isEqualTo("to");
  }
}
