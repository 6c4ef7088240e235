package io.tutormesh.engine.ledger;

import static io.tutormesh.engine.ledger.Postings.PLATFORM_PROMOTIONS;
import static io.tutormesh.engine.ledger.Postings.PROVIDER_CLEARING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.engine.ledger.TrialBalance.Reconciliation;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.Wallet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PostingsTest {

  private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");

  private static Wallet.TopUp terms(String id, long price, long credit, long bonus) {
    return new Wallet.TopUp(id, "key-" + id, "h", "pack", "pm_card_ok", price, credit, bonus, Wallet.TopUpStatus.PENDING, null, null, AT);
  }

  private static List<Postings.Line> lines(List<Postings.Posting> postings) {
    return postings.stream().flatMap(p -> p.lines().stream()).toList();
  }

  /** What the wallet credits for the same top-up and outcome. */
  private static long walletCredit(Wallet.TopUp terms, ProviderResult result) {
    return Wallet.EMPTY.topUpStarted(terms).topUpSettled(terms.topUpId(), result, AT).balanceCents();
  }

  @Test
  void aPaidTopUpCreditsTheStudentThePriceFromTheProviderAndTheBonusFromPromotions() {
    Wallet.TopUp terms = terms("t1", 5000, 5000, 250);
    List<Postings.Posting> postings = Postings.topUpSettled("s1", Postings.TopUpTerms.of(terms), ProviderResult.succeeded("ch_1"), AT);

    assertThat(postings).containsExactly(
        new Postings.Posting("topup:t1", "price", PROVIDER_CLEARING, "student:s1", 5000, AT),
        new Postings.Posting("topup:t1", "bonus", PLATFORM_PROMOTIONS, "student:s1", 250, AT));
    TrialBalance balance = TrialBalance.of(lines(postings));
    assertThat(balance.balanced()).isTrue();
    assertThat(balance.debitsCents()).isEqualTo(5250).isEqualTo(balance.creditsCents());
    assertThat(balance.accounts()).containsExactly(
        java.util.Map.entry(PLATFORM_PROMOTIONS, -250L),
        java.util.Map.entry(PROVIDER_CLEARING, -5000L),
        java.util.Map.entry("student:s1", 5250L));
    assertThat(balance.moneyInCents()).isEqualTo(5000);
    assertThat(balance.balance("student:s1")).isEqualTo(walletCredit(terms, ProviderResult.succeeded("ch_1")));
  }

  @Test
  void creditOtherThanThePriceIsMadeUpByPromotionsEitherWay() {
    Wallet.TopUp generous = terms("t2", 1000, 1200, 0);
    assertThat(Postings.topUpSettled("s", Postings.TopUpTerms.of(generous), ProviderResult.succeeded("r"), AT)).containsExactly(
        new Postings.Posting("topup:t2", "price", PROVIDER_CLEARING, "student:s", 1000, AT),
        new Postings.Posting("topup:t2", "credit-difference", PLATFORM_PROMOTIONS, "student:s", 200, AT));
    Wallet.TopUp mean = terms("t3", 1000, 900, 50);
    List<Postings.Posting> postings = Postings.topUpSettled("s", Postings.TopUpTerms.of(mean), ProviderResult.succeeded("r"), AT);
    assertThat(postings).contains(new Postings.Posting("topup:t3", "credit-difference", "student:s", PLATFORM_PROMOTIONS, 100, AT));
    TrialBalance balance = TrialBalance.of(lines(postings));
    assertThat(balance.balance("student:s")).isEqualTo(950);
    assertThat(balance.balance(PLATFORM_PROMOTIONS)).isEqualTo(50);
    assertThat(balance.balanced()).isTrue();
  }

  @Test
  void declinedAndFailedTopUpsPostNothing() {
    Wallet.TopUp terms = terms("t4", 1000, 1000, 0);
    assertThat(Postings.topUpSettled("s", Postings.TopUpTerms.of(terms), ProviderResult.declined("r", "no"), AT)).isEmpty();
    assertThat(Postings.topUpSettled("s", Postings.TopUpTerms.of(terms), ProviderResult.failed("r", "down"), AT)).isEmpty();
  }

  @Test
  void everyPostingBalancesAndTheStudentGetsWhatTheWalletCredits() {
    Random random = new Random(42);
    List<Postings.Line> all = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Wallet.TopUp terms = terms("r" + i, random.nextInt(3) * random.nextInt(100_000), random.nextInt(100_000), random.nextInt(3) == 0 ? 0 : random.nextInt(5_000));
      ProviderResult result = switch (random.nextInt(3)) {
        case 0 -> ProviderResult.succeeded("ok");
        case 1 -> ProviderResult.declined("r", "no");
        default -> ProviderResult.failed("r", "down");
      };
      List<Postings.Posting> postings = Postings.topUpSettled("s" + i, Postings.TopUpTerms.of(terms), result, AT);
      TrialBalance one = TrialBalance.of(lines(postings));
      assertThat(one.balanced()).as("%s", terms).isTrue();
      assertThat(one.balance("student:s" + i)).as("%s", terms).isEqualTo(walletCredit(terms, result));
      assertThat(one.moneyInCents()).isEqualTo(result.isSucceeded() ? terms.priceCents() : 0);
      assertThat(postings).extracting(Postings.Posting::leg).doesNotHaveDuplicates();
      all.addAll(lines(postings));
    }
    assertThat(TrialBalance.of(all).balanced()).isTrue();
  }

  @Test
  void aReplayedTransferWritesTheSameKeys() {
    Wallet.TopUp terms = terms("t5", 1000, 1000, 100);
    assertThat(Postings.topUpSettled("s", Postings.TopUpTerms.of(terms), ProviderResult.succeeded("a"), AT))
        .isEqualTo(Postings.topUpSettled("s", Postings.TopUpTerms.of(terms), ProviderResult.succeeded("a"), AT));
  }

  @Test
  void postingsMovePositiveAmountsBetweenTwoAccounts() {
    assertThatThrownBy(() -> new Postings.Posting("t", "l", "a", "b", 0, AT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Postings.Posting("t", "l", "a", "a", 1, AT)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reconciliationComparesMoneyInWithTheProvidersCharges() {
    TrialBalance balance = TrialBalance.of(lines(Postings.topUpSettled("s", Postings.TopUpTerms.of(terms("t6", 700, 700, 0)), ProviderResult.succeeded("a"), AT)));
    assertThat(balance.reconcile(700)).isEqualTo(Reconciliation.RECONCILED);
    assertThat(balance.reconcile(1400)).isEqualTo(Reconciliation.LAGGING);
    assertThat(balance.reconcile(0)).isEqualTo(Reconciliation.MISMATCH);
    assertThat(TrialBalance.EMPTY.balanced()).isTrue();
  }

  // --- sessions: escrow, refund, the tutor's credit ---

  @Test
  void aSessionsMoneyGoesThroughItsEscrowAndLeavesItEmptyAndBalanced() {
    Wallet.TopUp topUp = terms("t9", 10_000, 10_000, 1_000);
    List<Postings.Posting> all = new java.util.ArrayList<>(
        Postings.topUpSettled("s9", Postings.TopUpTerms.of(topUp), ProviderResult.succeeded("ch_9"), AT));
    all.addAll(Postings.escrowed("s9", "sess-9", 3000, AT));
    all.addAll(Postings.charged("s9", "sess-9", 2250, AT));
    all.addAll(Postings.credited("t-ada", "sess-9", 502, 248, AT));

    TrialBalance balance = TrialBalance.of(lines(all));
    assertThat(balance.balanced()).isTrue();
    assertThat(balance.balance("escrow:sess-9")).isZero();
    assertThat(balance.balance("student:s9")).isEqualTo(11_000 - 750);
    assertThat(balance.balance("tutor:t-ada")).isEqualTo(502);
    assertThat(balance.commissionCents()).isEqualTo(248);
    assertThat(balance.tutorsPayableCents()).isEqualTo(502);
    assertThat(balance.escrowCents()).isZero();
    // What the wallet shows for the same steps: the ledger's student account is its balance plus holds not escrowed.
    Wallet wallet = Wallet.EMPTY.topUpStarted(topUp).topUpSettled("t9", ProviderResult.succeeded("ch_9"), AT)
        .held("sess-9", 5000, AT).escrowedFor("sess-9", 3000, AT).captured("sess-9", 750, AT);
    assertThat(wallet.balanceCents() + wallet.heldCents() - wallet.escrowCents()).isEqualTo(balance.balance("student:s9"));
  }

  @Test
  void anEscrowNotSettledYetShowsInItsAccount() {
    TrialBalance balance = TrialBalance.of(lines(Postings.escrowed("s1", "sess-1", 4000, AT)));
    assertThat(balance.balanced()).isTrue();
    assertThat(balance.escrowCents()).isEqualTo(4000);
    assertThat(balance.balance("student:s1")).isEqualTo(-4000);
  }

  @Test
  void nothingToMoveIsNoPosting() {
    assertThat(Postings.escrowed("s1", "sess-1", 0, AT)).isEmpty();
    assertThat(Postings.charged("s1", "sess-1", 0, AT)).isEmpty();
    assertThat(Postings.credited("t1", "sess-1", 0, 0, AT)).isEmpty();
    assertThat(Postings.credited("t1", "sess-1", 100, 0, AT)).singleElement()
        .isEqualTo(new Postings.Posting("earn:sess-1", "net", "escrow:sess-1", "tutor:t1", 100, AT));
  }
}
