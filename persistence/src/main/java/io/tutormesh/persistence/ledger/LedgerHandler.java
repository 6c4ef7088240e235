package io.tutormesh.persistence.ledger;

import io.tutormesh.engine.ledger.Postings;
import io.tutormesh.engine.money.Subscription;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the students' money events (top-ups, escrows, settlements, plan fees) and, in {@link
 * Tutors}, the tutors' (session credits, reversals, payouts, plan fees) into ledger postings
 * ({@link Postings}). At least once: an event may come again after a restart, and writes the same
 * rows again.
 */
public final class LedgerHandler extends Handler<EventEnvelope<StudentEntity.Event>> {

  private static final Logger log = LoggerFactory.getLogger(LedgerHandler.class);

  private final LedgerRepository repository;

  public LedgerHandler(LedgerRepository repository) {
    this.repository = repository;
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<StudentEntity.Event> envelope) {
    StudentEntity.Event event = envelope.event();
    if (event instanceof StudentEntity.TopUpStarted started) {
      return repository.rememberTopUp(started.studentId(), Postings.TopUpTerms.of(started.topUp()));
    }
    if (event instanceof StudentEntity.TopUpSettled settled) {
      if (!settled.result().isSucceeded()) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      String source = envelope.persistenceId() + "#" + envelope.sequenceNr();
      if (settled.terms() != null) {
        // It carries its terms: posted whether or not its TopUpStarted was seen (they may come apart).
        return post(Postings.topUpSettled(settled.studentId(), settled.terms(), settled.result(), settled.at()), source);
      }
      // An older event: its TopUpStarted came earlier in the same tag (one student's events keep
      // their order), so its terms are remembered, unless that start was never projected (written
      // before top-ups were tagged, or its offset lost). Then nothing tells what it moved: it is
      // recorded as unmatched for an operator (and logged), and the stream goes on instead of
      // failing on it forever.
      return repository.topUp(settled.topUpId()).thenCompose(terms -> terms.isPresent()
          ? repository.post(Postings.topUpSettled(settled.studentId(), terms.get(), settled.result(), settled.at()), source)
          : unmatched(settled, source));
    }
    String source = envelope.persistenceId() + "#" + envelope.sequenceNr();
    if (event instanceof StudentEntity.InstantRequestClosed closed && closed.movesMoney()) {
      return post(Postings.escrowed(closed.studentId(), closed.sessionId(), closed.holdCents(), closed.at()), source);
    }
    if (event instanceof StudentEntity.SubscriptionChargeSettled plan) {
      String key = Subscription.chargeKey(plan.studentId(), plan.planId(), plan.subscriptionId(), plan.period());
      return post(Postings.planCharged(key, plan.amountCents(), plan.result(), plan.at()), source);
    }
    if (event instanceof StudentEntity.SessionCharged charged) {
      return post(Postings.charged(charged.studentId(), charged.sessionId(), charged.refundedCents(), charged.at()), source);
    }
    if (event instanceof StudentEntity.CaptureRefunded refunded) {
      return post(Postings.refunded(refunded.studentId(), refunded.sessionId(), refunded.refundedCents(), refunded.at()), source);
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  private CompletionStage<Done> post(java.util.List<Postings.Posting> postings, String source) {
    return postings.isEmpty() ? CompletableFuture.completedFuture(Done.getInstance()) : repository.post(postings, source);
  }

  private CompletionStage<Done> unmatched(StudentEntity.TopUpSettled settled, String source) {
    String reason = "TopUpSettled without terms, and no TopUpStarted seen for top-up " + settled.topUpId() + ": its amounts are unknown";
    log.warn("Ledger: {} of {} not posted ({}); recorded in ledger_unmatched", source, settled.studentId(), reason);
    return repository.recordUnmatched(new LedgerRepository.Unmatched(source, "TopUpSettled", settled.topUpId(), settled.at(), reason));
  }

  /**
   * The tutors' money events: a session's credit moves the captured money out of its escrow; a
   * paid period of a tutor plan is plan revenue from the provider's clearing, as a student's is.
   */
  public static final class Tutors extends Handler<EventEnvelope<TutorEntity.Event>> {
    private final LedgerRepository repository;

    public Tutors(LedgerRepository repository) {
      this.repository = repository;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<TutorEntity.Event> envelope) {
      if (envelope.event() instanceof TutorEntity.EarningsCredited credited) {
        String source = envelope.persistenceId() + "#" + envelope.sequenceNr();
        var postings = Postings.credited(
            credited.tutorId(), credited.sessionId(), credited.credit().netCents(), credited.credit().commissionCents(), credited.at());
        return postings.isEmpty() ? CompletableFuture.completedFuture(Done.getInstance()) : repository.post(postings, source);
      }
      String source = envelope.persistenceId() + "#" + envelope.sequenceNr();
      if (envelope.event() instanceof TutorEntity.EarningsReversed reversed) {
        return post(Postings.reversed(
            reversed.tutorId(), reversed.sessionId(), reversed.credit().netCents(), reversed.credit().commissionCents(), reversed.at()), source);
      }
      if (envelope.event() instanceof TutorEntity.PayoutSettled settled && settled.result().isSucceeded()) {
        return post(Postings.paidOut(settled.tutorId(), settled.payoutId(), settled.amountCents(), settled.at()), source);
      }
      if (envelope.event() instanceof TutorEntity.SubscriptionChargeSettled plan) {
        String key = Subscription.chargeKey(plan.tutorId(), plan.planId(), plan.subscriptionId(), plan.period());
        return post(Postings.planCharged(key, plan.amountCents(), plan.result(), plan.at()), source);
      }
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    private CompletionStage<Done> post(java.util.List<Postings.Posting> postings, String source) {
      return postings.isEmpty() ? CompletableFuture.completedFuture(Done.getInstance()) : repository.post(postings, source);
    }
  }
}
