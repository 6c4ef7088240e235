package io.tutormesh.engine.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.engine.money.Wallet.EntryKind;
import io.tutormesh.engine.money.Wallet.TopUp;
import io.tutormesh.engine.money.Wallet.TopUpStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WalletTest {

  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

  private static TopUp pending(String key, long credit, long bonus) {
    return new TopUp("t-" + key, key, "hash", "standard", "pm_card_ok", credit, credit, bonus, TopUpStatus.PENDING, null, null, NOW);
  }

  private static Wallet funded(long credit, long bonus) {
    return Wallet.EMPTY.topUpStarted(pending("k1", credit, bonus)).topUpSettled("t-k1", ProviderResult.succeeded("ch_1"), NOW);
  }

  private static long total(Wallet w) {
    return w.balanceCents() + w.heldCents();
  }

  @Test
  void aSucceededTopUpCreditsCreditAndBonusAndAnyOtherOutcomeNothing() {
    Wallet wallet = funded(5000, 250);
    assertThat(wallet.balanceCents()).isEqualTo(5250);
    assertThat(wallet.topUp("k1").orElseThrow().status()).isEqualTo(TopUpStatus.SUCCEEDED);
    assertThat(wallet.entries()).extracting(Wallet.Entry::kind).containsExactly(EntryKind.TOP_UP, EntryKind.BONUS);

    Wallet declined = wallet.topUpStarted(pending("k2", 2000, 0)).topUpSettled("t-k2", ProviderResult.declined("ch_2", "card declined"), NOW);
    assertThat(declined.balanceCents()).isEqualTo(5250);
    assertThat(declined.topUp("k2").orElseThrow().status()).isEqualTo(TopUpStatus.DECLINED);
    assertThat(declined.pendingTopUps()).isEmpty();
    Wallet failed = declined.topUpStarted(pending("k3", 2000, 0)).topUpSettled("t-k3", ProviderResult.failed("ch_3", "provider down"), NOW);
    assertThat(failed.balanceCents()).isEqualTo(5250);
  }

  @Test
  void holdsMoveMoneyBetweenBalanceAndHeldWithoutCreatingAny() {
    Wallet wallet = funded(5000, 0);
    Wallet held = wallet.held("s1", 3000, NOW);
    assertThat(held.balanceCents()).isEqualTo(2000);
    assertThat(held.heldFor("s1")).isEqualTo(3000);
    assertThat(total(held)).isEqualTo(5000);

    Wallet resized = held.resized("s1", 2000, NOW);
    assertThat(resized.balanceCents()).isEqualTo(3000);
    assertThat(total(resized)).isEqualTo(5000);

    Wallet released = resized.released("s1", NOW);
    assertThat(released.balanceCents()).isEqualTo(5000);
    assertThat(released.holds()).isEmpty();
  }

  @Test
  void aCaptureTakesThePriceAndRefundsTheRest() {
    Wallet captured = funded(5000, 0).held("s1", 3000, NOW).captured("s1", 1250, NOW);
    assertThat(captured.balanceCents()).isEqualTo(3750);
    assertThat(captured.heldCents()).isZero();
    assertThat(captured.entries()).extracting(Wallet.Entry::kind).endsWith(EntryKind.CHARGE, EntryKind.REFUND);
    assertThat(captured.entries().get(captured.entries().size() - 2).amountCents()).isEqualTo(-1250);
  }

  @Test
  void nothingMayBeHeldOrTakenThatIsNotThere() {
    Wallet wallet = funded(1000, 0);
    assertThat(wallet.canHold(1000)).isTrue();
    assertThat(wallet.canHold(1001)).isFalse();
    assertThatThrownBy(() -> wallet.held("s1", 1001, NOW)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> wallet.held("s1", -1, NOW)).isInstanceOf(IllegalStateException.class);
    Wallet held = wallet.held("s1", 600, NOW);
    assertThatThrownBy(() -> held.held("s1", 100, NOW)).as("one hold per session").isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> held.resized("s1", 700, NOW)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> held.captured("s1", 601, NOW)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theWalletShowsItsLatestEntriesOnly() {
    Wallet wallet = funded(1_000_000, 0);
    for (int i = 0; i < 200; i++) {
      wallet = wallet.held("s" + i, 10, NOW).released("s" + i, NOW);
    }
    assertThat(wallet.entries()).hasSize(Wallet.MAX_ENTRIES);
    assertThat(wallet.balanceCents()).isEqualTo(1_000_000);
  }

  @Test
  void anEscrowIsAResizedHoldThatASettlementCapturesOnce() {
    Wallet escrowed = funded(5000, 0).held("s1", 3000, NOW).escrowedFor("s1", 2000, NOW);
    assertThat(escrowed.balanceCents()).isEqualTo(3000);
    assertThat(escrowed.heldCents()).isEqualTo(2000);
    assertThat(escrowed.escrowCents()).isEqualTo(2000);
    assertThat(escrowed.isEscrowed("s1")).isTrue();
    assertThatThrownBy(() -> escrowed.escrowedFor("s1", 2001, NOW)).isInstanceOf(IllegalStateException.class);

    Wallet settled = escrowed.captured("s1", 500, NOW);
    assertThat(settled.balanceCents()).isEqualTo(4500);
    assertThat(settled.escrowCents()).isZero();
    assertThat(settled.isEscrowed("s1")).isFalse();
    assertThat(settled.chargedFor("s1")).contains(500L);
    assertThat(settled.chargedFor("s2")).isEmpty();
  }

  @Test
  void aFullRefundWritesNoZeroCharge() {
    Wallet refunded = funded(5000, 0).held("s1", 3000, NOW).captured("s1", 0, NOW);
    assertThat(refunded.balanceCents()).isEqualTo(5000);
    assertThat(refunded.entries()).extracting(Wallet.Entry::kind).endsWith(EntryKind.HOLD, EntryKind.REFUND);
    assertThat(refunded.chargedFor("s1")).contains(0L);
  }
}
