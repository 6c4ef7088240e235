package io.tutormesh.engine.student;

import io.tutormesh.engine.catalog.ProfileRules;
import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.common.Rejection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One student (sharded, event-sourced, id = student id). This first version owns the profile:
 * the first valid {@link UpdateProfile} registers the student, later ones update the profile.
 */
public final class StudentEntity
    extends EventSourcedBehaviorWithEnforcedReplies<StudentEntity.Command, StudentEntity.Event, StudentEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Student");

  /** Events are spread over this many tags, {@code student-0} to {@code student-3}, for projections. */
  public static final int TAG_COUNT = 4;
  public static final List<String> TAGS = List.of("student-0", "student-1", "student-2", "student-3");

  // --- the profile and the replies ---

  public record StudentProfile(String displayName, String level, List<String> languages, String timezone)
      implements CborSerializable {

    public StudentProfile {
      languages = languages == null ? null : Collections.unmodifiableList(new ArrayList<>(languages));
    }

    /** The profile as stored: display name trimmed, everything else as sent. */
    public StudentProfile normalised() {
      return new StudentProfile(displayName == null ? null : displayName.trim(), level, languages, timezone);
    }
  }

  public record StudentSummary(String studentId, StudentProfile profile, Instant createdAt, Instant updatedAt)
      implements CborSerializable {}

  // --- commands ---

  public sealed interface Command extends CborSerializable permits UpdateProfile, GetStudent {}

  /** Registers the student (first time) or replaces the profile. Answers the new summary. */
  public record UpdateProfile(StudentProfile profile, ActorRef<StatusReply<StudentSummary>> replyTo)
      implements Command {}

  public record GetStudent(ActorRef<StatusReply<StudentSummary>> replyTo) implements Command {}

  // --- events ---

  public sealed interface Event extends CborSerializable permits StudentRegistered, StudentProfileUpdated {
    String studentId();

    Instant at();
  }

  public record StudentRegistered(String studentId, StudentProfile profile, Instant at) implements Event {}

  public record StudentProfileUpdated(String studentId, StudentProfile profile, Instant at) implements Event {}

  // --- state, one class per lifecycle step ---

  public sealed interface State extends CborSerializable permits Unregistered, Registered {}

  public record Unregistered() implements State {
    Registered registered(StudentRegistered event) {
      return new Registered(event.profile(), event.at(), event.at());
    }
  }

  public record Registered(StudentProfile profile, Instant createdAt, Instant updatedAt) implements State {

    Registered updated(StudentProfileUpdated event) {
      return new Registered(event.profile(), createdAt, event.at());
    }

    StudentSummary summary(String studentId) {
      return new StudentSummary(studentId, profile, createdAt, updatedAt);
    }
  }

  // --- wiring ---

  public static void init(ActorSystem<?> system) {
    ProfileRules rules = ProfileRules.fromConfig(system.settings().config());
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), rules, Clock.systemUTC())));
  }

  public static Behavior<Command> create(String studentId, ProfileRules rules, Clock clock) {
    return new StudentEntity(studentId, rules, clock);
  }

  /** The tag every event of this student carries. */
  public static String tagFor(String studentId) {
    return "student-" + Math.abs(studentId.hashCode() % TAG_COUNT);
  }

  private final String studentId;
  private final ProfileRules rules;
  private final Clock clock;

  private StudentEntity(String studentId, ProfileRules rules, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), studentId));
    this.studentId = studentId;
    this.rules = rules;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new Unregistered();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forStateType(Unregistered.class)
        .onCommand(UpdateProfile.class, this::register)
        .onCommand(GetStudent.class, this::notFound);
    builder.forStateType(Registered.class)
        .onCommand(UpdateProfile.class, this::update)
        .onCommand(GetStudent.class, this::get);
    return builder.build();
  }

  private ReplyEffect<Event, State> register(Unregistered state, UpdateProfile command) {
    Optional<Rejection> rejection = rules.validate(command.profile());
    if (rejection.isPresent()) {
      return reject(command.replyTo(), rejection.get());
    }
    return Effect()
        .persist(new StudentRegistered(studentId, command.profile().normalised(), clock.instant()))
        .thenReply(command.replyTo(), this::summaryOf);
  }

  private ReplyEffect<Event, State> update(Registered state, UpdateProfile command) {
    Optional<Rejection> rejection = rules.validate(command.profile());
    if (rejection.isPresent()) {
      return reject(command.replyTo(), rejection.get());
    }
    StudentProfile profile = command.profile().normalised();
    if (profile.equals(state.profile())) {
      return Effect().reply(command.replyTo(), StatusReply.success(state.summary(studentId)));
    }
    return Effect()
        .persist(new StudentProfileUpdated(studentId, profile, clock.instant()))
        .thenReply(command.replyTo(), this::summaryOf);
  }

  private ReplyEffect<Event, State> notFound(Unregistered state, GetStudent command) {
    return reject(command.replyTo(), Rejection.notFound("student " + studentId + " not found"));
  }

  private ReplyEffect<Event, State> get(Registered state, GetStudent command) {
    return Effect().reply(command.replyTo(), StatusReply.success(state.summary(studentId)));
  }

  private ReplyEffect<Event, State> reject(ActorRef<StatusReply<StudentSummary>> replyTo, Rejection rejection) {
    return Effect().reply(replyTo, StatusReply.error(rejection.toMessage()));
  }

  private StatusReply<StudentSummary> summaryOf(State state) {
    if (state instanceof Registered registered) {
      return StatusReply.success(registered.summary(studentId));
    }
    return StatusReply.error(Rejection.internal("student " + studentId + " is not registered").toMessage());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandlerBuilder<State, Event> builder = newEventHandlerBuilder();
    builder.forStateType(Unregistered.class).onEvent(StudentRegistered.class, Unregistered::registered);
    builder.forStateType(Registered.class).onEvent(StudentProfileUpdated.class, Registered::updated);
    return builder.build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(tagFor(event.studentId()));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
