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
import io.tutormesh.engine.session.SessionEntity.Info;
import io.tutormesh.engine.session.SessionEntity.Matched;
import io.tutormesh.engine.session.SessionEntity.SessionBooked;
import io.tutormesh.engine.session.SessionEntity.SlotAnswer;
import io.tutormesh.engine.session.SessionEntity.StartBooking;
import io.tutormesh.engine.session.SessionEntity.State;
import io.tutormesh.engine.session.SessionEntity.Tick;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.util.Optional;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A booked lesson's confirmation, a saga re-driven until answered: {@link SessionEntity.BookingRequested},
 * then the tutor reserves the slot, then the student's wallet holds the price, then
 * {@link SessionEntity.SessionBooked}; a refused step or the deadline ends it
 * {@link SessionEntity.BookingFailed} with nothing left reserved or held.
 */
final class BookingSaga extends SessionPart {

  private static final Rejection BOOKING_TOO_LATE =
      Rejection.unavailable("the booking could not be confirmed in time (the node is busy); nothing was booked; retry");

  /** The booking being confirmed: who waits for its outcome (null after a restart: nobody). */
  private StartBooking pendingBooking;
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
          pendingBooking = command;
          driveBooking((Booking) s);
        })
        .thenNoReply();
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
    pendingBooking = command;
    return Effect().noReply();
  }

  /** Sends the step not answered yet (slot, then hold) and arms its retry. */
  void driveBooking(Booking state) {
    timers.startSingleTimer(Tick.BOOKING, Tick.BOOKING, billing.settlementRetryInterval());
    Info info = state.info();
    InstantRequest r = info.request();
    if (bookedRate == null) {
      links.tutor(state.tutorId(), new TutorEntity.ReserveSlot(
          sessionId, info.studentId(), r.subject(), r.level(), info.start(), r.durationMinutes(), context.getSelf().narrow()));
    } else {
      long price = Pricing.hold(bookedRate, r.durationMinutes());
      links.student(info.studentId(), new StudentEntity.HoldForBooking(sessionId, price, context.getSelf().narrow()));
    }
  }

  ReplyEffect<Event, State> bookingTick(Booking state, Tick tick) {
    if (tick != Tick.BOOKING) {
      return Effect().noReply();
    }
    if (state.pastDeadline(clock.instant())) {
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
    if (state.pastDeadline(clock.instant())) {
      // After a restart the hold may have been placed before: released too (a no-op if it was not).
      return bookingFailed(state, BOOKING_TOO_LATE.toMessage(), true);
    }
    bookedRate = answer.rateCents();
    driveBooking(state);
    return Effect().noReply();
  }

  ReplyEffect<Event, State> holdAnswered(Booking state, BookingHoldAnswer answer) {
    if (bookedRate == null) {
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

  private void booked(Matched state) {
    timers.cancel(Tick.BOOKING);
    if (pendingBooking != null) {
      pendingBooking.replyTo().tell(summary(state));
      pendingBooking = null;
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
          timers.cancel(Tick.BOOKING);
          links.tutor(state.tutorId(), new TutorEntity.ReleaseSlot(sessionId));
          if (pendingBooking != null) {
            pendingBooking.replyTo().tell(StatusReply.error(refusal));
            pendingBooking = null;
          }
          bookedRate = null;
          entity.settlement.settleOrPassivate((Ended) s);
        })
        .thenNoReply();
  }
}
