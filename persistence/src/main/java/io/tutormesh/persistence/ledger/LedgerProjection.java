package io.tutormesh.persistence.ledger;

import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.persistence.ChainedHandler;
import io.tutormesh.persistence.ProjectionProgress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
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
 * The ledger projections: the students' events by tag ({@code student-0..3}) and the tutors'
 * ({@code tutor-0..3}, {@link #TUTORS_NAME}), one projection
 * instance per tag, each run by a {@link ShardedDaemonProcess} so that every tag has exactly one
 * running instance in the cluster (moved to another node when its node leaves). Offsets are kept
 * in Cassandra ({@code offset_store}, schema/004); delivery is at least once, and the handler is
 * idempotent. Other read sides of the same events (the finance KPIs, the payout notices) ride on these streams
 * ({@link ChainedHandler}) instead of reading every event again.
 */
public final class LedgerProjection {

  public static final String NAME = "ledger";
  /** The same ledger, from the tutors' money events ({@code tutor-0..3}). */
  public static final String TUTORS_NAME = "ledger-tutors";

  private LedgerProjection() {}

  /**
   * The ledger, and the other read sides of the same money events ({@code alsoStudents}, {@code
   * alsoTutors}, e.g. the finance KPIs) fed by the same streams: each student and tutor
   * event is read once, whatever reads it. Each instance's handler is counted in {@code progress}.
   */
  public static void init(
      ActorSystem<?> system,
      LedgerRepository repository,
      Supplier<Handler<EventEnvelope<StudentEntity.Event>>> alsoStudents,
      Supplier<Handler<EventEnvelope<TutorEntity.Event>>> alsoTutors,
      ProjectionProgress.Registry progress) {
    run(system, NAME, StudentEntity.TAGS, () -> new ChainedHandler<>(new LedgerHandler(repository), alsoStudents.get()), progress);
    run(system, TUTORS_NAME, TutorEntity.TAGS, () -> new ChainedHandler<>(new LedgerHandler.Tutors(repository), alsoTutors.get()),
        progress);
  }

  private static <E> void run(
      ActorSystem<?> system, String name, List<String> tags, Supplier<Handler<EventEnvelope<E>>> handler, ProjectionProgress.Registry progress) {
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
