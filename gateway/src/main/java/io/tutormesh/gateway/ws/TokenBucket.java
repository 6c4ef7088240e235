package io.tutormesh.gateway.ws;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code burst} tokens at most, refilled at {@code perSecond}; each frame takes
 * one. Not thread-safe: Jetty calls one connection's listener from one thread at a time.
 */
final class TokenBucket {

  private final double capacity;
  private final double perNano;
  private final LongSupplier nanoTime;
  private double tokens;
  private long refilledAt;

  TokenBucket(double perSecond, int burst, LongSupplier nanoTime) {
    this.capacity = burst;
    this.perNano = perSecond / 1_000_000_000d;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.refilledAt = nanoTime.getAsLong();
  }

  static TokenBucket of(WsSettings settings) {
    return new TokenBucket(settings.framesPerSecond(), settings.burst(), System::nanoTime);
  }

  /** Takes a token if there is one. */
  boolean tryTake() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
