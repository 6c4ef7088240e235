package io.tutormesh.gateway.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound on the requests of one kind a node works on at once. Over it a request is refused at
 * once (503, touching nothing), which is cheaper than queuing it behind work that will not finish
 * in time. Thread-safe; every successful {@link #tryAcquire()} must be paired with one {@link
 * #release()}.
 */
public final class InFlightLimit {

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** @param max at most this many at once; 0 refuses everything */
  public InFlightLimit(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0, got " + max);
    }
    this.max = max;
  }

  /** Takes a slot, or answers false (nothing taken) when all `max` are in use. */
  public boolean tryAcquire() {
    while (true) {
      int now = inFlight.get();
      if (now >= max) {
        return false;
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  public void release() {
    inFlight.decrementAndGet();
  }

  public int inFlight() {
    return inFlight.get();
  }

  public int max() {
    return max;
  }
}
