package io.tutormesh.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.kpi.Kpis;
import io.tutormesh.engine.ledger.Postings;
import io.tutormesh.engine.ledger.TrialBalance;
import io.tutormesh.engine.money.FinanceObserver;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.Subscription;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.persistence.Envelopes;
import io.tutormesh.persistence.kpis.KpiHandler;
import io.tutormesh.persistence.kpis.KpiRepository;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.Test;

/**
 * A tutor plan's charges in the read side: a paid period is plan revenue from the provider's
 * clearing (keyed by its provider key, so a replay writes the same rows), a refused one moves
 * nothing; both are payments in the KPIs.
 */
class TutorPlanProjectionTest {

  private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");

  private static final class Kpi implements KpiRepository {
    final List<Kpis.MoneyRow> money = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Done> sessionMatched(String sessionId, Instant requestedAt, Instant matchedAt) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletionStage<Done> sessionEnded(String sessionId, Instant requestedAt, String outcome, Instant endedAt) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletionStage<Done> money(Kpis.MoneyRow row) {
      money.add(row);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletionStage<List<Kpis.SessionRow>> sessions(LocalDate day) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<Kpis.MoneyRow>> money(LocalDate day) {
      return CompletableFuture.completedFuture(List.copyOf(money));
    }
  }

  private static EventEnvelope<TutorEntity.Event> envelope(TutorEntity.Event event, long seqNr) {
    return Envelopes.of("Tutor|ada", seqNr, event, AT);
  }

  private static TutorEntity.SubscriptionChargeSettled charge(int period, ProviderResult result) {
    return new TutorEntity.SubscriptionChargeSettled("ada", "sub-1", "pro", period, 2900, result, AT);
  }

  private static void run(CompletionStage<Done> stage) throws Exception {
    stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aPaidPeriodIsPlanRevenueFromTheProvidersClearingAndARefusedOneMovesNothing() throws Exception {
    InMemoryLedger ledger = new InMemoryLedger();
    LedgerHandler.Tutors handler = new LedgerHandler.Tutors(ledger);

    run(handler.process(envelope(charge(1, ProviderResult.succeeded("ch_1")), 5)));
    run(handler.process(envelope(charge(1, ProviderResult.succeeded("ch_1")), 5))); // delivered again
    run(handler.process(envelope(charge(2, ProviderResult.declined("ch_2", "card expired")), 7)));

    assertThat(ledger.posted).hasSize(2).allSatisfy(p -> {
      assertThat(p.transferId()).isEqualTo(Subscription.chargeKey("ada", "pro", "sub-1", 1));
      assertThat(p.debit()).isEqualTo(Postings.PROVIDER_CLEARING);
      assertThat(p.credit()).isEqualTo(Postings.PLATFORM_PLANS);
      assertThat(p.amountCents()).isEqualTo(2900);
    });
    // The same posting twice: Cassandra keys its rows by (transfer, leg), so the repeat overwrites them.
    assertThat(ledger.posted.get(1)).isEqualTo(ledger.posted.get(0));
    TrialBalance balance = TrialBalance.of(ledger.posted.get(0).lines());
    assertThat(balance.balanced()).isTrue();
    assertThat(balance.moneyInCents()).as("compares with the provider's 2,900 charged").isEqualTo(2900);
    assertThat(balance.reconcile(2900)).isEqualTo(TrialBalance.Reconciliation.RECONCILED);
  }

  @Test
  void everyChargeIsAPaymentInTheKpis() throws Exception {
    Kpi kpis = new Kpi();
    List<Boolean> observed = new CopyOnWriteArrayList<>();
    KpiHandler.Tutors handler = new KpiHandler.Tutors(kpis, new FinanceObserver() {
      @Override
      public void payment(boolean succeeded) {
        observed.add(succeeded);
      }
    });

    run(handler.process(envelope(charge(1, ProviderResult.succeeded("ch_1")), 5)));
    run(handler.process(envelope(charge(2, ProviderResult.failed(null, "provider down")), 7)));

    assertThat(kpis.money).containsExactly(
        new Kpis.MoneyRow(Kpis.PAYMENT_OK, Subscription.chargeKey("ada", "pro", "sub-1", 1), 0, AT),
        new Kpis.MoneyRow(Kpis.PAYMENT_FAILED, Subscription.chargeKey("ada", "pro", "sub-1", 2), 0, AT));
    assertThat(observed).containsExactly(true, false);
  }
}
