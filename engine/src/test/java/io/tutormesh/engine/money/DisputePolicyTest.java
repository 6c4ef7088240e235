package io.tutormesh.engine.money;

import static io.tutormesh.engine.money.DisputePolicy.Action.DISPUTE;
import static io.tutormesh.engine.money.DisputePolicy.Action.REFUND;
import static io.tutormesh.engine.money.DisputePolicy.Action.RELEASE;
import static io.tutormesh.engine.money.DisputePolicy.Stage.DISPUTED;
import static io.tutormesh.engine.money.DisputePolicy.Stage.HELD;
import static io.tutormesh.engine.money.DisputePolicy.Stage.REFUNDED;
import static io.tutormesh.engine.money.DisputePolicy.Stage.RELEASED;
import static io.tutormesh.engine.money.DisputePolicy.Stage.SETTLED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.money.DisputePolicy.Action;
import io.tutormesh.engine.money.DisputePolicy.Allowed;
import io.tutormesh.engine.money.DisputePolicy.Decision;
import io.tutormesh.engine.money.DisputePolicy.Earnings;
import io.tutormesh.engine.money.DisputePolicy.Refused;
import io.tutormesh.engine.money.DisputePolicy.Stage;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DisputePolicyTest {

  private static final Instant ENDED = Instant.parse("2026-12-01T19:00:00Z");
  private static final Duration WINDOW = Duration.ofHours(24);
  private static final Instant IN_WINDOW = ENDED.plus(Duration.ofHours(3));
  private static final Instant AFTER_WINDOW = ENDED.plus(WINDOW);

  private static Decision decide(Stage stage, Action action, Instant now) {
    return DisputePolicy.decide(stage, action, ENDED, now, WINDOW);
  }

  /** Every stage × action, in the window: the legal transitions and nothing else. */
  @ParameterizedTest(name = "{0} --{1}--> {2}")
  @CsvSource({
      "HELD, DISPUTE, -", "HELD, REFUND, REFUNDED", "HELD, RELEASE, -",
      "SETTLED, DISPUTE, DISPUTED", "SETTLED, REFUND, REFUNDED", "SETTLED, RELEASE, -",
      "DISPUTED, DISPUTE, -", "DISPUTED, REFUND, REFUNDED", "DISPUTED, RELEASE, RELEASED",
      "RELEASED, DISPUTE, -", "RELEASED, REFUND, -", "RELEASED, RELEASE, -",
      "REFUNDED, DISPUTE, -", "REFUNDED, REFUND, -", "REFUNDED, RELEASE, -"})
  void transitionsWithinTheWindow(Stage stage, Action action, String next) {
    Decision decision = decide(stage, action, IN_WINDOW);

    if (next.equals("-")) {
      assertThat(decision).isInstanceOf(Refused.class);
      assertThat(((Refused) decision).rejection().kind()).isEqualTo(Rejection.Kind.CONFLICT);
      assertThat(((Refused) decision).rejection().detail()).isNotBlank();
    } else {
      assertThat(decision).isEqualTo(new Allowed(Stage.valueOf(next)));
    }
  }

  @Test
  void aSettledSessionCanBeDisputedOnlyWithinTheWindow() {
    assertThat(decide(SETTLED, DISPUTE, ENDED)).isEqualTo(new Allowed(DISPUTED));
    assertThat(decide(SETTLED, DISPUTE, AFTER_WINDOW.minusMillis(1))).isEqualTo(new Allowed(DISPUTED));
    assertThat(decide(SETTLED, DISPUTE, AFTER_WINDOW)).isInstanceOf(Refused.class);
    assertThat(decide(SETTLED, DISPUTE, AFTER_WINDOW.plus(Duration.ofDays(30))))
        .isEqualTo(new Refused(Rejection.conflict("the dispute window has closed")));
    assertThat(decide(SETTLED, REFUND, AFTER_WINDOW)).isInstanceOf(Refused.class);
  }

  @Test
  void aDisputeOnceOpenOutlivesTheWindow() {
    Instant muchLater = AFTER_WINDOW.plus(Duration.ofDays(10));
    assertThat(decide(DISPUTED, REFUND, muchLater)).isEqualTo(new Allowed(REFUNDED));
    assertThat(decide(DISPUTED, RELEASE, muchLater)).isEqualTo(new Allowed(RELEASED));
    assertThat(DisputePolicy.earnings(DISPUTED, ENDED, muchLater, WINDOW)).isEqualTo(Earnings.PENDING);
  }

  @Test
  void usesTheConfiguredWindow() {
    MoneySettings settings = MoneySettingsTest.settings("tutormesh.money.dispute-window = 1h");
    assertThat(DisputePolicy.decide(SETTLED, DISPUTE, ENDED, ENDED.plusSeconds(3599), settings)).isEqualTo(new Allowed(DISPUTED));
    assertThat(DisputePolicy.decide(SETTLED, DISPUTE, ENDED, ENDED.plusSeconds(3600), settings)).isInstanceOf(Refused.class);
  }

  @Test
  void earningsArePendingInTheWindowAndAvailableAfter() {
    assertThat(DisputePolicy.earnings(HELD, null, IN_WINDOW, WINDOW)).isEqualTo(Earnings.NONE);
    assertThat(DisputePolicy.earnings(SETTLED, ENDED, IN_WINDOW, WINDOW)).isEqualTo(Earnings.PENDING);
    assertThat(DisputePolicy.earnings(SETTLED, ENDED, AFTER_WINDOW, WINDOW)).isEqualTo(Earnings.AVAILABLE);
    assertThat(DisputePolicy.earnings(RELEASED, ENDED, IN_WINDOW, WINDOW)).isEqualTo(Earnings.AVAILABLE);
    assertThat(DisputePolicy.earnings(REFUNDED, ENDED, AFTER_WINDOW, WINDOW)).isEqualTo(Earnings.NONE);
  }

  @Test
  void refundGivesEverythingBackAndReleaseKeepsTheSettlement() {
    Settlement completed = new Settlement(500, 2500);

    assertThat(DisputePolicy.settlement(REFUNDED, 3000, completed)).isEqualTo(Settlement.fullRefund(3000));
    assertThat(DisputePolicy.settlement(REFUNDED, 3000, null)).isEqualTo(Settlement.fullRefund(3000));
    assertThat(DisputePolicy.settlement(RELEASED, 3000, completed)).isEqualTo(completed);
    assertThatThrownBy(() -> DisputePolicy.settlement(RELEASED, 2999, completed)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> DisputePolicy.settlement(DISPUTED, 3000, completed)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mapsStagesToTheApisEscrowStatus() {
    assertThat(HELD.escrowStatus()).isEqualTo("HELD");
    assertThat(SETTLED.escrowStatus()).isEqualTo("RELEASED");
    assertThat(DISPUTED.escrowStatus()).isEqualTo("DISPUTED");
    assertThat(RELEASED.escrowStatus()).isEqualTo("RELEASED");
    assertThat(REFUNDED.escrowStatus()).isEqualTo("REFUNDED");
  }

  @Test
  void aSettledStageNeedsItsSettlementTime() {
    assertThatThrownBy(() -> DisputePolicy.decide(SETTLED, DISPUTE, null, IN_WINDOW, WINDOW))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("settledAt");
  }
}
