package io.tutormesh.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slot expansion: DST changes in both directions and hemispheres, odd offsets, buffers, notice, horizon, exceptions. */
class SlotExpansionTest {

  private static final ScheduleSettings NO_BUFFER = ScheduleSettings.defaults().withBuffer(Duration.ZERO);

  private static WeeklyRule rule(DayOfWeek day, String start, String end) {
    return new WeeklyRule(day, LocalTime.parse(start), end.equals("24:00") ? LocalTime.MIDNIGHT : LocalTime.parse(end));
  }

  private static Schedule schedule(String zone, WeeklyRule... rules) {
    return new Schedule(zone, List.of(rules), List.of());
  }

  private static Instant at(String utc) {
    return Instant.parse(utc);
  }

  private static List<Instant> starts(List<TimeRange> slots) {
    return slots.stream().map(TimeRange::start).toList();
  }

  private static List<Instant> instants(String... utc) {
    return java.util.Arrays.stream(utc).map(Instant::parse).toList();
  }

  /** Slots of one UTC day (from its 00:00 to the next), asked well in advance. */
  private static List<TimeRange> dayOf(Schedule schedule, String day, int minutes, ScheduleSettings settings) {
    Instant from = at(day + "T00:00:00Z").minus(Duration.ofHours(12));
    return SlotExpansion.expand(schedule, List.of(), from.minus(Duration.ofDays(10)), from, from.plus(Duration.ofHours(36)),
        Duration.ofMinutes(minutes), settings);
  }

  // --- Europe: last Sunday of March and of October ---

  @Test
  void parisSpringForwardGivesOnlyRealInstants() {
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z); 01:00-04:00 local is two real hours.
    List<TimeRange> slots = dayOf(schedule("Europe/Paris", rule(DayOfWeek.SUNDAY, "01:00", "04:00")), "2026-03-29", 30, NO_BUFFER);

    assertThat(starts(slots)).containsExactlyElementsOf(instants(
        "2026-03-29T00:00:00Z", "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"));
    assertThat(slots).allSatisfy(s -> assertThat(Duration.between(s.start(), s.end())).isEqualTo(Duration.ofMinutes(30)));
  }

  @Test
  void parisSpringForwardSlotsSpanTheGapInRealTime() {
    List<TimeRange> slots = dayOf(schedule("Europe/Paris", rule(DayOfWeek.SUNDAY, "01:00", "04:00")), "2026-03-29", 60, NO_BUFFER);

    // 01:30 CET + 60 real minutes = 03:30 CEST: the slot straddles the gap with its true length.
    assertThat(slots).containsExactly(
        new TimeRange(at("2026-03-29T00:00:00Z"), at("2026-03-29T01:00:00Z")),
        new TimeRange(at("2026-03-29T00:30:00Z"), at("2026-03-29T01:30:00Z")),
        new TimeRange(at("2026-03-29T01:00:00Z"), at("2026-03-29T02:00:00Z")));
  }

  @Test
  void aRuleStartingInsideTheGapStartsWhenTheGapEnds() {
    List<TimeRange> slots = dayOf(schedule("Europe/Paris", rule(DayOfWeek.SUNDAY, "02:30", "04:00")), "2026-03-29", 30, NO_BUFFER);

    assertThat(starts(slots)).containsExactlyElementsOf(instants("2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"));
  }

  @Test
  void aRuleEntirelyInsideTheGapGivesNothing() {
    assertThat(dayOf(schedule("Europe/Paris", rule(DayOfWeek.SUNDAY, "02:00", "03:00")), "2026-03-29", 15, NO_BUFFER)).isEmpty();
  }

  @Test
  void parisFallBackGivesTheRepeatedHourTwiceWithoutDuplicates() {
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00Z); 01:00-04:00 local is four real hours.
    List<TimeRange> slots = dayOf(schedule("Europe/Paris", rule(DayOfWeek.SUNDAY, "01:00", "04:00")), "2026-10-25", 30, NO_BUFFER);

    assertThat(starts(slots)).containsExactlyElementsOf(instants(
        "2026-10-24T23:00:00Z", "2026-10-24T23:30:00Z",
        "2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", // 02:00, 02:30 CEST
        "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z", // 02:00, 02:30 CET
        "2026-10-25T02:00:00Z", "2026-10-25T02:30:00Z"));
    assertThat(starts(slots)).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void theSameWallClockRuleMovesInUtcAcrossTheChange() {
    Schedule mondays = schedule("Europe/Paris", rule(DayOfWeek.MONDAY, "09:00", "10:00"));

    assertThat(starts(dayOf(mondays, "2026-03-23", 60, NO_BUFFER))).containsExactly(at("2026-03-23T08:00:00Z"));
    assertThat(starts(dayOf(mondays, "2026-03-30", 60, NO_BUFFER))).containsExactly(at("2026-03-30T07:00:00Z"));
    assertThat(starts(dayOf(mondays, "2026-10-19", 60, NO_BUFFER))).containsExactly(at("2026-10-19T07:00:00Z"));
    assertThat(starts(dayOf(mondays, "2026-10-26", 60, NO_BUFFER))).containsExactly(at("2026-10-26T08:00:00Z"));
  }

  // --- America: second Sunday of March, first Sunday of November ---

  @Test
  void newYorkSpringForward() {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z).
    List<TimeRange> slots = dayOf(schedule("America/New_York", rule(DayOfWeek.SUNDAY, "01:00", "04:00")), "2026-03-08", 30, NO_BUFFER);

    assertThat(starts(slots)).containsExactlyElementsOf(instants(
        "2026-03-08T06:00:00Z", "2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z"));
  }

  @Test
  void newYorkFallBack() {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST (06:00Z): 01:00-01:59 happens twice.
    List<TimeRange> slots = dayOf(schedule("America/New_York", rule(DayOfWeek.SUNDAY, "01:00", "04:00")), "2026-11-01", 60, NO_BUFFER);

    assertThat(starts(slots)).containsExactlyElementsOf(instants(
        "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", // 01:00, 01:30 EDT
        "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", // 01:00, 01:30 EST
        "2026-11-01T07:00:00Z", "2026-11-01T07:30:00Z", "2026-11-01T08:00:00Z"));
    assertThat(slots.get(slots.size() - 1).end()).isEqualTo(at("2026-11-01T09:00:00Z")); // 04:00 EST
  }

  @Test
  void aRuleEndingInTheRepeatedHourEndsAtItsSecondOccurrence() {
    List<TimeRange> slots = dayOf(schedule("America/New_York", rule(DayOfWeek.SUNDAY, "00:00", "01:30")), "2026-11-01", 30, NO_BUFFER);

    // 00:00 EDT (04:00Z) to the second 01:30 (01:30 EST = 06:30Z)
    assertThat(starts(slots)).containsExactlyElementsOf(instants(
        "2026-11-01T04:00:00Z", "2026-11-01T04:30:00Z", "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z"));
  }

  // --- odd offsets ---

  @Test
  void kolkataHalfHourOffsetKeepsTheLocalGrid() {
    // +05:30, no DST: 09:00-11:00 local is 03:30Z-05:30Z.
    List<TimeRange> slots = dayOf(schedule("Asia/Kolkata", rule(DayOfWeek.MONDAY, "09:00", "11:00")), "2026-06-01", 60, NO_BUFFER);

    assertThat(starts(slots)).containsExactlyElementsOf(instants("2026-06-01T03:30:00Z", "2026-06-01T04:00:00Z", "2026-06-01T04:30:00Z"));
  }

  @Test
  void kathmanduQuarterHourOffsetKeepsTheLocalGrid() {
    // +05:45: local hh:00 and hh:30 are hh:15 and hh:45 UTC.
    List<TimeRange> slots = dayOf(schedule("Asia/Kathmandu", rule(DayOfWeek.MONDAY, "09:00", "10:00")), "2026-06-01", 30, NO_BUFFER);

    assertThat(starts(slots)).containsExactlyElementsOf(instants("2026-06-01T03:15:00Z", "2026-06-01T03:45:00Z"));
  }

  @Test
  void adelaideHalfHourOffsetAcrossItsOctoberSpringForward() {
    // 2026-10-04: 02:00 ACST (+09:30) jumps to 03:00 ACDT (+10:30) at 2026-10-03T16:30Z.
    List<TimeRange> slots = dayOf(schedule("Australia/Adelaide", rule(DayOfWeek.SUNDAY, "01:00", "04:00")), "2026-10-03", 30, NO_BUFFER);

    assertThat(starts(slots)).containsExactlyElementsOf(instants(
        "2026-10-03T15:30:00Z", "2026-10-03T16:00:00Z", "2026-10-03T16:30:00Z", "2026-10-03T17:00:00Z"));
  }

  // --- buffers, notice, horizon, from/to ---

  private static final Schedule UTC_MONDAYS = schedule("UTC", rule(DayOfWeek.MONDAY, "08:00", "14:00"));
  private static final Instant WEEK_BEFORE = at("2026-06-01T00:00:00Z");

  private static List<Instant> mondayStarts(List<TimeRange> busy, ScheduleSettings settings) {
    return starts(SlotExpansion.expand(UTC_MONDAYS, busy, WEEK_BEFORE, at("2026-06-08T00:00:00Z"), at("2026-06-09T00:00:00Z"),
        Duration.ofHours(1), settings));
  }

  @Test
  void aBusyIntervalTakesTheSlotsItOverlaps() {
    List<TimeRange> busy = List.of(new TimeRange(at("2026-06-08T10:00:00Z"), at("2026-06-08T11:00:00Z")));

    assertThat(mondayStarts(busy, NO_BUFFER)).containsExactlyElementsOf(instants(
        "2026-06-08T08:00:00Z", "2026-06-08T08:30:00Z", "2026-06-08T09:00:00Z",
        "2026-06-08T11:00:00Z", "2026-06-08T11:30:00Z", "2026-06-08T12:00:00Z", "2026-06-08T12:30:00Z", "2026-06-08T13:00:00Z"));
  }

  @Test
  void theBufferKeepsTimeFreeBeforeAndAfterABusyInterval() {
    List<TimeRange> busy = List.of(new TimeRange(at("2026-06-08T10:00:00Z"), at("2026-06-08T11:00:00Z")));

    assertThat(mondayStarts(busy, NO_BUFFER.withBuffer(Duration.ofMinutes(10)))).containsExactlyElementsOf(instants(
        "2026-06-08T08:00:00Z", "2026-06-08T08:30:00Z",
        "2026-06-08T11:30:00Z", "2026-06-08T12:00:00Z", "2026-06-08T12:30:00Z", "2026-06-08T13:00:00Z"));
  }

  @Test
  void theMinimumNoticeDropsSlotsTooSoon() {
    Instant now = at("2026-06-08T07:10:00Z");

    List<TimeRange> slots = SlotExpansion.expand(UTC_MONDAYS, List.of(), now, now, at("2026-06-09T00:00:00Z"), Duration.ofHours(1),
        NO_BUFFER);

    assertThat(starts(slots).get(0)).isEqualTo(at("2026-06-08T09:30:00Z"));
    assertThat(starts(slots)).allSatisfy(start -> assertThat(start).isAfterOrEqualTo(now.plus(Duration.ofHours(2))));
  }

  @Test
  void noSlotStartsBeyondTheHorizon() {
    Schedule everyDay = new Schedule("UTC",
        java.util.Arrays.stream(DayOfWeek.values()).map(d -> rule(d, "09:00", "10:00")).toList(), List.of());
    Instant now = at("2026-06-01T09:30:00Z");
    Instant from = now.plus(Duration.ofDays(178));

    List<TimeRange> slots = SlotExpansion.expand(everyDay, List.of(), now, from, from.plus(Duration.ofDays(5)), Duration.ofMinutes(30),
        NO_BUFFER);

    assertThat(starts(slots)).isNotEmpty().allSatisfy(start -> assertThat(start).isBeforeOrEqualTo(now.plus(Duration.ofDays(180))));
    assertThat(starts(slots)).contains(now.plus(Duration.ofDays(180))).hasSize(5); // 09:30 on day 178; 09:00 and 09:30 on days 179 and 180
  }

  @Test
  void fromIsInclusiveAndToExclusiveForTheStart() {
    List<TimeRange> slots = SlotExpansion.expand(UTC_MONDAYS, List.of(), WEEK_BEFORE, at("2026-06-08T09:00:00Z"),
        at("2026-06-08T10:00:00Z"), Duration.ofHours(3), NO_BUFFER);

    assertThat(slots).containsExactly(
        new TimeRange(at("2026-06-08T09:00:00Z"), at("2026-06-08T12:00:00Z")),
        new TimeRange(at("2026-06-08T09:30:00Z"), at("2026-06-08T12:30:00Z")));
  }

  @Test
  void noScheduleMeansNoSlots() {
    assertThat(SlotExpansion.expand(null, List.of(), WEEK_BEFORE, WEEK_BEFORE, WEEK_BEFORE.plus(Duration.ofDays(7)),
        Duration.ofHours(1), NO_BUFFER)).isEmpty();
  }

  // --- exceptions and joined windows ---

  @Test
  void aDayOffRemovesThatDatesWeeklyHoursOnly() {
    Schedule withDayOff = new Schedule("Europe/Paris", List.of(rule(DayOfWeek.MONDAY, "09:00", "10:00")),
        List.of(new ScheduleException.DayOff(LocalDate.parse("2026-06-08"))));

    assertThat(dayOf(withDayOff, "2026-06-08", 60, NO_BUFFER)).isEmpty();
    assertThat(starts(dayOf(withDayOff, "2026-06-15", 60, NO_BUFFER))).containsExactly(at("2026-06-15T07:00:00Z"));
  }

  @Test
  void extraHoursAddSlotsEvenOnADayOff() {
    Schedule schedule = new Schedule("Europe/Paris", List.of(rule(DayOfWeek.MONDAY, "09:00", "10:00")), List.of(
        new ScheduleException.DayOff(LocalDate.parse("2026-06-08")),
        new ScheduleException.ExtraHours(LocalDateTime.parse("2026-06-08T14:00"), LocalDateTime.parse("2026-06-08T15:00")),
        new ScheduleException.ExtraHours(LocalDateTime.parse("2026-06-13T10:00"), LocalDateTime.parse("2026-06-13T11:30"))));

    assertThat(starts(dayOf(schedule, "2026-06-08", 60, NO_BUFFER))).containsExactly(at("2026-06-08T12:00:00Z"));
    assertThat(starts(dayOf(schedule, "2026-06-13", 60, NO_BUFFER)))
        .containsExactlyElementsOf(instants("2026-06-13T08:00:00Z", "2026-06-13T08:30:00Z"));
  }

  @Test
  void extraHoursNextToWeeklyHoursMakeOneWindow() {
    Schedule schedule = new Schedule("UTC", List.of(rule(DayOfWeek.MONDAY, "09:00", "10:00")),
        List.of(new ScheduleException.ExtraHours(LocalDateTime.parse("2026-06-08T10:00"), LocalDateTime.parse("2026-06-08T11:00"))));

    assertThat(starts(dayOf(schedule, "2026-06-08", 120, NO_BUFFER))).containsExactly(at("2026-06-08T09:00:00Z"));
  }

  @Test
  void rulesMeetingAtMidnightMakeOneWindow() {
    Schedule lateNights = schedule("UTC", rule(DayOfWeek.MONDAY, "22:00", "24:00"), rule(DayOfWeek.TUESDAY, "00:00", "02:00"));

    List<TimeRange> slots = SlotExpansion.expand(lateNights, List.of(), WEEK_BEFORE, at("2026-06-08T00:00:00Z"),
        at("2026-06-10T00:00:00Z"), Duration.ofMinutes(180), NO_BUFFER);

    assertThat(starts(slots)).containsExactlyElementsOf(instants("2026-06-08T22:00:00Z", "2026-06-08T22:30:00Z", "2026-06-08T23:00:00Z"));
  }

  @Test
  void pastExceptionsAreIgnored() {
    Schedule schedule = new Schedule("UTC", List.of(rule(DayOfWeek.MONDAY, "09:00", "10:00")), List.of(
        new ScheduleException.DayOff(LocalDate.parse("2020-01-06")),
        new ScheduleException.ExtraHours(LocalDateTime.parse("2020-01-07T09:00"), LocalDateTime.parse("2020-01-07T10:00"))));

    assertThat(starts(dayOf(schedule, "2026-06-08", 60, NO_BUFFER))).containsExactly(at("2026-06-08T09:00:00Z"));
  }

  @Test
  void everySlotIsOnTheGridInsideAWindowAndUniqueInEveryZone() {
    for (String zone : List.of("Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham")) {
      List<WeeklyRule> rules = new ArrayList<>();
      for (DayOfWeek day : DayOfWeek.values()) {
        rules.add(rule(day, "00:00", "05:00"));
        rules.add(rule(day, "20:00", "24:00"));
      }
      Schedule schedule = new Schedule(zone, rules, List.of());
      Instant now = at("2026-01-01T00:00:00Z");
      List<TimeRange> slots = new ArrayList<>();
      for (Instant from = now; from.isBefore(now.plus(Duration.ofDays(360))); from = from.plus(Duration.ofDays(30))) {
        slots.addAll(SlotExpansion.expand(schedule, List.of(), from, from, from.plus(Duration.ofDays(30)), Duration.ofMinutes(45), NO_BUFFER));
      }
      assertThat(starts(slots)).as(zone).doesNotHaveDuplicates().isSorted();
      assertThat(slots).as(zone).allSatisfy(s -> {
        assertThat(s.start().atZone(java.time.ZoneId.of(zone)).getMinute() % 30).isZero();
        int hour = s.start().atZone(java.time.ZoneId.of(zone)).getHour();
        assertThat(hour < 5 || hour >= 20).isTrue();
      });
    }
  }
}
