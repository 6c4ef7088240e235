package io.tutormesh.persistence.directory;

import io.tutormesh.engine.tutor.TutorEntity;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Applies a tutor's directory events (profile, suspension, rating) to its {@link DirectoryEntry}
 * and writes the result. One tutor's events come in order within its tag; at least once: an event
 * applied again writes the same rows again.
 */
public final class DirectoryHandler extends Handler<EventEnvelope<TutorEntity.Event>> {

  private static final CompletionStage<Done> DONE = CompletableFuture.completedFuture(Done.getInstance());

  private final DirectoryRepository repository;

  public DirectoryHandler(DirectoryRepository repository) {
    this.repository = repository;
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<TutorEntity.Event> envelope) {
    TutorEntity.Event event = envelope.event();
    if (!TutorEntity.changesDirectory(event)) {
      return DONE;
    }
    return repository.entry(event.tutorId()).thenCompose(found -> {
      DirectoryEntry before = found.orElseGet(() -> DirectoryEntry.unknown(event.tutorId()));
      DirectoryEntry after = before.apply(event);
      return after.equals(before) && found.isPresent() ? DONE : repository.save(after, after.droppedSince(before));
    });
  }
}
