package io.tutormesh.engine.session;

import io.tutormesh.engine.common.Money;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.MatchPool.CandidateQuery;
import io.tutormesh.engine.matching.Offer;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.money.Pricing;
import io.tutormesh.engine.session.SessionEntity.AbandonRequest;
import io.tutormesh.engine.session.SessionEntity.AcceptOffer;
import io.tutormesh.engine.session.SessionEntity.Cancel;
import io.tutormesh.engine.session.SessionEntity.CandidatesFound;
import io.tutormesh.engine.session.SessionEntity.CheckTutorHold;
import io.tutormesh.engine.session.SessionEntity.DeclineOffer;
import io.tutormesh.engine.session.SessionEntity.DeclineReason;
import io.tutormesh.engine.session.SessionEntity.Empty;
import io.tutormesh.engine.session.SessionEntity.Ended;
import io.tutormesh.engine.session.SessionEntity.Event;
import io.tutormesh.engine.session.SessionEntity.InRoom;
import io.tutormesh.engine.session.SessionEntity.Info;
import io.tutormesh.engine.session.SessionEntity.InstantRequested;
import io.tutormesh.engine.session.SessionEntity.JoinConnected;
import io.tutormesh.engine.session.SessionEntity.Matched;
import io.tutormesh.engine.session.SessionEntity.Matching;
import io.tutormesh.engine.session.SessionEntity.NoTutorFound;
import io.tutormesh.engine.session.SessionEntity.OfferDeclined;
import io.tutormesh.engine.session.SessionEntity.OfferExpired;
import io.tutormesh.engine.session.SessionEntity.OfferUndeliverable;
import io.tutormesh.engine.session.SessionEntity.OffersSent;
import io.tutormesh.engine.session.SessionEntity.ReservationResult;
import io.tutormesh.engine.session.SessionEntity.SessionCancelled;
import io.tutormesh.engine.session.SessionEntity.StartChecked;
import io.tutormesh.engine.session.SessionEntity.StartInstant;
import io.tutormesh.engine.session.SessionEntity.State;
import io.tutormesh.engine.session.SessionEntity.Status;
import io.tutormesh.engine.session.SessionEntity.Tick;
import io.tutormesh.engine.session.SessionEntity.TutorHold;
import io.tutormesh.engine.session.SessionEntity.TutorMatched;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The instant dispatch of a {@link SessionEntity}: the start (payment check and first candidates in
 * parallel, then one write for both), offers in waves with a timeout each, the tutors' accepts and
 * declines (the first accept whose tutor reserves itself wins), and the endings of a session that
 * never matched (cancelled, abandoned, nobody within the request timeout).
 */
final class InstantDispatch extends SessionPart {

  private static final Rejection TOO_LATE =
      Rejection.unavailable("the request could not be taken in time (the node is busy); nothing was opened; retry");

  // Volatile: lives while this incarnation runs; never needed to rebuild the state.
  private StartInstant pendingStart;
  private long startNanos;
  private boolean firstOfferMeasured;
  private String reservingOfferId;
  private boolean dispatching;
  /** Abandoned before it started: a StartInstant that still arrives is refused. */
  private boolean abandoned;

  private final PaymentGuard guard;

  InstantDispatch(SessionEntity entity) {
    super(entity);
    this.guard = entity.guard;
  }

  /** True while a start's payment check and first candidates are in flight (commands wait for it). */
  boolean starting() {
    return pendingStart != null;
  }

  /** A session restarted while MATCHING: its deadline and offer timers again, then the next wave if none is out. */
  void recovered(Matching matching) {
    Duration left = Duration.between(clock.instant(), matching.info().requestedAt().plus(settings.requestTimeout()));
    timers.startSingleTimer(Tick.REQUEST_DEADLINE, Tick.REQUEST_DEADLINE, left.isNegative() ? Duration.ZERO : left);
    matching.outstanding().values().forEach(this::armOfferTimer);
    dispatchNext(matching);
  }

  // --- start: payment check and first candidates in parallel, then one write for both ---

  ReplyEffect<Event, State> startInstant(Empty state, StartInstant command) {
    if (pendingStart != null) {
      return Effect().stash();
    }
    if (abandoned || pastDeadline(command)) {
      return Effect().none().thenRun(s -> refused(command, TOO_LATE, List.of())).thenNoReply();
    }
    pendingStart = command;
    startNanos = System.nanoTime();
    InstantRequest request = command.request();
    long amount = command.holdCents() != null ? command.holdCents() : Money.priceCents(request.maxRateCents(), request.durationMinutes());
    CompletionStage<Optional<Rejection>> payment = guard.authorize(command.studentId(), sessionId, amount);
    Executor executor = context.getExecutionContext();
    CompletionStage<List<TutorCard>> candidates =
        links.findCandidates(query(command.studentId(), request, Set.of())).thenApplyAsync(MatchPool.Candidates::tutors, executor)
            .exceptionally(error -> List.of());
    context.pipeToSelf(
        payment.thenCombineAsync(candidates, (refusal, tutors) -> new StartChecked(command, refusal, tutors), executor),
        (checked, error) -> checked != null ? checked : new StartChecked(command, Optional.of(Rejection.internal("payment check failed")), List.of()));
    return Effect().noReply();
  }

  ReplyEffect<Event, State> started(Empty state, StartChecked checked) {
    pendingStart = null;
    StartInstant start = checked.start();
    if (checked.refusal().isPresent()) {
      return Effect().none().thenRun(s -> refused(start, checked.refusal().get(), checked.candidates())).thenNoReply().thenUnstashAll();
    }
    if (abandoned || pastDeadline(start)) {
      // The last moment to give up without a trace: after this write the session exists.
      return Effect().none().thenRun(s -> refused(start, TOO_LATE, checked.candidates())).thenNoReply().thenUnstashAll();
    }
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>();
    events.add(new InstantRequested(sessionId, start.studentId(), start.request(), start.currency(), now, start.holdCents()));
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

  /** Not started (cannot pay, too late, abandoned): nothing persisted; free the candidates and the student. */
  private void refused(StartInstant start, Rejection refusal, List<TutorCard> candidates) {
    for (TutorCard card : candidates) {
      links.pool(start.request().subject(), new MatchPool.OfferOutcome(card.tutorId(), MatchPool.Outcome.WITHDRAWN));
    }
    links.student(start.studentId(), new StudentEntity.CloseInstantRequest(sessionId));
    observer.requestEnded(refusal.kind() == Rejection.Kind.UNAVAILABLE ? "LATE" : "REJECTED");
    start.replyTo().tell(StatusReply.error(refusal.toMessage()));
    // Nothing to keep in memory (with remember-entities it would also be restarted after a crash).
    passivateLater();
  }

  /**
   * `stage` continued on this actor system's dispatcher. Asks complete as Scala futures, whose
   * JDK continuations (pipeToSelf's included) otherwise run on the JVM's default executor, which
   * starts a thread per step when the common pool is small (bench/RESULTS.md, problem 1).
   */
  private <T> CompletionStage<T> onDispatcher(CompletionStage<T> stage) {
    return stage.thenApplyAsync(value -> value, context.getExecutionContext());
  }

  private boolean pastDeadline(StartInstant start) {
    return start.deadline() != null && clock.instant().isAfter(start.deadline());
  }

  private void afterStart(Matching state, StartInstant start, List<Offer> offers) {
    timers.startSingleTimer(Tick.REQUEST_DEADLINE, Tick.REQUEST_DEADLINE, settings.requestTimeout());
    deliver(offers);
    if (offers.isEmpty()) {
      timers.startSingleTimer(Tick.RETRY_DISPATCH, Tick.RETRY_DISPATCH, settings.retryInterval());
    }
    start.replyTo().tell(summary(state));
    entity.rooms.notifySubscribers(state);
  }

  // --- dispatch in waves ---

  ReplyEffect<Event, State> tick(Matching state, Tick tick) {
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
  void dispatchNext(Matching state) {
    if (dispatching || reservingOfferId != null || !state.outstanding().isEmpty()) {
      return;
    }
    dispatching = true;
    CandidateQuery query = query(state.info().studentId(), state.info().request(), state.tried());
    context.pipeToSelf(
        onDispatcher(links.findCandidates(query)),
        (candidates, error) -> new CandidatesFound(candidates == null ? List.of() : candidates.tutors()));
  }

  ReplyEffect<Event, State> candidatesFound(Matching state, CandidatesFound found) {
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

  void armOfferTimer(Offer offer) {
    Duration left = Duration.between(clock.instant(), offer.expiresAt());
    timers.startSingleTimer(offer.offerId(), new OfferExpired(offer.offerId()), left.isNegative() ? Duration.ZERO : left);
  }

  private CandidateQuery query(String studentId, InstantRequest request, Set<String> exclude) {
    return new CandidateQuery(
        sessionId, studentId, request.subject(), request.level(), request.language(), request.maxRateCents(), exclude, settings.waveSize(),
        request.durationMinutes());
  }

  // --- the tutors' answers ---

  ReplyEffect<Event, State> accept(Matching state, AcceptOffer command) {
    if (reservingOfferId != null) {
      return Effect().stash();
    }
    Offer offer = state.outstanding().get(command.offerId());
    if (offer == null || !offer.tutorId().equals(command.tutorId())) {
      return reject(command.replyTo(), Rejection.conflict("offer " + command.offerId() + " is no longer valid"));
    }
    reservingOfferId = offer.offerId();
    context.pipeToSelf(
        onDispatcher(links.reserve(offer.tutorId(), sessionId, state.info().studentId(), state.info().request().durationMinutes())),
        (done, error) -> new ReservationResult(command, offer, error == null));
    return Effect().noReply();
  }

  ReplyEffect<Event, State> reservationResult(Matching state, ReservationResult result) {
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
        .persist(new TutorMatched(sessionId, offer.tutorId(), offer.offerId(), offer.rateCents(), now, escrowFor(state.info(), offer.rateCents()),
            state.info().studentId(), state.info().requestedAt()))
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
    Long escrow = state.info().holdsMoney() ? state.escrowCents() : null;
    links.student(state.info().studentId(), new StudentEntity.CloseInstantRequest(sessionId, escrow));
    observer.offerAccepted();
    observer.timeToMatch(Duration.between(state.info().requestedAt(), clock.instant()));
    observer.requestEnded(Status.MATCHED.name());
    result.accept().replyTo().tell(summary(state));
    entity.rooms.notifySubscribers(state);
    entity.rooms.armAbandonIfEmpty();
    timers.startSingleTimer(Tick.NO_SHOW, Tick.NO_SHOW, roomSettings.noShowGrace());
    if (!entity.rooms.nobodyConnected()) {
      context.getSelf().tell(new JoinConnected());
    }
  }

  ReplyEffect<Event, State> decline(Matching state, DeclineOffer command) {
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

  ReplyEffect<Event, State> undeliverable(Matching state, OfferUndeliverable command) {
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

  ReplyEffect<Event, State> expired(Matching state, OfferExpired command) {
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

  // --- endings before a match ---

  ReplyEffect<Event, State> cancelMatching(Matching state, Cancel command) {
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

  /**
   * Not started: a start being checked now is refused when its check completes (no offer goes
   * out); one that arrives later is refused at once. Without a start in progress there is nothing
   * to keep (its start was refused already, or will be).
   */
  ReplyEffect<Event, State> abandonBeforeStart(Empty state, AbandonRequest command) {
    if (pendingStart != null && !pendingStart.studentId().equals(command.studentId())) {
      return Effect().noReply();
    }
    abandoned = true;
    if (pendingStart == null) {
      passivateLater();
    }
    return Effect().noReply();
  }

  ReplyEffect<Event, State> abandonMatching(Matching state, AbandonRequest command) {
    if (reservingOfferId != null) {
      return Effect().stash();
    }
    if (!command.studentId().equals(state.info().studentId())) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new SessionCancelled(sessionId, command.studentId(), clock.instant()))
        .thenRun(s -> ended(state, (Ended) s))
        .thenNoReply();
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
    if (!state.needsSettlement()) {
      links.student(before.info().studentId(), new StudentEntity.CloseInstantRequest(sessionId));
    }
    observer.requestEnded(state.status().name());
    entity.rooms.notifySubscribers(state);
    entity.settlement.settleOrPassivate(state);
  }

  /** The escrow of a match at {@code rateCents}: the tutor's price for the duration, never more than the hold (null: no hold). */
  private static Long escrowFor(Info info, long rateCents) {
    if (!info.holdsMoney()) {
      return null;
    }
    return Math.min(Pricing.hold(rateCents, info.request().durationMinutes()), info.holdCents());
  }

  ReplyEffect<Event, State> checkTutorHold(State state, CheckTutorHold command) {
    boolean holds =
        (state instanceof InRoom m && m.tutorId().equals(command.tutorId()))
            || (state instanceof Matching matching && reservingOfferId != null
                && Optional.ofNullable(matching.outstanding().get(reservingOfferId)).map(o -> o.tutorId().equals(command.tutorId())).orElse(false));
    command.replyTo().tell(new TutorHold(sessionId, command.tutorId(), holds));
    return Effect().noReply();
  }

  ReplyEffect<Event, State> whilePending(java.util.function.Supplier<ReplyEffect<Event, State>> otherwise) {
    return pendingStart != null ? Effect().stash() : otherwise.get();
  }
}
