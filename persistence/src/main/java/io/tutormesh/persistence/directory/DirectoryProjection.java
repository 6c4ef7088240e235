package io.tutormesh.persistence.directory;

import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.persistence.ProjectionProgress;
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
 * The tutor directory (tutor search's read model): the tutors' profile, suspension and review
 * events by tag ({@code tutor-directory-0..3}), one projection instance per tag, each run by a
 * {@link ShardedDaemonProcess} (exactly one in the cluster). Offsets in Cassandra; at least once,
 * the handler is idempotent.
 *
 * <p>Only events written since the tutors' events carry the directory tags are seen: tutors
 * registered before that appear once their profile, rating or suspension changes again.
 */
public final class DirectoryProjection {

  public static final String NAME = "tutor-directory";

  private DirectoryProjection() {}

  /** The directory's projection instances, each one's handler counted in {@code progress}. */
  public static void init(ActorSystem<?> system, DirectoryRepository repository, ProjectionProgress.Registry progress) {
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        NAME,
        TutorEntity.DIRECTORY_TAGS.size(),
        index -> ProjectionBehavior.create(projection(system, TutorEntity.DIRECTORY_TAGS.get(index), repository, progress)),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static Projection<EventEnvelope<TutorEntity.Event>> projection(
      ActorSystem<?> system, String tag, DirectoryRepository repository, ProjectionProgress.Registry progress) {
    SourceProvider<Offset, EventEnvelope<TutorEntity.Event>> source =
        EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), tag);
    ProjectionId id = ProjectionId.of(NAME, tag);
    return CassandraProjection.atLeastOnce(id, source, () -> progress.of(id).wrap(new DirectoryHandler(repository)));
  }
}
