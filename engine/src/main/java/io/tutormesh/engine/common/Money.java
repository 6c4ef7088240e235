package io.tutormesh.engine.common;

/** Money arithmetic in integer minor units (cents); never floating point. */
public final class Money {
  private Money() {}

  /** The price of `minutes` at an hourly `rateCents`, rounded up to the next cent. */
  public static long priceCents(long rateCents, int minutes) {
    long total = Math.multiplyExact(rateCents, minutes);
    return total / 60 + (total % 60 == 0 ? 0 : 1);
  }
}
