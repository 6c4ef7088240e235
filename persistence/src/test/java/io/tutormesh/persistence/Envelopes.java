package io.tutormesh.persistence;

import io.tutormesh.engine.session.SessionEntity;
import java.time.Instant;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;

/** Envelopes as the projections' handlers are given them, built by hand for their tests. */
public final class Envelopes {

  private Envelopes() {}

  /** {@code event}, number {@code seqNr} of {@code persistenceId} (at offset {@code seqNr}), written {@code at}. */
  public static <E> EventEnvelope<E> of(String persistenceId, long seqNr, E event, Instant at) {
    return EventEnvelope.create(Offset.sequence(seqNr), persistenceId, seqNr, event, at.toEpochMilli());
  }

  /**
   * A session's {@code event}, the second of its session (after the request), at offset 1, written
   * {@code at}.
   */
  public static EventEnvelope<SessionEntity.Event> session(SessionEntity.Event event, Instant at) {
    return EventEnvelope.create(Offset.sequence(1), "Session|" + event.sessionId(), 2, event, at.toEpochMilli());
  }
}
