package io.tutormesh.engine.student;

import io.tutormesh.engine.catalog.ProfileRules;
import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.ledger.LedgerEvent;
import io.tutormesh.engine.ledger.Postings;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.InstantRequestRules;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.PaymentProvider;
import io.tutormesh.engine.money.PlanDue;
import io.tutormesh.engine.money.PlanTimes;
import io.tutormesh.engine.money.Pricing;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.Subscription;
import io.tutormesh.engine.money.SubscriptionDriver;
import io.tutormesh.engine.money.Wallet;
import io.tutormesh.engine.session.PaymentGuard;
import io.tutormesh.engine.review.RatingAggregate;
import io.tutormesh.engine.review.ReceivedReviews;
import io.tutormesh.engine.review.Review;
import io.tutormesh.engine.review.ReviewList;
import io.tutormesh.engine.review.ReviewSettings;
import io.tutormesh.engine.session.SessionEntity;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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
 * One student (sharded, event-sourced, id = student id): the profile (the first valid
 * {@link UpdateProfile} registers the student), the instant request it has open, and the credit
 * {@link Wallet}. A top-up is written down (with its idempotency key) before the payment provider
 * is asked, and the provider's answer is written down before it is told: a crash in between is
 * re-driven at recovery with the same key, so the money is neither lost nor credited twice.
 *
 * <p>An instant request holds its maximum price in the event that opens it (402 when the balance
 * cannot cover it, {@link PaymentGuard#walletCovers}); its session escrows (resizes) or releases
 * the hold, and settles it when it ends ({@link ChargeSession}, {@link ReleaseHold}), each step
 * idempotent by session.
 *
 * <p>A booked lesson is held like that too ({@link HoldForBooking}), and the student keeps the
 * lesson with its hold ({@link BookedLesson}, {@link GetBookings}): listed while the wallet holds
 * money for its session and until it ends, so the list is bounded by the open holds and leaves
 * with a cancelled, failed or settled booking. The wallet's single writer is the right owner: a
 * reschedule moves the hold and the lesson in one event ({@link MoveBookingHold}), never through
 * the balance. (A projection would lag behind the booking's answer and need a table of its own.)
 */
public final class StudentEntity
    extends EventSourcedBehaviorWithEnforcedReplies<StudentEntity.Command, StudentEntity.Event, StudentEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Student");

  /** Money events ({@link LedgerEvent}) are spread over this many tags, {@code student-0} to {@code student-3}. */
  public static final int TAG_COUNT = 4;
  public static final List<String> TAGS = List.of("student-0", "student-1", "student-2", "student-3");

  // --- the profile and the replies ---

  /**
   * @param email where the student's notifications go by e-mail (null: none); private (null in
   *     events written before it existed)
   * @param phone an E.164 number for SMS notifications (null: none); private
   */
  public record StudentProfile(String displayName, String level, List<String> languages, String timezone, String email, String phone)
      implements CborSerializable {

    public StudentProfile {
      languages = languages == null ? null : Collections.unmodifiableList(new ArrayList<>(languages));
    }

    /** A profile without contact details. */
    public StudentProfile(String displayName, String level, List<String> languages, String timezone) {
      this(displayName, level, languages, timezone, null, null);
    }

    /** The profile as stored: display name trimmed, contact details as {@link ProfileRules#contact}, everything else as sent. */
    public StudentProfile normalised() {
      return new StudentProfile(displayName == null ? null : displayName.trim(), level, languages, timezone,
          ProfileRules.contact(email), ProfileRules.contact(phone));
    }
  }

  /**
   * @param rating the rating tutors gave the student (visible reviews)
   * @param reviews the last visible reviews about the student, newest first
   */
  public record StudentSummary(
      String studentId, StudentProfile profile, Instant createdAt, Instant updatedAt, RatingAggregate rating, List<Review> reviews)
      implements CborSerializable {

    public StudentSummary {
      rating = rating == null ? RatingAggregate.NONE : rating;
      reviews = reviews == null ? List.of() : List.copyOf(reviews);
    }

    public StudentSummary(String studentId, StudentProfile profile, Instant createdAt, Instant updatedAt) {
      this(studentId, profile, createdAt, updatedAt, RatingAggregate.NONE, List.of());
    }
  }

  /** What a top-up came to; the same for every retry with its key. */
  public record TopUpResult(Wallet.TopUp topUp, long balanceCents) implements CborSerializable {}

  /** The wallet as the API shows it. */
  public record WalletSummary(String studentId, Wallet wallet, String currency) implements CborSerializable {}

  /** How a student pays: the platform's money settings and the payment provider. */
  public record Payments(MoneySettings settings, PaymentProvider provider, Duration retryInterval) {}

  /** A student's plan as the API shows it (null subscription: never subscribed). */
  public record SubscriptionView(String studentId, Subscription subscription) implements CborSerializable {}

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
   * Just how the student is reached (the notifications ask it, per notified event): cheaper than
   * {@link GetStudent}, which carries the reviews. Refused when not registered, like GetStudent.
   */
  public record GetContact(ActorRef<StatusReply<ContactDetails>> replyTo) implements Command {}

  /** The answer to {@link GetContact}: the profile's e-mail and phone, each null when not given. */
  public record ContactDetails(String studentId, String email, String phone) implements CborSerializable {}

  /**
   * From a session: a review about this student (by its tutor), or its hidden version. Applied
   * once by review id and version ({@link ReceivedReviews}); answered every time with {@link
   * SessionEntity.ReviewAcknowledged}, sent to the session through sharding.
   */
  public record ReceiveReview(Review review) implements Command {}

  /** The last visible reviews about the student and its rating. */
  public record GetReviews(ActorRef<StatusReply<ReviewList>> replyTo) implements Command {}

  /**
   * Opens an instant request (at most one at a time) and starts its session, which answers
   * `replyTo` once dispatch has begun (MATCHING) or refuses it (e.g. cannot pay).
   *
   * @param deadline the caller stops waiting soon after this instant: a command that arrives
   *     later is refused (UNAVAILABLE) and opens nothing, and so does its session. Null: none
   *     (tests, in-process callers that wait as long as it takes).
   */
  public record RequestInstantTutor(
      String sessionId,
      InstantRequest request,
      Instant deadline,
      ActorRef<StatusReply<SessionEntity.SessionSummary>> replyTo)
      implements Command {

    public RequestInstantTutor(
        String sessionId, InstantRequest request, ActorRef<StatusReply<SessionEntity.SessionSummary>> replyTo) {
      this(sessionId, request, null, replyTo);
    }
  }

  /**
   * From the session: the request is no longer open (matched, cancelled, no tutor, refused). Its
   * hold goes back whole, or, with {@code escrowCents} (at MATCHED), is resized to that (never
   * more than held) and becomes the session's escrow. Told, not asked: a lost one is made good by
   * the session's settlement ({@link ChargeSession} escrows first, {@link ReleaseHold} releases).
   */
  public record CloseInstantRequest(String sessionId, Long escrowCents) implements Command {
    public CloseInstantRequest(String sessionId) {
      this(sessionId, null);
    }
  }

  /**
   * From an ended session that was never matched (NO_TUTOR, cancelled while MATCHING): its hold
   * goes back whole (an escrow, which it cannot have, would be refunded). Idempotent: answers
   * {@link SessionEntity.StudentSettled} every time, also when nothing was held.
   */
  public record ReleaseHold(String sessionId, ActorRef<SessionEntity.StudentSettled> replyTo) implements Command {}

  /**
   * From an ended matched session: {@code chargeCents} of its escrow are captured (for the tutor),
   * the rest refunded; if the escrow was never made (its {@link CloseInstantRequest} was lost), the
   * hold is escrowed at {@code escrowCents} first. Idempotent by session: asked again, it answers
   * what the first one captured and moves nothing.
   */
  public record ChargeSession(String sessionId, long escrowCents, long chargeCents, ActorRef<SessionEntity.StudentSettled> replyTo)
      implements Command {}

  /**
   * From a SessionEntity booking a lesson: hold {@code cents} (the tutor's rate × duration) for it,
   * or refuse (402) when the spendable balance cannot cover it. Idempotent by session: asked
   * again, it answers the hold it placed. The hold is settled like an instant session's
   * ({@link ChargeSession} or {@link ReleaseHold}); bookings are not instant requests and do not
   * touch the one-open-instant-request rule.
   */
  public record HoldForBooking(String sessionId, long cents, ActorRef<SessionEntity.BookingHoldAnswer> replyTo, BookedLesson lesson)
      implements Command {
    public HoldForBooking(String sessionId, long cents, ActorRef<SessionEntity.BookingHoldAnswer> replyTo) {
      this(sessionId, cents, replyTo, null);
    }
  }

  /**
   * A booked lesson as the student's list and calendar show it: kept while the wallet holds money
   * for its session (placed by {@link HoldForBooking}, moved by {@link MoveBookingHold}) and until
   * it ends; a cancelled, failed or settled booking leaves the list with its hold.
   */
  public record BookedLesson(String sessionId, String tutorId, String subject, String level, Instant start, Instant end)
      implements CborSerializable {}

  /** The student's upcoming booked lessons, by start. */
  public record GetBookings(ActorRef<StatusReply<Bookings>> replyTo) implements Command {}

  public record Bookings(String studentId, List<BookedLesson> lessons) implements CborSerializable {}

  /**
   * From a booked session being rescheduled (its student's money goes with it): the hold of {@code
   * fromSessionId} becomes the hold of {@code lesson.sessionId()}, never released in between and
   * never held twice, and the lesson replaces the old one in the student's list. Idempotent:
   * answers {@link SessionEntity.StudentSettled} for {@code fromSessionId} (0 captured) every time.
   */
  public record MoveBookingHold(String fromSessionId, BookedLesson lesson, ActorRef<SessionEntity.StudentSettled> replyTo)
      implements Command {}

  /**
   * From the gateway, when its {@link RequestInstantTutor} for `sessionId` got no answer in time and
   * the client was told it failed: closes that request if it is open and cancels its session
   * (MATCHING or MATCHED; a matched tutor is released). Any other session id changes nothing.
   * Idempotent; answers once done (or once there was nothing to do).
   */
  public record AbandonInstantRequest(String sessionId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /**
   * Buys a credit pack with a provider's payment method id, under the client's idempotency key:
   * the same key and request again answers the first result (waiting for it if it is still being
   * paid); the same key with another request is refused.
   */
  public record TopUp(String key, String packId, String paymentMethod, ActorRef<StatusReply<TopUpResult>> replyTo)
      implements Command {}

  public record GetWallet(ActorRef<StatusReply<WalletSummary>> replyTo) implements Command {}

  /**
   * From a session an admin refunded: what its settlement captured goes back to the balance.
   * Idempotent by session: answers {@link SessionEntity.StudentRefunded} every time (with what was
   * given back), refunding once; nothing captured answers 0 and writes nothing.
   */
  public record RefundSession(String sessionId, ActorRef<SessionEntity.StudentRefunded> replyTo) implements Command {}

  private record ChargeAnswered(String topUpId, ProviderResult result) implements Command {}

  /**
   * Subscribes to a student plan (its first period is charged now to {@code paymentMethod}); the
   * reply comes once the provider answered. The same plan while it is active: its view, nothing
   * charged. Another plan while one is active or being charged: refused (cancel it first).
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

  private record ChargeUnknown(String topUpId, String error) implements Command {}

  // --- events ---

  public sealed interface Event extends CborSerializable {
    String studentId();

    Instant at();
  }

  public record StudentRegistered(String studentId, StudentProfile profile, Instant at) implements Event {}

  public record StudentProfileUpdated(String studentId, StudentProfile profile, Instant at) implements Event {}

  /** A review about the student (or its hidden version) was applied to its rating and recent reviews. */
  public record ReviewReceived(String studentId, Review review, Instant at) implements Event {}

  /**
   * An instant request was opened and {@code holdCents} of the balance held for it (null: events
   * written before holds existed, or a student without payments). The hold rides on this event:
   * the request's hot path writes nothing more. Not a ledger movement (the student's account is
   * balance plus holds), so not tagged.
   */
  public record InstantRequestOpened(String studentId, String sessionId, InstantRequest request, Instant at, Long holdCents)
      implements Event {
    public InstantRequestOpened(String studentId, String sessionId, InstantRequest request, Instant at) {
      this(studentId, sessionId, request, at, null);
    }
  }

  /** What a closing request did with its hold. */
  public enum HoldOutcome { ESCROWED, RELEASED }

  /**
   * The request is closed (if it was the open one) and, with a {@code hold} outcome, its hold was
   * escrowed at {@code holdCents} (matched) or released ({@code holdCents} back to the balance).
   * Null outcome: nothing was held (older events, students without payments). Only an escrow moves
   * money in the ledger (student → escrow), so only then is it tagged.
   */
  public record InstantRequestClosed(String studentId, String sessionId, Instant at, HoldOutcome hold, Long holdCents)
      implements Event, LedgerEvent {
    public InstantRequestClosed(String studentId, String sessionId, Instant at) {
      this(studentId, sessionId, at, null, null);
    }

    @Override
    public boolean movesMoney() {
      return hold == HoldOutcome.ESCROWED && holdCents != null && holdCents > 0;
    }
  }

  /**
   * A matched session was settled: {@code capturedCents} of its escrow left the wallet (for the
   * tutor), {@code refundedCents} went back to the balance.
   */
  public record SessionCharged(String studentId, String sessionId, long capturedCents, long refundedCents, Instant at)
      implements Event, LedgerEvent {}

  /** {@code holdCents} of the balance are held for a booked session (not a ledger movement, like an instant request's hold). */
  public record BookingHoldPlaced(String studentId, String sessionId, long holdCents, Instant at, BookedLesson lesson) implements Event {
    /** As written before lessons were recorded (null lesson: not listed). */
    public BookingHoldPlaced(String studentId, String sessionId, long holdCents, Instant at) {
      this(studentId, sessionId, holdCents, at, null);
    }
  }

  /**
   * A rescheduled booking's hold ({@code holdCents}) moved from {@code sessionId} to {@code
   * lesson.sessionId()}: not a ledger movement (the student's account is balance plus holds).
   */
  public record BookingHoldMoved(String studentId, String sessionId, long holdCents, BookedLesson lesson, Instant at) implements Event {}

  /** An admin refund gave back {@code refundedCents}, what the settled session had captured. */
  public record CaptureRefunded(String studentId, String sessionId, long refundedCents, Instant at) implements Event, LedgerEvent {
    @Override
    public boolean movesMoney() {
      return refundedCents > 0;
    }
  }

  /** A top-up is about to be paid (recorded first, so that a crash re-drives it). */
  public record TopUpStarted(String studentId, Wallet.TopUp topUp, Instant at) implements Event, LedgerEvent {}

  /**
   * The provider's answer to a top-up: credited if it succeeded. {@code terms} repeats what its
   * {@code TopUpStarted} recorded (price, credit, bonus), so that the ledger can post it from this
   * event alone: the two may reach a projection apart (an entity stopped between them can leave
   * the first one's tag write to its next start). Null in events written before it was added.
   */
  public record TopUpSettled(String studentId, String topUpId, ProviderResult result, Instant at, Postings.TopUpTerms terms)
      implements Event, LedgerEvent {
    public TopUpSettled(String studentId, String topUpId, ProviderResult result, Instant at) {
      this(studentId, topUpId, result, at, null);
    }
  }

  /**
   * Period {@code period} of a plan is about to be charged (written before the provider is asked,
   * so that a crash re-drives it with the same key); period 1 starts the subscription.
   */
  public record SubscriptionChargeStarted(
      String studentId, String subscriptionId, String planId, String paymentMethod, long priceCents, int period, Instant at)
      implements Event {}

  /**
   * The provider's answer to a period's charge. Tagged whatever the outcome (the finance KPIs count
   * payment attempts); only a success moves money (provider → the platform's plan revenue).
   */
  public record SubscriptionChargeSettled(
      String studentId, String subscriptionId, String planId, int period, long amountCents, ProviderResult result, Instant at)
      implements Event, LedgerEvent {}

  /** The student cancelled: the plan ends when its paid period does. */
  public record SubscriptionCancelRequested(String studentId, String subscriptionId, Instant at) implements Event {}

  /** The plan is over: CANCELLED (at its period's end) or LAPSED (past due beyond the grace). */
  public record SubscriptionEnded(String studentId, String subscriptionId, Subscription.Status status, Instant at) implements Event {}

  // --- state, one class per lifecycle step ---

  public sealed interface State extends CborSerializable permits Unregistered, Registered {}

  public record Unregistered() implements State {
    Registered registered(StudentRegistered event) {
      return new Registered(event.profile(), event.at(), event.at());
    }
  }

  /**
   * A student with a profile, the instant request it has open (if any), and the session of the
   * last request it opened (open or not: an abandoned request may already be matched and closed).
   */
  public record Registered(
      StudentProfile profile,
      Instant createdAt,
      Instant updatedAt,
      String openInstantSessionId,
      Instant openInstantAt,
      InstantRequest openInstantRequest,
      String lastInstantSessionId,
      Wallet wallet,
      Subscription subscription,
      ReceivedReviews reviews,
      List<BookedLesson> lessons)
      implements State {

    public Registered(StudentProfile profile, Instant createdAt, Instant updatedAt) {
      this(profile, createdAt, updatedAt, null, null, null, null, Wallet.EMPTY, null, ReceivedReviews.NONE, List.of());
    }

    /** @param lessons the booked lessons not ended yet (null in states written before they were kept) */
    public Registered {
      wallet = wallet == null ? Wallet.EMPTY : wallet;
      reviews = reviews == null ? ReceivedReviews.NONE : reviews;
      lessons = lessons == null ? List.of() : List.copyOf(lessons);
    }

    Registered reviewed(ReviewReceived event, ReviewSettings settings) {
      ReceivedReviews changed = reviews.apply(event.review(), settings.recentLimit(), settings.dedupeWindow());
      return new Registered(profile, createdAt, updatedAt, openInstantSessionId, openInstantAt, openInstantRequest, lastInstantSessionId, wallet, subscription, changed, lessons);
    }

    /**
     * The lessons still booked at {@code now}: those whose session the wallet still holds money for
     * (a settled, released or moved hold takes its lesson along) and that have not ended. Bounded
     * by the wallet's holds, like them.
     */
    Registered withLessonsAt(Instant now, BookedLesson added) {
      List<BookedLesson> kept = new ArrayList<>();
      for (BookedLesson lesson : lessons) {
        if (wallet.isHolding(lesson.sessionId()) && lesson.end().isAfter(now)
            && (added == null || !lesson.sessionId().equals(added.sessionId()))) {
          kept.add(lesson);
        }
      }
      if (added != null && wallet.isHolding(added.sessionId()) && added.end().isAfter(now)) {
        kept.add(added);
      }
      return new Registered(profile, createdAt, updatedAt, openInstantSessionId, openInstantAt, openInstantRequest, lastInstantSessionId, wallet, subscription, reviews, kept);
    }

    Registered bookingHeld(BookingHoldPlaced e) {
      return withWallet(wallet.held(e.sessionId(), e.holdCents(), e.at())).withLessonsAt(e.at(), e.lesson());
    }

    Registered bookingMoved(BookingHoldMoved e) {
      return withWallet(wallet.moved(e.sessionId(), e.lesson().sessionId())).withLessonsAt(e.at(), e.lesson());
    }

    /** The upcoming lessons at {@code now}, by start. */
    List<BookedLesson> upcoming(Instant now) {
      return lessons.stream()
          .filter(lesson -> lesson.end().isAfter(now) && wallet.isHolding(lesson.sessionId()))
          .sorted(java.util.Comparator.comparing(BookedLesson::start).thenComparing(BookedLesson::sessionId))
          .toList();
    }

    Registered updated(StudentProfileUpdated event) {
      return new Registered(
          event.profile(), createdAt, event.at(), openInstantSessionId, openInstantAt, openInstantRequest, lastInstantSessionId, wallet, subscription, reviews, lessons);
    }

    /**
     * A request replacing a stale one (left open by a crash) releases the stale one's hold, unless
     * it became an escrow; then this request's hold is taken.
     */
    Registered opened(InstantRequestOpened event) {
      Wallet changed = wallet;
      if (openInstantSessionId != null && !openInstantSessionId.equals(event.sessionId())
          && changed.isHolding(openInstantSessionId) && !changed.isEscrowed(openInstantSessionId)) {
        changed = changed.released(openInstantSessionId, event.at());
      }
      if (event.holdCents() != null) {
        changed = changed.held(event.sessionId(), event.holdCents(), event.at());
      }
      return new Registered(profile, createdAt, updatedAt, event.sessionId(), event.at(), event.request(), event.sessionId(), changed, subscription, reviews, lessons);
    }

    Registered closed(InstantRequestClosed event) {
      Wallet changed = wallet;
      if (event.hold() == HoldOutcome.ESCROWED) {
        changed = changed.escrowedFor(event.sessionId(), event.holdCents(), event.at());
      } else if (event.hold() == HoldOutcome.RELEASED) {
        changed = changed.released(event.sessionId(), event.at());
      }
      boolean wasOpen = event.sessionId().equals(openInstantSessionId);
      return new Registered(profile, createdAt, updatedAt, wasOpen ? null : openInstantSessionId, wasOpen ? null : openInstantAt,
          wasOpen ? null : openInstantRequest, lastInstantSessionId, changed, subscription, reviews, lessons).withLessonsAt(event.at(), null);
    }

    Registered charged(SessionCharged event) {
      return withWallet(wallet.captured(event.sessionId(), event.capturedCents(), event.at())).withLessonsAt(event.at(), null);
    }

    Registered withWallet(Wallet changed) {
      return new Registered(profile, createdAt, updatedAt, openInstantSessionId, openInstantAt, openInstantRequest, lastInstantSessionId, changed, subscription, reviews, lessons);
    }

    Registered withSubscription(Subscription changed) {
      return new Registered(profile, createdAt, updatedAt, openInstantSessionId, openInstantAt, openInstantRequest, lastInstantSessionId, wallet, changed, reviews, lessons);
    }

    StudentSummary summary(String studentId) {
      return new StudentSummary(studentId, profile, createdAt, updatedAt, reviews.rating(), reviews.recent().visible());
    }
  }

  // --- wiring ---

  public static void init(ActorSystem<?> system) {
    init(system, Links.NONE);
  }

  public static void init(ActorSystem<?> system, Links links) {
    init(system, links, null);
  }

  public static void init(ActorSystem<?> system, Links links, Payments payments) {
    ProfileRules rules = ProfileRules.fromConfig(system.settings().config());
    MatchingSettings matching = MatchingSettings.fromConfig(system.settings().config());
    PlanTimes planTimes = PlanTimes.fromConfig(system.settings().config());
    ReviewSettings reviews = ReviewSettings.fromConfig(system.settings().config());
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
        ctx -> create(ctx.getEntityId(), rules, matching, links, payments, planTimes, reviews, Clock.systemUTC())));
  }

  public static Behavior<Command> create(String studentId, ProfileRules rules, Clock clock) {
    return create(studentId, rules, null, Links.NONE, null, clock);
  }

  public static Behavior<Command> create(
      String studentId, ProfileRules rules, MatchingSettings matching, Links links, Clock clock) {
    return create(studentId, rules, matching, links, null, clock);
  }

  /** @param payments null: top-ups are refused (a node always has them; some unit tests do not need them) */
  public static Behavior<Command> create(
      String studentId, ProfileRules rules, MatchingSettings matching, Links links, Payments payments, Clock clock) {
    return create(studentId, rules, matching, links, payments, PlanTimes.DEFAULT, clock);
  }

  /**
   * @param planTimes how long a plan's day lasts, and the grace of a past-due plan; the review
   *     settings are those of the actor system's config, read when the entity starts (for tests)
   */
  public static Behavior<Command> create(
      String studentId, ProfileRules rules, MatchingSettings matching, Links links, Payments payments, PlanTimes planTimes, Clock clock) {
    return Behaviors.setup(context -> create(studentId, rules, matching, links, payments, planTimes,
        ReviewSettings.fromConfig(context.getSystem().settings().config()), clock));
  }

  /** @param reviews {@code tutormesh.reviews}, parsed once per node ({@link #init}) */
  public static Behavior<Command> create(String studentId, ProfileRules rules, MatchingSettings matching, Links links,
      Payments payments, PlanTimes planTimes, ReviewSettings reviews, Clock clock) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new StudentEntity(studentId, rules, matching, links, payments, planTimes, reviews, clock, context, timers)));
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
  private final Payments payments;
  private final Clock clock;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ReviewSettings reviewSettings;
  /** Who waits for a top-up still being paid: answered when its outcome is written. */
  private final java.util.Map<String, List<ActorRef<StatusReply<TopUpResult>>>> waitingForTopUp = new java.util.HashMap<>();
  /** The student's plan: subscribing, each period charged, renewals, cancellation, lapse. */
  private final SubscriptionDriver<Command, Event, State, SubscriptionView> plans;

  private StudentEntity(
      String studentId,
      ProfileRules rules,
      MatchingSettings matching,
      Links links,
      Payments payments,
      PlanTimes planTimes,
      ReviewSettings reviews,
      Clock clock,
      ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    super(PersistenceId.of(ENTITY_KEY.name(), studentId));
    this.studentId = studentId;
    this.rules = rules;
    this.requestRules = matching == null ? null : new InstantRequestRules(rules, matching);
    // A request still open this long after it was opened lost its session (a crash between the
    // two writes): it no longer blocks a new one.
    this.staleRequestAfter = matching == null ? Duration.ZERO : matching.requestTimeout().multipliedBy(2);
    this.links = links;
    this.payments = payments;
    this.clock = clock;
    this.context = context;
    this.timers = timers;
    this.reviewSettings = reviews;
    this.plans = new SubscriptionDriver<>(studentId, new PlanOwner(), payments == null ? null : payments.settings(),
        payments == null ? null : payments.provider(), payments == null ? null : payments.retryInterval(), planTimes, clock, context, timers,
        PlanStep::new, Effect());
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
        .onCommand(GetContact.class, (state, command) -> reject(command.replyTo(), studentNotFound()))
        .onCommand(RequestInstantTutor.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("create the student profile first (PUT /v1/students/" + studentId + ")")))
        .onCommand(CloseInstantRequest.class, command -> Effect().noReply())
        .onCommand(ReleaseHold.class, command -> settledAlready(command.sessionId(), 0, command.replyTo()))
        .onCommand(ChargeSession.class, command -> settledAlready(command.sessionId(), 0, command.replyTo()))
        .onCommand(HoldForBooking.class, command -> answerHold(command, 0,
            Rejection.conflict("create the student profile first (PUT /v1/students/" + studentId + ")")))
        .onCommand(RefundSession.class, command -> refundedAlready(command.sessionId(), 0, command.replyTo()))
        .onCommand(MoveBookingHold.class, command -> settledAlready(command.fromSessionId(), 0, command.replyTo()))
        .onCommand(GetBookings.class, (state, command) -> reject(command.replyTo(), noStudent()))
        .onCommand(AbandonInstantRequest.class, command -> Effect().reply(command.replyTo(), StatusReply.ack()))
        .onCommand(TopUp.class, (state, command) -> reject(command.replyTo(), noStudent()))
        .onCommand(GetWallet.class, (state, command) -> reject(command.replyTo(), noStudent()))
        .onCommand(Subscribe.class, (state, command) -> reject(command.replyTo(), noStudent()))
        .onCommand(CancelSubscription.class, (state, command) -> reject(command.replyTo(), noStudent()))
        .onCommand(GetSubscription.class, (state, command) -> reject(command.replyTo(), noStudent()))
        .onCommand(ReceiveReview.class, (state, command) -> acknowledgeReview(command.review()))
        .onCommand(GetReviews.class, (state, command) -> reject(command.replyTo(), noStudent()))
        .onCommand(CheckPlan.class, command -> Effect().reply(command.replyTo(), new PlanDue(studentId, null)));
    builder.forStateType(Registered.class)
        .onCommand(UpdateProfile.class, this::update)
        .onCommand(GetStudent.class, this::get)
        .onCommand(GetContact.class, (state, command) -> Effect().reply(command.replyTo(), StatusReply.success(contactOf(state.profile()))))
        .onCommand(ReceiveReview.class, this::receiveReview)
        .onCommand(GetReviews.class, (state, command) -> Effect().reply(command.replyTo(), StatusReply.success(ReviewList.of(studentId, state.reviews()))))
        .onCommand(RequestInstantTutor.class, this::requestInstant)
        .onCommand(CloseInstantRequest.class, this::closeInstant)
        .onCommand(ReleaseHold.class, this::releaseHold)
        .onCommand(ChargeSession.class, this::chargeSession)
        .onCommand(HoldForBooking.class, this::holdForBooking)
        .onCommand(MoveBookingHold.class, this::moveBookingHold)
        .onCommand(GetBookings.class, (state, command) -> Effect().reply(command.replyTo(),
            StatusReply.success(new Bookings(studentId, state.upcoming(clock.instant())))))
        .onCommand(RefundSession.class, this::refundSession)
        .onCommand(AbandonInstantRequest.class, this::abandonInstant)
        .onCommand(TopUp.class, this::topUp)
        .onCommand(ChargeAnswered.class, this::chargeAnswered)
        .onCommand(ChargeUnknown.class, this::chargeUnknown)
        .onCommand(RetryCharge.class, this::retryCharge)
        .onCommand(GetWallet.class, (state, command) -> Effect().reply(command.replyTo(), StatusReply.success(walletOf(state))))
        .onCommand(Subscribe.class, (state, command) -> plans.subscribe(state, command.planId(), command.paymentMethod(), command.replyTo()))
        .onCommand(CancelSubscription.class, (state, command) -> plans.cancel(state, command.replyTo()))
        .onCommand(GetSubscription.class, (state, command) -> plans.get(state, command.replyTo()))
        .onCommand(CheckPlan.class, (state, command) -> plans.check(state, command.replyTo()))
        .onCommand(PlanStep.class, (state, command) -> plans.step(state, command.step()));
    builder.forAnyState().onAnyCommand(command -> Effect().noReply());
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

  // --- reviews about the student ---

  /** Applies a review (or its hidden version) once, then acknowledges it; a repeat, or one not about this student, is only acknowledged. */
  private ReplyEffect<Event, State> receiveReview(Registered state, ReceiveReview command) {
    Review review = command.review();
    if (!studentId.equals(review.toUserId()) || state.reviews().alreadyApplied(review)) {
      return acknowledgeReview(review);
    }
    return Effect()
        .persist(new ReviewReceived(studentId, review, clock.instant()))
        .thenRun(s -> acknowledgeReview(review))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> acknowledgeReview(Review review) {
    links.session(review.sessionId(), new SessionEntity.ReviewAcknowledged(review.sessionId(), review.reviewId(), review.hidden()));
    return Effect().noReply();
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
    if (command.deadline() != null && clock.instant().isAfter(command.deadline())) {
      // The caller is about to give up (or has): opening the request now would leave it open,
      // offered and matched behind an error answer. Refuse; nothing is written.
      return reject(command.replyTo(), Rejection.unavailable("the request could not be taken in time (the node is busy); nothing was opened; retry"));
    }
    String currency = rules.catalog().currency();
    // Without payments (unit tests of matching alone) nothing is held, as before money existed.
    Long hold = payments == null ? null : Pricing.hold(command.request().maxRateCents(), command.request().durationMinutes());
    SessionEntity.StartInstant start =
        new SessionEntity.StartInstant(studentId, command.request(), currency, command.deadline(), command.replyTo(), hold);
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
    if (hold != null) {
      // The wallet's single writer checks and holds in one step: two requests cannot spend the same cents.
      Wallet spendable = releasingStale(state);
      Optional<Rejection> cannotPay = PaymentGuard.walletCovers(spendable, hold, payments.settings().currency());
      if (cannotPay.isPresent()) {
        return reject(command.replyTo(), cannotPay.get());
      }
    }
    return Effect()
        .persist(new InstantRequestOpened(studentId, command.sessionId(), command.request(), clock.instant(), hold))
        .thenRun(s -> links.session(command.sessionId(), start))
        .thenNoReply();
  }

  /** The wallet as it will be once a stale open request's hold is released by the next InstantRequestOpened. */
  private static Wallet releasingStale(Registered state) {
    String stale = state.openInstantSessionId();
    Wallet wallet = state.wallet();
    return stale != null && wallet.isHolding(stale) && !wallet.isEscrowed(stale) ? wallet.released(stale, Instant.EPOCH) : wallet;
  }

  private ReplyEffect<Event, State> closeInstant(Registered state, CloseInstantRequest command) {
    Optional<InstantRequestClosed> closed = closing(state, command.sessionId(), command.escrowCents());
    if (closed.isEmpty()) {
      return Effect().noReply();
    }
    return Effect().persist(closed.get()).thenNoReply();
  }

  /**
   * What closing the request of {@code sessionId} writes: it closes the open request if it is that
   * one, and escrows ({@code escrowCents} not null) or releases its hold if it holds one not yet
   * escrowed. Empty: nothing to do.
   */
  private Optional<InstantRequestClosed> closing(Registered state, String sessionId, Long escrowCents) {
    Wallet wallet = state.wallet();
    boolean open = sessionId.equals(state.openInstantSessionId());
    boolean holding = wallet.isHolding(sessionId) && !wallet.isEscrowed(sessionId);
    if (!open && !holding) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!holding) {
      return Optional.of(new InstantRequestClosed(studentId, sessionId, now));
    }
    long held = wallet.heldFor(sessionId);
    if (escrowCents != null) {
      return Optional.of(new InstantRequestClosed(studentId, sessionId, now, HoldOutcome.ESCROWED, Math.max(0, Math.min(escrowCents, held))));
    }
    return Optional.of(new InstantRequestClosed(studentId, sessionId, now, HoldOutcome.RELEASED, held));
  }

  // --- settlements, driven (and re-driven) by the session until acknowledged ---

  private ReplyEffect<Event, State> releaseHold(Registered state, ReleaseHold command) {
    String sessionId = command.sessionId();
    Wallet wallet = state.wallet();
    if (wallet.isEscrowed(sessionId)) {
      // Cannot happen (only a matched session escrows, and it is charged, not released): refund it.
      return persistThenSettled(List.of(new SessionCharged(studentId, sessionId, 0, wallet.heldFor(sessionId), clock.instant())), sessionId, 0, command.replyTo());
    }
    Optional<InstantRequestClosed> closed = closing(state, sessionId, null);
    if (closed.isEmpty()) {
      return settledAlready(sessionId, wallet.chargedFor(sessionId).orElse(0L), command.replyTo());
    }
    return persistThenSettled(List.of(closed.get()), sessionId, 0, command.replyTo());
  }

  private ReplyEffect<Event, State> chargeSession(Registered state, ChargeSession command) {
    String sessionId = command.sessionId();
    Wallet wallet = state.wallet();
    Optional<Long> charged = wallet.chargedFor(sessionId);
    if (charged.isPresent() || !wallet.isHolding(sessionId)) {
      // Settled before (this is a retry), or nothing was ever held for it: nothing moves.
      return settledAlready(sessionId, charged.orElse(0L), command.replyTo());
    }
    List<Event> events = new ArrayList<>();
    long escrow = wallet.heldFor(sessionId);
    if (!wallet.isEscrowed(sessionId)) {
      InstantRequestClosed escrowed = closing(state, sessionId, command.escrowCents()).orElseThrow();
      events.add(escrowed);
      escrow = escrowed.holdCents();
    }
    // An active student plan takes its discount off the price: less is captured, more refunded.
    long price = Pricing.discounted(Math.max(0, command.chargeCents()), sessionDiscountPercent(state));
    long captured = Math.max(0, Math.min(price, escrow));
    events.add(new SessionCharged(studentId, sessionId, captured, escrow - captured, clock.instant()));
    return persistThenSettled(events, sessionId, captured, command.replyTo());
  }

  private ReplyEffect<Event, State> holdForBooking(Registered state, HoldForBooking command) {
    String sessionId = command.sessionId();
    Wallet wallet = state.wallet();
    if (wallet.isHolding(sessionId) || wallet.chargedFor(sessionId).isPresent()) {
      return answerHold(command, wallet.heldFor(sessionId), null);
    }
    if (payments == null) {
      // Without payments (unit tests of matching alone) nothing is held, as for instant requests.
      return answerHold(command, 0, null);
    }
    long cents = Math.max(0, command.cents());
    if (!wallet.canHold(cents)) {
      String currency = payments.settings().currency();
      return answerHold(command, 0, Rejection.paymentRequired("not enough credit: this booking holds " + cents + " " + currency
          + " (the tutor's rate × duration) and the spendable balance is " + wallet.balanceCents() + " " + currency));
    }
    SessionEntity.BookingHoldAnswer held = new SessionEntity.BookingHoldAnswer(sessionId, true, cents, null);
    return Effect()
        .persist(new BookingHoldPlaced(studentId, sessionId, cents, clock.instant(), command.lesson()))
        .thenRun(s -> command.replyTo().tell(held))
        .thenNoReply();
  }

  /** A reschedule: the old booking's hold becomes the new one's, once; answered every time. */
  private ReplyEffect<Event, State> moveBookingHold(Registered state, MoveBookingHold command) {
    String from = command.fromSessionId();
    String to = command.lesson().sessionId();
    Wallet wallet = state.wallet();
    boolean movable = wallet.isHolding(from) && wallet.chargedFor(from).isEmpty()
        && !wallet.isHolding(to) && wallet.chargedFor(to).isEmpty();
    if (!movable) {
      // Moved before (a retry), or nothing held for it (a student without payments): nothing moves.
      return settledAlready(from, 0, command.replyTo());
    }
    return persistThenSettled(
        List.of(new BookingHoldMoved(studentId, from, wallet.heldFor(from), command.lesson(), clock.instant())), from, 0, command.replyTo());
  }

  private ReplyEffect<Event, State> answerHold(HoldForBooking command, long heldCents, Rejection refusal) {
    boolean held = refusal == null;
    command.replyTo().tell(new SessionEntity.BookingHoldAnswer(command.sessionId(), held, heldCents, held ? null : refusal.toMessage()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> persistThenSettled(
      List<Event> events, String sessionId, long capturedCents, ActorRef<SessionEntity.StudentSettled> replyTo) {
    SessionEntity.StudentSettled settled = new SessionEntity.StudentSettled(sessionId, capturedCents);
    return Effect().persist(events).thenRun(s -> replyTo.tell(settled)).thenNoReply();
  }

  private ReplyEffect<Event, State> settledAlready(String sessionId, long capturedCents, ActorRef<SessionEntity.StudentSettled> replyTo) {
    replyTo.tell(new SessionEntity.StudentSettled(sessionId, capturedCents));
    return Effect().noReply();
  }

  /** An admin refund: what the session captured goes back, once. */
  private ReplyEffect<Event, State> refundSession(Registered state, RefundSession command) {
    String sessionId = command.sessionId();
    Optional<Long> refunded = state.wallet().refundedFor(sessionId);
    long captured = state.wallet().chargedFor(sessionId).orElse(0L);
    if (refunded.isPresent() || captured <= 0) {
      return refundedAlready(sessionId, refunded.orElse(0L), command.replyTo());
    }
    SessionEntity.StudentRefunded answer = new SessionEntity.StudentRefunded(sessionId, captured);
    return Effect()
        .persist(new CaptureRefunded(studentId, sessionId, captured, clock.instant()))
        .thenRun(s -> command.replyTo().tell(answer))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> refundedAlready(String sessionId, long refundedCents, ActorRef<SessionEntity.StudentRefunded> replyTo) {
    replyTo.tell(new SessionEntity.StudentRefunded(sessionId, refundedCents));
    return Effect().noReply();
  }

  /**
   * The gateway gave up on the request of `sessionId`: close it if it is still open, releasing its
   * hold unless the hold became an escrow, and have its session cancel itself (it may already be
   * matched, which closed the request). Other ids: nothing.
   *
   * <p>The hold is released here, by the wallet's single writer, because nothing else may ever do
   * it: the session may never have started (its start lost with an entity or a node that stopped
   * under it), and a session that never started neither settles nor refuses. A session that did
   * start is cancelled by the abandon, and its settlement finds nothing held for it: nothing moves.
   */
  private ReplyEffect<Event, State> abandonInstant(Registered state, AbandonInstantRequest command) {
    String sessionId = command.sessionId();
    SessionEntity.AbandonRequest abandon = new SessionEntity.AbandonRequest(studentId);
    if (sessionId.equals(state.openInstantSessionId())) {
      return Effect()
          .persist(closing(state, sessionId, null).orElseThrow())
          .thenRun(s -> links.session(sessionId, abandon))
          .thenReply(command.replyTo(), s -> StatusReply.ack());
    }
    if (sessionId.equals(state.lastInstantSessionId())) {
      links.session(sessionId, abandon);
    }
    return Effect().reply(command.replyTo(), StatusReply.ack());
  }

  // --- the wallet: top-ups ---

  private ReplyEffect<Event, State> topUp(Registered state, TopUp command) {
    if (payments == null) {
      return reject(command.replyTo(), Rejection.internal("payments are not configured"));
    }
    String key = command.key();
    if (key == null || key.isEmpty() || key.length() > PaymentProvider.MAX_KEY_LENGTH) {
      return reject(command.replyTo(), Rejection.invalid("Idempotency-Key", "1 to " + PaymentProvider.MAX_KEY_LENGTH + " characters are required"));
    }
    Optional<MoneySettings.CreditPack> pack = payments.settings().pack(command.packId());
    if (pack.isEmpty()) {
      return reject(command.replyTo(), Rejection.invalid("packId", "unknown credit pack " + Rejection.quoted(command.packId()) + "; see GET /v1/credit-packs"));
    }
    String method = command.paymentMethod();
    if (method == null || method.isBlank() || method.length() > 255) {
      return reject(command.replyTo(), Rejection.invalid("paymentMethod", "a payment method id from the payment provider is required (at most 255 characters)"));
    }
    String requestHash = command.packId() + "|" + method;
    Optional<Wallet.TopUp> earlier = state.wallet().topUp(command.key());
    if (earlier.isPresent()) {
      return again(state, earlier.get(), requestHash, command.replyTo());
    }
    MoneySettings.CreditPack p = pack.get();
    Instant now = clock.instant();
    Wallet.TopUp started = new Wallet.TopUp(
        UUID.randomUUID().toString(), command.key(), requestHash, p.packId(), method, p.priceCents(), p.creditCents(), p.bonusCents(),
        Wallet.TopUpStatus.PENDING, null, null, now);
    return Effect()
        .persist(new TopUpStarted(studentId, started, now))
        .thenRun(s -> {
          waitFor(started.topUpId(), command.replyTo());
          charge(started);
        })
        .thenNoReply();
  }

  /** The same key again: the first result, or a wait for it; another request under that key is refused. */
  private ReplyEffect<Event, State> again(Registered state, Wallet.TopUp earlier, String requestHash, ActorRef<StatusReply<TopUpResult>> replyTo) {
    if (!earlier.requestHash().equals(requestHash)) {
      return reject(replyTo, Rejection.conflict("this Idempotency-Key was used for another top-up (" + earlier.packId() + ", " + earlier.paymentMethod() + ")"));
    }
    if (earlier.status() == Wallet.TopUpStatus.PENDING) {
      waitFor(earlier.topUpId(), replyTo);
      return Effect().noReply();
    }
    return Effect().reply(replyTo, StatusReply.success(new TopUpResult(earlier, state.wallet().balanceCents())));
  }

  private void waitFor(String topUpId, ActorRef<StatusReply<TopUpResult>> replyTo) {
    waitingForTopUp.computeIfAbsent(topUpId, id -> new ArrayList<>()).add(replyTo);
  }

  /** Asks the provider, idempotently by the top-up's id; a lost answer is asked again later. */
  private void charge(Wallet.TopUp topUp) {
    CompletionStage<ProviderResult> charged = payments.provider()
        .charge("topup:" + topUp.topUpId(), topUp.paymentMethod(), topUp.priceCents(), payments.settings().currency());
    context.pipeToSelf(charged, (result, error) -> result != null ? new ChargeAnswered(topUp.topUpId(), result) : new ChargeUnknown(topUp.topUpId(), String.valueOf(error)));
  }

  private ReplyEffect<Event, State> chargeAnswered(Registered state, ChargeAnswered answered) {
    Optional<Wallet.TopUp> topUp = state.wallet().topUpById(answered.topUpId());
    if (topUp.isEmpty() || topUp.get().status() != Wallet.TopUpStatus.PENDING) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new TopUpSettled(studentId, answered.topUpId(), answered.result(), clock.instant(), Postings.TopUpTerms.of(topUp.get())))
        .thenRun(s -> answerWaiting(answered.topUpId(), (Registered) s))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> chargeUnknown(Registered state, ChargeUnknown unknown) {
    context.getLog().warn("Top-up {} of student {}: no answer from the payment provider ({}); asking again", unknown.topUpId(), studentId, unknown.error());
    state.wallet().topUpById(unknown.topUpId())
        .filter(t -> t.status() == Wallet.TopUpStatus.PENDING)
        .ifPresent(t -> timers.startSingleTimer("charge-" + t.topUpId(), new RetryCharge(t.topUpId()), payments.retryInterval()));
    return Effect().noReply();
  }

  private record RetryCharge(String topUpId) implements Command {}

  private ReplyEffect<Event, State> retryCharge(Registered state, RetryCharge retry) {
    state.wallet().topUpById(retry.topUpId()).filter(t -> t.status() == Wallet.TopUpStatus.PENDING).ifPresent(this::charge);
    return Effect().noReply();
  }

  private void answerWaiting(String topUpId, Registered state) {
    List<ActorRef<StatusReply<TopUpResult>>> waiting = waitingForTopUp.remove(topUpId);
    if (waiting != null) {
      TopUpResult result = new TopUpResult(state.wallet().topUpById(topUpId).orElseThrow(), state.wallet().balanceCents());
      waiting.forEach(replyTo -> replyTo.tell(StatusReply.success(result)));
    }
  }

  // --- plans: a subscription, each period charged through the provider (SubscriptionDriver) ---

  /** What the plan saga needs of a student: its events and its view. */
  private final class PlanOwner implements SubscriptionDriver.Owner<Event, State, SubscriptionView> {
    @Override
    public MoneySettings.Plan.Kind kind() {
      return MoneySettings.Plan.Kind.STUDENT;
    }

    @Override
    public Subscription subscription(State state) {
      return state instanceof Registered registered ? registered.subscription() : null;
    }

    @Override
    public Event chargeStarted(String subscriptionId, String planId, String paymentMethod, long priceCents, int period, Instant at) {
      return new SubscriptionChargeStarted(studentId, subscriptionId, planId, paymentMethod, priceCents, period, at);
    }

    @Override
    public Event chargeSettled(String subscriptionId, String planId, int period, long amountCents, ProviderResult result, Instant at) {
      return new SubscriptionChargeSettled(studentId, subscriptionId, planId, period, amountCents, result, at);
    }

    @Override
    public Event cancelRequested(String subscriptionId, Instant at) {
      return new SubscriptionCancelRequested(studentId, subscriptionId, at);
    }

    @Override
    public Event ended(String subscriptionId, Subscription.Status status, Instant at) {
      return new SubscriptionEnded(studentId, subscriptionId, status, at);
    }

    @Override
    public SubscriptionView view(Subscription subscription) {
      return new SubscriptionView(studentId, subscription);
    }
  }

  /** The session discount of the student's plan while it is paid up (0 otherwise). */
  private int sessionDiscountPercent(Registered state) {
    Subscription s = state.subscription();
    return s == null || !s.active() || payments == null ? 0 : payments.settings().sessionDiscountPercent(s.planId());
  }

  private Registered planChargeStarted(Registered state, SubscriptionChargeStarted e) {
    return state.withSubscription(plans.chargeStarted(state.subscription(), e.subscriptionId(), e.planId(), e.paymentMethod(), e.priceCents(), e.period(), e.at()));
  }

  private Registered planChargeSettled(Registered state, SubscriptionChargeSettled e) {
    return state.withSubscription(plans.chargeSettled(state.subscription(), e.subscriptionId(), e.planId(), e.period(), e.result(), e.at()));
  }

  private WalletSummary walletOf(Registered state) {
    return new WalletSummary(studentId, state.wallet(), payments == null ? rules.catalog().currency() : payments.settings().currency());
  }

  private Rejection noStudent() {
    return Rejection.notFound("student " + studentId + " not found: create the profile first (PUT /v1/students/" + studentId + ")");
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::recovered).build();
  }

  /** Top-ups that were started but have no outcome (a crash in between): asked again, same key. */
  private void recovered(State state) {
    if (state instanceof Registered registered && payments != null) {
      registered.wallet().pendingTopUps().forEach(this::charge);
      // A plan charge written down but not answered: asked again, same key; the timer armed again.
      plans.recovered(registered);
    }
  }

  private ReplyEffect<Event, State> notFound(Unregistered state, GetStudent command) {
    return reject(command.replyTo(), studentNotFound());
  }

  private Rejection studentNotFound() {
    return Rejection.notFound("student " + studentId + " not found");
  }

  private ReplyEffect<Event, State> get(Registered state, GetStudent command) {
    return Effect().reply(command.replyTo(), StatusReply.success(state.summary(studentId)));
  }

  private ContactDetails contactOf(StudentProfile profile) {
    return new ContactDetails(studentId, profile.email(), profile.phone());
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
        .onEvent(ReviewReceived.class, (state, e) -> state.reviewed(e, reviewSettings))
        .onEvent(InstantRequestOpened.class, Registered::opened)
        .onEvent(InstantRequestClosed.class, Registered::closed)
        .onEvent(SessionCharged.class, Registered::charged)
        .onEvent(BookingHoldPlaced.class, Registered::bookingHeld)
        .onEvent(BookingHoldMoved.class, Registered::bookingMoved)
        .onEvent(CaptureRefunded.class, (state, e) -> state.withWallet(state.wallet().sessionRefunded(e.sessionId(), e.refundedCents(), e.at())))
        .onEvent(TopUpStarted.class, (state, e) -> state.withWallet(state.wallet().topUpStarted(e.topUp())))
        .onEvent(TopUpSettled.class, (state, e) -> state.withWallet(state.wallet().topUpSettled(e.topUpId(), e.result(), e.at())))
        .onEvent(SubscriptionChargeStarted.class, this::planChargeStarted)
        .onEvent(SubscriptionChargeSettled.class, this::planChargeSettled)
        .onEvent(SubscriptionCancelRequested.class, (state, e) -> state.withSubscription(state.subscription().cancellingAtPeriodEnd()))
        .onEvent(SubscriptionEnded.class, (state, e) -> state.withSubscription(state.subscription().ended(e.status())));
    return builder.build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    // A plan's first charge is tagged too (its settlement is a LedgerEvent): the plan waker's due
    // index (persistence/plans) hears of a subscription whose first answer never came.
    boolean tagged = event instanceof LedgerEvent money && money.movesMoney() || event instanceof SubscriptionChargeStarted;
    return tagged ? Set.of(tagFor(event.studentId())) : Set.of();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
