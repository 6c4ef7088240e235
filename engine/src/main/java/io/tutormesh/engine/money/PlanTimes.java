package io.tutormesh.engine.money;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How plans run, for students and tutors alike: a plan's {@code period-days} each last {@code
 * dayLength} (one day; tests make it milliseconds), and a subscription whose renewal was refused is
 * PAST_DUE for {@code grace}, then lapses ({@code tutormesh.money.subscriptions}).
 */
public record PlanTimes(Duration dayLength, Duration grace) {
  public static final PlanTimes DEFAULT = new PlanTimes(Duration.ofDays(1), Duration.ofDays(3));

  public static PlanTimes fromConfig(Config config) {
    Config c = config.getConfig("tutormesh.money.subscriptions");
    return new PlanTimes(c.getDuration("day-length"), c.getDuration("grace"));
  }

  public Duration periodOf(MoneySettings.Plan plan) {
    return dayLength.multipliedBy(plan.periodDays());
  }
}
