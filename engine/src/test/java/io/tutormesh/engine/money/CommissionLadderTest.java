package io.tutormesh.engine.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.tutormesh.engine.money.CommissionLadder.Split;
import io.tutormesh.engine.money.CommissionLadder.Step;
import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommissionLadderTest {

  private final CommissionLadder ladder = CommissionLadder.defaults(5);

  @ParameterizedTest(name = "{0} h -> {1} %, pro {2} %")
  @CsvSource({
      "0, 33, 28", "19.99, 33, 28",
      "20, 28, 23", "49.5, 28, 23",
      "50, 25, 20", "199.99, 25, 20",
      "200, 22, 17", "399.99, 22, 17",
      "400, 18, 13", "100000, 18, 13", "Infinity, 18, 13"})
  void climbsTheLadderByCompletedHours(double hours, int percent, int proPercent) {
    assertThat(ladder.percentFor(hours, false)).isEqualTo(percent);
    assertThat(ladder.percentFor(hours, true)).isEqualTo(proPercent);
  }

  @Test
  void aReductionNeverGoesBelowZero() {
    assertThat(ladder.percentFor(500, 40)).isZero();
    assertThat(CommissionLadder.defaults(100).percentFor(0, true)).isZero();
    assertThat(CommissionLadder.defaults(0).percentFor(0, true)).isEqualTo(33);
  }

  @Test
  void refusesNegativeOrUnknownHours() {
    assertThatThrownBy(() -> ladder.percentFor(-0.5, false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ladder.percentFor(Double.NaN, false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ladder.percentFor(1, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesALadderThatIsNotOne() {
    assertThatThrownBy(() -> new CommissionLadder(List.of(), 0)).hasMessageContaining("at least one step");
    assertThatThrownBy(() -> new CommissionLadder(List.of(new Step(10, 30)), 0)).hasMessageContaining("open-ended");
    assertThatThrownBy(() -> new CommissionLadder(List.of(new Step(10, 30), new Step(5, 20), new Step(Step.OPEN, 10)), 0))
        .hasMessageContaining("ascending");
    assertThatThrownBy(() -> new Step(10, 101)).hasMessageContaining("percent");
    assertThatThrownBy(() -> new CommissionLadder(List.of(new Step(Step.OPEN, 10)), 101))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneOpenStepIsAFlatCommission() {
    CommissionLadder flat = new CommissionLadder(List.of(new Step(Step.OPEN, 20)), 0);
    assertThat(flat.percentFor(0, false)).isEqualTo(20);
    assertThat(flat.percentFor(1e9, true)).isEqualTo(20);
  }

  @ParameterizedTest(name = "{2} % of {0} = {1}")
  @CsvSource({
      "1000, 330, 33",
      "50, 17, 33", // 16.5 -> 17
      "150, 38, 25", // 37.5 -> 38
      "149, 37, 25", // 37.25 -> 37
      "1, 0, 33", // 0.33 -> 0
      "2, 1, 25", // 0.5 -> 1
      "0, 0, 33",
      "999, 0, 0",
      "999, 999, 100"})
  void commissionRoundsHalfUpAndTheNetIsTheRest(long gross, long commission, int percent) {
    Split split = CommissionLadder.split(gross, percent);

    assertThat(split.commissionCents()).isEqualTo(commission);
    assertThat(split.netCents()).isEqualTo(gross - commission);
  }

  @Test
  void aSplitNeverCreatesOrLosesACent() {
    for (long gross = 0; gross <= 5_000; gross++) {
      for (int percent = 0; percent <= 100; percent++) {
        check(gross, percent);
      }
    }
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 100_000; i++) {
      check(random.nextLong(0, Long.MAX_VALUE), random.nextInt(0, 101));
    }
    for (int percent = 0; percent <= 100; percent++) {
      check(Long.MAX_VALUE, percent);
      check(Long.MAX_VALUE - 1, percent);
    }
  }

  /** Plain checks, not AssertJ: this runs 600,000 times. */
  private static void check(long gross, int percent) {
    Split split = CommissionLadder.split(gross, percent);
    if (split.grossCents() != gross || split.commissionCents() != halfUp(gross, percent) || split.netCents() > gross) {
      fail("split(%d, %d) = %s", gross, percent, split);
    }
  }

  /** The reference: (gross × percent + 50) / 100 in exact arithmetic. */
  private static long halfUp(long gross, int percent) {
    return BigInteger.valueOf(gross).multiply(BigInteger.valueOf(percent)).add(BigInteger.valueOf(50))
        .divide(BigInteger.valueOf(100)).longValueExact();
  }

  @Test
  void refusesNegativeGrossAndBadPercent() {
    assertThatThrownBy(() -> CommissionLadder.split(-1, 20)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CommissionLadder.split(100, 101)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CommissionLadder.split(100, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
