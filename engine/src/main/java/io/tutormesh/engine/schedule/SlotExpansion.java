package io.tutormesh.engine.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Turns a schedule into bookable UTC slots: pure, java.time only.
 *
 * <p><b>Availability.</b> Each local date's weekly rules (unless the date is a day off), plus every
 * extra-hours exception, become real UTC intervals in the schedule's zone; touching or overlapping
 * intervals are joined (so "MON 22:00-24:00" and "TUE 00:00-02:00" are one four-hour window).
 * Local times are mapped as follows across DST changes: a time inside a spring-forward gap (02:30
 * on a day that jumps from 02:00 to 03:00) means the gap's end (the first real instant after it);
 * an ambiguous time on a fall-back day means its first occurrence when it starts an interval and
 * its second when it ends one (everything the wall clock shows between start and end). So a rule
 * 01:00-04:00 is 2 real hours on a spring-forward day and 4 on a fall-back day.
 *
 * <p><b>Grid.</b> Slots start on the tutor's local wall clock, every {@code slot-step} from local
 * midnight (30m: hh:00 and hh:30 in the tutor's zone, whatever the zone's offset: in
 * Asia/Kathmandu, +05:45, they are hh:15 and hh:45 UTC). A grid time that does not exist (in a
 * gap) gives no slot; one that exists twice (fall-back) gives two distinct instants, so every slot
 * is a real instant and none is repeated.
 *
 * <p><b>A slot</b> [start, start + duration) is bookable when it lies within one availability
 * window, starts at or after {@code from} and {@code now + min-notice}, before {@code to} and no
 * later than {@code now + horizon}, and keeps {@code buffer} clear of every busy interval
 * (bookings, live sessions): {@code slot.end + buffer <= busy.start} or {@code busy.end + buffer
 * <= slot.start}. Durations are real time: a 60-minute slot at 01:30 on a spring-forward day ends
 * at 03:30 on the wall clock.
 */
public final class SlotExpansion {

  private SlotExpansion() {}

  /**
   * @param busy UTC intervals the tutor is already taken (without buffers: they are added here)
   * @return the bookable slots, ordered by start, each starting in [from, to)
   */
  public static List<TimeRange> expand(
      Schedule schedule, List<TimeRange> busy, Instant now, Instant from, Instant to, Duration duration, ScheduleSettings settings) {
    if (schedule == null || duration.isNegative() || duration.isZero()) {
      return List.of();
    }
    Instant earliest = max(from, now.plus(settings.minNotice()));
    Instant latest = now.plus(settings.horizon());
    if (!earliest.isBefore(to) || earliest.isAfter(latest)) {
      return List.of();
    }
    ZoneId zone = ZoneId.of(schedule.zone());
    ZoneRules rules = zone.getRules();
    LocalDate firstDate = earliest.atZone(zone).toLocalDate().minusDays(1);
    LocalDate lastDate = min(to, latest).atZone(zone).toLocalDate().plusDays(1);

    List<TimeRange> windows = windows(schedule, rules, firstDate, lastDate);
    List<TimeRange> blocked = blocked(busy, settings.buffer());
    List<TimeRange> slots = new ArrayList<>();
    for (Instant start : grid(rules, firstDate, lastDate, settings.slotStep())) {
      if (start.isBefore(earliest) || !start.isBefore(to) || start.isAfter(latest)) {
        continue;
      }
      TimeRange slot = new TimeRange(start, start.plus(duration));
      if (within(slot, windows) && blocked.stream().noneMatch(slot::overlaps)) {
        slots.add(slot);
      }
    }
    return slots;
  }

  /** The availability of each local date in [firstDate, lastDate], as joined UTC windows. */
  static List<TimeRange> windows(Schedule schedule, ZoneRules rules, LocalDate firstDate, LocalDate lastDate) {
    List<TimeRange> raw = new ArrayList<>();
    for (LocalDate date = firstDate; !date.isAfter(lastDate); date = date.plusDays(1)) {
      if (schedule.isDayOff(date)) {
        continue;
      }
      for (WeeklyRule rule : schedule.weekly()) {
        if (rule.day() == date.getDayOfWeek()) {
          LocalDateTime end = rule.endsAtMidnight() ? date.plusDays(1).atStartOfDay() : date.atTime(rule.end());
          add(raw, startOf(rules, date.atTime(rule.start())), endOf(rules, end));
        }
      }
    }
    for (ScheduleException exception : schedule.exceptions()) {
      if (exception instanceof ScheduleException.ExtraHours extra
          && !extra.end().toLocalDate().isBefore(firstDate) && !extra.start().toLocalDate().isAfter(lastDate)) {
        add(raw, startOf(rules, extra.start()), endOf(rules, extra.end()));
      }
    }
    return joined(raw);
  }

  /** Every instant on the local grid of the dates, once each, in order. */
  private static TreeSet<Instant> grid(ZoneRules rules, LocalDate firstDate, LocalDate lastDate, Duration step) {
    TreeSet<Instant> grid = new TreeSet<>();
    long stepMinutes = step.toMinutes();
    for (LocalDate date = firstDate; !date.isAfter(lastDate); date = date.plusDays(1)) {
      LocalDateTime midnight = date.atStartOfDay();
      for (long minute = 0; minute < 24 * 60; minute += stepMinutes) {
        LocalDateTime local = midnight.plusMinutes(minute);
        for (ZoneOffset offset : rules.getValidOffsets(local)) {
          grid.add(local.toInstant(offset));
        }
      }
    }
    return grid;
  }

  /** Where an interval that starts at this local time starts: the first occurrence, or the end of a gap. */
  static Instant startOf(ZoneRules rules, LocalDateTime local) {
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (offsets.isEmpty()) {
      return rules.getTransition(local).getInstant();
    }
    return offsets.stream().map(local::toInstant).min(Comparator.naturalOrder()).orElseThrow();
  }

  /** Where an interval that ends at this local time ends: the last occurrence, or the end of a gap. */
  static Instant endOf(ZoneRules rules, LocalDateTime local) {
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (offsets.isEmpty()) {
      return rules.getTransition(local).getInstant();
    }
    return offsets.stream().map(local::toInstant).max(Comparator.naturalOrder()).orElseThrow();
  }

  private static void add(List<TimeRange> ranges, Instant start, Instant end) {
    if (start.isBefore(end)) {
      ranges.add(new TimeRange(start, end));
    }
  }

  /** Sorted, with touching or overlapping ranges joined. */
  private static List<TimeRange> joined(List<TimeRange> ranges) {
    List<TimeRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparing(TimeRange::start));
    List<TimeRange> joined = new ArrayList<>();
    for (TimeRange range : sorted) {
      TimeRange last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
      if (last != null && !range.start().isAfter(last.end())) {
        joined.set(joined.size() - 1, new TimeRange(last.start(), max(last.end(), range.end())));
      } else {
        joined.add(range);
      }
    }
    return joined;
  }

  private static List<TimeRange> blocked(List<TimeRange> busy, Duration buffer) {
    List<TimeRange> blocked = new ArrayList<>();
    for (TimeRange range : busy == null ? List.<TimeRange>of() : busy) {
      blocked.add(new TimeRange(range.start().minus(buffer), range.end().plus(buffer)));
    }
    return blocked;
  }

  private static boolean within(TimeRange slot, List<TimeRange> windows) {
    for (TimeRange window : windows) {
      if (!window.start().isAfter(slot.start()) && !slot.end().isAfter(window.end())) {
        return true;
      }
      if (window.start().isAfter(slot.start())) {
        return false;
      }
    }
    return false;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
