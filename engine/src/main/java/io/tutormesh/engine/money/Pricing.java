package io.tutormesh.engine.money;

import io.tutormesh.engine.common.Money;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a session costs, in integer cents from an hourly rate. Every price is rounded up to the next
 * cent by {@link Money#priceCents} (the rule of the hold), so a lesson that lasts exactly what was
 * held costs exactly the hold.
 */
public final class Pricing {
  private Pricing() {}

  private static final long SECONDS_PER_MINUTE = 60;

  /**
   * What a session holds on the student's wallet when it is requested or booked: {@code rateCents}
   * per hour for {@code durationMinutes}, rounded up to the next cent.
   */
  public static long hold(long rateCents, int durationMinutes) {
    return Money.priceCents(rateCents, durationMinutes);
  }

  /**
   * The price of a completed instant session: {@code rateCents} per hour for every started minute
   * between {@code startedAt} and {@code endedAt} (60 s is one minute, 61 s two, a zero-length
   * session none), at least {@code minimumMinutes}, rounded up to the next cent, and never more
   * than {@code heldCents}: the student is never charged beyond the hold. Throws {@link
   * ArithmeticException} when rate × minutes does not fit a long (Math.multiplyExact), {@link
   * IllegalArgumentException} on negative input or an end before the start.
   */
  public static long instantPrice(long rateCents, Instant startedAt, Instant endedAt, int minimumMinutes, long heldCents) {
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(endedAt, "endedAt");
    if (endedAt.isBefore(startedAt)) {
      throw new IllegalArgumentException("endedAt " + endedAt + " is before startedAt " + startedAt);
    }
    if (minimumMinutes < 0 || heldCents < 0) {
      throw new IllegalArgumentException("minimumMinutes and heldCents must not be negative");
    }
    long minutes = Math.max(startedMinutes(Duration.between(startedAt, endedAt)), minimumMinutes);
    return Math.min(Money.priceCents(rateCents, Math.toIntExact(minutes)), heldCents);
  }

  /** Every minute a duration has begun: 0 s is 0, 1 ns to 60 s is 1, 60 s + 1 ns is 2. */
  public static long startedMinutes(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("negative duration: " + duration);
    }
    long seconds = duration.getSeconds();
    boolean partial = seconds % SECONDS_PER_MINUTE != 0 || duration.getNano() != 0;
    return seconds / SECONDS_PER_MINUTE + (partial ? 1 : 0);
  }

  /**
   * {@code cents} less {@code discountPercent} % (a student plan's discount on sessions). The
   * discount is rounded half up to the cent, in the student's favour: 10 % of 1,005 is 101 (not
   * 100.5), so the price is 904.
   */
  public static long discounted(long cents, int discountPercent) {
    if (cents < 0) {
      throw new IllegalArgumentException("cents must not be negative: " + cents);
    }
    Percent.require(discountPercent, "discountPercent");
    return cents - Percent.halfUp(cents, discountPercent);
  }
}
