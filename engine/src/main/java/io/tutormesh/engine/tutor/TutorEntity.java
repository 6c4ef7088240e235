package io.tutormesh.engine.tutor;

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
 * One tutor (sharded, event-sourced, id = tutor id). This first version owns the profile: the
 * first valid {@link UpdateProfile} registers the tutor, later ones update the profile. Presence
 * is volatile and not persisted: it is always {@link Presence#OFFLINE} for now.
 */
public final class TutorEntity
    extends EventSourcedBehaviorWithEnforcedReplies<TutorEntity.Command, TutorEntity.Event, TutorEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Tutor");

  /** Events are spread over this many tags, {@code tutor-0} to {@code tutor-3}, for projections. */
  public static final int TAG_COUNT = 4;
  public static final List<String> TAGS = List.of("tutor-0", "tutor-1", "tutor-2", "tutor-3");

  // --- the profile and the replies ---

  public record TutorProfile(
      String displayName,
      List<SubjectOffer> subjects,
      List<String> languages,
      long rateCents,
      String currency,
      String timezone,
      String bio) implements CborSerializable {

    public TutorProfile {
      subjects = frozen(subjects);
      languages = frozen(languages);
    }

    /** The profile as stored: display name and bio trimmed, everything else as sent. */
    public TutorProfile normalised() {
      return new TutorProfile(trimmed(displayName), subjects, languages, rateCents, currency, timezone, trimmed(bio));
    }
  }

  public record SubjectOffer(String subject, List<String> levels) implements CborSerializable {
    public SubjectOffer {
      levels = frozen(levels);
    }
  }

  /** Average of the reviews and how many there are; no reviews means an average of 0.0. */
  public record Rating(double average, int count) implements CborSerializable {
    public static final Rating NONE = new Rating(0.0, 0);

    public Rating {
      average = count == 0 ? 0.0 : average;
    }
  }

  public enum Presence { ONLINE, AWAY, BUSY, OFFLINE }

  public record TutorSummary(
      String tutorId,
      TutorProfile profile,
      Rating rating,
      Presence presence,
      Instant createdAt,
      Instant updatedAt) implements CborSerializable {}

  // --- commands ---

  public sealed interface Command extends CborSerializable permits UpdateProfile, GetTutor {}

  /** Registers the tutor (first time) or replaces the profile. Answers the new summary. */
  public record UpdateProfile(TutorProfile profile, ActorRef<StatusReply<TutorSummary>> replyTo) implements Command {}

  public record GetTutor(ActorRef<StatusReply<TutorSummary>> replyTo) implements Command {}

  // --- events ---

  public sealed interface Event extends CborSerializable permits TutorRegistered, TutorProfileUpdated {
    String tutorId();

    Instant at();
  }

  public record TutorRegistered(String tutorId, TutorProfile profile, Instant at) implements Event {}

  public record TutorProfileUpdated(String tutorId, TutorProfile profile, Instant at) implements Event {}

  // --- state, one class per lifecycle step ---

  public sealed interface State extends CborSerializable permits Unregistered, Registered {}

  public record Unregistered() implements State {
    Registered registered(TutorRegistered event) {
      return new Registered(event.profile(), Rating.NONE, event.at(), event.at());
    }
  }

  public record Registered(TutorProfile profile, Rating rating, Instant createdAt, Instant updatedAt)
      implements State {

    Registered updated(TutorProfileUpdated event) {
      return new Registered(event.profile(), rating, createdAt, event.at());
    }

    TutorSummary summary(String tutorId) {
      return new TutorSummary(tutorId, profile, rating, Presence.OFFLINE, createdAt, updatedAt);
    }
  }

  // --- wiring ---

  public static void init(ActorSystem<?> system) {
    ProfileRules rules = ProfileRules.fromConfig(system.settings().config());
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), rules, Clock.systemUTC())));
  }

  public static Behavior<Command> create(String tutorId, ProfileRules rules, Clock clock) {
    return new TutorEntity(tutorId, rules, clock);
  }

  /** The tag every event of this tutor carries. */
  public static String tagFor(String tutorId) {
    return "tutor-" + Math.abs(tutorId.hashCode() % TAG_COUNT);
  }

  private final String tutorId;
  private final ProfileRules rules;
  private final Clock clock;

  private TutorEntity(String tutorId, ProfileRules rules, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), tutorId));
    this.tutorId = tutorId;
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
        .onCommand(GetTutor.class, this::notFound);
    builder.forStateType(Registered.class)
        .onCommand(UpdateProfile.class, this::update)
        .onCommand(GetTutor.class, this::get);
    return builder.build();
  }

  private ReplyEffect<Event, State> register(Unregistered state, UpdateProfile command) {
    Optional<Rejection> rejection = rules.validate(command.profile());
    if (rejection.isPresent()) {
      return reject(command.replyTo(), rejection.get());
    }
    return Effect()
        .persist(new TutorRegistered(tutorId, command.profile().normalised(), clock.instant()))
        .thenReply(command.replyTo(), this::summaryOf);
  }

  private ReplyEffect<Event, State> update(Registered state, UpdateProfile command) {
    Optional<Rejection> rejection = rules.validate(command.profile());
    if (rejection.isPresent()) {
      return reject(command.replyTo(), rejection.get());
    }
    TutorProfile profile = command.profile().normalised();
    if (profile.equals(state.profile())) {
      return Effect().reply(command.replyTo(), StatusReply.success(state.summary(tutorId)));
    }
    return Effect()
        .persist(new TutorProfileUpdated(tutorId, profile, clock.instant()))
        .thenReply(command.replyTo(), this::summaryOf);
  }

  private ReplyEffect<Event, State> notFound(Unregistered state, GetTutor command) {
    return reject(command.replyTo(), Rejection.notFound("tutor " + tutorId + " not found"));
  }

  private ReplyEffect<Event, State> get(Registered state, GetTutor command) {
    return Effect().reply(command.replyTo(), StatusReply.success(state.summary(tutorId)));
  }

  private ReplyEffect<Event, State> reject(ActorRef<StatusReply<TutorSummary>> replyTo, Rejection rejection) {
    return Effect().reply(replyTo, StatusReply.error(rejection.toMessage()));
  }

  private StatusReply<TutorSummary> summaryOf(State state) {
    if (state instanceof Registered registered) {
      return StatusReply.success(registered.summary(tutorId));
    }
    return StatusReply.error(Rejection.internal("tutor " + tutorId + " is not registered").toMessage());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandlerBuilder<State, Event> builder = newEventHandlerBuilder();
    builder.forStateType(Unregistered.class).onEvent(TutorRegistered.class, Unregistered::registered);
    builder.forStateType(Registered.class).onEvent(TutorProfileUpdated.class, Registered::updated);
    return builder.build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(tagFor(event.tutorId()));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  // --- helpers for the records above ---

  /** An unmodifiable copy that keeps null elements, so that the validator can point at them. */
  private static <T> List<T> frozen(List<T> list) {
    return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
  }

  private static String trimmed(String text) {
    return text == null ? null : text.trim();
  }
}
