package io.tutormesh.persistence.ledger;

import io.tutormesh.engine.ledger.TrialBalance;
import io.tutormesh.engine.money.SandboxProvider.Totals;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The operator's check of the ledger: its trial balance, next to what the payment provider says it
 * charged. Eventually consistent: the ledger is a projection, seconds behind the events, so a
 * charge not yet projected shows as {@link TrialBalance.Reconciliation#LAGGING}.
 */
public final class LedgerCheck {

  /** The trial balance and the provider's charges, read at about the same time. */
  public record Report(TrialBalance balance, long providerChargedCents) {
    public TrialBalance.Reconciliation reconciliation() {
      return balance.reconcile(providerChargedCents);
    }
  }

  private final LedgerRepository repository;
  private final Supplier<CompletionStage<Totals>> providerTotals;

  public LedgerCheck(LedgerRepository repository, Supplier<CompletionStage<Totals>> providerTotals) {
    this.repository = repository;
    this.providerTotals = providerTotals;
  }

  /**
   * Reads the provider first, then the ledger. Every charge the ledger has posted was made before
   * the event it was posted from was written, so it is in totals read before the ledger: timing
   * alone can make the ledger look behind the provider (LAGGING), never ahead (MISMATCH).
   */
  public CompletionStage<Report> run() {
    return providerTotals.get().thenCompose(totals -> repository.trialBalance()
        .thenApply(balance -> new Report(balance, totals.chargedCents())));
  }
}
