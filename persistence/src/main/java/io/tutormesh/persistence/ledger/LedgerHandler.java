package io.tutormesh.persistence.ledger;

import io.tutormesh.engine.ledger.Postings;
import io.tutormesh.engine.student.StudentEntity;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Turns the students' money events into ledger postings ({@link Postings}). At least once: an
 * event may come again after a restart, and writes the same rows again.
 */
public final class LedgerHandler extends Handler<EventEnvelope<StudentEntity.Event>> {

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
      // Its TopUpStarted came earlier in the same tag (one student's events keep their order).
      return repository.topUp(settled.topUpId()).thenCompose(terms -> repository.post(
          Postings.topUpSettled(
              settled.studentId(),
              terms.orElseThrow(() -> new IllegalStateException(
                  "no TopUpStarted seen for top-up " + settled.topUpId() + " of " + source + ": cannot post it")),
              settled.result(),
              settled.at()),
          source));
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
