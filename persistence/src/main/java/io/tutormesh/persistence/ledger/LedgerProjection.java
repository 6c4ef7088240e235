package io.tutormesh.persistence.ledger;

import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.util.Optional;
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
import org.apache.pekko.projection.javadsl.SourceProvider;

/**
 * The ledger projections: the students' events by tag ({@code student-0..3}) and the tutors'
 * ({@code tutor-0..3}, {@link #TUTORS_NAME}), one projection
 * instance per tag, each run by a {@link ShardedDaemonProcess} so that every tag has exactly one
 * running instance in the cluster (moved to another node when its node leaves). Offsets are kept
 * in Cassandra ({@code offset_store}, schema/004); delivery is at least once, and the handler is
 * idempotent.
 */
public final class LedgerProjection {

  public static final String NAME = "ledger";
  /** The same ledger, from the tutors' money events ({@code tutor-0..3}). */
  public static final String TUTORS_NAME = "ledger-tutors";

  private LedgerProjection() {}

  public static void init(ActorSystem<?> system, LedgerRepository repository) {
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        NAME,
        StudentEntity.TAGS.size(),
        index -> ProjectionBehavior.create(projection(system, StudentEntity.TAGS.get(index), repository)),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        TUTORS_NAME,
        TutorEntity.TAGS.size(),
        index -> ProjectionBehavior.create(tutorProjection(system, TutorEntity.TAGS.get(index), repository)),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  static Projection<EventEnvelope<TutorEntity.Event>> tutorProjection(ActorSystem<?> system, String tag, LedgerRepository repository) {
    SourceProvider<Offset, EventEnvelope<TutorEntity.Event>> source =
        EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), tag);
    return CassandraProjection.atLeastOnce(ProjectionId.of(TUTORS_NAME, tag), source, () -> new LedgerHandler.Tutors(repository));
  }

  static Projection<EventEnvelope<StudentEntity.Event>> projection(ActorSystem<?> system, String tag, LedgerRepository repository) {
    SourceProvider<Offset, EventEnvelope<StudentEntity.Event>> source =
        EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), tag);
    return CassandraProjection.atLeastOnce(ProjectionId.of(NAME, tag), source, () -> new LedgerHandler(repository));
  }
}
