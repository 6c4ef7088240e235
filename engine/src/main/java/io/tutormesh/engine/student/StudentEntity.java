package io.tutormesh.engine.student;

import io.tutormesh.engine.catalog.ProfileRules;
import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.InstantRequestRules;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.session.SessionEntity;
import java.time.Duration;
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

  /** Where the student's messages go: sharded sessions in a node, a fake in unit tests. */
  public interface Links {
    void session(String sessionId, SessionEntity.Command command);

    Links NONE = (sessionId, command) -> {};
  }

  public sealed interface Command extends CborSerializable {}

  /** Registers the student (first time) or replaces the profile. Answers the new summary. */
  public record UpdateProfile(StudentProfile profile, ActorRef<StatusReply<StudentSummary>> replyTo)
      implements Command {}

  public record GetStudent(ActorRef<StatusReply<StudentSummary>> replyTo) implements Command {}

  /**
   * Opens an instant request (at most one at a time) and starts its session, which answers
   * `replyTo` once dispatch has begun (MATCHING) or refuses it (e.g. cannot pay).
   */
  public record RequestInstantTutor(
      String sessionId, InstantRequest request, ActorRef<StatusReply<SessionEntity.SessionSummary>> replyTo)
      implements Command {}

  /** From the session: the request is no longer open (matched, cancelled, no tutor, refused). */
  public record CloseInstantRequest(String sessionId) implements Command {}

  // --- events ---

  public sealed interface Event extends CborSerializable {
    String studentId();

    Instant at();
  }

  public record StudentRegistered(String studentId, StudentProfile profile, Instant at) implements Event {}

  public record StudentProfileUpdated(String studentId, StudentProfile profile, Instant at) implements Event {}

  public record InstantRequestOpened(String studentId, String sessionId, InstantRequest request, Instant at)
      implements Event {}

  public record InstantRequestClosed(String studentId, String sessionId, Instant at) implements Event {}

  // --- state, one class per lifecycle step ---

  public sealed interface State extends CborSerializable permits Unregistered, Registered {}

  public record Unregistered() implements State {
    Registered registered(StudentRegistered event) {
      return new Registered(event.profile(), event.at(), event.at());
    }
  }

  /** A student with a profile, and the instant request it has open (if any). */
  public record Registered(
      StudentProfile profile,
      Instant createdAt,
      Instant updatedAt,
      String openInstantSessionId,
      Instant openInstantAt,
      InstantRequest openInstantRequest)
      implements State {

    public Registered(StudentProfile profile, Instant createdAt, Instant updatedAt) {
      this(profile, createdAt, updatedAt, null, null, null);
    }

    Registered updated(StudentProfileUpdated event) {
      return new Registered(event.profile(), createdAt, event.at(), openInstantSessionId, openInstantAt, openInstantRequest);
    }

    Registered opened(InstantRequestOpened event) {
      return new Registered(profile, createdAt, updatedAt, event.sessionId(), event.at(), event.request());
    }

    Registered closed(InstantRequestClosed event) {
      return new Registered(profile, createdAt, updatedAt, null, null, null);
    }

    StudentSummary summary(String studentId) {
      return new StudentSummary(studentId, profile, createdAt, updatedAt);
    }
  }

  // --- wiring ---

  public static void init(ActorSystem<?> system) {
    init(system, Links.NONE);
  }

  public static void init(ActorSystem<?> system, Links links) {
    ProfileRules rules = ProfileRules.fromConfig(system.settings().config());
    MatchingSettings matching = MatchingSettings.fromConfig(system.settings().config());
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), rules, matching, links, Clock.systemUTC())));
  }

  public static Behavior<Command> create(String studentId, ProfileRules rules, Clock clock) {
    return new StudentEntity(studentId, rules, null, Links.NONE, clock);
  }

  public static Behavior<Command> create(
      String studentId, ProfileRules rules, MatchingSettings matching, Links links, Clock clock) {
    return new StudentEntity(studentId, rules, matching, links, clock);
  }

  /** The tag every event of this student carries. */
  public static String tagFor(String studentId) {
    return "student-" + Math.abs(studentId.hashCode() % TAG_COUNT);
  }

  private final String studentId;
  private final ProfileRules rules;
  private final InstantRequestRules requestRules;
  private final Duration staleRequestAfter;
  private final Links links;
  private final Clock clock;

  private StudentEntity(String studentId, ProfileRules rules, MatchingSettings matching, Links links, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), studentId));
    this.studentId = studentId;
    this.rules = rules;
    this.requestRules = matching == null ? null : new InstantRequestRules(rules, matching);
    // A request still open this long after it was opened lost its session (a crash between the
    // two writes): it no longer blocks a new one.
    this.staleRequestAfter = matching == null ? Duration.ZERO : matching.requestTimeout().multipliedBy(2);
    this.links = links;
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
        .onCommand(GetStudent.class, this::notFound)
        .onCommand(RequestInstantTutor.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("create the student profile first (PUT /v1/students/" + studentId + ")")))
        .onCommand(CloseInstantRequest.class, command -> Effect().noReply());
    builder.forStateType(Registered.class)
        .onCommand(UpdateProfile.class, this::update)
        .onCommand(GetStudent.class, this::get)
        .onCommand(RequestInstantTutor.class, this::requestInstant)
        .onCommand(CloseInstantRequest.class, this::closeInstant);
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

  // --- instant requests: at most one open at a time ---

  private ReplyEffect<Event, State> requestInstant(Registered state, RequestInstantTutor command) {
    if (requestRules == null) {
      return reject(command.replyTo(), Rejection.internal("instant requests are not enabled"));
    }
    Optional<Rejection> rejection = requestRules.validate(command.request());
    if (rejection.isPresent()) {
      return reject(command.replyTo(), rejection.get());
    }
    String currency = rules.catalog().currency();
    SessionEntity.StartInstant start = new SessionEntity.StartInstant(studentId, command.request(), currency, command.replyTo());
    boolean open = state.openInstantSessionId() != null && clock.instant().isBefore(state.openInstantAt().plus(staleRequestAfter));
    if (open && (command.sessionId().equals(state.openInstantSessionId()) || command.request().equals(state.openInstantRequest()))) {
      // The same request again (a retry after a timeout, say): it answers the open session, whose
      // reply is its current state; nothing new is opened.
      links.session(state.openInstantSessionId(), start);
      return Effect().noReply();
    }
    if (open) {
      return reject(command.replyTo(), Rejection.conflict("another instant request is already open: session " + state.openInstantSessionId()));
    }
    return Effect()
        .persist(new InstantRequestOpened(studentId, command.sessionId(), command.request(), clock.instant()))
        .thenRun(s -> links.session(command.sessionId(), start))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> closeInstant(Registered state, CloseInstantRequest command) {
    if (!command.sessionId().equals(state.openInstantSessionId())) {
      return Effect().noReply();
    }
    return Effect().persist(new InstantRequestClosed(studentId, command.sessionId(), clock.instant())).thenNoReply();
  }

  private ReplyEffect<Event, State> notFound(Unregistered state, GetStudent command) {
    return reject(command.replyTo(), Rejection.notFound("student " + studentId + " not found"));
  }

  private ReplyEffect<Event, State> get(Registered state, GetStudent command) {
    return Effect().reply(command.replyTo(), StatusReply.success(state.summary(studentId)));
  }

  private <T> ReplyEffect<Event, State> reject(ActorRef<StatusReply<T>> replyTo, Rejection rejection) {
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
    builder.forStateType(Registered.class)
        .onEvent(StudentProfileUpdated.class, Registered::updated)
        .onEvent(InstantRequestOpened.class, Registered::opened)
        .onEvent(InstantRequestClosed.class, Registered::closed);
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
