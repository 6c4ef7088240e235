package io.tutormesh.engine.money;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the student and tutor plan tests share: plan times (fast enough to watch a plan renew and
 * lapse, or slow enough that nothing happens by itself), and payment providers (one that records
 * every charge's key and forwards to whichever provider a test sets, one that never answers, one
 * that declines everything).
 */
public final class PlanFixtures {

  private PlanFixtures() {}

  /** 30 days of 40 ms = a 1.2 s period; a past-due plan lapses after 0.6 s. */
  public static final PlanTimes FAST = new PlanTimes(Duration.ofMillis(40), Duration.ofMillis(600));
  /** Real days: nothing renews or lapses during a test unless its clock is moved. */
  public static final PlanTimes SLOW = new PlanTimes(Duration.ofDays(1), Duration.ofDays(3));

  /**
   * Records every charge's idempotency key into {@code keys} and forwards the call to {@code
   * current}. Per test: an entity of an earlier test whose timers still run charges its own
   * provider, never this test's.
   */
  public static PaymentProvider recording(AtomicReference<PaymentProvider> current, List<String> keys) {
    return new PaymentProvider() {
      @Override
      public CompletionStage<ProviderResult> charge(String key, String method, long amountCents, String currency) {
        keys.add(key);
        return current.get().charge(key, method, amountCents, currency);
      }

      @Override
      public CompletionStage<ProviderResult> payout(String key, String accountId, long amountCents, String currency) {
        return current.get().payout(key, accountId, amountCents, currency);
      }
    };
  }

  /** Never answers (a lost connection): the outcome stays unknown. */
  public static final PaymentProvider SILENT = new PaymentProvider() {
    @Override
    public CompletionStage<ProviderResult> charge(String key, String method, long amountCents, String currency) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<ProviderResult> payout(String key, String accountId, long amountCents, String currency) {
      return new CompletableFuture<>();
    }
  };

  /** Declines everything ("card expired"). */
  public static final PaymentProvider DECLINING = new PaymentProvider() {
    @Override
    public CompletionStage<ProviderResult> charge(String key, String method, long amountCents, String currency) {
      return CompletableFuture.completedFuture(ProviderResult.declined(null, "card expired"));
    }

    @Override
    public CompletionStage<ProviderResult> payout(String key, String accountId, long amountCents, String currency) {
      return CompletableFuture.completedFuture(ProviderResult.declined(null, "no"));
    }
  };
}
