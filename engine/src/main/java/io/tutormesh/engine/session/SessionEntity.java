package io.tutormesh.engine.session;

import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.common.Money;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.MatchPool.CandidateQuery;
import io.tutormesh.engine.matching.MatchingObserver;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.matching.Offer;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One tutoring session from request to its end (sharded, event-sourced, id = session id). This
 * version runs the instant dispatch: it asks the subject's {@link MatchPool} for ranked
 * candidates, offers the session to them in waves with a timeout each, and the first accept
 * whose tutor reserves itself wins; decline, timeout or a tutor going away move on to the next
 * candidates; nobody within the request timeout ends it NO_TUTOR. Every step is an event, so a
 * session restarted mid-dispatch (passivation, failover) resumes where it was.
 */
public final class SessionEntity
    extends EventSourcedBehaviorWithEnforcedReplies<SessionEntity.Command, SessionEntity.Event, SessionEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Session");

  public static final int TAG_COUNT = 4;

  /** Where the session's messages go: sharded entities in a node, fakes in unit tests. */
  public interface Links {
    CompletionStage<MatchPool.Candidates> findCandidates(CandidateQuery query);

    /** Asks the tutor to reserve itself (AVAILABLE → BUSY) for this session. */
    CompletionStage<Done> reserve(String tutorId, String sessionId, String studentId);

    void tutor(String tutorId, TutorEntity.Command command);

    void pool(String subject, MatchPool.Command command);

    void student(String studentId, StudentEntity.Command command);
  }

  // --- the session as the API shows it ---

  public enum Kind { INSTANT, BOOKED }

  public enum Status { MATCHING, MATCHED, BOOKED, LIVE, COMPLETED, CANCELLED, NO_TUTOR, NO_SHOW, DISPUTED, REFUNDED }

  public enum EscrowStatus { NONE, HELD, RELEASED, REFUNDED, DISPUTED }

  public record Escrow(EscrowStatus status, long heldCents, long releasedCents, long refundedCents)
      implements CborSerializable {
    public static final Escrow NONE = new Escrow(EscrowStatus.NONE, 0, 0, 0);
  }

  public record TimelineEntry(Instant at, Status status) implements CborSerializable {}

  public record SessionSummary(
      String sessionId,
      Kind kind,
      Status status,
      String studentId,
      String tutorId,
      String subject,
      String level,
      String language,
      Instant start,
      int durationMinutes,
      long rateCents,
      long maxRateCents,
      String currency,
      Escrow escrow,
      List<TimelineEntry> timeline) implements CborSerializable {

    public boolean isParticipant(String userId) {
      return userId.equals(studentId) || userId.equals(tutorId);
    }
  }

  /** Pushed to the session's subscribers (the room sockets). */
  public sealed interface Notification extends CborSerializable {}

  public record StatusChanged(String sessionId, Status status, String tutorId) implements Notification {}

  // --- commands ---

  public sealed interface Command extends CborSerializable {}

  /** From the StudentEntity once it has opened the request: starts dispatch, answers MATCHING. */
  public record StartInstant(
      String studentId, InstantRequest request, String currency, ActorRef<StatusReply<SessionSummary>> replyTo)
      implements Command {}

  public record GetSession(ActorRef<StatusReply<SessionSummary>> replyTo) implements Command {}

  /** A participant (or an admin) cancels a MATCHING or MATCHED session. */
  public record Cancel(String byUserId, boolean byAdmin, ActorRef<StatusReply<SessionSummary>> replyTo)
      implements Command {}

  /** The tutor's accept; answers the MATCHED session, or an error if the offer is no longer valid. */
  public record AcceptOffer(String offerId, String tutorId, ActorRef<StatusReply<SessionSummary>> replyTo)
      implements Command {}

  public record DeclineOffer(String offerId, String tutorId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** From the TutorEntity: the offer could not reach the tutor, or the tutor went away holding it. */
  public record OfferUndeliverable(String offerId, String tutorId) implements Command {}

  /** From the TutorEntity, to reconcile: does this session still hold that tutor? */
  public record CheckTutorHold(String tutorId, ActorRef<TutorHold> replyTo) implements Command {}

  public record TutorHold(String sessionId, String tutorId, boolean holds) implements CborSerializable {}

  /** A room socket wants status changes; it gets the current status at once. */
  public record Subscribe(String connectionId, String userId, ActorRef<Notification> subscriber) implements Command {}

  public record Unsubscribe(String connectionId) implements Command {}

  private record StartChecked(StartInstant start, Optional<Rejection> refusal, List<TutorCard> candidates)
      implements Command {}

  private record CandidatesFound(List<TutorCard> candidates) implements Command {}

  private record ReservationResult(AcceptOffer accept, Offer offer, boolean reserved) implements Command {}

  private record OfferExpired(String offerId) implements Command {}

  private record SubscriberGone(String connectionId) implements Command {}

  private enum Tick implements Command { REQUEST_DEADLINE, RETRY_DISPATCH }

  // --- events ---

  public sealed interface Event extends CborSerializable {
    String sessionId();

    Instant at();
  }

  public record InstantRequested(String sessionId, String studentId, InstantRequest request, String currency, Instant at)
      implements Event {}

  public record OffersSent(String sessionId, List<Offer> offers, Instant at) implements Event {}

  public enum DeclineReason { DECLINED, EXPIRED, UNREACHABLE, UNAVAILABLE }

  public record OfferDeclined(String sessionId, String offerId, String tutorId, DeclineReason reason, Instant at)
      implements Event {}

  public record TutorMatched(String sessionId, String tutorId, String offerId, long rateCents, Instant at)
      implements Event {}

  public record SessionCancelled(String sessionId, String byUserId, Instant at) implements Event {}

  public record NoTutorFound(String sessionId, Instant at) implements Event {}

  // --- state, one class per lifecycle step ---

  /** What every non-empty state knows. */
  public record Info(String sessionId, String studentId, InstantRequest request, String currency, Instant requestedAt)
      implements CborSerializable {}

  public sealed interface State extends CborSerializable {}

  public record Empty() implements State {
    Matching requested(InstantRequested e) {
      Info info = new Info(e.sessionId(), e.studentId(), e.request(), e.currency(), e.at());
      return new Matching(info, Map.of(), Set.of(), List.of(new TimelineEntry(e.at(), Status.MATCHING)));
    }
  }

  public record Matching(Info info, Map<String, Offer> outstanding, Set<String> tried, List<TimelineEntry> timeline)
      implements State {

    public Matching {
      outstanding = Map.copyOf(outstanding);
      tried = Set.copyOf(tried);
      timeline = List.copyOf(timeline);
    }

    Matching offered(OffersSent e) {
      Map<String, Offer> offers = new LinkedHashMap<>(outstanding);
      Set<String> triedNow = new LinkedHashSet<>(tried);
      for (Offer offer : e.offers()) {
        offers.put(offer.offerId(), offer);
        triedNow.add(offer.tutorId());
      }
      return new Matching(info, offers, triedNow, timeline);
    }

    Matching declined(OfferDeclined e) {
      Map<String, Offer> offers = new HashMap<>(outstanding);
      offers.remove(e.offerId());
      return new Matching(info, offers, tried, timeline);
    }

    Matched matched(TutorMatched e) {
      return new Matched(info, e.tutorId(), e.rateCents(), append(timeline, e.at(), Status.MATCHED));
    }

    Ended cancelled(SessionCancelled e) {
      return new Ended(info, Status.CANCELLED, null, 0, append(timeline, e.at(), Status.CANCELLED));
    }

    Ended noTutor(NoTutorFound e) {
      return new Ended(info, Status.NO_TUTOR, null, 0, append(timeline, e.at(), Status.NO_TUTOR));
    }
  }

  public record Matched(Info info, String tutorId, long rateCents, List<TimelineEntry> timeline) implements State {
    Ended cancelled(SessionCancelled e) {
      return new Ended(info, Status.CANCELLED, tutorId, rateCents, append(timeline, e.at(), Status.CANCELLED));
    }
  }

  /** CANCELLED or NO_TUTOR: nothing more happens. */
  public record Ended(Info info, Status status, String tutorId, long rateCents, List<TimelineEntry> timeline)
      implements State {}

  // --- wiring ---

  public static Behavior<Command> create(
      String sessionId, MatchingSettings settings, Links links, PaymentGuard guard, MatchingObserver observer, Clock clock) {
    return create(sessionId, settings, links, guard, observer, clock, null);
  }

  /**
   * @param shard the entity's shard when it runs under sharding with remember-entities (so that a
   *     node restart restarts open sessions); an ended session passivates itself through it.
   */
  public static Behavior<Command> create(
      String sessionId,
      MatchingSettings settings,
      Links links,
      PaymentGuard guard,
      MatchingObserver observer,
      Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(
            timers -> new SessionEntity(sessionId, settings, links, guard, observer, clock, context, timers, shard)));
  }

  /** The tag every event of this session carries, for projections. */
  public static String tagFor(String sessionId) {
    return "session-" + Math.abs(sessionId.hashCode() % TAG_COUNT);
  }

  private final String sessionId;
  private final MatchingSettings settings;
  private final Links links;
  private final PaymentGuard guard;
  private final MatchingObserver observer;
  private final Clock clock;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  // Volatile: lives while this incarnation runs; never needed to rebuild the state.
  private StartInstant pendingStart;
  private long startNanos;
  private boolean firstOfferMeasured;
  private String reservingOfferId;
  private boolean dispatching;
  private final Map<String, Subscriber> subscribers = new HashMap<>();

  private record Subscriber(String userId, ActorRef<Notification> ref) {}

  private SessionEntity(
      String sessionId,
      MatchingSettings settings,
      Links links,
      PaymentGuard guard,
      MatchingObserver observer,
      Clock clock,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(PersistenceId.of(ENTITY_KEY.name(), sessionId));
    this.sessionId = sessionId;
    this.settings = settings;
    this.links = links;
    this.guard = guard;
    this.observer = observer;
    this.clock = clock;
    this.context = context;
    this.timers = timers;
    this.shard = shard;
  }

  @Override
  public State emptyState() {
    return new Empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forStateType(Empty.class)
        .onCommand(StartInstant.class, this::startInstant)
        .onCommand(StartChecked.class, this::started)
        .onCommand(GetSession.class, (state, command) -> whilePending(() -> notFound(command.replyTo())))
        .onCommand(Cancel.class, (state, command) -> whilePending(() -> notFound(command.replyTo())))
        .onCommand(AcceptOffer.class, (state, command) -> whilePending(() -> notFound(command.replyTo())))
        .onCommand(DeclineOffer.class, (state, command) -> whilePending(() -> notFound(command.replyTo())));
    builder.forStateType(Matching.class)
        .onCommand(AcceptOffer.class, this::accept)
        .onCommand(ReservationResult.class, this::reservationResult)
        .onCommand(DeclineOffer.class, this::decline)
        .onCommand(OfferUndeliverable.class, this::undeliverable)
        .onCommand(OfferExpired.class, this::expired)
        .onCommand(CandidatesFound.class, this::candidatesFound)
        .onCommand(Cancel.class, this::cancelMatching)
        .onCommand(StartInstant.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(Tick.class, this::tick);
    builder.forStateType(Matched.class)
        .onCommand(Cancel.class, this::cancelMatched)
        .onCommand(AcceptOffer.class, (state, command) -> reject(command.replyTo(), alreadyMatched(state, command)))
        .onCommand(StartInstant.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)));
    builder.forStateType(Ended.class)
        .onCommand(Cancel.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("session already ended")))
        .onCommand(AcceptOffer.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("session already ended")))
        .onCommand(StartInstant.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)));
    builder.forAnyState()
        .onCommand(GetSession.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(DeclineOffer.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("offer " + command.offerId() + " is no longer valid")))
        .onCommand(CheckTutorHold.class, this::checkTutorHold)
        .onCommand(Subscribe.class, this::subscribe)
        .onCommand(Unsubscribe.class, (state, command) -> unsubscribe(command.connectionId()))
        .onCommand(SubscriberGone.class, (state, command) -> unsubscribe(command.connectionId()))
        .onAnyCommand(command -> Effect().noReply());
    return builder.build();
  }

  // --- start: payment check and first candidates in parallel, then one write for both ---

  private ReplyEffect<Event, State> startInstant(Empty state, StartInstant command) {
    if (pendingStart != null) {
      return Effect().stash();
    }
    pendingStart = command;
    startNanos = System.nanoTime();
    InstantRequest request = command.request();
    long amount = Money.priceCents(request.maxRateCents(), request.durationMinutes());
    CompletionStage<Optional<Rejection>> payment = guard.authorize(command.studentId(), sessionId, amount);
    CompletionStage<List<TutorCard>> candidates =
        links.findCandidates(query(command.studentId(), request, Set.of())).thenApply(MatchPool.Candidates::tutors)
            .exceptionally(error -> List.of());
    context.pipeToSelf(
        payment.thenCombine(candidates, (refusal, tutors) -> new StartChecked(command, refusal, tutors)),
        (checked, error) -> checked != null ? checked : new StartChecked(command, Optional.of(Rejection.internal("payment check failed")), List.of()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> started(Empty state, StartChecked checked) {
    pendingStart = null;
    StartInstant start = checked.start();
    if (checked.refusal().isPresent()) {
      return Effect().none().thenRun(s -> refused(checked)).thenNoReply().thenUnstashAll();
    }
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>();
    events.add(new InstantRequested(sessionId, start.studentId(), start.request(), start.currency(), now));
    List<Offer> offers = offersFor(checked.candidates(), start.studentId(), start.request(), start.currency(), now);
    if (!offers.isEmpty()) {
      events.add(new OffersSent(sessionId, offers, now));
    }
    return Effect()
        .persist(events)
        .thenRun(s -> afterStart((Matching) s, start, offers))
        .thenNoReply()
        .thenUnstashAll();
  }

  private void refused(StartChecked checked) {
    for (TutorCard card : checked.candidates()) {
      links.pool(checked.start().request().subject(), new MatchPool.OfferOutcome(card.tutorId(), MatchPool.Outcome.WITHDRAWN));
    }
    links.student(checked.start().studentId(), new StudentEntity.CloseInstantRequest(sessionId));
    observer.requestEnded("REJECTED");
    checked.start().replyTo().tell(StatusReply.error(checked.refusal().get().toMessage()));
  }

  private void afterStart(Matching state, StartInstant start, List<Offer> offers) {
    timers.startSingleTimer(Tick.REQUEST_DEADLINE, Tick.REQUEST_DEADLINE, settings.requestTimeout());
    deliver(offers);
    if (offers.isEmpty()) {
      timers.startSingleTimer(Tick.RETRY_DISPATCH, Tick.RETRY_DISPATCH, settings.retryInterval());
    }
    start.replyTo().tell(summary(state));
    notifySubscribers(state);
  }

  // --- dispatch in waves ---

  private ReplyEffect<Event, State> tick(Matching state, Tick tick) {
    if (reservingOfferId != null) {
      return Effect().stash();
    }
    if (tick == Tick.REQUEST_DEADLINE) {
      return Effect().persist(new NoTutorFound(sessionId, clock.instant())).thenRun(s -> ended(state, (Ended) s)).thenNoReply();
    }
    dispatchNext(state);
    return Effect().noReply();
  }

  /** Asks for the next wave when no offer is outstanding and nothing is in flight. */
  private void dispatchNext(Matching state) {
    if (dispatching || reservingOfferId != null || !state.outstanding().isEmpty()) {
      return;
    }
    dispatching = true;
    CandidateQuery query = query(state.info().studentId(), state.info().request(), state.tried());
    context.pipeToSelf(
        links.findCandidates(query),
        (candidates, error) -> new CandidatesFound(candidates == null ? List.of() : candidates.tutors()));
  }

  private ReplyEffect<Event, State> candidatesFound(Matching state, CandidatesFound found) {
    dispatching = false;
    List<TutorCard> fresh = found.candidates().stream().filter(c -> !state.tried().contains(c.tutorId())).toList();
    if (fresh.isEmpty() || !state.outstanding().isEmpty()) {
      fresh.forEach(c -> links.pool(state.info().request().subject(), new MatchPool.OfferOutcome(c.tutorId(), MatchPool.Outcome.WITHDRAWN)));
      if (state.outstanding().isEmpty()) {
        timers.startSingleTimer(Tick.RETRY_DISPATCH, Tick.RETRY_DISPATCH, settings.retryInterval());
      }
      return Effect().noReply();
    }
    Info info = state.info();
    Instant now = clock.instant();
    List<Offer> offers = offersFor(fresh, info.studentId(), info.request(), info.currency(), now);
    return Effect().persist(new OffersSent(sessionId, offers, now)).thenRun(s -> deliver(offers)).thenNoReply();
  }

  private List<Offer> offersFor(List<TutorCard> cards, String studentId, InstantRequest request, String currency, Instant now) {
    Instant expiresAt = now.plus(settings.offerTimeout());
    return cards.stream()
        .limit(settings.waveSize())
        .map(card -> new Offer(UUID.randomUUID().toString(), sessionId, card.tutorId(), studentId, request.subject(), request.level(), request.language(), request.durationMinutes(), card.rateCents(), currency, expiresAt))
        .toList();
  }

  private void deliver(List<Offer> offers) {
    if (offers.isEmpty()) {
      return;
    }
    if (!firstOfferMeasured && startNanos != 0) {
      firstOfferMeasured = true;
      observer.timeToOffer(Duration.ofNanos(System.nanoTime() - startNanos));
    }
    observer.offersSent(offers.size());
    for (Offer offer : offers) {
      armOfferTimer(offer);
      links.tutor(offer.tutorId(), new TutorEntity.DeliverOffer(offer));
    }
  }

  private void armOfferTimer(Offer offer) {
    Duration left = Duration.between(clock.instant(), offer.expiresAt());
    timers.startSingleTimer(offer.offerId(), new OfferExpired(offer.offerId()), left.isNegative() ? Duration.ZERO : left);
  }

  private CandidateQuery query(String studentId, InstantRequest request, Set<String> exclude) {
    return new CandidateQuery(
        sessionId, studentId, request.subject(), request.level(), request.language(), request.maxRateCents(), exclude, settings.waveSize());
  }

  // --- the tutors' answers ---

  private ReplyEffect<Event, State> accept(Matching state, AcceptOffer command) {
    if (reservingOfferId != null) {
      return Effect().stash();
    }
    Offer offer = state.outstanding().get(command.offerId());
    if (offer == null || !offer.tutorId().equals(command.tutorId())) {
      return reject(command.replyTo(), Rejection.conflict("offer " + command.offerId() + " is no longer valid"));
    }
    reservingOfferId = offer.offerId();
    context.pipeToSelf(
        links.reserve(offer.tutorId(), sessionId, state.info().studentId()),
        (done, error) -> new ReservationResult(command, offer, error == null));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> reservationResult(Matching state, ReservationResult result) {
    reservingOfferId = null;
    Offer offer = result.offer();
    Instant now = clock.instant();
    if (!result.reserved()) {
      return Effect()
          .persist(new OfferDeclined(sessionId, offer.offerId(), offer.tutorId(), DeclineReason.UNAVAILABLE, now))
          .thenRun(s -> reservationFailed((Matching) s, result))
          .thenNoReply()
          .thenUnstashAll();
    }
    return Effect()
        .persist(new TutorMatched(sessionId, offer.tutorId(), offer.offerId(), offer.rateCents(), now))
        .thenRun(s -> matched(state, (Matched) s, result))
        .thenNoReply()
        .thenUnstashAll();
  }

  private void reservationFailed(Matching state, ReservationResult result) {
    Offer offer = result.offer();
    timers.cancel(offer.offerId());
    links.pool(offer.subject(), new MatchPool.OfferOutcome(offer.tutorId(), MatchPool.Outcome.DECLINED));
    links.tutor(offer.tutorId(), new TutorEntity.OfferSettled(offer.offerId(), MatchPool.Outcome.WITHDRAWN));
    result.accept().replyTo().tell(StatusReply.error(Rejection.conflict("you are not available for this offer (busy, away or suspended)").toMessage()));
    dispatchNext(state);
  }

  private void matched(Matching before, Matched state, ReservationResult result) {
    Offer winner = result.offer();
    String subject = state.info().request().subject();
    timers.cancel(Tick.REQUEST_DEADLINE);
    timers.cancel(Tick.RETRY_DISPATCH);
    for (Offer offer : before.outstanding().values()) {
      timers.cancel(offer.offerId());
      if (!offer.offerId().equals(winner.offerId())) {
        links.tutor(offer.tutorId(), new TutorEntity.OfferSettled(offer.offerId(), MatchPool.Outcome.WITHDRAWN));
        links.pool(subject, new MatchPool.OfferOutcome(offer.tutorId(), MatchPool.Outcome.WITHDRAWN));
      }
    }
    links.tutor(winner.tutorId(), new TutorEntity.OfferSettled(winner.offerId(), MatchPool.Outcome.ACCEPTED));
    links.pool(subject, new MatchPool.OfferOutcome(winner.tutorId(), MatchPool.Outcome.ACCEPTED));
    links.pool(subject, new MatchPool.SessionMatched(winner.tutorId(), state.info().studentId()));
    links.student(state.info().studentId(), new StudentEntity.CloseInstantRequest(sessionId));
    observer.offerAccepted();
    observer.timeToMatch(Duration.between(state.info().requestedAt(), clock.instant()));
    observer.requestEnded(Status.MATCHED.name());
    result.accept().replyTo().tell(summary(state));
    notifySubscribers(state);
  }

  private ReplyEffect<Event, State> decline(Matching state, DeclineOffer command) {
    if (reservingOfferId != null) {
      return Effect().stash();
    }
    Offer offer = state.outstanding().get(command.offerId());
    if (offer == null || !offer.tutorId().equals(command.tutorId())) {
      return reject(command.replyTo(), Rejection.conflict("offer " + command.offerId() + " is no longer valid"));
    }
    return Effect()
        .persist(new OfferDeclined(sessionId, offer.offerId(), offer.tutorId(), DeclineReason.DECLINED, clock.instant()))
        .thenRun(s -> offerClosed((Matching) s, offer, MatchPool.Outcome.DECLINED))
        .thenReply(command.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> undeliverable(Matching state, OfferUndeliverable command) {
    Offer offer = state.outstanding().get(command.offerId());
    if (reservingOfferId != null) {
      return Effect().stash();
    }
    if (offer == null || !offer.tutorId().equals(command.tutorId())) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new OfferDeclined(sessionId, offer.offerId(), offer.tutorId(), DeclineReason.UNREACHABLE, clock.instant()))
        .thenRun(s -> offerClosed((Matching) s, offer, MatchPool.Outcome.DECLINED))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> expired(Matching state, OfferExpired command) {
    if (reservingOfferId != null) {
      return Effect().stash();
    }
    Offer offer = state.outstanding().get(command.offerId());
    if (offer == null) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new OfferDeclined(sessionId, offer.offerId(), offer.tutorId(), DeclineReason.EXPIRED, clock.instant()))
        .thenRun(s -> offerClosed((Matching) s, offer, MatchPool.Outcome.EXPIRED))
        .thenNoReply();
  }

  /** A declined, expired or unreachable offer: tell those who care, then offer to the next ones. */
  private void offerClosed(Matching state, Offer offer, MatchPool.Outcome outcome) {
    timers.cancel(offer.offerId());
    links.pool(offer.subject(), new MatchPool.OfferOutcome(offer.tutorId(), outcome));
    links.tutor(offer.tutorId(), new TutorEntity.OfferSettled(offer.offerId(), outcome));
    if (outcome == MatchPool.Outcome.EXPIRED) {
      observer.offerTimedOut();
    } else {
      observer.offerDeclined();
    }
    dispatchNext(state);
  }

  // --- endings ---

  private ReplyEffect<Event, State> cancelMatching(Matching state, Cancel command) {
    if (reservingOfferId != null) {
      return Effect().stash();
    }
    if (!command.byAdmin() && !command.byUserId().equals(state.info().studentId())) {
      return reject(command.replyTo(), Rejection.forbidden("only the session's participants may cancel it"));
    }
    return Effect()
        .persist(new SessionCancelled(sessionId, command.byUserId(), clock.instant()))
        .thenRun(s -> ended(state, (Ended) s))
        .thenReply(command.replyTo(), this::summary);
  }

  private ReplyEffect<Event, State> cancelMatched(Matched state, Cancel command) {
    String by = command.byUserId();
    if (!command.byAdmin() && !by.equals(state.info().studentId()) && !by.equals(state.tutorId())) {
      return reject(command.replyTo(), Rejection.forbidden("only the session's participants may cancel it"));
    }
    return Effect()
        .persist(new SessionCancelled(sessionId, by, clock.instant()))
        .thenRun(s -> releasedAfterCancel(state, (Ended) s))
        .thenReply(command.replyTo(), this::summary);
  }

  private void releasedAfterCancel(Matched before, Ended state) {
    links.tutor(before.tutorId(), new TutorEntity.Release(sessionId));
    notifySubscribers(state);
    passivateLater();
  }

  /** MATCHING ended without a match (cancelled or nobody): withdraw every offer, free the student. */
  private void ended(Matching before, Ended state) {
    String subject = before.info().request().subject();
    timers.cancel(Tick.REQUEST_DEADLINE);
    timers.cancel(Tick.RETRY_DISPATCH);
    for (Offer offer : before.outstanding().values()) {
      timers.cancel(offer.offerId());
      links.tutor(offer.tutorId(), new TutorEntity.OfferSettled(offer.offerId(), MatchPool.Outcome.WITHDRAWN));
      links.pool(subject, new MatchPool.OfferOutcome(offer.tutorId(), MatchPool.Outcome.WITHDRAWN));
    }
    links.student(before.info().studentId(), new StudentEntity.CloseInstantRequest(sessionId));
    observer.requestEnded(state.status().name());
    notifySubscribers(state);
    passivateLater();
  }

  /**
   * An ended session needs no process: it leaves the remembered entities (its events stay).
   * Later commands start it again from the journal.
   */
  private void passivateLater() {
    if (shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
  }

  // --- reconciliation and subscribers ---

  private ReplyEffect<Event, State> checkTutorHold(State state, CheckTutorHold command) {
    boolean holds =
        (state instanceof Matched m && m.tutorId().equals(command.tutorId()))
            || (state instanceof Matching matching && reservingOfferId != null
                && Optional.ofNullable(matching.outstanding().get(reservingOfferId)).map(o -> o.tutorId().equals(command.tutorId())).orElse(false));
    command.replyTo().tell(new TutorHold(sessionId, command.tutorId(), holds));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> subscribe(State state, Subscribe command) {
    Subscriber previous = subscribers.put(command.connectionId(), new Subscriber(command.userId(), command.subscriber()));
    if (previous == null) {
      context.watchWith(command.subscriber(), new SubscriberGone(command.connectionId()));
    }
    if (!(state instanceof Empty)) {
      command.subscriber().tell(statusOf(state));
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> unsubscribe(String connectionId) {
    Subscriber gone = subscribers.remove(connectionId);
    if (gone != null) {
      context.unwatch(gone.ref());
    }
    return Effect().noReply();
  }

  private void notifySubscribers(State state) {
    StatusChanged status = statusOf(state);
    subscribers.values().forEach(s -> s.ref().tell(status));
  }

  // --- recovery: resume dispatch from the events ---

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::recovered).build();
  }

  private void recovered(State state) {
    if (state instanceof Ended) {
      passivateLater();
    }
    if (!(state instanceof Matching matching)) {
      return;
    }
    Duration left = Duration.between(clock.instant(), matching.info().requestedAt().plus(settings.requestTimeout()));
    timers.startSingleTimer(Tick.REQUEST_DEADLINE, Tick.REQUEST_DEADLINE, left.isNegative() ? Duration.ZERO : left);
    matching.outstanding().values().forEach(this::armOfferTimer);
    dispatchNext(matching);
  }

  // --- summaries ---

  private StatusReply<SessionSummary> summary(State state) {
    return StatusReply.success(summaryOf(state));
  }

  private SessionSummary summaryOf(State state) {
    if (state instanceof Matching s) {
      return summaryOf(s.info(), Status.MATCHING, null, 0, s.timeline());
    }
    if (state instanceof Matched s) {
      return summaryOf(s.info(), Status.MATCHED, s.tutorId(), s.rateCents(), s.timeline());
    }
    if (state instanceof Ended s) {
      return summaryOf(s.info(), s.status(), s.tutorId(), s.rateCents(), s.timeline());
    }
    throw new IllegalStateException("no summary of an empty session");
  }

  private SessionSummary summaryOf(Info info, Status status, String tutorId, long rateCents, List<TimelineEntry> timeline) {
    InstantRequest r = info.request();
    return new SessionSummary(
        sessionId, Kind.INSTANT, status, info.studentId(), tutorId, r.subject(), r.level(), r.language(), info.requestedAt(),
        r.durationMinutes(), rateCents, r.maxRateCents(), info.currency(), Escrow.NONE, timeline);
  }

  private StatusChanged statusOf(State state) {
    SessionSummary s = summaryOf(state);
    return new StatusChanged(sessionId, s.status(), s.tutorId());
  }

  private ReplyEffect<Event, State> whilePending(java.util.function.Supplier<ReplyEffect<Event, State>> otherwise) {
    return pendingStart != null ? Effect().stash() : otherwise.get();
  }

  private <T> ReplyEffect<Event, State> notFound(ActorRef<StatusReply<T>> replyTo) {
    return reject(replyTo, Rejection.notFound("session " + sessionId + " not found"));
  }

  private Rejection alreadyMatched(Matched state, AcceptOffer command) {
    return Rejection.conflict(
        state.tutorId().equals(command.tutorId()) ? "you already have this session" : "this session was matched with another tutor");
  }

  private <T> ReplyEffect<Event, State> reject(ActorRef<StatusReply<T>> replyTo, Rejection rejection) {
    return Effect().reply(replyTo, StatusReply.error(rejection.toMessage()));
  }

  // --- events applied ---

  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandlerBuilder<State, Event> builder = newEventHandlerBuilder();
    builder.forStateType(Empty.class).onEvent(InstantRequested.class, Empty::requested);
    builder.forStateType(Matching.class)
        .onEvent(OffersSent.class, Matching::offered)
        .onEvent(OfferDeclined.class, Matching::declined)
        .onEvent(TutorMatched.class, Matching::matched)
        .onEvent(SessionCancelled.class, Matching::cancelled)
        .onEvent(NoTutorFound.class, Matching::noTutor);
    builder.forStateType(Matched.class).onEvent(SessionCancelled.class, Matched::cancelled);
    return builder.build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(tagFor(event.sessionId()));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  private static List<TimelineEntry> append(List<TimelineEntry> timeline, Instant at, Status status) {
    List<TimelineEntry> longer = new ArrayList<>(timeline);
    longer.add(new TimelineEntry(at, status));
    return List.copyOf(longer);
  }
}
