package io.tutormesh.engine.session;

import io.tutormesh.engine.room.RoomEntry;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's room entries read back from its events (Persistence Query), for the transcript
 * pages that reach further back than the whiteboard ops a {@link io.tutormesh.engine.room.Room}
 * keeps. Each entry is one event and the session's first events are not entries, so an entry's
 * journal sequence number is at least its room seq: reading from {@code afterSeq + 1} misses
 * nothing, and reads only a few events (the dispatch's) more than it returns.
 */
final class RoomJournal {

  private static final Logger LOG = LoggerFactory.getLogger(RoomJournal.class);

  private RoomJournal() {}

  /**
   * The entries with {@code afterSeq < seq <= upTo}, in seq order, at most {@code limit}.
   *
   * @param readJournal the config path of the read journal plugin ({@code tutormesh.room.read-journal})
   */
  static CompletionStage<List<RoomEntry>> entriesAfter(
      ActorSystem<?> system, String readJournal, String persistenceId, long afterSeq, long upTo, int limit) {
    CurrentEventsByPersistenceIdQuery journal =
        PersistenceQuery.get(system).getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, readJournal);
    return journal.currentEventsByPersistenceId(persistenceId, afterSeq + 1, Long.MAX_VALUE)
        .map(EventEnvelope::event)
        .mapConcat(RoomJournal::entryOf)
        .takeWhile(entry -> entry.seq() <= upTo)
        .filter(entry -> entry.seq() > afterSeq)
        .take(limit)
        .runWith(Sink.seq(), system)
        .whenComplete((entries, error) -> logFailure(persistenceId, error));
  }

  private static void logFailure(String persistenceId, Throwable error) {
    if (error != null) {
      LOG.warn("Could not read the room entries of {} from the journal", persistenceId, error);
    }
  }

  private static List<RoomEntry> entryOf(Object event) {
    if (event instanceof SessionEntity.ChatPosted chat) {
      return List.of(SessionEntity.entryOf(chat));
    }
    if (event instanceof SessionEntity.BoardOpPosted op) {
      return List.of(SessionEntity.entryOf(op));
    }
    return List.of();
  }
}
