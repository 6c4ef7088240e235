package io.tutormesh.engine.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.engine.common.Money;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PricingTest {

  private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
  private static final long NO_CAP = Long.MAX_VALUE;

  @Test
  void theHoldIsTheRateForTheDurationRoundedUp() {
    assertThat(Pricing.hold(3000, 45)).isEqualTo(2250);
    assertThat(Pricing.hold(1001, 1)).isEqualTo(17); // 16.68 -> 17
    assertThat(Pricing.hold(4321, 37)).isEqualTo(Money.priceCents(4321, 37));
  }

  @ParameterizedTest(name = "{0} s -> {1} started minutes")
  @CsvSource({"0, 0", "1, 1", "59, 1", "60, 1", "61, 2", "119, 2", "120, 2", "121, 3", "3600, 60", "3601, 61"})
  void countsEveryStartedMinute(long seconds, long minutes) {
    assertThat(Pricing.startedMinutes(Duration.ofSeconds(seconds))).isEqualTo(minutes);
  }

  @Test
  void aNanosecondIntoTheNextMinuteStartsIt() {
    assertThat(Pricing.startedMinutes(Duration.ofSeconds(60, 1))).isEqualTo(2);
    assertThat(Pricing.startedMinutes(Duration.ofNanos(1))).isEqualTo(1);
  }

  @Test
  void chargesPerStartedMinute() {
    // 6000/h = 100 per minute: a 61 s lesson is two minutes.
    assertThat(Pricing.instantPrice(6000, START, START.plusSeconds(61), 0, NO_CAP)).isEqualTo(200);
    assertThat(Pricing.instantPrice(6000, START, START.plusSeconds(60), 0, NO_CAP)).isEqualTo(100);
    assertThat(Pricing.instantPrice(6000, START, START, 0, NO_CAP)).isZero();
    assertThat(Pricing.instantPrice(6000, START, START.plusSeconds(30 * 60 + 1), 0, NO_CAP)).isEqualTo(3100);
  }

  @Test
  void chargesAtLeastTheMinimum() {
    assertThat(Pricing.instantPrice(6000, START, START.plusSeconds(5 * 60), 15, NO_CAP)).isEqualTo(1500);
    assertThat(Pricing.instantPrice(6000, START, START, 15, NO_CAP)).isEqualTo(1500);
    assertThat(Pricing.instantPrice(6000, START, START.plusSeconds(15 * 60 + 1), 15, NO_CAP)).isEqualTo(1600);
  }

  @Test
  void neverChargesMoreThanTheHold() {
    assertThat(Pricing.instantPrice(6000, START, START.plusSeconds(3 * 3600), 15, 4500)).isEqualTo(4500);
    assertThat(Pricing.instantPrice(6000, START, START.plusSeconds(60), 15, 1000)).isEqualTo(1000);
  }

  @Test
  void overflowThrowsInsteadOfWrapping() {
    assertThatThrownBy(() -> Pricing.instantPrice(Long.MAX_VALUE / 2, START, START.plus(Duration.ofDays(365)), 0, 777))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void roundsUpToTheCentLikeTheHold() {
    // 1001/h for 1 minute = 16.68 cents.
    assertThat(Pricing.instantPrice(1001, START, START.plusSeconds(1), 0, NO_CAP)).isEqualTo(17);
  }

  @Test
  void aLessonAsLongAsTheHoldCostsExactlyTheHold() {
    for (long rate = 500; rate <= 50000; rate += 997) {
      for (int minutes = 15; minutes <= 180; minutes += 7) {
        long held = Pricing.hold(rate, minutes);
        Instant end = START.plus(Duration.ofMinutes(minutes));
        assertThat(Pricing.instantPrice(rate, START, end, 15, held)).as("%d/h for %d min", rate, minutes).isEqualTo(held);
      }
    }
  }

  @Test
  void refusesAnEndBeforeTheStartAndNegativeInput() {
    assertThatThrownBy(() -> Pricing.instantPrice(6000, START, START.minusSeconds(1), 15, 100))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before startedAt");
    assertThatThrownBy(() -> Pricing.instantPrice(-1, START, START.plusSeconds(60), 15, 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pricing.instantPrice(6000, START, START, -1, 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pricing.instantPrice(6000, START, START, 1, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} less {1} % = {2}")
  @CsvSource({
      "1000, 10, 900",
      "1005, 10, 904", // the discount 100.5 rounds up to 101
      "1004, 10, 904", // 100.4 -> 100
      "1, 50, 0", // 0.5 -> 1: the student's favour
      "3, 50, 1", // 1.5 -> 2
      "1000, 0, 1000",
      "1000, 100, 0",
      "0, 10, 0"})
  void discountsRoundingTheDiscountHalfUp(long cents, int percent, long expected) {
    assertThat(Pricing.discounted(cents, percent)).isEqualTo(expected);
  }

  @Test
  void discountsHugeAmountsWithoutOverflow() {
    long max = Long.MAX_VALUE; // 9223372036854775807: 10 % is 922337203685477580.7 -> ...581
    assertThat(Pricing.discounted(max, 10)).isEqualTo(max - 922337203685477581L);
    assertThatThrownBy(() -> Pricing.discounted(100, 101)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pricing.discounted(-1, 10)).isInstanceOf(IllegalArgumentException.class);
  }
}
