package io.tutormesh.engine.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.engine.money.ProviderResult.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SandboxProviderTest {

  private final SandboxProvider provider = new SandboxProvider();

  private static String key() {
    return "k-" + UUID.randomUUID();
  }

  private ProviderResult charge(String key, String method, long amount) {
    return provider.charge(key, method, amount, "EUR").toCompletableFuture().join();
  }

  private ProviderResult payout(String key, String account, long amount) {
    return provider.payout(key, account, amount, "EUR").toCompletableFuture().join();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "pm_card_ok, SUCCEEDED", "pm_wallet_ok, SUCCEEDED", "pm_transfer_ok, SUCCEEDED",
      "pm_card_declined, DECLINED", "pm_card_error, FAILED", "pm_bogus, DECLINED", "4242424242424242, DECLINED"})
  void decidesByPaymentMethod(String method, Outcome outcome) {
    ProviderResult result = charge(key(), method, 2000);

    assertThat(result.outcome()).isEqualTo(outcome);
    assertThat(result.reference()).startsWith("sbx_ch_");
    assertThat(result.message()).isNotNull();
  }

  @Test
  void explainsAnUnknownMethod() {
    assertThat(charge(key(), "pm_bogus", 2000).message()).contains("unknown payment method", "pm_bogus", "pm_card_ok");
    assertThat(charge(key(), "pm_card_declined", 2000).message()).contains("declined");
  }

  @Test
  void declinesBadAmountsAndCurrencies() {
    assertThat(charge(key(), "pm_card_ok", 0).outcome()).isEqualTo(Outcome.DECLINED);
    assertThat(charge(key(), "pm_card_ok", -5).message()).contains("amount");
    assertThat(provider.charge(key(), "pm_card_ok", 100, "XYZ").toCompletableFuture().join().message()).contains("currency");
    assertThat(provider.charge(key(), "pm_card_ok", 100, null).toCompletableFuture().join().outcome()).isEqualTo(Outcome.DECLINED);
    assertThat(charge(key(), null, 100).outcome()).isEqualTo(Outcome.DECLINED);
  }

  @Test
  void payoutsSucceedForAPositiveAmount() {
    assertThat(payout(key(), "acct_tutor_1", 1).outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(payout(key(), "acct_tutor_1", 1).reference()).startsWith("sbx_po_");
    assertThat(payout(key(), "acct_tutor_1", 0).outcome()).isEqualTo(Outcome.DECLINED);
    assertThat(payout(key(), " ", 10).outcome()).isEqualTo(Outcome.DECLINED);
    assertThat(payout(key(), SandboxProvider.ACCOUNT_DECLINED, 10).outcome()).isEqualTo(Outcome.DECLINED);
    assertThat(payout(key(), SandboxProvider.ACCOUNT_ERROR, 10).outcome()).isEqualTo(Outcome.FAILED);
  }

  @Test
  void aRepeatedKeyGetsTheFirstResultAndMovesNoMoney() {
    String key = key();
    ProviderResult first = charge(key, "pm_card_ok", 2000);

    assertThat(charge(key, "pm_card_ok", 2000)).isSameAs(first);
    assertThat(charge(key, "pm_card_declined", 9999)).as("another body: still the first result").isSameAs(first);
    assertThat(payout(key, "acct_1", 2000)).as("one key space for charges and payouts").isSameAs(first);
    assertThat(provider.totals()).isEqualTo(new SandboxProvider.Totals(2000, 0));
  }

  @Test
  void aFailureIsTheKeysOutcomeToo() {
    String key = key();
    ProviderResult failed = charge(key, "pm_card_error", 2000);

    assertThat(charge(key, "pm_card_ok", 2000)).isSameAs(failed);
    assertThat(provider.totals()).isEqualTo(SandboxProvider.Totals.ZERO);
  }

  @Test
  void totalsCountSucceededOperationsOnly() {
    charge(key(), "pm_card_ok", 2000);
    charge(key(), "pm_wallet_ok", 5000);
    charge(key(), "pm_card_declined", 700);
    charge(key(), "pm_card_error", 800);
    payout(key(), "acct_1", 1200);
    payout(key(), SandboxProvider.ACCOUNT_ERROR, 300);

    SandboxProvider.Totals totals = provider.totals();
    assertThat(totals).isEqualTo(new SandboxProvider.Totals(7000, 1200));
    assertThat(totals.netCents()).isEqualTo(5800);
  }

  @Test
  void concurrentCallsWithOneKeyMakeOneOperation() throws Exception {
    String key = key();
    int callers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<ProviderResult>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        String method = i % 2 == 0 ? "pm_card_ok" : "pm_card_declined";
        results.add(pool.submit(() -> {
          go.await();
          return charge(key, method, 1500);
        }));
      }
      go.countDown();
      ProviderResult first = results.get(0).get();
      for (Future<ProviderResult> result : results) {
        assertThat(result.get()).isSameAs(first);
      }
      assertThat(provider.totals().chargedCents()).isIn(0L, 1500L);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refusesABadKeyAtOnce() {
    assertThatThrownBy(() -> provider.charge(null, "pm_card_ok", 1, "EUR")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> provider.charge("", "pm_card_ok", 1, "EUR")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> provider.payout("k".repeat(256), "a", 1, "EUR")).isInstanceOf(IllegalArgumentException.class);
    assertThat(provider.charge("k".repeat(255), "pm_card_ok", 1, "EUR")).isInstanceOf(CompletableFuture.class);
  }

  @Test
  void aResultHasAReferenceWhenItSucceeded() {
    assertThatThrownBy(() -> ProviderResult.succeeded(null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(ProviderResult.failed(null, null).message()).isEmpty();
  }
}
