package io.tutormesh.engine.money;

/**
 * What the finance KPI projection reports as it goes, for metrics (the gateway plugs in meters;
 * the default does nothing). Delivery is at least once: a replayed event may be reported twice,
 * so these are for dashboards; {@code GET /v1/admin/kpis} is the exact figure.
 */
public interface FinanceObserver {

  FinanceObserver NONE = new FinanceObserver() {};

  /** A completed session released {@code grossCents} to its tutor, {@code commissionCents} of it to the platform. */
  default void sessionCredited(long grossCents, long commissionCents) {}

  /** A settled session gave {@code refundCents} of its escrow back to the student. */
  default void refunded(long refundCents) {}

  /** A charge (top-up or plan) got its answer from the provider. */
  default void payment(boolean succeeded) {}
}
