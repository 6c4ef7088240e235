package io.tutormesh.persistence.kpis;

import io.tutormesh.engine.kpi.Kpis;
import io.tutormesh.engine.money.FinanceObserver;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.Subscription;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * The KPI projections' handlers: sessions (matched, ended), students (escrows, refunds, payment
 * outcomes) and tutors (gross and commission). Every write is keyed by what it counts, so an event
 * delivered again (at least once) changes nothing; the {@link FinanceObserver} meters may count it
 * twice.
 */
public final class KpiHandler {

  private KpiHandler() {}

  private static final CompletionStage<Done> DONE = CompletableFuture.completedFuture(Done.getInstance());

  /**
   * Sessions' tagged events ({@link SessionEntity#tagsFor}). The instant a request was made is its
   * session's first event ({@code InstantRequested}), which is not tagged (it is on the matching hot
   * path). A match carries it ({@link SessionEntity.TutorMatched#requestedAt}); for an ended session,
   * or a match written before it did, {@code requestedAt} reads it from the journal.
   */
  public static final class Sessions extends Handler<EventEnvelope<SessionEntity.Event>> {
    private final KpiRepository repository;
    private final Function<String, CompletionStage<Optional<Instant>>> requestedAt;

    public Sessions(KpiRepository repository, Function<String, CompletionStage<Optional<Instant>>> requestedAt) {
      this.repository = repository;
      this.requestedAt = requestedAt;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<SessionEntity.Event> envelope) {
      SessionEntity.Event event = envelope.event();
      String outcome = outcomeOf(event);
      if (!(event instanceof SessionEntity.TutorMatched) && outcome == null) {
        return DONE;
      }
      if (event instanceof SessionEntity.TutorMatched matched && matched.requestedAt() != null) {
        return repository.sessionMatched(matched.sessionId(), matched.requestedAt(), matched.at());
      }
      return requestedAt.apply(envelope.persistenceId()).thenCompose(found -> {
        Instant requested = found.orElse(event.at());
        if (event instanceof SessionEntity.TutorMatched matched) {
          return repository.sessionMatched(matched.sessionId(), requested, matched.at());
        }
        return repository.sessionEnded(event.sessionId(), requested, outcome, event.at());
      });
    }

    private static String outcomeOf(SessionEntity.Event event) {
      if (event instanceof SessionEntity.SessionCompleted) {
        return SessionEntity.Status.COMPLETED.name();
      }
      if (event instanceof SessionEntity.SessionCancelled) {
        return SessionEntity.Status.CANCELLED.name();
      }
      if (event instanceof SessionEntity.NoTutorFound) {
        return SessionEntity.Status.NO_TUTOR.name();
      }
      if (event instanceof SessionEntity.NoShowRecorded) {
        return SessionEntity.Status.NO_SHOW.name();
      }
      return null;
    }
  }

  /** Students' money events: escrows, refunds (at completion and by an admin), and the outcome of every charge (top-ups, plans). */
  public static final class Students extends Handler<EventEnvelope<StudentEntity.Event>> {
    private final KpiRepository repository;
    private final FinanceObserver observer;

    public Students(KpiRepository repository, FinanceObserver observer) {
      this.repository = repository;
      this.observer = observer;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<StudentEntity.Event> envelope) {
      StudentEntity.Event event = envelope.event();
      if (event instanceof StudentEntity.InstantRequestClosed closed && closed.movesMoney()) {
        return repository.money(new Kpis.MoneyRow(Kpis.ESCROW, closed.sessionId(), closed.holdCents(), closed.at()));
      }
      if (event instanceof StudentEntity.SessionCharged charged && charged.refundedCents() > 0) {
        return repository.money(new Kpis.MoneyRow(Kpis.REFUND, charged.sessionId(), charged.refundedCents(), charged.at()))
            .thenApply(done -> {
              observer.refunded(charged.refundedCents());
              return done;
            });
      }
      if (event instanceof StudentEntity.CaptureRefunded refunded && refunded.refundedCents() > 0) {
        // An admin refund of what a lesson captured: a refund row of its own (the lesson's partial
        // refund at completion, if any, keeps the row keyed by the session id).
        return repository.money(new Kpis.MoneyRow(Kpis.REFUND, "admin:" + refunded.sessionId(), refunded.refundedCents(), refunded.at()))
            .thenApply(done -> {
              observer.refunded(refunded.refundedCents());
              return done;
            });
      }
      if (event instanceof StudentEntity.TopUpSettled settled) {
        return payment("topup:" + settled.topUpId(), settled.result(), settled.at());
      }
      if (event instanceof StudentEntity.SubscriptionChargeSettled plan) {
        return payment(Subscription.chargeKey(plan.studentId(), plan.planId(), plan.subscriptionId(), plan.period()), plan.result(), plan.at());
      }
      return DONE;
    }

    private CompletionStage<Done> payment(String key, ProviderResult result, Instant at) {
      return KpiHandler.payment(repository, observer, key, result, at);
    }
  }

  /** One charge's outcome (keyed by its idempotency key, so a replay counts it once). */
  private static CompletionStage<Done> payment(
      KpiRepository repository, FinanceObserver observer, String key, ProviderResult result, Instant at) {
    String kind = result.isSucceeded() ? Kpis.PAYMENT_OK : Kpis.PAYMENT_FAILED;
    return repository.money(new Kpis.MoneyRow(kind, key, 0, at)).thenApply(done -> {
      observer.payment(result.isSucceeded());
      return done;
    });
  }

  /** Tutors' money events: a session's credit is its gross, of which the commission; a plan charge's outcome is a payment. */
  public static final class Tutors extends Handler<EventEnvelope<TutorEntity.Event>> {
    private final KpiRepository repository;
    private final FinanceObserver observer;

    public Tutors(KpiRepository repository, FinanceObserver observer) {
      this.repository = repository;
      this.observer = observer;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<TutorEntity.Event> envelope) {
      if (envelope.event() instanceof TutorEntity.EarningsCredited credited) {
        var credit = credited.credit();
        long gross = credit.netCents() + credit.commissionCents();
        return repository.money(new Kpis.MoneyRow(Kpis.GROSS, credited.sessionId(), gross, credited.at()))
            .thenCompose(done -> repository.money(new Kpis.MoneyRow(Kpis.COMMISSION, credited.sessionId(), credit.commissionCents(), credited.at())))
            .thenApply(done -> {
              observer.sessionCredited(gross, credit.commissionCents());
              return done;
            });
      }
      if (envelope.event() instanceof TutorEntity.SubscriptionChargeSettled plan) {
        return payment(repository, observer,
            Subscription.chargeKey(plan.tutorId(), plan.planId(), plan.subscriptionId(), plan.period()), plan.result(), plan.at());
      }
      return DONE;
    }
  }
}
