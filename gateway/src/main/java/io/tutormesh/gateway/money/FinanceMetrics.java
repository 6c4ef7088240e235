package io.tutormesh.gateway.money;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tutormesh.engine.money.FinanceObserver;

/**
 * Finance on `/metrics`, fed by the KPI projections running on this node (sum the nodes):
 * `tutormesh_finance_gross_cents_total`, `..._commission_cents_total`, `..._refunds_cents_total`,
 * `tutormesh_finance_payments_total{outcome=succeeded|failed}`. At least once: a replayed event may
 * count twice; `GET /v1/admin/kpis` has the exact figures.
 */
public final class FinanceMetrics implements FinanceObserver {

  private final Counter gross;
  private final Counter commission;
  private final Counter refunds;
  private final Counter paymentsOk;
  private final Counter paymentsFailed;

  public FinanceMetrics(MeterRegistry registry) {
    this.gross = Counter.builder("tutormesh.finance.gross.cents").description("what completed sessions released to tutors, commission included").register(registry);
    this.commission = Counter.builder("tutormesh.finance.commission.cents").description("the platform's commission on sessions").register(registry);
    this.refunds = Counter.builder("tutormesh.finance.refunds.cents").description("escrow given back to students").register(registry);
    this.paymentsOk = Counter.builder("tutormesh.finance.payments").tag("outcome", "succeeded").description("charges answered by the provider").register(registry);
    this.paymentsFailed = Counter.builder("tutormesh.finance.payments").tag("outcome", "failed").description("charges answered by the provider").register(registry);
  }

  @Override
  public void sessionCredited(long grossCents, long commissionCents) {
    gross.increment(grossCents);
    commission.increment(commissionCents);
  }

  @Override
  public void refunded(long refundCents) {
    refunds.increment(refundCents);
  }

  @Override
  public void payment(boolean succeeded) {
    (succeeded ? paymentsOk : paymentsFailed).increment();
  }
}
