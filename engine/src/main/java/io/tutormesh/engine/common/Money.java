package io.tutormesh.engine.common;

/** Money arithmetic in integer minor units (cents); never floating point. */
public final class Money {
  private Money() {}

  private static final long MINUTES_PER_HOUR = 60;

  /**
   * The price of `minutes` at an hourly `rateCents`, rounded up to the next cent: what a session
   * holds on the student's wallet. Throws on negative input or overflow.
   */
  public static long priceCents(long rateCents, int minutes) {
    if (rateCents < 0 || minutes < 0) {
      throw new IllegalArgumentException("rate and duration must not be negative");
    }
    long total = Math.multiplyExact(rateCents, (long) minutes);
    return total / MINUTES_PER_HOUR + (total % MINUTES_PER_HOUR == 0 ? 0 : 1);
  }
}
