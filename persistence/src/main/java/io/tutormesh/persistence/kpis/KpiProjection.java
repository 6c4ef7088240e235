package io.tutormesh.persistence.kpis;

import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.persistence.ChainedHandler;
import io.tutormesh.persistence.FirstEvent;
import io.tutormesh.persistence.ProjectionProgress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.javadsl.SourceProvider;

/**
 * The KPI projections, one instance per tag run by a {@link ShardedDaemonProcess} (exactly one in
 * the cluster, moved when its node leaves), offsets in Cassandra: {@code kpi-sessions} over
 * {@code session-0..3} (only a session's booked, matched and ended events are tagged; the
 * notifications ride on this stream too, see {@link #init}). The students' and tutors' money KPIs
 * ride on the ledger's projections (see {@link #init}). At least once; the handlers are idempotent.
 */
public final class KpiProjection {

  public static final String SESSIONS = "kpi-sessions";

  private KpiProjection() {}

  /**
   * The sessions' KPIs, and another read side of the same session events ({@code alsoSessions},
   * e.g. the notifications; null: none) fed by the same stream through a {@link ChainedHandler}.
   * Each instance's handler is counted in {@code progress}. The students' and tutors' money KPIs
   * ({@link KpiHandler.Students}, {@link KpiHandler.Tutors}) read the same events as the ledger and
   * ride on its projections (see {@code LedgerProjection.init}); their former projections' offsets
   * ({@code kpi-students}, {@code kpi-tutors}) are no longer written.
   */
  public static void init(
      ActorSystem<?> system,
      KpiRepository repository,
      Supplier<Handler<EventEnvelope<SessionEntity.Event>>> alsoSessions,
      ProjectionProgress.Registry progress) {
    List<String> sessionTags = IntStream.range(0, SessionEntity.TAG_COUNT).mapToObj(i -> "session-" + i).toList();
    Function<String, CompletionStage<Optional<Object>>> first = FirstEvent.reader(system);
    Function<String, CompletionStage<Optional<Instant>>> requestedAt = persistenceId -> first.apply(persistenceId)
        .thenApply(found -> found.flatMap(event -> event instanceof SessionEntity.Event e ? Optional.of(e.at()) : Optional.<Instant>empty()));
    if (alsoSessions == null) {
      run(system, SESSIONS, sessionTags, () -> new KpiHandler.Sessions(repository, requestedAt), progress);
    } else {
      run(system, SESSIONS, sessionTags, () -> new ChainedHandler<>(new KpiHandler.Sessions(repository, requestedAt), alsoSessions.get()),
          progress);
    }
  }

  private static <E> void run(ActorSystem<?> system, String name, List<String> tags,
      Supplier<Handler<EventEnvelope<E>>> handler, ProjectionProgress.Registry progress) {
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        name,
        tags.size(),
        index -> ProjectionBehavior.create(projection(system, name, tags.get(index), handler, progress)),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static <E> Projection<EventEnvelope<E>> projection(
      ActorSystem<?> system, String name, String tag, Supplier<Handler<EventEnvelope<E>>> handler, ProjectionProgress.Registry progress) {
    SourceProvider<Offset, EventEnvelope<E>> source = EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), tag);
    ProjectionId id = ProjectionId.of(name, tag);
    return CassandraProjection.atLeastOnce(id, source, progress.counted(id, handler)::get);
  }
}
