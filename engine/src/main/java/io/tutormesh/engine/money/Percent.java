package io.tutormesh.engine.money;

/** Whole percentages of non-negative cents, exact for every long (no intermediate overflow). */
final class Percent {
  private Percent() {}

  static int require(int percent, String name) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException(name + " must be within 0..100: " + percent);
    }
    return percent;
  }

  /** {@code percent} % of {@code cents}, rounded half up: floor((cents × percent + 50) / 100). */
  static long halfUp(long cents, int percent) {
    return of(cents, percent, 50);
  }

  /** {@code percent} % of {@code cents}, rounded down: floor(cents × percent / 100). */
  static long floor(long cents, int percent) {
    return of(cents, percent, 0);
  }

  private static long of(long cents, int percent, int bias) {
    if (cents < 0) {
      throw new IllegalArgumentException("cents must not be negative: " + cents);
    }
    require(percent, "percent");
    // cents = 100 q + r: q × percent is exact (percent ≤ 100), and r × percent + bias < 10,100.
    long q = cents / 100;
    long r = cents % 100;
    return Math.addExact(q * percent, (r * percent + bias) / 100);
  }
}
