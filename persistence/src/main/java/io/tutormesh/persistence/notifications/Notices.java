package io.tutormesh.persistence.notifications;

import io.tutormesh.engine.session.SessionEntity.TutorMatched;
import io.tutormesh.engine.tutor.TutorEntity.PayoutSettled;
import io.tutormesh.persistence.notifications.Notification.Recipient;
import io.tutormesh.persistence.notifications.ReminderPlan.Reminder;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The notifications the platform sends, as pure functions of what happened: ids, groups, texts
 * and due times. Whoever reacts to an event (a projection, a booking flow) picks the recipients'
 * addresses and enqueues what these return; enqueueing one twice is harmless (same id).
 *
 * <p>Groups: a session's confirmation and reminders are in the group {@code <sessionId>}, which
 * {@link Outbox#cancelGroup} cancels when the lesson is cancelled. The cancellation notice itself
 * is in {@link #cancellationGroup} so that cancelling the session does not cancel it.
 */
public final class Notices {

  public static final String BOOKING_CONFIRMED = "booking-confirmed";
  public static final String CANCELLED = "cancelled";
  public static final String MATCHED = "matched";
  public static final String PAYOUT = "payout";

  private Notices() {}

  /** The group of a session's confirmation and reminders: its id. */
  public static String sessionGroup(String sessionId) {
    return sessionId;
  }

  /** The group of a session's cancellation notices: apart from {@link #sessionGroup}. */
  public static String cancellationGroup(String sessionId) {
    return sessionId + "/cancelled";
  }

  /** Sent at once: the booking of a lesson at {@code start}. */
  public static Notification bookingConfirmed(
      String sessionId, String subject, Instant start, int durationMinutes, Recipient to, Instant now) {
    return Notification.of(sessionGroup(sessionId), BOOKING_CONFIRMED, null, to,
        "Lesson booked: " + subject + " on " + start,
        "Your " + durationMinutes + "-minute " + subject + " lesson is booked for " + start
            + " (UTC). Session " + sessionId + ".",
        now);
  }

  /** The reminders of a {@link ReminderPlan}, to one recipient. */
  public static List<Notification> reminders(ReminderPlan plan, String subject, Recipient to) {
    return plan.reminders().stream().map(reminder -> reminder(plan, reminder, subject, to)).toList();
  }

  /** One reminder of a plan. */
  public static Notification reminder(ReminderPlan plan, Reminder reminder, String subject, Recipient to) {
    return Notification.of(sessionGroup(plan.sessionId()), ReminderPlan.KIND, reminder.qualifier(), to,
        "Reminder: " + subject + " lesson at " + plan.start(),
        "Your " + subject + " lesson starts at " + plan.start() + " (UTC). Session " + plan.sessionId() + ".",
        reminder.dueAt());
  }

  /** Sent at once: the lesson at {@code start} was cancelled (its reminders are cancelled apart). */
  public static Notification cancelled(String sessionId, Instant start, Recipient to, Instant now) {
    return Notification.of(cancellationGroup(sessionId), CANCELLED, null, to,
        "Lesson cancelled",
        "The lesson of " + start + " (UTC) was cancelled. Session " + sessionId + ".",
        now);
  }

  /** Sent at once: an instant request found its tutor (to the student, or to the tutor). */
  public static Notification matched(TutorMatched event, Recipient to) {
    return Notification.of(sessionGroup(event.sessionId()), MATCHED, null, to,
        "Your tutor is ready",
        "Session " + event.sessionId() + " is matched with tutor " + event.tutorId()
            + ". Join the room now.",
        event.at());
  }

  /** Sent at once: the provider's answer to a tutor's payout. */
  public static Notification payout(PayoutSettled event, String currency, Recipient to) {
    String amount = BigDecimal.valueOf(event.amountCents()).movePointLeft(2).toPlainString() + " " + currency;
    boolean paid = event.result().isSucceeded();
    return Notification.of("payout-" + event.payoutId(), PAYOUT, paid ? "paid" : "failed", to,
        paid ? "Payout sent: " + amount : "Payout failed: " + amount,
        paid
            ? "Your payout " + event.payoutId() + " of " + amount + " is on its way."
            : "Your payout " + event.payoutId() + " of " + amount
                + " did not go through; the amount is available again in your earnings.",
        event.at());
  }
}
