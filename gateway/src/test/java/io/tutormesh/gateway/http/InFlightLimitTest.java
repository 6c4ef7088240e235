package io.tutormesh.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

  @Test
  void takesUpToMaxAndRefusesTheRestUntilOneIsReleased() {
    InFlightLimit limit = new InFlightLimit(2);

    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isFalse();
    assertThat(limit.inFlight()).isEqualTo(2);

    limit.release();
    assertThat(limit.inFlight()).isEqualTo(1);
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isFalse();
  }

  @Test
  void zeroRefusesEverything() {
    InFlightLimit limit = new InFlightLimit(0);
    assertThat(limit.tryAcquire()).isFalse();
    assertThat(limit.inFlight()).isZero();
    assertThatThrownBy(() -> new InFlightLimit(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void neverHandsOutMoreThanMaxUnderContention() throws Exception {
    InFlightLimit limit = new InFlightLimit(5);
    AtomicInteger granted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      for (int t = 0; t < 4; t++) {
        threads.submit(() -> {
          go.await();
          for (int i = 0; i < 1_000; i++) {
            if (limit.tryAcquire()) {
              granted.incrementAndGet();
            }
          }
          return null;
        });
      }
      go.countDown();
      threads.shutdown();
      assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      threads.shutdownNow();
    }
    assertThat(granted.get()).isEqualTo(5);
    assertThat(limit.inFlight()).isEqualTo(5);
  }
}
