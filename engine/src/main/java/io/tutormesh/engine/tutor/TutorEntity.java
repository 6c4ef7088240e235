package io.tutormesh.engine.tutor;

import io.tutormesh.engine.catalog.ProfileRules;
import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.ledger.LedgerEvent;
import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.matching.Offer;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.money.Earnings;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.PaymentProvider;
import io.tutormesh.engine.money.PlanDue;
import io.tutormesh.engine.money.PlanTimes;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.Subscription;
import io.tutormesh.engine.review.ReceivedReviews;
import io.tutormesh.engine.review.Review;
import io.tutormesh.engine.review.ReviewList;
import io.tutormesh.engine.review.ReviewSettings;
import io.tutormesh.engine.money.SubscriptionDriver;
import io.tutormesh.engine.schedule.Schedule;
import io.tutormesh.engine.schedule.ScheduleDraft;
import io.tutormesh.engine.schedule.ScheduleRules;
import io.tutormesh.engine.schedule.ScheduleSettings;
import io.tutormesh.engine.schedule.SlotExpansion;
import io.tutormesh.engine.schedule.TimeRange;
import io.tutormesh.engine.session.SessionEntity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
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
 * One tutor (sharded, event-sourced, id = tutor id): the profile (the first valid {@link
 * UpdateProfile} registers the tutor), reservations, sanctions, earnings and payouts, and the
 * tutor's plan ({@link Subscribe}): a {@link Subscription} charged through the payment provider
 * every period exactly as a student's is (the charge written down with its idempotency key before
 * the provider is asked, re-driven after a restart), whose commission reduction applies to the
 * sessions credited while it is paid up. Presence is volatile and not persisted.
 *
 * <p>It also keeps the tutor's schedule ({@link SetSchedule}, checked by {@link ScheduleRules}
 * before anything is persisted) and answers the bookable slots ({@link GetSlots}) with {@link
 * SlotExpansion}, as the single writer of the tutor's calendar.
 */
public final class TutorEntity
    extends EventSourcedBehaviorWithEnforcedReplies<TutorEntity.Command, TutorEntity.Event, TutorEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Tutor");

  /** Money events ({@code LedgerEvent}) are spread over this many tags, {@code tutor-0} to {@code tutor-3}. */
  public static final int TAG_COUNT = 4;
  public static final List<String> TAGS = List.of("tutor-0", "tutor-1", "tutor-2", "tutor-3");
  /**
   * The few rare events that change what tutor search shows ({@link #changesDirectory}: profile,
   * suspension, rating) are spread over these tags as well, by the same hash as {@link #TAGS}.
   */
  public static final List<String> DIRECTORY_TAGS =
      List.of("tutor-directory-0", "tutor-directory-1", "tutor-directory-2", "tutor-directory-3");

  // --- the profile and the replies ---

  /**
   * @param email where the tutor's notifications go by e-mail (null: none); private, never on the
   *     public profile (null in events written before it existed)
   * @param phone an E.164 number for SMS notifications (null: none); private as {@code email}
   */
  public record TutorProfile(
      String displayName,
      List<SubjectOffer> subjects,
      List<String> languages,
      long rateCents,
      String currency,
      String timezone,
      String bio,
      String email,
      String phone) implements CborSerializable {

    public TutorProfile {
      subjects = frozen(subjects);
      languages = frozen(languages);
    }

    /** A profile without contact details. */
    public TutorProfile(
        String displayName, List<SubjectOffer> subjects, List<String> languages, long rateCents, String currency,
        String timezone, String bio) {
      this(displayName, subjects, languages, rateCents, currency, timezone, bio, null, null);
    }

    /** The profile as stored: display name and bio trimmed, contact details as {@link ProfileRules#contact}, everything else as sent. */
    public TutorProfile normalised() {
      return new TutorProfile(trimmed(displayName), subjects, languages, rateCents, currency, timezone, trimmed(bio),
          ProfileRules.contact(email), ProfileRules.contact(phone));
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

  /** ONLINE = available for offers; BUSY = in a session; AWAY = connected but not taking offers. */
  public enum Presence { ONLINE, AWAY, BUSY, OFFLINE }

  /** @param reviews the last visible reviews about the tutor, newest first */
  public record TutorSummary(
      String tutorId,
      TutorProfile profile,
      Rating rating,
      Presence presence,
      Instant createdAt,
      Instant updatedAt,
      List<Review> reviews) implements CborSerializable {

    public TutorSummary {
      reviews = reviews == null ? List.of() : List.copyOf(reviews);
    }

    public TutorSummary(String tutorId, TutorProfile profile, Rating rating, Presence presence, Instant createdAt, Instant updatedAt) {
      this(tutorId, profile, rating, presence, createdAt, updatedAt, List.of());
    }
  }

  /** The answer to a presence command: where the tutor stands now. */
  public record PresenceState(Presence presence, boolean suspended, String activeSessionId) implements CborSerializable {}

  /** Where the tutor's messages go: sharded entities and topics in a node, fakes in unit tests. */
  public interface Links {
    void pool(String subject, MatchPool.Command command);

    void session(String sessionId, SessionEntity.Command command);

    CompletionStage<SessionEntity.TutorHold> checkHold(String sessionId, String tutorId);

    void publish(AvailabilityEvent event);

    Links NONE =
        new Links() {
          @Override
          public void pool(String subject, MatchPool.Command command) {}

          @Override
          public void session(String sessionId, SessionEntity.Command command) {}

          @Override
          public CompletionStage<SessionEntity.TutorHold> checkHold(String sessionId, String tutorId) {
            return CompletableFuture.completedFuture(new SessionEntity.TutorHold(sessionId, tutorId, true));
          }

          @Override
          public void publish(AvailabilityEvent event) {}
        };
  }

  // --- what the tutor's socket receives ---

  public sealed interface Notification extends CborSerializable {}

  public record OfferMade(Offer offer) implements Notification {}

  /** The offer is no longer valid (taken, expired, cancelled). */
  public record OfferWithdrawn(String offerId, MatchPool.Outcome reason) implements Notification {}

  /** Presence changed by the engine rather than by the tutor (e.g. AWAY after timeouts, suspended). */
  public record PresenceChanged(Presence presence, String reason) implements Notification {}

  /** Another connection of the same tutor took over: this one should close. */
  public record Replaced(String connectionId) implements Notification {}

  // --- commands ---

  public sealed interface Command extends CborSerializable {}

  /** Registers the tutor (first time) or replaces the profile. Answers the new summary. */
  public record UpdateProfile(TutorProfile profile, ActorRef<StatusReply<TutorSummary>> replyTo) implements Command {}

  public record GetTutor(ActorRef<StatusReply<TutorSummary>> replyTo) implements Command {}

  /**
   * Just how the tutor is reached (the notifications ask it, per notified event): cheaper than
   * {@link GetTutor}, which carries the reviews and presence. Refused when not registered, like GetTutor.
   */
  public record GetContact(ActorRef<StatusReply<ContactDetails>> replyTo) implements Command {}

  /** The answer to {@link GetContact}: the profile's e-mail and phone, each null when not given. */
  public record ContactDetails(String tutorId, String email, String phone) implements CborSerializable {}

  /** The tutor's socket opened: ONLINE and available for offers. A previous connection is replaced. */
  public record Connect(String connectionId, ActorRef<Notification> socket, ActorRef<StatusReply<PresenceState>> replyTo)
      implements Command {}

  /**
   * Sent by an open socket every `tutormesh.presence.heartbeat-interval`: refreshes the MatchPools
   * and, after a failover of this entity, announces the connection again.
   */
  public record Heartbeat(String connectionId, ActorRef<Notification> socket, boolean available) implements Command {}

  /** `status AVAILABLE` / `AWAY` from the socket. */
  public record SetAvailability(String connectionId, boolean available, ActorRef<StatusReply<PresenceState>> replyTo)
      implements Command {}

  /** The socket closed (or its heartbeat was missed): OFFLINE, outstanding offers handed back. */
  public record Disconnect(String connectionId) implements Command {}

  /** From a session: show this offer to the tutor (or say it cannot be shown). */
  public record DeliverOffer(Offer offer) implements Command {}

  /** From a session: how an offer ended (a timeout counts as a strike). */
  public record OfferSettled(String offerId, MatchPool.Outcome outcome) implements Command {}

  /**
   * From a session whose offer the tutor accepted: AVAILABLE → BUSY, or refused (also when a booked
   * lesson is in progress or starts within {@code durationMinutes}). Idempotent.
   *
   * @param durationMinutes the instant session's length (null: unknown, the longest one is assumed)
   */
  public record Reserve(String sessionId, String studentId, Integer durationMinutes, ActorRef<StatusReply<Done>> replyTo) implements Command {
    public Reserve(String sessionId, String studentId, ActorRef<StatusReply<Done>> replyTo) {
      this(sessionId, studentId, null, replyTo);
    }
  }

  /** From a session that no longer needs the tutor (cancelled, ended). Idempotent. */
  public record Release(String sessionId) implements Command {}

  /**
   * From a SessionEntity booking a lesson: reserve {@code [start, start + durationMinutes)} in the
   * calendar if {@link BookingRules} allow it and the tutor teaches {@code subject} at {@code
   * level}. Idempotent by session: asked again, it answers the reservation it made. The answer
   * carries the tutor's rate (the booking's price) or why the slot is not bookable.
   */
  public record ReserveSlot(
      String sessionId,
      String studentId,
      String subject,
      String level,
      Instant start,
      int durationMinutes,
      ActorRef<SessionEntity.SlotAnswer> replyTo,
      String replacingSessionId) implements Command {

    /**
     * @param replacingSessionId a reschedule: the booked lesson of that session (same student) is
     *     about to be released, so the new slot may overlap it, and keeps its rate. Null: a new booking.
     */
    public ReserveSlot(
        String sessionId, String studentId, String subject, String level, Instant start, int durationMinutes,
        ActorRef<SessionEntity.SlotAnswer> replyTo) {
      this(sessionId, studentId, subject, level, start, durationMinutes, replyTo, null);
    }
  }

  /**
   * A booked lesson was cancelled, failed, rescheduled or ended: its slot is free again. Idempotent
   * (a no-op if it is not in the calendar); acknowledged to {@code replyTo} every time, once the
   * release is written, so that the session sends it again until it is (null: not acknowledged).
   */
  public record ReleaseSlot(String sessionId, ActorRef<SessionEntity.SlotFreed> replyTo) implements Command {
    public ReleaseSlot(String sessionId) {
      this(sessionId, null);
    }
  }

  /** The tutor's upcoming booked lessons (those not ended yet), by start. */
  public record GetCalendar(ActorRef<StatusReply<Calendar>> replyTo) implements Command {}

  public record Calendar(String tutorId, List<BookingRules.BookedSlot> bookings) implements CborSerializable {}

  /**
   * From a session the tutor did not show up for (NO_SHOW): a strike, like missed offers. The
   * tutor is set AWAY and told why; the no-show itself is recorded by the session (and counted in
   * the KPIs).
   */
  public record NoShowStrike(String sessionId) implements Command {}

  /**
   * From a session: a review about this tutor (by its student), or its hidden version. Applied
   * once by review id and version ({@link ReceivedReviews}); answered every time with {@link
   * SessionEntity.ReviewAcknowledged}, sent to the session through sharding.
   */
  public record ReceiveReview(Review review) implements Command {}

  /** The last visible reviews about the tutor and its rating. */
  public record GetReviews(ActorRef<StatusReply<ReviewList>> replyTo) implements Command {}

  public record Suspend(String reason, ActorRef<StatusReply<TutorSummary>> replyTo) implements Command {}

  public record Reinstate(ActorRef<StatusReply<TutorSummary>> replyTo) implements Command {}

  /**
   * From a completed session's settlement: credit {@code grossCents} (what the student's wallet
   * released) for {@code minutes} of teaching. The commission is the ladder's percent for the
   * tutor's completed hours before this session, less the reduction points of the tutor plan paid
   * up when it is credited (never below 0). Idempotent by session: answers {@link
   * SessionEntity.TutorCredited} every time, crediting only once.
   */
  public record CreditSession(
      String sessionId, String studentId, long grossCents, long minutes, Instant endedAt, ActorRef<SessionEntity.TutorCredited> replyTo)
      implements Command {}

  /**
   * A tutor's earnings as the API shows them, at {@code asOf}, with the tutor plan paid up now
   * ({@code planId}, null: none) and the commission percent the next credited session would pay.
   */
  public record EarningsSummary(String tutorId, Earnings earnings, String currency, Instant asOf, String planId, Integer commissionPercent)
      implements CborSerializable {
    public EarningsSummary(String tutorId, Earnings earnings, String currency, Instant asOf) {
      this(tutorId, earnings, currency, asOf, null, null);
    }
  }

  public record GetEarnings(ActorRef<StatusReply<EarningsSummary>> replyTo) implements Command {}

  /** How a tutor is paid out: the payment provider, and how soon a payout without an answer is asked again. */
  public record Payouts(PaymentProvider provider, Duration retryInterval) {}

  /** What a payout came to; the same for every retry with its key. */
  public record PayoutResult(Earnings.Payout payout, long availableCents, String currency) implements CborSerializable {}

  /**
   * Pays {@code amountCents} of the available earnings out to the provider's account {@code
   * accountId}, under the client's idempotency key: the same key and request again answer the
   * first result (waiting for it if it is still being paid); the same key with another request is
   * refused; more than is available is refused and moves nothing.
   */
  public record PayOut(String key, long amountCents, String accountId, ActorRef<StatusReply<PayoutResult>> replyTo) implements Command {}

  /**
   * From a disputed session: its credit stays pending until the dispute is resolved (also when it
   * arrives before the credit). Idempotent: answers {@link SessionEntity.CreditFrozen} every time.
   */
  public record FreezeCredit(String sessionId, ActorRef<SessionEntity.CreditFrozen> replyTo) implements Command {}

  /**
   * From a session an admin refunded: its credit is taken back (net and commission). Idempotent by
   * session: answers {@link SessionEntity.CreditReversed} every time, reversing once.
   */
  public record ReverseCredit(String sessionId, ActorRef<SessionEntity.CreditReversed> replyTo) implements Command {}

  /**
   * From a session whose dispute an admin released: the credit is unfrozen and available at once.
   * Idempotent: answers {@link SessionEntity.CreditUnfrozen} every time.
   */
  public record UnfreezeCredit(String sessionId, ActorRef<SessionEntity.CreditUnfrozen> replyTo) implements Command {}

  /**
   * Replaces the tutor's schedule (weekly rules and exceptions, local times in its zone). Checked by
   * {@link ScheduleRules} first: a broken rule is refused (INVALID, the field named) and nothing is
   * persisted. Answers the schedule as stored.
   */
  public record SetSchedule(ScheduleDraft draft, ActorRef<StatusReply<TutorSchedule>> replyTo) implements Command {}

  public record GetSchedule(ActorRef<StatusReply<TutorSchedule>> replyTo) implements Command {}

  /**
   * The bookable slots starting in [from, to) (nulls: now, from + default-query-window) of {@code
   * durationMinutes} (null: the default), computed by {@link SlotExpansion} from the schedule and
   * what keeps the tutor busy (a live session).
   */
  public record GetSlots(Instant from, Instant to, Integer durationMinutes, ActorRef<StatusReply<BookableSlots>> replyTo)
      implements Command {}

  /** A tutor's schedule; {@code schedule} null when none was ever set (no bookable slots). */
  public record TutorSchedule(String tutorId, Schedule schedule, Instant updatedAt) implements CborSerializable {}

  public record BookableSlots(String tutorId, Instant from, Instant to, int durationMinutes, List<TimeRange> slots)
      implements CborSerializable {
    public BookableSlots {
      slots = List.copyOf(slots);
    }
  }

  /** A tutor's plan as the API shows it (null subscription: never subscribed). */
  public record SubscriptionView(String tutorId, Subscription subscription) implements CborSerializable {}

  /**
   * Subscribes to a tutor plan (its first period is charged now to {@code paymentMethod}); the reply
   * comes once the provider answered. The same plan while it is active: its view, nothing charged.
   * Another plan while one is active or being charged: refused (cancel it first). A student plan or
   * an unknown one: refused, nothing written.
   */
  public record Subscribe(String planId, String paymentMethod, ActorRef<StatusReply<SubscriptionView>> replyTo) implements Command {}

  /** Cancels the plan at the end of the paid period (no refund); a past-due plan ends now. Idempotent. */
  public record CancelSubscription(ActorRef<StatusReply<SubscriptionView>> replyTo) implements Command {}

  public record GetSubscription(ActorRef<StatusReply<SubscriptionView>> replyTo) implements Command {}

  /**
   * The durable plan waker's wake-up (the entity may have been passivated, its timer gone): does
   * what is due of the plan (renew, end, lapse) and answers when to look again. Idempotent.
   */
  public record CheckPlan(ActorRef<PlanDue> replyTo) implements Command {}

  /** The plan's own messages (provider answers, timers), for {@link SubscriptionDriver}. */
  private record PlanStep(SubscriptionDriver.Step step) implements Command {}

  private record PayoutAnswered(String payoutId, ProviderResult result) implements Command {}

  private record PayoutUnknown(String payoutId, String error) implements Command {}

  private record RetryPayout(String payoutId) implements Command {}

  private record SocketGone(String connectionId) implements Command {}

  private record HoldChecked(String sessionId, boolean holds) implements Command {}

  // --- events ---

  public sealed interface Event extends CborSerializable {
    String tutorId();

    Instant at();
  }

  public record TutorRegistered(String tutorId, TutorProfile profile, Instant at) implements Event {}

  public record TutorProfileUpdated(String tutorId, TutorProfile profile, Instant at) implements Event {}

  public record TutorReserved(String tutorId, String sessionId, String studentId, Instant at) implements Event {}

  public record TutorReleased(String tutorId, String sessionId, Instant at) implements Event {}

  /** A lesson was booked into the calendar: {@code [start, end)} for the session, at {@code rateCents} per hour. */
  public record SlotReserved(
      String tutorId, String sessionId, String studentId, Instant start, Instant end, long rateCents, Instant at, String subject, String level)
      implements Event {
    /** As written before subjects were recorded (null subject and level). */
    public SlotReserved(String tutorId, String sessionId, String studentId, Instant start, Instant end, long rateCents, Instant at) {
      this(tutorId, sessionId, studentId, start, end, rateCents, at, null, null);
    }
  }

  /** A booked lesson left the calendar (cancelled, failed or ended). */
  public record SlotReleased(String tutorId, String sessionId, Instant at) implements Event {}

  /**
   * A review about the tutor (or its hidden version) was applied to its rating and recent reviews.
   *
   * @param rating the tutor's rating once it is applied (for the read sides, e.g. tutor search);
   *     null in events written before it was carried
   */
  public record ReviewReceived(String tutorId, Review review, Instant at, Rating rating) implements Event {
    public ReviewReceived(String tutorId, Review review, Instant at) {
      this(tutorId, review, at, null);
    }
  }

  public record TutorSuspended(String tutorId, String reason, Instant at) implements Event {}

  public record TutorReinstated(String tutorId, Instant at) implements Event {}

  /** A completed session's earnings: its gross split by the ladder, net pending for the dispute window. */
  public record EarningsCredited(String tutorId, String sessionId, Earnings.Credit credit, Instant at) implements Event, LedgerEvent {}

  /** A session was disputed: its credit is frozen (pending) until the dispute is resolved. No money moves. */
  public record EarningsFrozen(String tutorId, String sessionId, Instant at) implements Event {}

  /** An admin released a disputed session: its credit is unfrozen and available from now on. No money moves. */
  public record EarningsReleased(String tutorId, String sessionId, Instant at) implements Event {}

  /** An admin refunded a session: its credit (net to the tutor, commission to the platform) is taken back. */
  public record EarningsReversed(String tutorId, String sessionId, Earnings.Credit credit, Instant at) implements Event, LedgerEvent {}

  /** A payout is about to be asked of the provider (recorded first, so that a crash re-drives it). */
  public record PayoutStarted(String tutorId, Earnings.Payout payout, Instant at) implements Event {}

  /** The provider's answer to a payout: paid out if it succeeded, available again otherwise. */
  public record PayoutSettled(String tutorId, String payoutId, long amountCents, ProviderResult result, Instant at) implements Event, LedgerEvent {
    @Override
    public boolean movesMoney() {
      return result.isSucceeded();
    }
  }

  /** The tutor's schedule was replaced (always a valid one: checked before it is persisted). */
  public record ScheduleSet(String tutorId, Schedule schedule, Instant at) implements Event {}

  /**
   * Period {@code period} of the tutor's plan is about to be charged (written before the provider is
   * asked, so that a crash re-drives it with the same key); period 1 starts the subscription.
   */
  public record SubscriptionChargeStarted(
      String tutorId, String subscriptionId, String planId, String paymentMethod, long priceCents, int period, Instant at)
      implements Event {}

  /**
   * The provider's answer to a period's charge. Tagged whatever the outcome (the finance KPIs count
   * payment attempts); only a success moves money (provider → the platform's plan revenue).
   */
  public record SubscriptionChargeSettled(
      String tutorId, String subscriptionId, String planId, int period, long amountCents, ProviderResult result, Instant at)
      implements Event, LedgerEvent {}

  /** The tutor cancelled: the plan ends when its paid period does. */
  public record SubscriptionCancelRequested(String tutorId, String subscriptionId, Instant at) implements Event {}

  /** The plan is over: CANCELLED (at its period's end, or at once when past due) or LAPSED (past due beyond the grace). */
  public record SubscriptionEnded(String tutorId, String subscriptionId, Subscription.Status status, Instant at) implements Event {}

  // --- state, one class per lifecycle step ---

  public sealed interface State extends CborSerializable permits Unregistered, Registered {}

  public record Unregistered() implements State {
    Registered registered(TutorRegistered event) {
      return new Registered(event.profile(), Rating.NONE, event.at(), event.at());
    }
  }

  /**
   * A tutor with a profile. `activeSessionId` is the session the tutor is BUSY with (durable, so
   * that a restarted entity never double-books); presence itself is volatile.
   */
  public record Registered(
      TutorProfile profile,
      Rating rating,
      Instant createdAt,
      Instant updatedAt,
      String suspendedReason,
      String activeSessionId,
      Earnings earnings,
      Schedule schedule,
      Instant scheduleUpdatedAt,
      Subscription subscription,
      List<BookingRules.BookedSlot> calendar,
      ReceivedReviews reviews) implements State {

    public Registered(TutorProfile profile, Rating rating, Instant createdAt, Instant updatedAt) {
      this(profile, rating, createdAt, updatedAt, null, null, Earnings.NONE, null, null, null, List.of(), ReceivedReviews.NONE);
    }

    public Registered {
      earnings = earnings == null ? Earnings.NONE : earnings;
      calendar = calendar == null ? List.of() : List.copyOf(calendar);
      reviews = reviews == null ? ReceivedReviews.NONE : reviews;
    }

    /** A review applied: the rating (which the card, and so ranking and availability, carry) follows the aggregate. */
    Registered reviewed(ReviewReceived event, ReviewSettings settings) {
      ReceivedReviews changed = reviews.apply(event.review(), settings.recentLimit(), settings.dedupeWindow());
      Rating now = new Rating(changed.rating().average(), changed.rating().count());
      return new Registered(profile, now, createdAt, updatedAt, suspendedReason, activeSessionId, earnings, schedule, scheduleUpdatedAt, subscription, calendar, changed);
    }

    /** A lesson booked: added to the calendar, which drops the lessons that ended before it. */
    Registered slotReserved(SlotReserved e) {
      List<BookingRules.BookedSlot> more = new ArrayList<>(BookingRules.withoutPast(calendar, e.at()));
      more.add(new BookingRules.BookedSlot(e.sessionId(), e.studentId(), e.start(), e.end(), e.rateCents(), e.subject(), e.level()));
      return withCalendar(more);
    }

    Registered slotReleased(SlotReleased e) {
      return withCalendar(calendar.stream().filter(slot -> !slot.sessionId().equals(e.sessionId())).toList());
    }

    Registered withCalendar(List<BookingRules.BookedSlot> changed) {
      return new Registered(profile, rating, createdAt, updatedAt, suspendedReason, activeSessionId, earnings, schedule, scheduleUpdatedAt, subscription, changed, reviews);
    }

    Optional<BookingRules.BookedSlot> booked(String sessionId) {
      return calendar.stream().filter(slot -> slot.sessionId().equals(sessionId)).findFirst();
    }

    Registered credited(EarningsCredited event) {
      return new Registered(profile, rating, createdAt, updatedAt, suspendedReason, activeSessionId, earnings.credited(event.credit()), schedule, scheduleUpdatedAt, subscription, calendar, reviews);
    }

    public boolean suspended() {
      return suspendedReason != null;
    }

    Registered withSubscription(Subscription changed) {
      return new Registered(profile, rating, createdAt, updatedAt, suspendedReason, activeSessionId, earnings, schedule, scheduleUpdatedAt, changed, calendar, reviews);
    }

    /** The tutor plan whose benefit applies now (paid up), or null. */
    public String activePlanId() {
      return subscription != null && subscription.active() ? subscription.planId() : null;
    }

    Registered withEarnings(Earnings changed) {
      return new Registered(profile, rating, createdAt, updatedAt, suspendedReason, activeSessionId, changed, schedule, scheduleUpdatedAt, subscription, calendar, reviews);
    }

    Registered updated(TutorProfileUpdated event) {
      return new Registered(event.profile(), rating, createdAt, event.at(), suspendedReason, activeSessionId, earnings, schedule, scheduleUpdatedAt, subscription, calendar, reviews);
    }

    Registered reserved(TutorReserved event) {
      return new Registered(profile, rating, createdAt, updatedAt, suspendedReason, event.sessionId(), earnings, schedule, scheduleUpdatedAt, subscription, calendar, reviews);
    }

    Registered released(TutorReleased event) {
      return new Registered(profile, rating, createdAt, updatedAt, suspendedReason, null, earnings, schedule, scheduleUpdatedAt, subscription, calendar, reviews);
    }

    Registered withSuspension(TutorSuspended event) {
      return new Registered(profile, rating, createdAt, updatedAt, event.reason(), activeSessionId, earnings, schedule, scheduleUpdatedAt, subscription, calendar, reviews);
    }

    Registered reinstated(TutorReinstated event) {
      return new Registered(profile, rating, createdAt, updatedAt, null, activeSessionId, earnings, schedule, scheduleUpdatedAt, subscription, calendar, reviews);
    }

    Registered withSchedule(ScheduleSet event) {
      return new Registered(profile, rating, createdAt, updatedAt, suspendedReason, activeSessionId, earnings, event.schedule(), event.at(), subscription, calendar, reviews);
    }

    TutorSchedule scheduleOf(String tutorId) {
      return new TutorSchedule(tutorId, schedule, scheduleUpdatedAt);
    }

    TutorSummary summary(String tutorId, Presence presence) {
      return new TutorSummary(tutorId, profile, rating, presence, createdAt, updatedAt, reviews.recent().visible());
    }

    /** The card the pools and partners get; {@code nextBookedStart} as of {@code now} (the pools skip a tutor whose lesson is near). */
    TutorCard card(String tutorId, Instant now) {
      return new TutorCard(tutorId, profile.displayName(), profile.subjects(), profile.languages(), profile.rateCents(), profile.currency(), rating,
          BookingRules.nextStart(calendar, now));
    }
  }

  // --- wiring ---

  public static void init(ActorSystem<?> system) {
    init(system, Links.NONE);
  }

  public static void init(ActorSystem<?> system, Links links) {
    init(system, links, null);
  }

  public static void init(ActorSystem<?> system, Links links, Payouts payouts) {
    ProfileRules rules = ProfileRules.fromConfig(system.settings().config());
    MatchingSettings matching = MatchingSettings.fromConfig(system.settings().config());
    Settings settings = Settings.fromConfig(system.settings().config());
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), settings, rules, matching, links, payouts, Clock.systemUTC())));
  }

  /**
   * What a tutor needs of the config besides its profile rules and matching settings, parsed once
   * per node (not per entity start).
   *
   * @param money {@code tutormesh.money} (commission, plans, payouts)
   * @param schedule {@code tutormesh.schedule} (slots and bookings)
   * @param planTimes how long a plan's day lasts, and the grace of a past-due plan
   * @param reviews {@code tutormesh.reviews} (how the rating is kept)
   */
  public record Settings(MoneySettings money, ScheduleSettings schedule, PlanTimes planTimes, ReviewSettings reviews) {
    public static Settings fromConfig(com.typesafe.config.Config config) {
      return new Settings(MoneySettings.fromConfig(config), ScheduleSettings.fromConfig(config), PlanTimes.fromConfig(config),
          ReviewSettings.fromConfig(config));
    }

    Settings withPlanTimes(PlanTimes planTimes) {
      return new Settings(money, schedule, planTimes, reviews);
    }
  }

  /** @param payouts null: payouts and plans are refused (a node always has them; some unit tests do not need them) */
  public static Behavior<Command> create(
      String tutorId, ProfileRules rules, MatchingSettings matching, Links links, Payouts payouts, Clock clock) {
    return create(tutorId, rules, matching, links, payouts, null, clock);
  }

  /**
   * @param payouts the payment provider, for payouts and plan charges (null: both refused)
   * @param planTimes how long a plan's day lasts, and the grace of a past-due plan (null: {@code
   *     tutormesh.money.subscriptions} of the system's config)
   */
  public static Behavior<Command> create(
      String tutorId, ProfileRules rules, MatchingSettings matching, Links links, Payouts payouts, PlanTimes planTimes, Clock clock) {
    return Behaviors.setup(context -> {
      Settings read = Settings.fromConfig(context.getSystem().settings().config());
      Settings settings = planTimes == null ? read : read.withPlanTimes(planTimes);
      return Behaviors.withTimers(timers -> new TutorEntity(tutorId, settings, rules, matching, links, clock, context, timers).withPayouts(payouts));
    });
  }

  /** @param settings parsed once per node ({@link #init}); the other parameters as above */
  public static Behavior<Command> create(
      String tutorId, Settings settings, ProfileRules rules, MatchingSettings matching, Links links, Payouts payouts, Clock clock) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new TutorEntity(tutorId, settings, rules, matching, links, clock, context, timers).withPayouts(payouts)));
  }

  public static Behavior<Command> create(String tutorId, ProfileRules rules, Clock clock) {
    return create(tutorId, rules, null, Links.NONE, null, null, clock);
  }

  public static Behavior<Command> create(String tutorId, ProfileRules rules, MatchingSettings matching, Links links, Clock clock) {
    return create(tutorId, rules, matching, links, null, null, clock);
  }

  /** The tag every money event of this tutor carries. */
  public static String tagFor(String tutorId) {
    return "tutor-" + Math.abs(tutorId.hashCode() % TAG_COUNT);
  }

  /** The tag this tutor's directory events ({@link #changesDirectory}) carry. */
  public static String directoryTagFor(String tutorId) {
    return "tutor-directory-" + Math.abs(tutorId.hashCode() % TAG_COUNT);
  }

  /** The events that change what tutor search shows: the profile, a suspension, the rating. Never presence. */
  public static boolean changesDirectory(Event event) {
    return event instanceof TutorRegistered
        || event instanceof TutorProfileUpdated
        || event instanceof TutorSuspended
        || event instanceof TutorReinstated
        || event instanceof ReviewReceived;
  }

  private final String tutorId;
  private final ProfileRules rules;
  private final int strikesBeforeAway;
  private final Links links;
  private final Clock clock;
  private final ActorContext<Command> context;
  private final MoneySettings money;
  private final ScheduleSettings scheduling;
  private final ScheduleRules scheduleRules;
  private final PlanTimes planTimes;
  private final TimerScheduler<Command> timers;
  private final ReviewSettings reviewSettings;
  private Payouts payouts;
  /** Who waits for a payout still being paid: answered when its outcome is written. */
  private final Map<String, List<ActorRef<StatusReply<PayoutResult>>>> waitingForPayout = new HashMap<>();
  /** The tutor's plan: subscribing, each period charged, renewals, cancellation, lapse (set with the payouts). */
  private SubscriptionDriver<Command, Event, State, SubscriptionView> plans;

  // Volatile presence: lives while the socket heartbeats; a restarted entity starts OFFLINE until
  // the socket announces itself again.
  private String connectionId;
  private ActorRef<Notification> socket;
  private boolean wantsOffers;
  private int strikes;
  private final Map<String, String> offersShown = new HashMap<>();
  private Set<String> announcedIn = Set.of();
  private TutorCard lastCard;

  private TutorEntity(
      String tutorId,
      Settings settings,
      ProfileRules rules,
      MatchingSettings matching,
      Links links,
      Clock clock,
      ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    super(PersistenceId.of(ENTITY_KEY.name(), tutorId));
    this.tutorId = tutorId;
    this.rules = rules;
    this.strikesBeforeAway = matching == null ? 3 : matching.strikesBeforeAway();
    this.links = links;
    this.clock = clock;
    this.context = context;
    this.money = settings.money();
    this.scheduling = settings.schedule();
    this.scheduleRules = new ScheduleRules(scheduling);
    this.planTimes = settings.planTimes();
    this.timers = timers;
    this.reviewSettings = settings.reviews();
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
        .onCommand(GetTutor.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(GetContact.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(Connect.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(SetAvailability.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(Reserve.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(ReserveSlot.class, (state, command) -> answerSlot(command, null, notFound()))
        .onCommand(ReleaseSlot.class, this::releaseNothing)
        .onCommand(GetCalendar.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(Suspend.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(Reinstate.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(DeliverOffer.class, this::undeliverable)
        .onCommand(GetEarnings.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(PayOut.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(SetSchedule.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(GetSchedule.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(GetSlots.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(Subscribe.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(CancelSubscription.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(GetSubscription.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onCommand(CheckPlan.class, command -> Effect().reply(command.replyTo(), new PlanDue(tutorId, null)))
        .onCommand(FreezeCredit.class, (state, command) -> acknowledge(command.replyTo(), new SessionEntity.CreditFrozen(command.sessionId())))
        .onCommand(ReverseCredit.class, (state, command) -> acknowledge(command.replyTo(), new SessionEntity.CreditReversed(command.sessionId())))
        .onCommand(UnfreezeCredit.class, (state, command) -> acknowledge(command.replyTo(), new SessionEntity.CreditUnfrozen(command.sessionId())))
        .onCommand(ReceiveReview.class, (state, command) -> acknowledgeReview(command.review()))
        .onCommand(GetReviews.class, (state, command) -> reject(command.replyTo(), notFound()))
        .onAnyCommand(command -> Effect().noReply());
    builder.forStateType(Registered.class)
        .onCommand(UpdateProfile.class, this::update)
        .onCommand(GetTutor.class, (state, command) -> Effect().reply(command.replyTo(), StatusReply.success(state.summary(tutorId, presence(state)))))
        .onCommand(GetContact.class, (state, command) -> Effect().reply(command.replyTo(), StatusReply.success(contactOf(state.profile()))))
        .onCommand(ReceiveReview.class, this::receiveReview)
        .onCommand(GetReviews.class, (state, command) -> Effect().reply(command.replyTo(), StatusReply.success(ReviewList.of(tutorId, state.reviews()))))
        .onCommand(Connect.class, this::connect)
        .onCommand(Heartbeat.class, this::heartbeat)
        .onCommand(SetAvailability.class, this::setAvailability)
        .onCommand(Disconnect.class, (state, command) -> disconnect(state, command.connectionId()))
        .onCommand(SocketGone.class, (state, command) -> disconnect(state, command.connectionId()))
        .onCommand(DeliverOffer.class, this::deliverOffer)
        .onCommand(OfferSettled.class, this::offerSettled)
        .onCommand(NoShowStrike.class, this::noShowStrike)
        .onCommand(Reserve.class, this::reserve)
        .onCommand(Release.class, this::release)
        .onCommand(ReserveSlot.class, this::reserveSlot)
        .onCommand(ReleaseSlot.class, this::releaseSlot)
        .onCommand(GetCalendar.class, (state, command) -> Effect().reply(command.replyTo(), StatusReply.success(calendarOf(state))))
        .onCommand(HoldChecked.class, this::holdChecked)
        .onCommand(Suspend.class, this::suspend)
        .onCommand(Reinstate.class, this::reinstate)
        .onCommand(CreditSession.class, this::creditSession)
        .onCommand(FreezeCredit.class, this::freezeCredit)
        .onCommand(ReverseCredit.class, this::reverseCredit)
        .onCommand(UnfreezeCredit.class, this::unfreezeCredit)
        .onCommand(PayOut.class, this::payOut)
        .onCommand(PayoutAnswered.class, this::payoutAnswered)
        .onCommand(PayoutUnknown.class, this::payoutUnknown)
        .onCommand(RetryPayout.class, this::retryPayout)
        .onCommand(GetEarnings.class, (state, command) -> Effect().reply(command.replyTo(), StatusReply.success(earningsOf(state))))
        .onCommand(SetSchedule.class, this::setSchedule)
        .onCommand(GetSchedule.class, (state, command) -> Effect().reply(command.replyTo(), StatusReply.success(state.scheduleOf(tutorId))))
        .onCommand(GetSlots.class, this::slots)
        .onCommand(Subscribe.class, (state, command) -> plans.subscribe(state, command.planId(), command.paymentMethod(), command.replyTo()))
        .onCommand(CancelSubscription.class, (state, command) -> plans.cancel(state, command.replyTo()))
        .onCommand(GetSubscription.class, (state, command) -> plans.get(state, command.replyTo()))
        .onCommand(CheckPlan.class, (state, command) -> plans.check(state, command.replyTo()))
        .onCommand(PlanStep.class, (state, command) -> plans.step(state, command.step()));
    return builder.build();
  }

  // --- profile ---

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
      return Effect().reply(command.replyTo(), StatusReply.success(state.summary(tutorId, presence(state))));
    }
    return Effect()
        .persist(new TutorProfileUpdated(tutorId, profile, clock.instant()))
        .thenRun(this::announce)
        .thenReply(command.replyTo(), this::summaryOf);
  }

  // --- presence ---

  private ReplyEffect<Event, State> connect(Registered state, Connect command) {
    adopt(command.connectionId(), command.socket());
    wantsOffers = true;
    strikes = 0;
    announce(state);
    return Effect().reply(command.replyTo(), StatusReply.success(presenceState(state)));
  }

  private ReplyEffect<Event, State> heartbeat(Registered state, Heartbeat command) {
    if (socket == null) {
      // This entity restarted (passivation, failover): the socket announces itself again.
      adopt(command.connectionId(), command.socket());
      wantsOffers = command.available();
    } else if (!command.connectionId().equals(connectionId)) {
      command.socket().tell(new Replaced(command.connectionId()));
      return Effect().noReply();
    }
    announce(state);
    if (state.activeSessionId() != null) {
      String sessionId = state.activeSessionId();
      // On this system's dispatcher, not the JVM's default executor (see SessionEntity.onDispatcher).
      CompletionStage<SessionEntity.TutorHold> checked = links.checkHold(sessionId, tutorId).thenApplyAsync(hold -> hold, context.getExecutionContext());
      context.pipeToSelf(checked, (hold, error) -> new HoldChecked(sessionId, hold == null || hold.holds()));
    }
    return Effect().noReply();
  }

  private void adopt(String newConnectionId, ActorRef<Notification> newSocket) {
    if (socket != null && !newConnectionId.equals(connectionId)) {
      socket.tell(new Replaced(connectionId));
      context.unwatch(socket);
      handBackOffers();
    }
    if (socket == null || !newConnectionId.equals(connectionId)) {
      context.watchWith(newSocket, new SocketGone(newConnectionId));
    }
    connectionId = newConnectionId;
    socket = newSocket;
  }

  private ReplyEffect<Event, State> setAvailability(Registered state, SetAvailability command) {
    if (!command.connectionId().equals(connectionId)) {
      return reject(command.replyTo(), Rejection.conflict("this connection was replaced by a newer one"));
    }
    if (command.available() && state.suspended()) {
      return reject(command.replyTo(), Rejection.conflict("suspended: " + state.suspendedReason()));
    }
    wantsOffers = command.available();
    if (wantsOffers) {
      strikes = 0;
    }
    announce(state);
    return Effect().reply(command.replyTo(), StatusReply.success(presenceState(state)));
  }

  private ReplyEffect<Event, State> disconnect(Registered state, String closedConnectionId) {
    if (closedConnectionId.equals(connectionId)) {
      context.unwatch(socket);
      socket = null;
      connectionId = null;
      handBackOffers();
      announce(state);
    }
    return Effect().noReply();
  }

  /** Offers shown on a socket that is gone go back to their sessions, which move on. */
  private void handBackOffers() {
    offersShown.forEach((offerId, sessionId) -> links.session(sessionId, new SessionEntity.OfferUndeliverable(offerId, tutorId)));
    offersShown.clear();
  }

  // --- offers ---

  private ReplyEffect<Event, State> undeliverable(State state, DeliverOffer command) {
    links.session(command.offer().sessionId(), new SessionEntity.OfferUndeliverable(command.offer().offerId(), tutorId));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> deliverOffer(Registered state, DeliverOffer command) {
    if (presence(state) != Presence.ONLINE) {
      return undeliverable(state, command);
    }
    offersShown.put(command.offer().offerId(), command.offer().sessionId());
    socket.tell(new OfferMade(command.offer()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> offerSettled(Registered state, OfferSettled command) {
    boolean wasShown = offersShown.remove(command.offerId()) != null;
    switch (command.outcome()) {
      case EXPIRED -> {
        strikes++;
        notifySocket(new OfferWithdrawn(command.offerId(), command.outcome()), wasShown);
        if (strikes >= strikesBeforeAway && wantsOffers) {
          wantsOffers = false;
          notifySocket(new PresenceChanged(Presence.AWAY, strikes + " offers in a row timed out: set AWAY; send status AVAILABLE to get offers again"), true);
          announce(state);
        }
      }
      case WITHDRAWN -> notifySocket(new OfferWithdrawn(command.offerId(), command.outcome()), wasShown);
      case ACCEPTED, DECLINED -> strikes = 0;
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> noShowStrike(Registered state, NoShowStrike command) {
    if (wantsOffers) {
      wantsOffers = false;
      notifySocket(new PresenceChanged(Presence.AWAY, "you did not join session " + command.sessionId()
          + " you had accepted: set AWAY; send status AVAILABLE to get offers again"), true);
      announce(state);
    }
    return Effect().noReply();
  }

  private void notifySocket(Notification notification, boolean condition) {
    if (condition && socket != null) {
      socket.tell(notification);
    }
  }

  // --- the calendar's single writer: reservations ---

  private ReplyEffect<Event, State> reserve(Registered state, Reserve command) {
    if (command.sessionId().equals(state.activeSessionId())) {
      return Effect().reply(command.replyTo(), StatusReply.ack());
    }
    if (state.activeSessionId() != null) {
      return reject(command.replyTo(), Rejection.conflict("tutor is busy with another session"));
    }
    if (state.suspended()) {
      return reject(command.replyTo(), Rejection.conflict("tutor is suspended"));
    }
    if (presence(state) != Presence.ONLINE) {
      return reject(command.replyTo(), Rejection.conflict("tutor is not available"));
    }
    int minutes = command.durationMinutes() != null ? command.durationMinutes() : scheduling.maxDurationMinutes();
    if (BookingRules.blocksInstant(state.calendar(), clock.instant(), minutes, scheduling.buffer())) {
      return reject(command.replyTo(), Rejection.conflict("tutor has a booked lesson now or soon"));
    }
    return Effect()
        .persist(new TutorReserved(tutorId, command.sessionId(), command.studentId(), clock.instant()))
        .thenRun(this::announce)
        .thenReply(command.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> release(Registered state, Release command) {
    if (!command.sessionId().equals(state.activeSessionId())) {
      return Effect().noReply();
    }
    return Effect().persist(new TutorReleased(tutorId, command.sessionId(), clock.instant())).thenRun(this::announce).thenNoReply();
  }

  /** Books a lesson: the calendar's only writer decides, so two bookings never take one slot. */
  private ReplyEffect<Event, State> reserveSlot(Registered state, ReserveSlot command) {
    Optional<BookingRules.BookedSlot> before = state.booked(command.sessionId());
    if (before.isPresent()) {
      return answerSlot(command, before.get().rateCents(), null);
    }
    if (command.studentId() != null && command.studentId().equals(tutorId)) {
      return answerSlot(command, null, Rejection.conflict("a tutor cannot book themself"));
    }
    if (state.suspended()) {
      return answerSlot(command, null, Rejection.conflict("the slot is not bookable: the tutor is suspended"));
    }
    boolean teaches = state.profile().subjects().stream()
        .anyMatch(offer -> offer.subject().equals(command.subject()) && offer.levels().contains(command.level()));
    if (!teaches) {
      return answerSlot(command, null, Rejection.conflict("the tutor does not teach " + command.subject() + " at level " + command.level()));
    }
    Instant now = clock.instant();
    // A reschedule replaces a lesson of the same student: the new slot may overlap it, and keeps its price.
    Optional<BookingRules.BookedSlot> replaced = Optional.ofNullable(command.replacingSessionId())
        .flatMap(state::booked)
        .filter(slot -> slot.studentId() != null && slot.studentId().equals(command.studentId()));
    List<BookingRules.BookedSlot> others = replaced.isPresent()
        ? BookingRules.without(state.calendar(), replaced.get().sessionId()) : state.calendar();
    Optional<Rejection> refused = BookingRules.check(others, state.activeSessionId() != null,
        offered(state, command.start(), command.durationMinutes(), now), command.start(), command.durationMinutes(), now, scheduling);
    if (refused.isPresent()) {
      return answerSlot(command, null, refused.get());
    }
    long rate = replaced.map(BookingRules.BookedSlot::rateCents).orElse(state.profile().rateCents());
    Instant end = command.start().plus(Duration.ofMinutes(command.durationMinutes()));
    return Effect()
        .persist(new SlotReserved(tutorId, command.sessionId(), command.studentId(), command.start(), end, rate, now, command.subject(), command.level()))
        .thenRun(s -> {
          command.replyTo().tell(new SessionEntity.SlotAnswer(command.sessionId(), true, rate, null));
          announce(s);
        })
        .thenNoReply();
  }

  private Calendar calendarOf(Registered state) {
    List<BookingRules.BookedSlot> upcoming = BookingRules.withoutPast(state.calendar(), clock.instant()).stream()
        .sorted(java.util.Comparator.comparing(BookingRules.BookedSlot::start))
        .toList();
    return new Calendar(tutorId, upcoming);
  }

  private ReplyEffect<Event, State> answerSlot(ReserveSlot command, Long rateCents, Rejection refusal) {
    boolean reserved = refusal == null;
    command.replyTo().tell(new SessionEntity.SlotAnswer(command.sessionId(), reserved, reserved ? rateCents : 0, reserved ? null : refusal.toMessage()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> releaseSlot(Registered state, ReleaseSlot command) {
    if (state.booked(command.sessionId()).isEmpty()) {
      acknowledgeRelease(command);
      return Effect().noReply();
    }
    return Effect()
        .persist(new SlotReleased(tutorId, command.sessionId(), clock.instant()))
        .thenRun(s -> {
          acknowledgeRelease(command);
          announce(s);
        })
        .thenNoReply();
  }

  /** No tutor, no slot: nothing to release, acknowledged all the same. */
  private ReplyEffect<Event, State> releaseNothing(State state, ReleaseSlot command) {
    acknowledgeRelease(command);
    return Effect().noReply();
  }

  /** The slot of the session is free (now or before): acknowledged, so that its session stops sending the release. */
  private static void acknowledgeRelease(ReleaseSlot command) {
    if (command.replyTo() != null) {
      command.replyTo().tell(new SessionEntity.SlotFreed(command.sessionId()));
    }
  }

  /** Reconciliation: a reservation whose session does not hold the tutor is released. */
  private ReplyEffect<Event, State> holdChecked(Registered state, HoldChecked command) {
    if (command.holds() || !command.sessionId().equals(state.activeSessionId())) {
      return Effect().noReply();
    }
    return Effect().persist(new TutorReleased(tutorId, command.sessionId(), clock.instant())).thenRun(this::announce).thenNoReply();
  }

  // --- the schedule: rules checked by ScheduleRules, slots computed by SlotExpansion ---

  private ReplyEffect<Event, State> setSchedule(Registered state, SetSchedule command) {
    ScheduleRules.Result parsed = scheduleRules.parse(command.draft());
    if (!parsed.isValid()) {
      return reject(command.replyTo(), parsed.rejection());
    }
    if (parsed.schedule().equals(state.schedule())) {
      return Effect().reply(command.replyTo(), StatusReply.success(state.scheduleOf(tutorId)));
    }
    return Effect()
        .persist(new ScheduleSet(tutorId, parsed.schedule(), clock.instant()))
        .thenReply(command.replyTo(), s -> StatusReply.success(((Registered) s).scheduleOf(tutorId)));
  }

  private ReplyEffect<Event, State> slots(Registered state, GetSlots command) {
    Optional<Rejection> outOfRange =
        scheduleRules.checkInstant("from", command.from()).or(() -> scheduleRules.checkInstant("to", command.to()));
    if (outOfRange.isPresent()) {
      return reject(command.replyTo(), outOfRange.get());
    }
    Instant now = clock.instant();
    Instant from = command.from() == null ? now : command.from();
    Instant to = command.to() == null ? from.plus(scheduling.defaultQueryWindow()) : command.to();
    int minutes = command.durationMinutes() == null ? scheduling.defaultDurationMinutes() : command.durationMinutes();
    Optional<Rejection> rejection = scheduleRules.checkQuery(from, to, minutes);
    if (rejection.isPresent()) {
      return reject(command.replyTo(), rejection.get());
    }
    // A suspended tutor cannot be booked: no slots until reinstated.
    List<TimeRange> slots = state.suspended()
        ? List.of()
        : SlotExpansion.expand(state.schedule(), busy(state, now), now, from, to, Duration.ofMinutes(minutes), scheduling);
    return Effect().reply(command.replyTo(), StatusReply.success(new BookableSlots(tutorId, from, to, minutes, slots)));
  }

  /**
   * What keeps the tutor from teaching another lesson: the booked lessons, and a live (instant)
   * session, whose end is not known, as busy from now for the longest lesson.
   */
  private List<TimeRange> busy(Registered state, Instant now) {
    List<TimeRange> busy = new ArrayList<>();
    for (BookingRules.BookedSlot slot : BookingRules.withoutPast(state.calendar(), now)) {
      busy.add(new TimeRange(slot.start(), slot.end()));
    }
    if (state.activeSessionId() != null) {
      busy.add(new TimeRange(now, now.plus(Duration.ofMinutes(scheduling.maxDurationMinutes()))));
    }
    return busy;
  }

  /**
   * Whether the tutor's schedule offers a slot starting at {@code start} for this long: on its local
   * grid, within its weekly hours and exceptions, past the notice and within the horizon. What is
   * already booked is {@link BookingRules}' to say (with a reason of its own), so it is left out here.
   */
  private boolean offered(Registered state, Instant start, int minutes, Instant now) {
    if (start == null || minutes <= 0) {
      return false;
    }
    return SlotExpansion.expand(state.schedule(), List.of(), now, start, start.plusSeconds(1), Duration.ofMinutes(minutes), scheduling)
        .stream().anyMatch(slot -> slot.start().equals(start));
  }

  // --- sanctions ---

  private ReplyEffect<Event, State> suspend(Registered state, Suspend command) {
    String reason = command.reason() == null || command.reason().isBlank() ? "suspended by an operator" : command.reason().trim();
    if (reason.length() > 500) {
      return reject(command.replyTo(), Rejection.invalid("reason", "must be at most 500 characters"));
    }
    return Effect()
        .persist(new TutorSuspended(tutorId, reason, clock.instant()))
        .thenRun(s -> suspended((Registered) s))
        .thenReply(command.replyTo(), this::summaryOf);
  }

  private void suspended(Registered state) {
    wantsOffers = false;
    notifySocket(new PresenceChanged(Presence.AWAY, "suspended: " + state.suspendedReason()), true);
    announce(state);
  }

  private ReplyEffect<Event, State> reinstate(Registered state, Reinstate command) {
    if (!state.suspended()) {
      return Effect().reply(command.replyTo(), StatusReply.success(state.summary(tutorId, presence(state))));
    }
    return Effect().persist(new TutorReinstated(tutorId, clock.instant())).thenReply(command.replyTo(), this::summaryOf);
  }

  // --- reviews about the tutor ---

  /**
   * Applies a review (or its hidden version) once, then acknowledges it (also a repeat, or one not
   * about this tutor, which is acknowledged and dropped). The rating changed: the card goes to the
   * pools again (ranking) and, as it differs, to the availability topics.
   */
  private ReplyEffect<Event, State> receiveReview(Registered state, ReceiveReview command) {
    Review review = command.review();
    if (!tutorId.equals(review.toUserId()) || state.reviews().alreadyApplied(review)) {
      return acknowledgeReview(review);
    }
    Instant now = clock.instant();
    Rating after = state.reviewed(new ReviewReceived(tutorId, review, now), reviewSettings).rating();
    return Effect()
        .persist(new ReviewReceived(tutorId, review, now, after))
        .thenRun(s -> {
          links.session(review.sessionId(), new SessionEntity.ReviewAcknowledged(review.sessionId(), review.reviewId(), review.hidden()));
          announce(s);
        })
        .thenNoReply();
  }

  /** No tutor (it cannot have had a session) or nothing to apply: acknowledged, nothing written. */
  private ReplyEffect<Event, State> acknowledgeReview(Review review) {
    links.session(review.sessionId(), new SessionEntity.ReviewAcknowledged(review.sessionId(), review.reviewId(), review.hidden()));
    return Effect().noReply();
  }

  // --- announcing availability to the pools and the partners ---

  private Presence presence(Registered state) {
    if (state.activeSessionId() != null) {
      return Presence.BUSY;
    }
    if (socket == null) {
      return Presence.OFFLINE;
    }
    return wantsOffers && !state.suspended() ? Presence.ONLINE : Presence.AWAY;
  }

  private PresenceState presenceState(Registered state) {
    return new PresenceState(presence(state), state.suspended(), state.activeSessionId());
  }

  /**
   * Tells the MatchPool of each subject whether the tutor takes offers (every time: it refreshes
   * their entries) and the availability topics when that changed.
   */
  private void announce(State current) {
    if (!(current instanceof Registered state)) {
      return;
    }
    boolean online = presence(state) == Presence.ONLINE;
    Set<String> subjects = new HashSet<>();
    if (online) {
      TutorCard built = state.card(tutorId, clock.instant());
      boolean same = built.equals(lastCard);
      // A heartbeat mostly brings the card of the last one: send that very object, so that the
      // pools recognise it at once, and keep this long-lived actor's fields as they are.
      TutorCard card = same ? lastCard : built;
      for (SubjectOffer offer : state.profile().subjects()) {
        subjects.add(offer.subject());
        links.pool(offer.subject(), new MatchPool.TutorAvailable(card));
        if (!announcedIn.contains(offer.subject()) || !same && profileChanged(card)) {
          links.publish(new AvailabilityEvent.TutorAvailable(offer.subject(), card.publicPart()));
        }
      }
      if (!same) {
        lastCard = card;
      }
    }
    for (String subject : announcedIn) {
      if (!subjects.contains(subject)) {
        links.pool(subject, new MatchPool.TutorUnavailable(tutorId));
        links.publish(new AvailabilityEvent.TutorUnavailable(subject, tutorId));
      }
    }
    if (!announcedIn.equals(subjects)) {
      announcedIn = Set.copyOf(subjects);
    }
  }

  /** Whether what partners see changed (the booking hint is for the pools only). */
  private boolean profileChanged(TutorCard card) {
    return lastCard == null || !card.publicPart().equals(lastCard.publicPart());
  }

  // --- replies ---

  private Rejection notFound() {
    return Rejection.notFound("tutor " + tutorId + " not found");
  }

  private ContactDetails contactOf(TutorProfile profile) {
    return new ContactDetails(tutorId, profile.email(), profile.phone());
  }

  private <T> ReplyEffect<Event, State> reject(ActorRef<StatusReply<T>> replyTo, Rejection rejection) {
    return Effect().reply(replyTo, StatusReply.error(rejection.toMessage()));
  }

  private StatusReply<TutorSummary> summaryOf(State state) {
    if (state instanceof Registered registered) {
      return StatusReply.success(registered.summary(tutorId, presence(registered)));
    }
    return StatusReply.error(Rejection.internal("tutor " + tutorId + " is not registered").toMessage());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandlerBuilder<State, Event> builder = newEventHandlerBuilder();
    builder.forStateType(Unregistered.class).onEvent(TutorRegistered.class, Unregistered::registered);
    builder.forStateType(Registered.class)
        .onEvent(TutorProfileUpdated.class, Registered::updated)
        .onEvent(TutorReserved.class, Registered::reserved)
        .onEvent(TutorReleased.class, Registered::released)
        .onEvent(SlotReserved.class, Registered::slotReserved)
        .onEvent(SlotReleased.class, Registered::slotReleased)
        .onEvent(TutorSuspended.class, Registered::withSuspension)
        .onEvent(TutorReinstated.class, Registered::reinstated)
        .onEvent(ScheduleSet.class, Registered::withSchedule)
        .onEvent(ReviewReceived.class, (state, e) -> state.reviewed(e, reviewSettings))
        .onEvent(EarningsCredited.class, Registered::credited)
        .onEvent(EarningsFrozen.class, (state, e) -> state.withEarnings(state.earnings().frozen(e.sessionId())))
        .onEvent(EarningsReversed.class, (state, e) -> state.withEarnings(state.earnings().reversed(e.sessionId())))
        .onEvent(EarningsReleased.class, (state, e) -> state.withEarnings(state.earnings().released(e.sessionId(), e.at())))
        .onEvent(PayoutStarted.class, (state, e) -> state.withEarnings(state.earnings().payoutStarted(e.payout())))
        .onEvent(PayoutSettled.class, (state, e) -> state.withEarnings(state.earnings().payoutSettled(e.payoutId(), e.result(), e.at())))
        .onEvent(SubscriptionChargeStarted.class, this::planChargeStarted)
        .onEvent(SubscriptionChargeSettled.class, this::planChargeSettled)
        .onEvent(SubscriptionCancelRequested.class, (state, e) -> state.withSubscription(state.subscription().cancellingAtPeriodEnd()))
        .onEvent(SubscriptionEnded.class, (state, e) -> state.withSubscription(state.subscription().ended(e.status())));
    return builder.build();
  }

  /**
   * Money events ({@link LedgerEvent}) are tagged for the ledger projection, and the rare events
   * that change the directory ({@link #changesDirectory}) for the tutor search projection; nothing
   * else (presence, reservations, calendar) is tagged.
   */
  @Override
  public Set<String> tagsFor(Event event) {
    return tagsOf(event);
  }

  /** {@link #tagsFor}, as a function of the event alone. */
  public static Set<String> tagsOf(Event event) {
    // A plan's first charge is tagged too (its settlement is a LedgerEvent): the plan waker's due
    // index (persistence/plans) hears of a subscription whose first answer never came.
    if (event instanceof LedgerEvent money && money.movesMoney() || event instanceof SubscriptionChargeStarted) {
      return Set.of(tagFor(event.tutorId()));
    }
    return changesDirectory(event) ? Set.of(directoryTagFor(event.tutorId())) : Set.of();
  }

  // --- earnings ---

  private ReplyEffect<Event, State> creditSession(Registered state, CreditSession command) {
    SessionEntity.TutorCredited credited = new SessionEntity.TutorCredited(command.sessionId());
    if (state.earnings().hasCredit(command.sessionId()) || command.grossCents() <= 0) {
      command.replyTo().tell(credited);
      return Effect().noReply();
    }
    // The ladder's step for the hours taught before, lowered by the tutor plan paid up now.
    int percent = money.commissionPercent(state.earnings().completedHours(), state.activePlanId());
    Instant at = command.endedAt() == null ? clock.instant() : command.endedAt();
    Earnings.Credit credit = Earnings.credit(command.sessionId(), command.grossCents(), command.minutes(), percent, money.pendingFor(), at);
    return Effect()
        .persist(new EarningsCredited(tutorId, command.sessionId(), credit, clock.instant()))
        .thenRun(s -> command.replyTo().tell(credited))
        .thenNoReply();
  }

  // --- disputes and refunds, driven (and re-driven) by the session until acknowledged ---

  private ReplyEffect<Event, State> freezeCredit(Registered state, FreezeCredit command) {
    SessionEntity.CreditFrozen frozen = new SessionEntity.CreditFrozen(command.sessionId());
    if (state.earnings().isFrozen(command.sessionId()) || state.earnings().isReversed(command.sessionId())) {
      return acknowledge(command.replyTo(), frozen);
    }
    return Effect()
        .persist(new EarningsFrozen(tutorId, command.sessionId(), clock.instant()))
        .thenRun(s -> command.replyTo().tell(frozen))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> reverseCredit(Registered state, ReverseCredit command) {
    SessionEntity.CreditReversed reversed = new SessionEntity.CreditReversed(command.sessionId());
    Earnings.Credit credit = state.earnings().credits().get(command.sessionId());
    if (credit == null || state.earnings().isReversed(command.sessionId())) {
      return acknowledge(command.replyTo(), reversed);
    }
    return Effect()
        .persist(new EarningsReversed(tutorId, command.sessionId(), credit, clock.instant()))
        .thenRun(s -> command.replyTo().tell(reversed))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> unfreezeCredit(Registered state, UnfreezeCredit command) {
    SessionEntity.CreditUnfrozen unfrozen = new SessionEntity.CreditUnfrozen(command.sessionId());
    if (!state.earnings().isFrozen(command.sessionId())) {
      return acknowledge(command.replyTo(), unfrozen);
    }
    return Effect()
        .persist(new EarningsReleased(tutorId, command.sessionId(), clock.instant()))
        .thenRun(s -> command.replyTo().tell(unfrozen))
        .thenNoReply();
  }

  private <T> ReplyEffect<Event, State> acknowledge(ActorRef<T> replyTo, T answer) {
    replyTo.tell(answer);
    return Effect().noReply();
  }

  // --- payouts: written down before the provider is asked, its answer written down before it is told ---

  private TutorEntity withPayouts(Payouts configured) {
    this.payouts = configured;
    this.plans = new SubscriptionDriver<>(tutorId, new PlanOwner(), money, configured == null ? null : configured.provider(),
        configured == null ? null : configured.retryInterval(), planTimes, clock, context, timers, PlanStep::new, Effect());
    return this;
  }

  private ReplyEffect<Event, State> payOut(Registered state, PayOut command) {
    if (payouts == null) {
      return reject(command.replyTo(), Rejection.internal("payouts are not configured"));
    }
    String key = command.key();
    if (key == null || key.isEmpty() || key.length() > PaymentProvider.MAX_KEY_LENGTH) {
      return reject(command.replyTo(), Rejection.invalid("Idempotency-Key", "1 to " + PaymentProvider.MAX_KEY_LENGTH + " characters are required"));
    }
    if (command.amountCents() <= 0) {
      return reject(command.replyTo(), Rejection.invalid("amountCents", "must be a positive number of cents"));
    }
    String account = command.accountId();
    if (account == null || account.isBlank() || account.length() > 255) {
      return reject(command.replyTo(), Rejection.invalid("accountId", "the payment provider's id of the payout account is required (at most 255 characters)"));
    }
    String requestHash = command.amountCents() + "|" + account;
    Optional<Earnings.Payout> earlier = state.earnings().payout(key);
    if (earlier.isPresent()) {
      return payoutAgain(state, earlier.get(), requestHash, command.replyTo());
    }
    Instant now = clock.instant();
    long available = state.earnings().availableCents(now);
    if (command.amountCents() > available) {
      return reject(command.replyTo(), Rejection.conflict("only " + available + " cents are available for a payout (earnings in the dispute window are pending); nothing was paid out"));
    }
    Earnings.Payout started = new Earnings.Payout(
        UUID.randomUUID().toString(), key, requestHash, command.amountCents(), account, Earnings.PayoutStatus.PENDING, null, null, now, null);
    return Effect()
        .persist(new PayoutStarted(tutorId, started, now))
        .thenRun(s -> {
          waitForPayout(started.payoutId(), command.replyTo());
          pay(started);
        })
        .thenNoReply();
  }

  /** The same key again: the first result, or a wait for it; another request under that key is refused. */
  private ReplyEffect<Event, State> payoutAgain(
      Registered state, Earnings.Payout earlier, String requestHash, ActorRef<StatusReply<PayoutResult>> replyTo) {
    if (!earlier.requestHash().equals(requestHash)) {
      return reject(replyTo, Rejection.conflict("this Idempotency-Key was used for another payout (" + earlier.amountCents() + " cents to " + earlier.accountId() + ")"));
    }
    if (earlier.status() == Earnings.PayoutStatus.PENDING) {
      waitForPayout(earlier.payoutId(), replyTo);
      return Effect().noReply();
    }
    return Effect().reply(replyTo, StatusReply.success(payoutResult(state, earlier.payoutId())));
  }

  private void waitForPayout(String payoutId, ActorRef<StatusReply<PayoutResult>> replyTo) {
    waitingForPayout.computeIfAbsent(payoutId, id -> new ArrayList<>()).add(replyTo);
  }

  /** Asks the provider, idempotently by the payout's id; a lost answer is asked again later. */
  private void pay(Earnings.Payout payout) {
    CompletionStage<ProviderResult> paid = payouts.provider()
        .payout("payout:" + payout.payoutId(), payout.accountId(), payout.amountCents(), money.currency());
    context.pipeToSelf(paid, (result, error) -> result != null ? new PayoutAnswered(payout.payoutId(), result) : new PayoutUnknown(payout.payoutId(), String.valueOf(error)));
  }

  private ReplyEffect<Event, State> payoutAnswered(Registered state, PayoutAnswered answered) {
    Optional<Earnings.Payout> payout = state.earnings().payoutById(answered.payoutId());
    if (payout.isEmpty() || payout.get().status() != Earnings.PayoutStatus.PENDING) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new PayoutSettled(tutorId, answered.payoutId(), payout.get().amountCents(), answered.result(), clock.instant()))
        .thenRun(s -> answerPayoutWaiting(answered.payoutId(), (Registered) s))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> payoutUnknown(Registered state, PayoutUnknown unknown) {
    context.getLog().warn("Payout {} of tutor {}: no answer from the payment provider ({}); asking again", unknown.payoutId(), tutorId, unknown.error());
    state.earnings().payoutById(unknown.payoutId())
        .filter(p -> p.status() == Earnings.PayoutStatus.PENDING)
        .ifPresent(p -> context.scheduleOnce(payouts.retryInterval(), context.getSelf(), new RetryPayout(p.payoutId())));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> retryPayout(Registered state, RetryPayout retry) {
    state.earnings().payoutById(retry.payoutId()).filter(p -> p.status() == Earnings.PayoutStatus.PENDING).ifPresent(this::pay);
    return Effect().noReply();
  }

  private void answerPayoutWaiting(String payoutId, Registered state) {
    List<ActorRef<StatusReply<PayoutResult>>> waiting = waitingForPayout.remove(payoutId);
    if (waiting != null) {
      PayoutResult result = payoutResult(state, payoutId);
      waiting.forEach(replyTo -> replyTo.tell(StatusReply.success(result)));
    }
  }

  private PayoutResult payoutResult(Registered state, String payoutId) {
    return new PayoutResult(state.earnings().payoutById(payoutId).orElseThrow(), state.earnings().availableCents(clock.instant()), money.currency());
  }

  // --- the tutor's plan: a subscription, each period charged through the provider (SubscriptionDriver) ---

  /** What the plan saga needs of a tutor: its events and its view. */
  private final class PlanOwner implements SubscriptionDriver.Owner<Event, State, SubscriptionView> {
    @Override
    public MoneySettings.Plan.Kind kind() {
      return MoneySettings.Plan.Kind.TUTOR;
    }

    @Override
    public Subscription subscription(State state) {
      return state instanceof Registered registered ? registered.subscription() : null;
    }

    @Override
    public Event chargeStarted(String subscriptionId, String planId, String paymentMethod, long priceCents, int period, Instant at) {
      return new SubscriptionChargeStarted(tutorId, subscriptionId, planId, paymentMethod, priceCents, period, at);
    }

    @Override
    public Event chargeSettled(String subscriptionId, String planId, int period, long amountCents, ProviderResult result, Instant at) {
      return new SubscriptionChargeSettled(tutorId, subscriptionId, planId, period, amountCents, result, at);
    }

    @Override
    public Event cancelRequested(String subscriptionId, Instant at) {
      return new SubscriptionCancelRequested(tutorId, subscriptionId, at);
    }

    @Override
    public Event ended(String subscriptionId, Subscription.Status status, Instant at) {
      return new SubscriptionEnded(tutorId, subscriptionId, status, at);
    }

    @Override
    public SubscriptionView view(Subscription subscription) {
      return new SubscriptionView(tutorId, subscription);
    }
  }

  private Registered planChargeStarted(Registered state, SubscriptionChargeStarted e) {
    return state.withSubscription(plans.chargeStarted(state.subscription(), e.subscriptionId(), e.planId(), e.paymentMethod(), e.priceCents(), e.period(), e.at()));
  }

  private Registered planChargeSettled(Registered state, SubscriptionChargeSettled e) {
    return state.withSubscription(plans.chargeSettled(state.subscription(), e.subscriptionId(), e.planId(), e.period(), e.result(), e.at()));
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::recovered).build();
  }

  /**
   * Payouts and plan charges that were started but have no outcome (a crash in between): asked
   * again, same key; and the plan's renewal / lapse timer, which does not survive a restart, is
   * armed again.
   */
  private void recovered(State state) {
    if (state instanceof Registered registered && payouts != null) {
      registered.earnings().pendingPayouts().forEach(this::pay);
      plans.recovered(registered);
    }
  }

  private EarningsSummary earningsOf(Registered state) {
    String plan = state.activePlanId();
    int percent = money.commissionPercent(state.earnings().completedHours(), plan);
    return new EarningsSummary(tutorId, state.earnings(), money.currency(), clock.instant(), plan, percent);
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
