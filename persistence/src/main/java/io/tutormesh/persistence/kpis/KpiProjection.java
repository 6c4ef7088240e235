package io.tutormesh.persistence.kpis;

import io.tutormesh.engine.session.SessionEntity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The KPI projections, one instance per tag run by a {@link ShardedDaemonProcess} (exactly one in
 * the cluster, moved when its node leaves), offsets in Cassandra: {@code kpi-sessions} over
 * {@code session-0..3} (only a session's matched and ended events are tagged). The students' and
 * tutors' money KPIs ride on the ledger's projections (see {@link #init}). At least once; the
 * handlers are idempotent.
 */
public final class KpiProjection {

  public static final String SESSIONS = "kpi-sessions";

  private KpiProjection() {}

  /**
   * The sessions' KPIs. The students' and tutors' money KPIs ({@link KpiHandler.Students}, {@link
   * KpiHandler.Tutors}) read the same events as the ledger and ride on its projections (see {@code
   * LedgerProjection.init}); their former projections' offsets ({@code kpi-students}, {@code
   * kpi-tutors}) are no longer written.
   */
  public static void init(ActorSystem<?> system, KpiRepository repository) {
    List<String> sessionTags = IntStream.range(0, SessionEntity.TAG_COUNT).mapToObj(i -> "session-" + i).toList();
    CassandraReadJournal journal = PersistenceQuery.get(system).getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    Function<String, CompletionStage<Optional<Instant>>> requestedAt = persistenceId -> journal
        .currentEventsByPersistenceId(persistenceId, 1, 1)
        .map(envelope -> envelope.event() instanceof SessionEntity.Event e ? Optional.of(e.at()) : Optional.<Instant>empty())
        .runWith(Sink.headOption(), system)
        .thenApply(first -> first.flatMap(found -> found));
    run(system, SESSIONS, sessionTags, () -> new KpiHandler.Sessions(repository, requestedAt));
  }

  private static <E> void run(ActorSystem<?> system, String name, List<String> tags,
      java.util.function.Supplier<Handler<EventEnvelope<E>>> handler) {
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        name,
        tags.size(),
        index -> ProjectionBehavior.create(projection(system, name, tags.get(index), handler)),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static <E> Projection<EventEnvelope<E>> projection(
      ActorSystem<?> system, String name, String tag, java.util.function.Supplier<Handler<EventEnvelope<E>>> handler) {
    SourceProvider<Offset, EventEnvelope<E>> source = EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), tag);
    return CassandraProjection.atLeastOnce(ProjectionId.of(name, tag), source, handler);
  }
}
