package io.tutormesh.persistence.notifications;

import java.time.Duration;

/**
 * When a failed notification is tried again: {@code initial × multiplier^(attempt-1)}, capped at
 * {@code max}, and no more tries after {@code maxAttempts} (the notification ends FAILED).
 * Deterministic (no jitter): the lease already spreads workers, and tests can predict it.
 */
public record Backoff(Duration initial, Duration max, double multiplier, int maxAttempts) {

  public Backoff {
    if (initial == null || initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("backoff initial must be > 0");
    }
    if (max == null || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff max must be >= initial");
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("backoff multiplier must be >= 1");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max-attempts must be >= 1");
    }
  }

  /** Whether a notification that failed its {@code attempt}-th try (1-based) gets another one. */
  public boolean retries(int attempt) {
    return attempt < maxAttempts;
  }

  /** How long after its {@code attempt}-th failed try (1-based) a notification is tried again. */
  public Duration delayAfter(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt is 1-based: " + attempt);
    }
    double millis = initial.toMillis() * Math.pow(multiplier, attempt - 1);
    return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
  }
}
