package io.tutormesh.engine.session;

import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.money.Pricing;
import io.tutormesh.engine.session.SessionEntity.Booking;
import io.tutormesh.engine.session.SessionEntity.BookingFailed;
import io.tutormesh.engine.session.SessionEntity.BookingHoldAnswer;
import io.tutormesh.engine.session.SessionEntity.BookingRequested;
import io.tutormesh.engine.session.SessionEntity.Empty;
import io.tutormesh.engine.session.SessionEntity.Ended;
import io.tutormesh.engine.session.SessionEntity.Event;
import io.tutormesh.engine.session.SessionEntity.HandOverAnswer;
import io.tutormesh.engine.session.SessionEntity.HandOverBooking;
import io.tutormesh.engine.session.SessionEntity.Info;
import io.tutormesh.engine.session.SessionEntity.Matched;
import io.tutormesh.engine.session.SessionEntity.RescheduleRequested;
import io.tutormesh.engine.session.SessionEntity.SessionBooked;
import io.tutormesh.engine.session.SessionEntity.SessionSummary;
import io.tutormesh.engine.session.SessionEntity.SlotAnswer;
import io.tutormesh.engine.session.SessionEntity.StartBooking;
import io.tutormesh.engine.session.SessionEntity.StartReschedule;
import io.tutormesh.engine.session.SessionEntity.State;
import io.tutormesh.engine.session.SessionEntity.Tick;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A booked lesson's confirmation, a saga re-driven until answered: {@link SessionEntity.BookingRequested},
 * then the tutor reserves the slot, then the student's wallet holds the price, then
 * {@link SessionEntity.SessionBooked}; a refused step or the deadline ends it
 * {@link SessionEntity.BookingFailed} with nothing left reserved or held (the ended session frees
 * the slot until the tutor acknowledges it).
 *
 * <p>A reschedule is the same saga in the new session ({@link SessionEntity.RescheduleRequested}):
 * the tutor reserves the new slot (replacing the old lesson), then the old session hands its
 * booking over ({@link SessionEntity.HandOverBooking}) once its escrow has moved to this session in
 * the wallet, and this session is BOOKED at the old rate with the old escrow. Past its deadline it
 * never gives up on its own (the old session may have handed over already): it asks the old
 * session, which refuses every hand-over past that deadline unless it handed over before.
 */
final class BookingSaga extends SessionPart {

  private static final Rejection BOOKING_TOO_LATE =
      Rejection.unavailable("the booking could not be confirmed in time (the node is busy); nothing was booked; retry");

  /** Who waits for the outcome of the booking being confirmed (null after a restart: nobody). */
  private ActorRef<StatusReply<SessionSummary>> pendingReply;
  /** The booking's tutor reserved the slot at this rate (null: not answered yet in this incarnation). */
  private Long bookedRate;

  BookingSaga(SessionEntity entity) {
    super(entity);
  }

  ReplyEffect<Event, State> startBooking(Empty state, StartBooking command) {
    if (entity.dispatch.starting()) {
      return Effect().stash();
    }
    Optional<Rejection> bad = bookingRefusal(command);
    if (bad.isPresent()) {
      return reject(command.replyTo(), bad.get());
    }
    if (command.deadline() != null && clock.instant().isAfter(command.deadline())) {
      return reject(command.replyTo(), BOOKING_TOO_LATE);
    }
    InstantRequest request = new InstantRequest(command.subject(), command.level(), null, 0, command.durationMinutes());
    BookingRequested requested = new BookingRequested(
        sessionId, command.studentId(), command.tutorId(), request, command.currency(), command.start(), command.deadline(), clock.instant());
    return Effect()
        .persist(requested)
        .thenRun(s -> {
          pendingReply = command.replyTo();
          driveBooking((Booking) s);
        })
        .thenNoReply();
  }

  /**
   * The new session of a reschedule (from the old one, which checked who asks and the policy):
   * written first, so that a reserved slot is always either handed a booking or released.
   */
  ReplyEffect<Event, State> startReschedule(Empty state, StartReschedule command) {
    if (entity.dispatch.starting()) {
      return Effect().stash();
    }
    if (command.start() == null) {
      return reject(command.replyTo(), Rejection.invalid("start", "is required"));
    }
    if (command.deadline() != null && clock.instant().isAfter(command.deadline())) {
      return reject(command.replyTo(), BOOKING_TOO_LATE);
    }
    RescheduleRequested requested = new RescheduleRequested(sessionId, command.fromSessionId(), command.byUserId(), command.studentId(),
        command.tutorId(), command.request(), command.currency(), command.start(), command.deadline(), clock.instant());
    return Effect()
        .persist(requested)
        .thenRun(s -> {
          pendingReply = command.replyTo();
          driveBooking((Booking) s);
        })
        .thenNoReply();
  }

  ReplyEffect<Event, State> rescheduleAgain(Booking state, StartReschedule command) {
    if (!command.fromSessionId().equals(state.replacing())) {
      return reject(command.replyTo(), Rejection.conflict("session " + sessionId + " exists already"));
    }
    pendingReply = command.replyTo();
    return Effect().noReply();
  }

  /** What the session itself refuses before anything is written (the slot is the tutor's to judge). */
  static Optional<Rejection> bookingRefusal(StartBooking command) {
    if (command.studentId() == null || command.studentId().isBlank()) {
      return Optional.of(Rejection.invalid("studentId", "is required"));
    }
    if (command.tutorId() == null || command.tutorId().isBlank()) {
      return Optional.of(Rejection.invalid("tutorId", "is required"));
    }
    if (command.start() == null) {
      return Optional.of(Rejection.invalid("start", "is required"));
    }
    if (command.subject() == null || command.subject().isBlank()) {
      return Optional.of(Rejection.invalid("subject", "is required"));
    }
    if (command.level() == null || command.level().isBlank()) {
      return Optional.of(Rejection.invalid("level", "is required"));
    }
    if (command.tutorId().equals(command.studentId())) {
      return Optional.of(Rejection.conflict("you cannot book yourself"));
    }
    return Optional.empty();
  }

  /** Asked again while being confirmed: the newest asker gets the outcome. */
  ReplyEffect<Event, State> bookingAgain(Booking state, StartBooking command) {
    if (!command.studentId().equals(state.info().studentId())) {
      return reject(command.replyTo(), Rejection.conflict("session " + sessionId + " exists already"));
    }
    pendingReply = command.replyTo();
    return Effect().noReply();
  }

  /**
   * Sends the step not answered yet (slot, then hold; for a reschedule: slot, then the old
   * session's hand-over) and arms its retry. A reschedule past its deadline only asks the old
   * session, which refuses unless it handed over before (then the money is on its way here).
   */
  void driveBooking(Booking state) {
    timers.startSingleTimer(Tick.BOOKING, Tick.BOOKING, billing.settlementRetryInterval());
    Info info = state.info();
    InstantRequest r = info.request();
    boolean giveUp = state.reschedule() && state.pastDeadline(clock.instant());
    if (bookedRate == null && !giveUp) {
      links.tutor(state.tutorId(), new TutorEntity.ReserveSlot(
          sessionId, info.studentId(), r.subject(), r.level(), info.start(), r.durationMinutes(), context.getSelf().narrow(), state.replacing()));
    } else if (state.reschedule()) {
      links.session(state.replacing(),
          new HandOverBooking(sessionId, state.rescheduledBy(), info.start(), state.deadline(), context.getSelf().narrow()));
    } else {
      long price = Pricing.hold(bookedRate, r.durationMinutes());
      StudentEntity.BookedLesson lesson =
          new StudentEntity.BookedLesson(sessionId, state.tutorId(), r.subject(), r.level(), info.start(), info.end());
      links.student(info.studentId(), new StudentEntity.HoldForBooking(sessionId, price, context.getSelf().narrow(), lesson));
    }
  }

  ReplyEffect<Event, State> bookingTick(Booking state, Tick tick) {
    if (tick != Tick.BOOKING) {
      return Effect().noReply();
    }
    if (state.pastDeadline(clock.instant()) && !state.reschedule()) {
      // A hold may be in flight or placed before a restart: released (idempotently) with the slot.
      return bookingFailed(state, BOOKING_TOO_LATE.toMessage(), true);
    }
    driveBooking(state);
    return Effect().noReply();
  }

  ReplyEffect<Event, State> slotAnswered(Booking state, SlotAnswer answer) {
    if (bookedRate != null) {
      return Effect().noReply();
    }
    if (!answer.reserved()) {
      return bookingFailed(state, answer.refusal(), false);
    }
    if (state.pastDeadline(clock.instant()) && !state.reschedule()) {
      // After a restart the hold may have been placed before: released too (a no-op if it was not).
      return bookingFailed(state, BOOKING_TOO_LATE.toMessage(), true);
    }
    bookedRate = answer.rateCents();
    driveBooking(state);
    return Effect().noReply();
  }

  ReplyEffect<Event, State> holdAnswered(Booking state, BookingHoldAnswer answer) {
    if (bookedRate == null || state.reschedule()) {
      return Effect().noReply();
    }
    if (!answer.held()) {
      return bookingFailed(state, answer.refusal(), false);
    }
    if (state.pastDeadline(clock.instant())) {
      return bookingFailed(state, BOOKING_TOO_LATE.toMessage(), true);
    }
    return Effect()
        .persist(new SessionBooked(sessionId, state.tutorId(), bookedRate, answer.heldCents(), clock.instant()))
        .thenRun(s -> booked((Matched) s))
        .thenNoReply();
  }

  /**
   * The old session's answer: handed over (its escrow is moving to this session in the wallet):
   * BOOKED at the old rate with the old escrow; refused: this reschedule fails and its slot is freed.
   */
  ReplyEffect<Event, State> handOverAnswered(Booking state, HandOverAnswer answer) {
    if (!state.reschedule()) {
      return Effect().noReply();
    }
    if (!answer.handedOver()) {
      return bookingFailed(state, answer.refusal(), false);
    }
    return Effect()
        .persist(new SessionBooked(sessionId, state.tutorId(), answer.rateCents(), answer.escrowCents(), clock.instant()))
        .thenRun(s -> booked((Matched) s))
        .thenNoReply();
  }

  private void booked(Matched state) {
    timers.cancel(Tick.BOOKING);
    if (pendingReply != null) {
      pendingReply.tell(summary(state));
      pendingReply = null;
    }
    entity.rooms.armNoShow(state);
    entity.rooms.notifySubscribers(state);
  }

  /** A refused step: nothing stays reserved (the tutor's slot, idempotently, released) or held (a refused hold holds nothing). */
  private ReplyEffect<Event, State> bookingFailed(Booking state, String reason, boolean releaseHold) {
    String refusal = reason == null ? Rejection.conflict("the slot is not bookable").toMessage() : reason;
    return Effect()
        .persist(new BookingFailed(sessionId, refusal, releaseHold, clock.instant()))
        .thenRun(s -> {
          // The slot's release is driven by the ended session until the tutor acknowledges it.
          timers.cancel(Tick.BOOKING);
          if (pendingReply != null) {
            pendingReply.tell(StatusReply.error(refusal));
            pendingReply = null;
          }
          bookedRate = null;
          entity.settlement.settleOrPassivate((Ended) s);
        })
        .thenNoReply();
  }
}
