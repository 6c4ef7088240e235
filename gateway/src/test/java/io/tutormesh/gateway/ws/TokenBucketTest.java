package io.tutormesh.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private int taken(TokenBucket bucket, int tries) {
    int taken = 0;
    for (int i = 0; i < tries; i++) {
      if (bucket.tryTake()) {
        taken++;
      }
    }
    return taken;
  }

  @Test
  void aFullBucketLetsABurstThroughThenRefillsAtTheRate() {
    TokenBucket bucket = new TokenBucket(20, 40, now::get);
    assertThat(taken(bucket, 100)).isEqualTo(40);

    now.addAndGet(50_000_000L); // 50 ms: one token at 20 per second
    assertThat(taken(bucket, 10)).isEqualTo(1);

    now.addAndGet(500_000_000L); // 500 ms: ten tokens
    assertThat(taken(bucket, 100)).isEqualTo(10);
  }

  @Test
  void aQuietPeriodNeverFillsMoreThanTheBurst() {
    TokenBucket bucket = new TokenBucket(20, 40, now::get);
    taken(bucket, 40);
    now.addAndGet(3_600_000_000_000L);
    assertThat(taken(bucket, 100)).isEqualTo(40);
  }
}
