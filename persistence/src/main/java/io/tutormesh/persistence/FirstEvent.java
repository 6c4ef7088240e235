package io.tutormesh.persistence;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The first event of an entity, read from the journal by persistence id: what a session was
 * opened with ({@code InstantRequested}, {@code BookingRequested}) is not tagged, and the
 * projections that need it (KPIs, notifications) read it here instead of waking the entity up.
 *
 * <p>A first event never changes, so the last {@link #CAPACITY} read are remembered, once per
 * ActorSystem: the handlers chained on one projection (KPIs, then notifications) and a session's
 * later events (matched, then cancelled or completed) read the journal once per session, not once
 * per handler and event. A read that failed or found nothing is not remembered.
 */
public final class FirstEvent implements Extension {

  /** First events remembered per ActorSystem (a few seconds of sessions at hundreds per second). */
  static final int CAPACITY = 4096;

  private static final ExtensionId<FirstEvent> ID = new ExtensionId<>() {
    @Override
    public FirstEvent createExtension(ActorSystem<?> system) {
      return new FirstEvent(remembering(journalReader(system), CAPACITY));
    }
  };

  private final Function<String, CompletionStage<Optional<Object>>> reader;

  private FirstEvent(Function<String, CompletionStage<Optional<Object>>> reader) {
    this.reader = reader;
  }

  /** persistence id → its first event (empty: none written, or deleted); shared by the system's projections. */
  public static Function<String, CompletionStage<Optional<Object>>> reader(ActorSystem<?> system) {
    return ID.apply(system).reader;
  }

  private static Function<String, CompletionStage<Optional<Object>>> journalReader(ActorSystem<?> system) {
    CassandraReadJournal journal =
        PersistenceQuery.get(system).getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    return persistenceId -> journal
        .currentEventsByPersistenceId(persistenceId, 1, 1)
        .map(envelope -> envelope.event())
        .runWith(Sink.headOption(), system);
  }

  /**
   * {@code read}, remembering the last {@code capacity} answers that found an event (concurrent
   * askers of one id share one read).
   */
  static Function<String, CompletionStage<Optional<Object>>> remembering(
      Function<String, CompletionStage<Optional<Object>>> read, int capacity) {
    Map<String, CompletionStage<Optional<Object>>> remembered = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, CompletionStage<Optional<Object>>> eldest) {
        return size() > capacity;
      }
    };
    return persistenceId -> {
      CompletionStage<Optional<Object>> reading;
      synchronized (remembered) {
        reading = remembered.get(persistenceId);
        if (reading != null) {
          return reading;
        }
        reading = read.apply(persistenceId);
        remembered.put(persistenceId, reading);
      }
      CompletionStage<Optional<Object>> mine = reading;
      mine.whenComplete((event, failure) -> {
        if (failure != null || event.isEmpty()) {
          synchronized (remembered) {
            remembered.remove(persistenceId, mine);
          }
        }
      });
      return mine;
    };
  }
}
