package io.tutormesh.gateway.admin;

import io.tutormesh.engine.ledger.TrialBalance;
import io.tutormesh.persistence.ledger.LedgerCheck;
import java.util.Map;

/** The admin requests on the wire. */
public final class AdminDtos {
  private AdminDtos() {}

  /** `POST /v1/admin/tutors/{id}/suspend`; the reason is optional (the engine names a default). */
  public record SuspendRequest(String reason) {}

  /**
   * `GET /v1/admin/ledger/check`: the trial balance of the ledger projection (credits positive,
   * debits negative) and how the money in through `provider:clearing` compares with what the
   * payment provider charged: RECONCILED, LAGGING (events not projected yet) or MISMATCH.
   */
  public record LedgerCheckView(
      boolean balanced,
      long debitsCents,
      long creditsCents,
      Map<String, Long> accounts,
      long providerChargedCents,
      long moneyIn,
      String reconciliation,
      boolean lagging,
      Totals totals) {

    /**
     * The ledger by kind of account: owed to students (balances and holds not escrowed), in the
     * escrow of sessions not settled yet, owed to tutors (pending and available earnings), and the
     * platform's commission.
     */
    public record Totals(long studentsCents, long escrowCents, long tutorsPayableCents, long commissionCents) {}

    public static LedgerCheckView of(LedgerCheck.Report report) {
      TrialBalance b = report.balance();
      TrialBalance.Reconciliation r = report.reconciliation();
      return new LedgerCheckView(b.balanced(), b.debitsCents(), b.creditsCents(), b.accounts(), report.providerChargedCents(),
          b.moneyInCents(), r.name(), r == TrialBalance.Reconciliation.LAGGING,
          new Totals(b.studentsCents(), b.escrowCents(), b.tutorsPayableCents(), b.commissionCents()));
    }
  }
}
