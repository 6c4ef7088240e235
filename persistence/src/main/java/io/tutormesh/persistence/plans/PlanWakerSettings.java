package io.tutormesh.persistence.plans;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How the {@link PlanWaker} runs ({@code tutormesh.money.plan-poll-interval} and {@code
 * tutormesh.money.plan-waker}).
 *
 * @param enabled whether a node runs the waker (one per cluster: a cluster singleton)
 * @param pollInterval how often it looks for plans that are due
 * @param batchSize rows read per round, at most (a full batch starts the next round at once)
 * @param parallelism owners woken at the same time, at most
 * @param askTimeout how long a wake-up waits for the owner's answer (the row stays for the next round if none)
 * @param cursorGrace a day of the index is passed over as empty only this long after it ended
 *     (clock differences between the nodes that write rows)
 */
public record PlanWakerSettings(
    boolean enabled, Duration pollInterval, int batchSize, int parallelism, Duration askTimeout, Duration cursorGrace) {

  public PlanWakerSettings {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("tutormesh.money.plan-poll-interval must be positive: " + pollInterval);
    }
    if (batchSize < 1 || parallelism < 1) {
      throw new IllegalArgumentException("tutormesh.money.plan-waker: batch-size and parallelism must be at least 1");
    }
    if (askTimeout.isNegative() || askTimeout.isZero() || cursorGrace.isNegative()) {
      throw new IllegalArgumentException("tutormesh.money.plan-waker: ask-timeout must be positive, cursor-grace not negative");
    }
  }

  public static PlanWakerSettings fromConfig(Config config) {
    Config money = config.getConfig("tutormesh.money");
    Config waker = money.getConfig("plan-waker");
    return new PlanWakerSettings(
        waker.getBoolean("enabled"),
        money.getDuration("plan-poll-interval"),
        waker.getInt("batch-size"),
        waker.getInt("parallelism"),
        waker.getDuration("ask-timeout"),
        waker.getDuration("cursor-grace"));
  }
}
