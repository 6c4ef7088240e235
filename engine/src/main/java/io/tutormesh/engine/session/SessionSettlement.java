package io.tutormesh.engine.session;

import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.money.CancellationPolicy;
import io.tutormesh.engine.money.DisputePolicy;
import io.tutormesh.engine.money.NoShowPolicy;
import io.tutormesh.engine.money.Pricing;
import io.tutormesh.engine.money.ReschedulePolicy;
import io.tutormesh.engine.session.SessionEntity.AbandonRequest;
import io.tutormesh.engine.session.SessionEntity.Cancel;
import io.tutormesh.engine.session.SessionEntity.CreditFrozen;
import io.tutormesh.engine.session.SessionEntity.CreditReversed;
import io.tutormesh.engine.session.SessionEntity.CreditUnfrozen;
import io.tutormesh.engine.session.SessionEntity.Dispute;
import io.tutormesh.engine.session.SessionEntity.DisputeReleased;
import io.tutormesh.engine.session.SessionEntity.Empty;
import io.tutormesh.engine.session.SessionEntity.End;
import io.tutormesh.engine.session.SessionEntity.Ended;
import io.tutormesh.engine.session.SessionEntity.Escrow;
import io.tutormesh.engine.session.SessionEntity.EscrowSettled;
import io.tutormesh.engine.session.SessionEntity.EscrowStatus;
import io.tutormesh.engine.session.SessionEntity.Event;
import io.tutormesh.engine.session.SessionEntity.HandOverAnswer;
import io.tutormesh.engine.session.SessionEntity.HandOverBooking;
import io.tutormesh.engine.session.SessionEntity.InRoom;
import io.tutormesh.engine.session.SessionEntity.Info;
import io.tutormesh.engine.session.SessionEntity.Live;
import io.tutormesh.engine.session.SessionEntity.Matched;
import io.tutormesh.engine.session.SessionEntity.NoShowRecorded;
import io.tutormesh.engine.session.SessionEntity.Refund;
import io.tutormesh.engine.session.SessionEntity.ReleaseDispute;
import io.tutormesh.engine.session.SessionEntity.Reschedule;
import io.tutormesh.engine.session.SessionEntity.ResolutionSettled;
import io.tutormesh.engine.session.SessionEntity.SessionCancelled;
import io.tutormesh.engine.session.SessionEntity.SessionCompleted;
import io.tutormesh.engine.session.SessionEntity.SessionDisputed;
import io.tutormesh.engine.session.SessionEntity.SessionRefunded;
import io.tutormesh.engine.session.SessionEntity.SessionRescheduled;
import io.tutormesh.engine.session.SessionEntity.SessionSummary;
import io.tutormesh.engine.session.SessionEntity.SlotFreed;
import io.tutormesh.engine.session.SessionEntity.StartReschedule;
import io.tutormesh.engine.session.SessionEntity.State;
import io.tutormesh.engine.session.SessionEntity.Status;
import io.tutormesh.engine.session.SessionEntity.StudentRefunded;
import io.tutormesh.engine.session.SessionEntity.StudentSettled;
import io.tutormesh.engine.session.SessionEntity.Tick;
import io.tutormesh.engine.session.SessionEntity.TutorCredited;
import io.tutormesh.engine.session.SessionEntity.TutorSlotFreed;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A matched session's endings and its money: cancel, end, abandon and no-show (with what each side
 * is owed), then the escrow's settlement (the student charged or released, then the tutor
 * credited), disputes and refunds: small sagas, each step idempotent at its entity and re-sent
 * until acknowledged, re-driven after a restart.
 */
final class SessionSettlement extends SessionPart {

  /** The settlement in progress: what the student's step captured (null: not acknowledged yet). */
  private Long studentCaptured;
  /** The refund in progress: the tutor's reversal was acknowledged. */
  private boolean creditReversed;
  /** The new session of a reschedule waiting for the hand-over to complete (null: none in this incarnation). */
  private ActorRef<HandOverAnswer> handOverWaiting;

  SessionSettlement(SessionEntity entity) {
    super(entity);
  }

  // --- endings of a matched session ---

  ReplyEffect<Event, State> abandonMatched(Matched state, AbandonRequest command) {
    if (!command.studentId().equals(state.info().studentId())) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new SessionCancelled(sessionId, command.studentId(), clock.instant()))
        .thenRun(s -> roomEnded(state, (Ended) s))
        .thenNoReply();
  }

  ReplyEffect<Event, State> cancelMatched(Matched state, Cancel command) {
    String by = command.byUserId();
    if (!command.byAdmin() && !state.isParticipant(by)) {
      return reject(command.replyTo(), Rejection.forbidden("only the session's participants may cancel it"));
    }
    Instant now = clock.instant();
    return Effect()
        .persist(new SessionCancelled(sessionId, by, now, tutorShareOfCancel(state, by, command.byAdmin(), now)))
        .thenRun(s -> roomEnded(state, (Ended) s))
        .thenReply(command.replyTo(), this::summary);
  }

  /**
   * What a cancelled booked lesson gives its tutor ({@link CancellationPolicy}: free until {@code
   * tutormesh.money.free-cancel-before} before the start, then a share when its student cancels);
   * null for an instant session (all back).
   */
  private Long tutorShareOfCancel(Matched state, String by, boolean byAdmin, Instant now) {
    if (!state.info().booked() || state.escrowCents() <= 0) {
      return null;
    }
    CancellationPolicy.Party party = by.equals(state.info().studentId()) ? CancellationPolicy.Party.STUDENT
        : by.equals(state.tutorId()) ? CancellationPolicy.Party.TUTOR
        : byAdmin ? CancellationPolicy.Party.ADMIN : CancellationPolicy.Party.SYSTEM;
    return CancellationPolicy.decide(party, CancellationPolicy.SessionKind.BOOKED, state.info().start(), now, state.escrowCents(), money)
        .tutorCents();
  }

  /** A matched session ended (cancelled or completed): its tutor is free again, its room closed, its escrow settled. */
  private void roomEnded(InRoom before, Ended state) {
    timers.cancel(Tick.ROOM_ABANDONED);
    timers.cancel(Tick.NO_SHOW);
    if (!before.info().booked()) {
      links.tutor(before.tutorId(), new TutorEntity.Release(sessionId));
    }
    // A booked lesson's slot is released by settleOrPassivate, re-sent until the tutor acknowledges it.
    entity.rooms.notifySubscribers(state);
    settleOrPassivate(state);
  }

  // --- rescheduling: the old session hands its booking (and escrow) over to the new one ---

  /** A participant moves this BOOKED lesson: checked here, then the new session does the work (and answers). */
  ReplyEffect<Event, State> reschedule(Matched state, Reschedule command) {
    if (!state.info().booked()) {
      return reject(command.replyTo(), Rejection.conflict("only a BOOKED session can be rescheduled"));
    }
    if (!command.byAdmin() && !state.isParticipant(command.byUserId())) {
      return reject(command.replyTo(), Rejection.forbidden("only the session's participants may reschedule it"));
    }
    Optional<Rejection> refused = rescheduleRefusal(state, command.byUserId(), command.start());
    if (refused.isPresent()) {
      return reject(command.replyTo(), refused.get());
    }
    Info info = state.info();
    links.session(command.newSessionId(), new StartReschedule(sessionId, command.byUserId(), info.studentId(), state.tutorId(),
        info.request(), info.currency(), command.start(), command.deadline(), command.replyTo()));
    return Effect().noReply();
  }

  /** {@link ReschedulePolicy} for whoever asks (anyone but the two participants is an admin here). */
  private Optional<Rejection> rescheduleRefusal(Matched state, String by, Instant start) {
    CancellationPolicy.Party party = by.equals(state.info().studentId()) ? CancellationPolicy.Party.STUDENT
        : by.equals(state.tutorId()) ? CancellationPolicy.Party.TUTOR : CancellationPolicy.Party.ADMIN;
    return ReschedulePolicy.check(party, state.info().start(), start, clock.instant(), money.freeCancelBefore());
  }

  /**
   * The new session has its slot: the booking is handed over (CANCELLED as rescheduled; the escrow
   * moves in the wallet, the slot is freed, both driven until acknowledged), unless the policy now
   * refuses or the new session's deadline passed (its caller stopped waiting): then nothing changes.
   */
  ReplyEffect<Event, State> handOver(Matched state, HandOverBooking command) {
    Instant now = clock.instant();
    Optional<Rejection> refused = !state.info().booked()
        ? Optional.of(Rejection.conflict("only a BOOKED session can be rescheduled"))
        : command.deadline() != null && now.isAfter(command.deadline())
            ? Optional.of(Rejection.unavailable("the reschedule could not be confirmed in time; nothing was changed; retry"))
            : rescheduleRefusal(state, command.byUserId(), command.start());
    if (refused.isPresent()) {
      command.replyTo().tell(new HandOverAnswer(command.toSessionId(), false, 0, 0, refused.get().toMessage()));
      return Effect().noReply();
    }
    return Effect()
        .persist(new SessionRescheduled(sessionId, command.toSessionId(), command.byUserId(), command.start(), now))
        .thenRun(s -> {
          handOverWaiting = command.replyTo();
          roomEnded(state, (Ended) s);
          answerHandOverIfSettled((Ended) s);
        })
        .thenNoReply();
  }

  /** A hand-over asked of a session that is not BOOKED: answered again if it was handed to that session, else refused. */
  ReplyEffect<Event, State> handOverElsewhere(State state, HandOverBooking command) {
    if (state instanceof Ended ended && ended.rescheduled() != null && ended.rescheduled().toSessionId().equals(command.toSessionId())) {
      handOverWaiting = command.replyTo();
      answerHandOverIfSettled(ended);
      return Effect().noReply();
    }
    String now = state instanceof Empty ? "not found" : "it is " + entity.summaryOf(state).status();
    command.replyTo().tell(new HandOverAnswer(command.toSessionId(), false, 0, 0,
        Rejection.conflict("session " + sessionId + " can no longer be rescheduled (" + now + ")").toMessage()));
    return Effect().noReply();
  }

  /** A reschedule of a session that is not BOOKED (not found while empty: handled by the entity). */
  ReplyEffect<Event, State> notReschedulable(State state, Reschedule command) {
    if (state instanceof Empty) {
      return entity.dispatch.whilePending(() -> entity.notFound(command.replyTo()));
    }
    return reject(command.replyTo(), Rejection.conflict("only a BOOKED session can be rescheduled (it is " + entity.summaryOf(state).status() + ")"));
  }

  /** The new session hears of the hand-over once the escrow moved (the student acknowledged it). */
  private void answerHandOverIfSettled(Ended state) {
    if (handOverWaiting != null && state.rescheduled() != null && !state.needsSettlement()) {
      handOverWaiting.tell(new HandOverAnswer(state.rescheduled().toSessionId(), true, state.rateCents(), state.info().holdCents(), null));
      handOverWaiting = null;
    }
  }

  // --- the slot of an ended booking: released until the tutor acknowledges it ---

  private void driveSlotRelease(Ended state) {
    timers.startSingleTimer(Tick.RELEASE_SLOT, Tick.RELEASE_SLOT, billing.settlementRetryInterval());
    links.tutor(state.tutorId(), new TutorEntity.ReleaseSlot(sessionId, context.getSelf().narrow()));
  }

  ReplyEffect<Event, State> slotFreed(Ended state, SlotFreed freed) {
    if (!state.needsSlotRelease()) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new TutorSlotFreed(sessionId, clock.instant()))
        .thenRun(s -> {
          timers.cancel(Tick.RELEASE_SLOT);
          entity.passivateIfDone((Ended) s);
        })
        .thenNoReply();
  }

  // --- settlement: a small saga, re-driven until every step is acknowledged ---

  /**
   * An ended session that holds money stays up (it is not passivated, so a remembered session is
   * restarted after a crash) and drives its settlement; one that does not passivates.
   */
  void settleOrPassivate(Ended state) {
    if (state.needsSettlement()) {
      driveSettlement(state);
    }
    if (state.needsSlotRelease()) {
      driveSlotRelease(state);
    }
    entity.passivateIfDone(state);
  }

  /**
   * Sends the next unacknowledged step and arms the retry: never matched → the student releases the
   * hold; matched → the student is charged (captured + refunded), then the tutor is credited with
   * what the student's step captured. Each step is idempotent by session at its entity, which
   * answers even when it applied it before.
   */
  private void driveSettlement(Ended state) {
    timers.startSingleTimer(Tick.SETTLE, Tick.SETTLE, billing.settlementRetryInterval());
    if (state.resolving()) {
      driveResolution(state);
      return;
    }
    String studentId = state.info().studentId();
    ActorRef<StudentSettled> studentReply = context.getSelf().narrow();
    if (state.rescheduled() != null) {
      // Handed over: the hold moves to the new session (never released, never held twice).
      SessionEntity.Rescheduled to = state.rescheduled();
      InstantRequest r = state.info().request();
      StudentEntity.BookedLesson lesson = new StudentEntity.BookedLesson(to.toSessionId(), state.tutorId(), r.subject(), r.level(),
          to.start(), to.start().plus(Duration.ofMinutes(r.durationMinutes())));
      links.student(studentId, new StudentEntity.MoveBookingHold(sessionId, lesson, studentReply));
    } else if (state.tutorId() == null || state.escrow().status() == EscrowStatus.NONE) {
      links.student(studentId, new StudentEntity.ReleaseHold(sessionId, studentReply));
    } else if (studentCaptured == null) {
      Escrow escrow = state.escrow();
      links.student(studentId, new StudentEntity.ChargeSession(sessionId, escrow.heldCents(), escrow.releasedCents(), studentReply));
    } else {
      Instant endedAt = state.timeline().get(state.timeline().size() - 1).at();
      ActorRef<TutorCredited> tutorReply = context.getSelf().narrow();
      links.tutor(state.tutorId(), new TutorEntity.CreditSession(sessionId, studentId, studentCaptured, state.taughtMinutes(), endedAt, tutorReply));
    }
  }

  ReplyEffect<Event, State> settleTick(Ended state, Tick tick) {
    if (tick == Tick.SETTLE && state.needsSettlement()) {
      driveSettlement(state);
    }
    if (tick == Tick.RELEASE_SLOT && state.needsSlotRelease()) {
      driveSlotRelease(state);
    }
    return Effect().noReply();
  }

  ReplyEffect<Event, State> studentSettled(Ended state, StudentSettled settled) {
    if (!state.needsSettlement() || studentCaptured != null || state.resolving()) {
      return Effect().noReply();
    }
    studentCaptured = settled.capturedCents();
    if (studentCaptured > 0 && state.tutorId() != null) {
      driveSettlement(state);
      return Effect().noReply();
    }
    return settle(state);
  }

  ReplyEffect<Event, State> tutorCredited(Ended state, TutorCredited credited) {
    if (!state.needsSettlement() || studentCaptured == null || state.resolving()) {
      return Effect().noReply();
    }
    return settle(state);
  }

  private ReplyEffect<Event, State> settle(Ended state) {
    long captured = studentCaptured == null ? 0 : studentCaptured;
    return Effect()
        .persist(new EscrowSettled(sessionId, captured, clock.instant()))
        .thenRun(s -> {
          timers.cancel(Tick.SETTLE);
          answerHandOverIfSettled((Ended) s);
          entity.passivateIfDone((Ended) s);
        })
        .thenNoReply();
  }

  // --- disputes and refunds: the same saga, with other steps ---

  /**
   * A dispute freezes the tutor's credit; a refund reverses the tutor's credit, then gives the
   * student back what was captured (the platform takes the money back before it pays it out again).
   * Each step is idempotent by session at its entity and re-sent until acknowledged.
   */
  private void driveResolution(Ended state) {
    if (state.status() == Status.DISPUTED) {
      links.tutor(state.tutorId(), new TutorEntity.FreezeCredit(sessionId, context.getSelf().narrow()));
    } else if (state.wasReleased()) {
      links.tutor(state.tutorId(), new TutorEntity.UnfreezeCredit(sessionId, context.getSelf().narrow()));
    } else if (!creditReversed) {
      links.tutor(state.tutorId(), new TutorEntity.ReverseCredit(sessionId, context.getSelf().narrow()));
    } else {
      links.student(state.info().studentId(), new StudentEntity.RefundSession(sessionId, context.getSelf().narrow()));
    }
  }

  ReplyEffect<Event, State> dispute(Ended state, Dispute command) {
    if (!command.byAdmin() && !command.byUserId().equals(state.info().studentId())) {
      return reject(command.replyTo(), Rejection.forbidden("only the session's student may dispute it"));
    }
    Optional<Rejection> badReason = checkReason(command.reason());
    if (badReason.isPresent()) {
      return reject(command.replyTo(), badReason.get());
    }
    if (state.status() != Status.COMPLETED && !state.resolving()) {
      return reject(command.replyTo(), Rejection.conflict("only a completed session can be disputed (it is " + state.status() + ")"));
    }
    if (state.status() == Status.COMPLETED && state.escrow().releasedCents() <= 0) {
      return reject(command.replyTo(), Rejection.conflict("nothing was paid for this session: nothing to dispute"));
    }
    Optional<Rejection> refused = decide(state, DisputePolicy.Action.DISPUTE);
    if (refused.isPresent()) {
      return reject(command.replyTo(), refused.get());
    }
    return Effect()
        .persist(new SessionDisputed(sessionId, command.byUserId(), command.reason().trim(), clock.instant()))
        .thenRun(s -> resolutionStarted((Ended) s))
        .thenReply(command.replyTo(), this::summary);
  }

  ReplyEffect<Event, State> refund(Ended state, Refund command) {
    Optional<Rejection> badReason = checkReason(command.reason());
    if (badReason.isPresent()) {
      return reject(command.replyTo(), badReason.get());
    }
    if (state.status() == Status.REFUNDED) {
      return reject(command.replyTo(), Rejection.conflict("the session was refunded already"));
    }
    if (state.tutorId() == null || state.escrow().releasedCents() <= 0 || !state.info().holdsMoney()) {
      return reject(command.replyTo(), Rejection.conflict("nothing was captured for this session: nothing to refund"));
    }
    Optional<Rejection> refused = decide(state, DisputePolicy.Action.REFUND);
    if (refused.isPresent()) {
      return reject(command.replyTo(), refused.get());
    }
    return Effect()
        .persist(new SessionRefunded(sessionId, command.adminId(), command.reason().trim(), state.escrow().releasedCents(), clock.instant()))
        .thenRun(s -> resolutionStarted((Ended) s))
        .thenReply(command.replyTo(), this::summary);
  }

  ReplyEffect<Event, State> releaseDispute(Ended state, ReleaseDispute command) {
    Optional<Rejection> badReason = checkReason(command.reason());
    if (badReason.isPresent()) {
      return reject(command.replyTo(), badReason.get());
    }
    Optional<Rejection> refused = decide(state, DisputePolicy.Action.RELEASE);
    if (refused.isPresent()) {
      return reject(command.replyTo(), refused.get());
    }
    return Effect()
        .persist(new DisputeReleased(sessionId, command.adminId(), command.reason().trim(), clock.instant()))
        .thenRun(s -> resolutionStarted((Ended) s))
        .thenReply(command.replyTo(), this::summary);
  }

  ReplyEffect<Event, State> creditUnfrozen(Ended state, CreditUnfrozen unfrozen) {
    if (!state.wasReleased() || !state.needsSettlement()) {
      return Effect().noReply();
    }
    return resolutionSettled(state);
  }

  /** The policy's answer; a settlement still running is refused too (its steps would cross). */
  private Optional<Rejection> decide(Ended state, DisputePolicy.Action action) {
    if (state.needsSettlement()) {
      return Optional.of(Rejection.conflict("the session's money is still being settled; retry in a moment"));
    }
    Instant endedAt = SessionEntity.firstAt(state.timeline(), Status.COMPLETED);
    if (endedAt == null) {
      return Optional.of(Rejection.conflict("only a completed session can be disputed or refunded"));
    }
    DisputePolicy.Decision decision = DisputePolicy.decide(state.stage(), action, endedAt, clock.instant(), money.disputeWindow());
    return decision instanceof DisputePolicy.Refused refused ? Optional.of(refused.rejection()) : Optional.empty();
  }

  private static Optional<Rejection> checkReason(String reason) {
    if (reason == null || reason.isBlank()) {
      return Optional.of(Rejection.invalid("reason", "is required"));
    }
    if (reason.trim().length() > SessionEntity.MAX_REASON_LENGTH) {
      return Optional.of(Rejection.invalid("reason", "must be at most " + SessionEntity.MAX_REASON_LENGTH + " characters"));
    }
    return Optional.empty();
  }

  private void resolutionStarted(Ended state) {
    creditReversed = false;
    entity.rooms.notifySubscribers(state);
    driveSettlement(state);
  }

  /** A dispute or refund asked of a session that has not ended (or does not exist). */
  ReplyEffect<Event, State> notEnded(State state, String userId, boolean byAdmin, ActorRef<StatusReply<SessionSummary>> replyTo) {
    if (state instanceof Empty) {
      return entity.dispatch.whilePending(() -> entity.notFound(replyTo));
    }
    if (!byAdmin && !entity.summaryOf(state).isParticipant(userId)) {
      return reject(replyTo, Rejection.forbidden("only the session's participants may do that"));
    }
    return reject(replyTo, Rejection.conflict("the session has not ended: only a completed session can be disputed or refunded"));
  }

  ReplyEffect<Event, State> creditFrozen(Ended state, CreditFrozen frozen) {
    if (state.status() != Status.DISPUTED || !state.needsSettlement()) {
      return Effect().noReply();
    }
    return resolutionSettled(state);
  }

  ReplyEffect<Event, State> creditReversed(Ended state, CreditReversed reversed) {
    if (state.status() != Status.REFUNDED || !state.needsSettlement() || creditReversed) {
      return Effect().noReply();
    }
    creditReversed = true;
    driveSettlement(state);
    return Effect().noReply();
  }

  ReplyEffect<Event, State> studentRefunded(Ended state, StudentRefunded refunded) {
    if (state.status() != Status.REFUNDED || !state.needsSettlement() || !creditReversed) {
      return Effect().noReply();
    }
    return resolutionSettled(state);
  }

  private ReplyEffect<Event, State> resolutionSettled(Ended state) {
    return Effect()
        .persist(new ResolutionSettled(sessionId, state.status(), clock.instant()))
        .thenRun(s -> {
          timers.cancel(Tick.SETTLE);
          entity.passivateIfDone((Ended) s);
        })
        .thenNoReply();
  }

  // --- the lesson ends: its price, and the room ends when nobody comes ---

  ReplyEffect<Event, State> end(Live state, End command) {
    String by = command.byUserId();
    if (!command.byAdmin() && !state.isParticipant(by)) {
      return reject(command.replyTo(), Rejection.forbidden("only the session's participants may end it"));
    }
    return Effect()
        .persist(completed(state, by, clock.instant()))
        .thenRun(s -> roomEnded(state, (Ended) s))
        .thenReply(command.replyTo(), this::summary);
  }

  /**
   * The lesson ends now: its price is the tutor's rate per started minute since it went live, at
   * least {@code minimum-minutes}, at most the escrow ({@link Pricing#instantPrice}).
   */
  private SessionCompleted completed(Live state, String by, Instant now) {
    if (state.escrowCents() <= 0) {
      return new SessionCompleted(sessionId, by, now);
    }
    if (state.info().booked()) {
      // A booked lesson costs its booked price (rate × duration: all of the escrow), not per minute.
      return new SessionCompleted(sessionId, by, now, state.escrowCents());
    }
    Instant started = state.startedAt() == null || state.startedAt().isAfter(now) ? now : state.startedAt();
    long price = Pricing.instantPrice(state.rateCents(), started, now, billing.minimumMinutes(), state.escrowCents());
    return new SessionCompleted(sessionId, by, now, price);
  }

  /**
   * Nobody was in the room for the abandon timeout: a live lesson completes. A matched room ends
   * then too, or when the no-show grace since the match has passed without both participants: NO_SHOW
   * of the one who never joined, or CANCELLED if nobody did.
   */
  ReplyEffect<Event, State> roomTick(InRoom state, Tick tick) {
    boolean abandoned = tick == Tick.ROOM_ABANDONED && entity.rooms.nobodyConnected();
    Instant now = clock.instant();
    if (state instanceof Live live) {
      return abandoned
          ? Effect().persist(completed(live, SessionEntity.SYSTEM, now)).thenRun(s -> roomEnded(live, (Ended) s)).thenNoReply()
          : Effect().noReply();
    }
    Matched matched = (Matched) state;
    if (matched.info().booked() && tick != Tick.NO_SHOW) {
      // An empty booked room before its start is expected: only the no-show grace from the start ends it.
      return Effect().noReply();
    }
    if (!abandoned && tick != Tick.NO_SHOW) {
      return Effect().noReply();
    }
    NoShowPolicy.Absent absent = matched.absentSide();
    if (absent == null) {
      return Effect().persist(new SessionCancelled(sessionId, SessionEntity.SYSTEM, now)).thenRun(s -> roomEnded(matched, (Ended) s)).thenNoReply();
    }
    NoShowPolicy.Decision decision = NoShowPolicy.decide(absent, matched.escrowCents(), billing.studentNoShowTutorSharePercent());
    return Effect()
        .persist(new NoShowRecorded(sessionId, absent, decision.settlement().tutorCents(), now))
        .thenRun(s -> {
          roomEnded(matched, (Ended) s);
          if (decision.tutorStrike()) {
            links.tutor(matched.tutorId(), new TutorEntity.NoShowStrike(sessionId));
          }
        })
        .thenNoReply();
  }
}
