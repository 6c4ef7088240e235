package io.tutormesh.engine.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SettlementTest {

  @Test
  void fullRefundAndAllToTutor() {
    assertThat(Settlement.fullRefund(1234)).isEqualTo(new Settlement(1234, 0));
    assertThat(Settlement.allToTutor(1234)).isEqualTo(new Settlement(0, 1234));
    assertThat(Settlement.of(1000, 300)).isEqualTo(new Settlement(700, 300));
  }

  @Test
  void aShareRoundsTheTutorsPartDown() {
    assertThat(Settlement.share(1001, 50)).isEqualTo(new Settlement(501, 500));
    assertThat(Settlement.share(3, 33)).isEqualTo(new Settlement(3, 0)); // 0.99 -> 0
    assertThat(Settlement.share(1000, 100)).isEqualTo(new Settlement(0, 1000));
    assertThat(Settlement.share(1000, 0)).isEqualTo(new Settlement(1000, 0));
  }

  @Test
  void aShareAlwaysAddsUpToTheHold() {
    for (long held = 0; held <= 3_000; held++) {
      for (int percent = 0; percent <= 100; percent++) {
        check(held, percent);
      }
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      check(random.nextLong(0, Long.MAX_VALUE), random.nextInt(0, 101));
    }
    check(Long.MAX_VALUE, 99);
  }

  private static void check(long held, int percent) {
    Settlement settlement = Settlement.share(held, percent).requireTotal(held);
    long floor = BigInteger.valueOf(held).multiply(BigInteger.valueOf(percent)).divide(BigInteger.valueOf(100)).longValueExact();
    if (settlement.tutorCents() != floor) {
      fail("share(%d, %d) = %s", held, percent, settlement);
    }
  }

  @Test
  void theInvariantIsChecked() {
    assertThatThrownBy(() -> new Settlement(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Settlement(10, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Settlement(Long.MAX_VALUE, 1)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> new Settlement(600, 500).requireTotal(1000))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not add up");
    assertThatThrownBy(() -> Settlement.of(1000, 1001)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Settlement.fullRefund(-5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Settlement.share(100, 101)).isInstanceOf(IllegalArgumentException.class);
  }
}
