package io.tutormesh.persistence.notifications;

import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.session.SessionEntity.BookingRequested;
import io.tutormesh.engine.session.SessionEntity.InstantRequested;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.persistence.notifications.Contacts.Contact;
import io.tutormesh.persistence.notifications.Notification.Recipient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns events into rows of the {@link Outbox}: it rides on the projections that already read
 * those events ({@code kpi-sessions} over {@code session-0..3}, {@code ledger-tutors} over {@code
 * tutor-0..3}) through a {@code ChainedHandler}, so no event stream is read twice.
 *
 * <p>At least once, and safe to replay: every notification's id is derived from its session (or
 * payout), kind, offset and recipient ({@link Notification#id}), so an event seen again finds its
 * rows and adds none; a cancelled session's group stays cancelled, so a replayed booking
 * schedules nothing again. An event that cannot make a valid notification (bad data) is logged
 * and passed over rather than retried for ever, which would stop the projection it rides on; a
 * failure to read a contact or to write the outbox fails the envelope, and the projection tries it
 * again.
 */
public final class NotificationHandler {

  private static final Logger log = LoggerFactory.getLogger(NotificationHandler.class);
  private static final CompletionStage<Done> DONE = CompletableFuture.completedFuture(Done.getInstance());

  private NotificationHandler() {}

  /**
   * The session events: a booked lesson (confirmation to both participants, reminders at each
   * offset before its start), a booked lesson cancelled before its start (its confirmation and
   * reminders cancelled, a cancellation notice to both), an instant match (a notice to the
   * student). What the session was opened with (student, subject, start) is its first event,
   * read by {@code firstEvent} (persistence id → event); a match carries its student ({@link
   * SessionEntity.TutorMatched#studentId}), so only one written before it did reads it.
   */
  public static final class Sessions extends Handler<EventEnvelope<SessionEntity.Event>> {
    private final Outbox outbox;
    private final Contacts contacts;
    private final Function<String, CompletionStage<Optional<Object>>> firstEvent;
    private final List<Duration> reminderOffsets;
    private final Clock clock;

    public Sessions(Outbox outbox, Contacts contacts, Function<String, CompletionStage<Optional<Object>>> firstEvent,
        List<Duration> reminderOffsets, Clock clock) {
      this.outbox = outbox;
      this.contacts = contacts;
      this.firstEvent = firstEvent;
      this.reminderOffsets = List.copyOf(reminderOffsets);
      this.clock = clock;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<SessionEntity.Event> envelope) {
      SessionEntity.Event event = envelope.event();
      if (event instanceof SessionEntity.SessionBooked booked) {
        return opening(envelope).thenCompose(first -> first instanceof BookingRequested requested
            ? booked(booked, requested)
            : unexpected(envelope, first));
      }
      if (event instanceof SessionEntity.SessionCancelled cancelled) {
        return opening(envelope).thenCompose(first -> first instanceof BookingRequested requested
            ? cancelled(cancelled, requested)
            : DONE); // an instant session: nothing was scheduled for it
      }
      if (event instanceof SessionEntity.TutorMatched matched && matched.studentId() != null) {
        return matched(matched, matched.studentId());
      }
      if (event instanceof SessionEntity.TutorMatched matched) {
        // Written before a match carried its student: the request says who it was.
        return opening(envelope).thenCompose(first -> first instanceof InstantRequested requested
            ? matched(matched, requested.studentId())
            : unexpected(envelope, first));
      }
      return DONE;
    }

    private CompletionStage<Object> opening(EventEnvelope<SessionEntity.Event> envelope) {
      return firstEvent.apply(envelope.persistenceId()).thenApply(first -> first.orElse(null));
    }

    private CompletionStage<Done> booked(SessionEntity.SessionBooked booked, BookingRequested requested) {
      String subject = requested.request().subject();
      int minutes = requested.request().durationMinutes();
      return participants(requested.studentId(), booked.tutorId()).thenCompose(recipients -> enqueueAll(
          "booking of " + booked.sessionId(),
          () -> {
            Instant now = clock.instant();
            ReminderPlan plan = ReminderPlan.of(booked.sessionId(), requested.start(), reminderOffsets, now);
            List<Notification> notifications = new ArrayList<>();
            for (Recipient to : recipients) {
              notifications.add(Notices.bookingConfirmed(booked.sessionId(), subject, requested.start(), minutes, to, now));
              notifications.addAll(Notices.reminders(plan, subject, to));
            }
            return notifications;
          }));
    }

    private CompletionStage<Done> cancelled(SessionEntity.SessionCancelled cancelled, BookingRequested requested) {
      String sessionId = cancelled.sessionId();
      // The reminders go first: whatever happens next, none is sent for a cancelled lesson.
      CompletionStage<Integer> reminders = outbox.cancelGroup(Notices.sessionGroup(sessionId));
      if (!cancelled.at().isBefore(requested.start())) {
        return reminders.thenApply(count -> Done.getInstance()); // ended unattended after its start: no notice
      }
      return reminders.thenCompose(count -> participants(requested.studentId(), requested.tutorId()))
          .thenCompose(recipients -> enqueueAll("cancellation of " + sessionId, () -> recipients.stream()
              .map(to -> Notices.cancelled(sessionId, requested.start(), to, clock.instant()))
              .toList()));
    }

    private CompletionStage<Done> matched(SessionEntity.TutorMatched matched, String studentId) {
      return contacts.student(studentId).thenCompose(student -> enqueueAll(
          "match of " + matched.sessionId(),
          () -> recipientsOf(student).stream().map(to -> Notices.matched(matched, to)).toList()));
    }

    private CompletionStage<List<Recipient>> participants(String studentId, String tutorId) {
      return contacts.student(studentId).thenCompose(student -> contacts.tutor(tutorId).thenApply(tutor -> {
        List<Recipient> recipients = new ArrayList<>(recipientsOf(student));
        recipients.addAll(recipientsOf(tutor));
        return recipients;
      }));
    }

    private CompletionStage<Done> unexpected(EventEnvelope<SessionEntity.Event> envelope, Object first) {
      log.warn("Notifications: {} of {} has no opening event to go with it (first event: {}); no notification",
          envelope.event().getClass().getSimpleName(), envelope.persistenceId(),
          first == null ? "none" : first.getClass().getSimpleName());
      return DONE;
    }

    private CompletionStage<Done> enqueueAll(String what, Supplier<List<Notification>> make) {
      return NotificationHandler.enqueueAll(outbox, what, make);
    }
  }

  /** The tutors' events: a payout settled (paid or failed), to the tutor. */
  public static final class Tutors extends Handler<EventEnvelope<TutorEntity.Event>> {
    private final Outbox outbox;
    private final Contacts contacts;
    private final String currency;

    /** @param currency the platform's, the one payouts are made in */
    public Tutors(Outbox outbox, Contacts contacts, String currency) {
      this.outbox = outbox;
      this.contacts = contacts;
      this.currency = currency;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<TutorEntity.Event> envelope) {
      if (!(envelope.event() instanceof TutorEntity.PayoutSettled payout)) {
        return DONE;
      }
      return contacts.tutor(payout.tutorId()).thenCompose(tutor -> NotificationHandler.enqueueAll(outbox,
          "payout " + payout.payoutId(),
          () -> recipientsOf(tutor).stream().map(to -> Notices.payout(payout, currency, to)).toList()));
    }
  }

  private static List<Recipient> recipientsOf(Optional<Contact> contact) {
    return contact.map(Contact::recipients).orElse(List.of());
  }

  /**
   * Makes the notifications (an {@link IllegalArgumentException} there is bad data: logged,
   * passed over) and enqueues them one after the other (a failure fails the envelope: retried).
   */
  private static CompletionStage<Done> enqueueAll(Outbox outbox, String what, Supplier<List<Notification>> make) {
    List<Notification> notifications;
    try {
      notifications = make.get();
    } catch (IllegalArgumentException e) {
      log.warn("Notifications: nothing sent for the {}: {}", what, e.getMessage());
      return DONE;
    }
    CompletionStage<Done> done = DONE;
    for (Notification notification : notifications) {
      done = done.thenCompose(previous -> outbox.enqueue(notification)).thenApply(enqueued -> Done.getInstance());
    }
    return done;
  }
}
