package io.tutormesh.persistence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * How far one projection instance (a {@link ProjectionId}: a projection's name and its tag slice)
 * has got on this node: the envelopes its handler processed successfully, and the lag seen at the
 * last one (the processing wall time minus the event's timestamp) with that event's timestamp.
 * Fed by {@link #wrap}, a handler that delegates everything to the projection's own handler and
 * only counts; read (from any thread: atomics) by the node's metrics. Since delivery is at least
 * once, a replayed envelope counts again.
 */
public final class ProjectionProgress {

  private static final long NONE = Long.MIN_VALUE;

  private final ProjectionId id;
  private final Clock clock;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong lastLagMillis = new AtomicLong(NONE);
  private final AtomicLong lastEventMillis = new AtomicLong(NONE);

  public ProjectionProgress(ProjectionId id, Clock clock) {
    this.id = id;
    this.clock = clock;
  }

  /** The projection's name, e.g. {@code kpi-sessions}. */
  public String projection() {
    return id.name();
  }

  /** The projection instance's key: its tag, e.g. {@code session-0}. */
  public String slice() {
    return id.key();
  }

  /** Envelopes processed successfully since this node started the instance. */
  public long events() {
    return events.get();
  }

  /** The lag at the last processed envelope; empty before the first one. */
  public Optional<Duration> lastLag() {
    long lag = lastLagMillis.get();
    return lag == NONE ? Optional.empty() : Optional.of(Duration.ofMillis(lag));
  }

  /** The timestamp of the last processed envelope's event; empty before the first one. */
  public Optional<Instant> lastEventAt() {
    long at = lastEventMillis.get();
    return at == NONE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
  }

  /**
   * {@code handler}, counted: each envelope goes to it unchanged, and counts once the stage it
   * returns has completed successfully (a throw or a failed stage is not counted, and reaches the
   * projection as before). {@code start} and {@code stop} are the handler's own.
   */
  public <E> Handler<EventEnvelope<E>> wrap(Handler<EventEnvelope<E>> handler) {
    return new Counted<>(handler, this);
  }

  void processed(long eventTimestampMillis) {
    long now = clock.millis();
    lastEventMillis.set(eventTimestampMillis);
    lastLagMillis.set(Math.max(0, now - eventTimestampMillis));
    events.incrementAndGet();
  }

  private static final class Counted<E> extends Handler<EventEnvelope<E>> {
    private final Handler<EventEnvelope<E>> delegate;
    private final ProjectionProgress progress;

    Counted(Handler<EventEnvelope<E>> delegate, ProjectionProgress progress) {
      this.delegate = delegate;
      this.progress = progress;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<E> envelope) throws Exception {
      return delegate.process(envelope).thenApply(done -> {
        progress.processed(envelope.timestamp());
        return done;
      });
    }

    @Override
    public CompletionStage<Done> start() {
      return delegate.start();
    }

    @Override
    public CompletionStage<Done> stop() {
      return delegate.stop();
    }
  }

  /**
   * Every projection instance's progress on this node, one {@link ProjectionProgress} per {@link
   * ProjectionId} (a restarted instance keeps counting on the same one). Listeners (the metrics)
   * hear of each instance once, when its first handler is made.
   */
  public static final class Registry {
    private final Clock clock;
    private final Map<ProjectionId, ProjectionProgress> byId = new ConcurrentHashMap<>();
    private final List<Consumer<ProjectionProgress>> listeners = new CopyOnWriteArrayList<>();

    public Registry(Clock clock) {
      this.clock = clock;
    }

    /** Tells {@code listener} of every instance known now and of each new one. */
    public void onNew(Consumer<ProjectionProgress> listener) {
      listeners.add(listener);
      byId.values().forEach(listener);
    }

    /** The progress of {@code id}, made (and announced) on first use. */
    public ProjectionProgress of(ProjectionId id) {
      ProjectionProgress known = byId.get(id);
      if (known != null) {
        return known;
      }
      ProjectionProgress made = new ProjectionProgress(id, clock);
      ProjectionProgress raced = byId.putIfAbsent(id, made);
      if (raced != null) {
        return raced;
      }
      listeners.forEach(listener -> listener.accept(made));
      return made;
    }

    /** {@code handlers}, each new handler counted for {@code id}. */
    public <E> Supplier<Handler<EventEnvelope<E>>> counted(ProjectionId id, Supplier<Handler<EventEnvelope<E>>> handlers) {
      return () -> of(id).wrap(handlers.get());
    }

    /** Every instance known so far. */
    public List<ProjectionProgress> all() {
      return List.copyOf(byId.values());
    }
  }
}
