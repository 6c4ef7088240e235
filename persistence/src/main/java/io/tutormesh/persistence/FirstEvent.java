package io.tutormesh.persistence;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The first event of an entity, read from the journal by persistence id: what a session was
 * opened with ({@code InstantRequested}, {@code BookingRequested}) is not tagged, and the
 * projections that need it (KPIs, notifications) read it here instead of waking the entity up.
 */
public final class FirstEvent {

  private FirstEvent() {}

  /** persistence id → its first event (empty: none written, or deleted). */
  public static Function<String, CompletionStage<Optional<Object>>> reader(ActorSystem<?> system) {
    CassandraReadJournal journal =
        PersistenceQuery.get(system).getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    return persistenceId -> journal
        .currentEventsByPersistenceId(persistenceId, 1, 1)
        .map(envelope -> envelope.event())
        .runWith(Sink.headOption(), system);
  }
}
