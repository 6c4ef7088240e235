package io.tutormesh.engine.schedule;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code tutormesh.schedule.*} (see reference.conf), plus the lesson length bounds of {@code
 * tutormesh.matching.min/max-duration-minutes}: the one reading of these keys, for the slot
 * expansion and the schedule rules as for the booking decision ({@code tutor.BookingRules}).
 *
 * @param slotStep slots start on this grid of the tutor's local wall clock, counted from local
 *     midnight (30m: hh:00 and hh:30 local); must divide a day
 * @param minNotice a slot starts at least this long after now
 * @param horizon a slot starts at most this long after now
 * @param buffer kept free before and after every busy time (bookings, live sessions)
 * @param maxQueryWindow longest {@code to - from} one slots query may ask for
 * @param defaultQueryWindow {@code to - from} when the query gives no {@code to}
 * @param defaultDurationMinutes lesson length when the query gives none
 * @param maxWeeklyRules most weekly rules in one schedule
 * @param maxExceptions most exceptions in one schedule
 * @param maxExtraHours longest single extra-hours exception
 */
public record ScheduleSettings(
    Duration slotStep,
    Duration minNotice,
    Duration horizon,
    Duration buffer,
    Duration maxQueryWindow,
    Duration defaultQueryWindow,
    int defaultDurationMinutes,
    int minDurationMinutes,
    int maxDurationMinutes,
    int maxWeeklyRules,
    int maxExceptions,
    Duration maxExtraHours) {

  private static final long MINUTES_PER_DAY = 24 * 60;

  public ScheduleSettings {
    long step = slotStep.toMinutes();
    if (step < 1 || step > MINUTES_PER_DAY || MINUTES_PER_DAY % step != 0 || !slotStep.equals(Duration.ofMinutes(step))) {
      throw new IllegalArgumentException("tutormesh.schedule.slot-step must be whole minutes dividing a day, got " + slotStep);
    }
    if (minNotice.isNegative() || buffer.isNegative() || horizon.compareTo(minNotice) < 0) {
      throw new IllegalArgumentException("need 0 <= min-notice <= horizon and buffer >= 0");
    }
    if (maxQueryWindow.isNegative() || maxQueryWindow.isZero() || defaultQueryWindow.compareTo(maxQueryWindow) > 0 || defaultQueryWindow.isZero()) {
      throw new IllegalArgumentException("need 0 < default-query-window <= max-query-window");
    }
    if (minDurationMinutes < 1 || maxDurationMinutes < minDurationMinutes
        || defaultDurationMinutes < minDurationMinutes || defaultDurationMinutes > maxDurationMinutes) {
      throw new IllegalArgumentException("need 1 <= min-duration <= default-duration-minutes <= max-duration");
    }
    if (maxWeeklyRules < 1 || maxExceptions < 0 || maxExtraHours.isNegative() || maxExtraHours.isZero()) {
      throw new IllegalArgumentException("schedule limits must be positive");
    }
  }

  /** The defaults of reference.conf, for tests. */
  public static ScheduleSettings defaults() {
    return new ScheduleSettings(
        Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofDays(180), Duration.ofMinutes(10),
        Duration.ofDays(31), Duration.ofDays(7), 60, 15, 180, 70, 200, Duration.ofHours(24));
  }

  public static ScheduleSettings fromConfig(Config config) {
    Config s = config.getConfig("tutormesh.schedule");
    Config m = config.getConfig("tutormesh.matching");
    return new ScheduleSettings(
        s.getDuration("slot-step"),
        s.getDuration("min-notice"),
        s.getDuration("horizon"),
        s.getDuration("buffer"),
        s.getDuration("max-query-window"),
        s.getDuration("default-query-window"),
        s.getInt("default-duration-minutes"),
        m.getInt("min-duration-minutes"),
        m.getInt("max-duration-minutes"),
        s.getInt("max-weekly-rules"),
        s.getInt("max-exceptions"),
        s.getDuration("max-extra-hours"));
  }

  public ScheduleSettings withBuffer(Duration changed) {
    return new ScheduleSettings(slotStep, minNotice, horizon, changed, maxQueryWindow, defaultQueryWindow,
        defaultDurationMinutes, minDurationMinutes, maxDurationMinutes, maxWeeklyRules, maxExceptions, maxExtraHours);
  }

  public ScheduleSettings withMinNotice(Duration changed) {
    return new ScheduleSettings(slotStep, changed, horizon, buffer, maxQueryWindow, defaultQueryWindow,
        defaultDurationMinutes, minDurationMinutes, maxDurationMinutes, maxWeeklyRules, maxExceptions, maxExtraHours);
  }
}
