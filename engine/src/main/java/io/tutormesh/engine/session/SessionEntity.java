package io.tutormesh.engine.session;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.MatchPool.CandidateQuery;
import io.tutormesh.engine.matching.MatchingObserver;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.matching.Offer;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.money.DisputePolicy;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.NoShowPolicy;
import io.tutormesh.engine.money.Pricing;
import io.tutormesh.engine.review.Review;
import io.tutormesh.engine.review.ReviewLog;
import io.tutormesh.engine.review.ReviewSettings;
import io.tutormesh.engine.room.Board;
import io.tutormesh.engine.room.BoardOp;
import io.tutormesh.engine.room.Room;
import io.tutormesh.engine.room.RoomEntry;
import io.tutormesh.engine.room.RoomSettings;
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
import org.apache.pekko.persistence.typed.SnapshotAdapter;
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
 *
 * <p>Once matched, it is the live room: it stores every chat message and whiteboard op as an
 * event before it goes out (one {@code seq} per session), answers resumes and transcripts from
 * its {@link Room}, relays WebRTC signalling between the two participants without storing it,
 * goes LIVE when both have joined and COMPLETED when one of them ends it (or when the room stays
 * empty for {@code tutormesh.room.abandon-timeout}).
 *
 * <p>The room is part of the state, and bounded: it keeps the board, every chat message (at most
 * {@code tutormesh.room.max-chat-entries}, then "chat-full") and only the last
 * {@code board-replay-limit} whiteboard ops, since a resume further behind gets the board instead
 * of the ops. So the session is snapshotted every {@code tutormesh.room.snapshot-every} events
 * (the last 2 kept; events are never deleted): a long lesson recovers from its last snapshot and
 * the events after it, not from all of its events. The {@link Room} is mutable and snapshots are
 * serialized off the actor, so the snapshot adapter copies it ({@link Room.Snapshot}) in the actor.
 * A transcript reaching back past the kept ops reads them from the journal ({@link RoomJournal}).
 *
 * <p>Money: the student's wallet holds the request's maximum (placed by the StudentEntity); at
 * MATCHED the session's escrow is the tutor's rate × duration (never more than the hold); at
 * COMPLETED the price is fixed ({@link Pricing#instantPrice}); an ended session then drives its
 * settlement (student charged or released, then tutor credited), re-sent until acknowledged and
 * re-driven after a restart, and writes {@link EscrowSettled} when done.
 *
 * <p>This file holds the session's protocol (commands, replies, notifications), its events and
 * states, the command and event dispatch tables and the wiring. The handlers live in parts of the
 * same package, one per concern: {@link InstantDispatch}, {@link BookingSaga},
 * {@link SessionSettlement}, {@link RoomHandlers} and {@link SessionReviews}.
 *
 * <p>Reviews: once COMPLETED, each participant may review the other once ({@link SubmitReview});
 * the session is the single writer of who reviewed it ({@link ReviewLog} in its {@link Ended}
 * state) and delivers each review to the reviewed user's entity until acknowledged (see
 * {@link SessionReviews}).
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

    /** As above, for a session of {@code durationMinutes} (a booked lesson within it refuses the tutor). */
    default CompletionStage<Done> reserve(String tutorId, String sessionId, String studentId, int durationMinutes) {
      return reserve(tutorId, sessionId, studentId);
    }

    void tutor(String tutorId, TutorEntity.Command command);

    void pool(String subject, MatchPool.Command command);

    void student(String studentId, StudentEntity.Command command);

    /** Another session (a reschedule: the old booking and the new one talk to each other). */
    void session(String sessionId, Command command);
  }

  // --- the session as the API shows it ---

  public enum Kind { INSTANT, BOOKED }

  public enum Status { MATCHING, MATCHED, BOOKED, LIVE, COMPLETED, CANCELLED, NO_TUTOR, NO_SHOW, DISPUTED, REFUNDED }

  public enum EscrowStatus { NONE, HELD, RELEASED, REFUNDED, DISPUTED }

  public record Escrow(EscrowStatus status, long heldCents, long releasedCents, long refundedCents)
      implements CborSerializable {
    public static final Escrow NONE = new Escrow(EscrowStatus.NONE, 0, 0, 0);
  }

  /**
   * @param rescheduledFrom a BOOKED entry of a session that replaced that one (a reschedule)
   * @param rescheduledTo a CANCELLED entry of a session replaced by that one (a reschedule)
   */
  public record TimelineEntry(Instant at, Status status, String rescheduledFrom, String rescheduledTo) implements CborSerializable {
    public TimelineEntry(Instant at, Status status) {
      this(at, status, null, null);
    }
  }

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
      List<TimelineEntry> timeline,
      Instant startedAt,
      Instant endedAt) implements CborSerializable {

    public boolean isParticipant(String userId) {
      return userId.equals(studentId) || userId.equals(tutorId);
    }
  }

  /** Pushed to the session's subscribers (the room sockets). */
  public sealed interface Notification extends CborSerializable {}

  public record StatusChanged(String sessionId, Status status, String tutorId) implements Notification {}

  /**
   * A room entry was stored (to every room socket), or, {@code again}, a resent one (same
   * clientId) is sent back to its sender only.
   */
  public record Posted(RoomEntry entry, boolean again) implements Notification {}

  /** A participant's first connection opened, or its last one closed. */
  public record PresenceChanged(String userId, boolean joined) implements Notification {}

  /** WebRTC signalling from the other participant, relayed as is and never stored. */
  public record SignalRelayed(String from, String kind, String payloadJson) implements Notification {}

  /** Part of a compacted resume: the board as it is at {@code seq} (pages of its items). */
  public record BoardPage(long seq, List<Board.Item> items, boolean last) implements Notification {}

  /** Part of a resume: entries up to {@code upTo}, in order; the last page may be empty. */
  public record ReplayPage(long upTo, List<RoomEntry> entries, boolean last) implements Notification {}

  /** A room command was refused; {@code code} is the socket's error code. */
  public record Refused(String code, String message) implements Notification {}

  /** A page of the room's log for the transcript; {@code lastSeq} is the room's latest seq. */
  public record Transcript(String sessionId, List<RoomEntry> entries, long lastSeq) implements CborSerializable {}

  // --- commands ---

  public sealed interface Command extends CborSerializable {}

  /**
   * From the StudentEntity once it has opened the request: starts dispatch, answers MATCHING.
   *
   * @param deadline after this instant the session is not started (answer UNAVAILABLE, nothing
   *     persisted, the student's request closed): whoever asked has stopped waiting. Null: none.
   */
  public record StartInstant(
      String studentId,
      InstantRequest request,
      String currency,
      Instant deadline,
      ActorRef<StatusReply<SessionSummary>> replyTo,
      Long holdCents)
      implements Command {

    public StartInstant(String studentId, InstantRequest request, String currency, ActorRef<StatusReply<SessionSummary>> replyTo) {
      this(studentId, request, currency, null, replyTo, null);
    }

    public StartInstant(
        String studentId, InstantRequest request, String currency, Instant deadline, ActorRef<StatusReply<SessionSummary>> replyTo) {
      this(studentId, request, currency, deadline, replyTo, null);
    }
  }

  /**
   * From the StudentEntity: the client was told its request failed (the gateway gave up waiting),
   * so the session must not go on. MATCHING or MATCHED ends CANCELLED (offers withdrawn, a
   * matched tutor released); a session not started yet will not start; an ended one stays so.
   */
  public record AbandonRequest(String studentId) implements Command {}

  public record GetSession(ActorRef<StatusReply<SessionSummary>> replyTo) implements Command {}

  /**
   * From the gateway: book {@code tutorId} for {@code [start, start + durationMinutes)}. A small
   * saga: {@link BookingRequested} is written, the tutor reserves the slot ({@link
   * TutorEntity.ReserveSlot}), the student's wallet holds the price ({@link
   * StudentEntity.HoldForBooking}), then {@link SessionBooked}: the answer is the BOOKED session.
   * A refusal undoes what was done ({@link BookingFailed}, the slot released) and is the answer.
   * Unanswered steps are sent again, also after a restart (each is idempotent by session).
   *
   * @param deadline the caller stops waiting then: a booking not confirmed by then fails (UNAVAILABLE)
   *     and is undone, so that no booking stays behind an error answer. Null: none.
   */
  public record StartBooking(
      String studentId,
      String tutorId,
      String subject,
      String level,
      Instant start,
      int durationMinutes,
      String currency,
      Instant deadline,
      ActorRef<StatusReply<SessionSummary>> replyTo) implements Command {}

  /** The tutor's answer to {@link TutorEntity.ReserveSlot}: reserved at {@code rateCents}, or refused ({@code refusal}, a {@link Rejection} message). */
  public record SlotAnswer(String sessionId, boolean reserved, long rateCents, String refusal) implements Command {}

  /** The student's answer to {@link StudentEntity.HoldForBooking}: {@code heldCents} held, or refused ({@code refusal}). */
  public record BookingHoldAnswer(String sessionId, boolean held, long heldCents, String refusal) implements Command {}

  /** The tutor's acknowledgement of {@link TutorEntity.ReleaseSlot}: the booked slot is free (now or before). */
  public record SlotFreed(String sessionId) implements Command {}

  /**
   * From the gateway: a participant (or an admin) moves a BOOKED session to {@code start}. The
   * session checks who asks and the cancellation policy (a reschedule is allowed when a cancel by
   * the same party now would be free), writes nothing, and hands the work to the new session
   * {@code newSessionId} ({@link StartReschedule}), which answers {@code replyTo}: the new BOOKED
   * session, or why not (this session then stays exactly as it was).
   *
   * @param deadline after it the old session refuses to hand its booking over (the caller has
   *     stopped waiting), so that nothing moves behind an error answer
   */
  public record Reschedule(
      String byUserId, boolean byAdmin, Instant start, String newSessionId, Instant deadline, ActorRef<StatusReply<SessionSummary>> replyTo)
      implements Command {}

  /**
   * From a BOOKED session being rescheduled to the new session: reserve the tutor's slot at {@code
   * start} (it may overlap the old lesson), then have the old session hand its booking over
   * ({@link HandOverBooking}): its escrow moves to this session in the student's wallet, it ends
   * CANCELLED and frees its slot. Then this session is BOOKED, with the old rate and escrow.
   */
  public record StartReschedule(
      String fromSessionId,
      String byUserId,
      String studentId,
      String tutorId,
      InstantRequest request,
      String currency,
      Instant start,
      Instant deadline,
      ActorRef<StatusReply<SessionSummary>> replyTo) implements Command {}

  /**
   * From the new session (its slot reserved) to the old one: hand the booking over to {@code
   * toSessionId}, unless past {@code deadline} or no longer possible. Idempotent: once handed over,
   * answered {@code handedOver} every time.
   */
  public record HandOverBooking(String toSessionId, String byUserId, Instant start, Instant deadline, ActorRef<HandOverAnswer> replyTo)
      implements Command {}

  /** The old session's answer to {@link HandOverBooking}: handed over with its rate and escrow, or refused ({@code refusal}). */
  public record HandOverAnswer(String sessionId, boolean handedOver, long rateCents, long escrowCents, String refusal) implements Command {}

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

  /** A participant's chat message; stored, then sent to every room socket (the sender's own is its acknowledgement). */
  public record PostChat(String userId, String text, String clientId, ActorRef<Notification> replyTo) implements Command {}

  /** A participant's whiteboard op (already validated by {@code BoardOps}); stored and sent like chat. */
  public record PostBoardOp(String userId, BoardOp op, String clientId, ActorRef<Notification> replyTo) implements Command {}

  /** WebRTC signalling for the other participant; relayed, never stored. */
  public record RelaySignal(String userId, String kind, String payloadJson, ActorRef<Notification> replyTo) implements Command {}

  /** Replays the room after {@code afterSeq} to {@code replyTo}: board pages (if compacted), then replay pages. */
  public record Resume(String userId, long afterSeq, ActorRef<Notification> replyTo) implements Command {}

  /** A participant (or an admin) ends a LIVE session: COMPLETED. */
  public record End(String byUserId, boolean byAdmin, ActorRef<StatusReply<SessionSummary>> replyTo) implements Command {}

  public record GetTranscript(String userId, boolean byAdmin, long afterSeq, int limit, ActorRef<StatusReply<Transcript>> replyTo)
      implements Command {}

  /**
   * The student's answer to {@link StudentEntity.ReleaseHold} or {@link StudentEntity.ChargeSession}:
   * applied (now or before), {@code capturedCents} captured for the tutor.
   */
  public record StudentSettled(String sessionId, long capturedCents) implements Command {}

  /** The tutor's answer to {@link TutorEntity.CreditSession}: credited (now or before). */
  public record TutorCredited(String sessionId) implements Command {}

  /** Longest dispute or refund reason. */
  public static final int MAX_REASON_LENGTH = 500;

  /**
   * The student (or an admin) disputes a completed session within the dispute window: the session
   * becomes DISPUTED and the tutor's credit for it stays pending until an admin resolves it.
   */
  public record Dispute(String byUserId, boolean byAdmin, String reason, ActorRef<StatusReply<SessionSummary>> replyTo) implements Command {}

  /**
   * An admin refunds a completed (or disputed) session in full: the tutor's credit is reversed, the
   * student gets back what was captured; the session becomes REFUNDED.
   */
  public record Refund(String adminId, String reason, ActorRef<StatusReply<SessionSummary>> replyTo) implements Command {}

  /**
   * An admin ends a dispute in the tutor's favour ({@link DisputePolicy.Stage#RELEASED}): the
   * session is COMPLETED again with its escrow RELEASED as settled, and the tutor's credit is
   * unfrozen and available at once. Final: no dispute or refund afterwards.
   */
  public record ReleaseDispute(String adminId, String reason, ActorRef<StatusReply<SessionSummary>> replyTo) implements Command {}

  /** The tutor's answer to {@link TutorEntity.UnfreezeCredit}: unfrozen (now or before). */
  public record CreditUnfrozen(String sessionId) implements Command {}

  /** The tutor's answer to {@link TutorEntity.FreezeCredit}: frozen (now or before). */
  public record CreditFrozen(String sessionId) implements Command {}

  /** The tutor's answer to {@link TutorEntity.ReverseCredit}: reversed (now or before). */
  public record CreditReversed(String sessionId) implements Command {}

  /** The student's answer to {@link StudentEntity.RefundSession}: {@code refundedCents} given back (now or before). */
  public record StudentRefunded(String sessionId, long refundedCents) implements Command {}

  /**
   * A participant reviews the other one after the session was COMPLETED: {@code rating} 1 to 5 and
   * a comment of at most {@code tutormesh.reviews.max-comment-chars}. Once per side (again: CONFLICT,
   * "duplicate review"); before completion: CONFLICT; by anyone else: FORBIDDEN. Answers the receipt.
   */
  public record SubmitReview(String userId, Integer rating, String comment, ActorRef<StatusReply<ReviewReceipt>> replyTo)
      implements Command {}

  /** An admin hides a review of this session: no longer listed nor counted. Idempotent (hidden again: the same receipt). */
  public record HideReview(String reviewId, String adminId, ActorRef<StatusReply<ReviewReceipt>> replyTo) implements Command {}

  /** The reviewed user's entity applied the version of {@code reviewId} that was {@code hidden} or not (now or before). */
  public record ReviewAcknowledged(String sessionId, String reviewId, boolean hidden) implements Command {}

  public record ReviewReceipt(String sessionId, String reviewId, boolean hidden) implements CborSerializable {}

  record StartChecked(StartInstant start, Optional<Rejection> refusal, List<TutorCard> candidates)
      implements Command {}

  record CandidatesFound(List<TutorCard> candidates) implements Command {}

  record ReservationResult(AcceptOffer accept, Offer offer, boolean reserved) implements Command {}

  record OfferExpired(String offerId) implements Command {}

  record SubscriberGone(String connectionId) implements Command {}

  /** Just matched: the participants already connected (the student watching the dispatch) have joined the room. */
  record JoinConnected() implements Command {}

  enum Tick implements Command { REQUEST_DEADLINE, RETRY_DISPATCH, ROOM_ABANDONED, NO_SHOW, SETTLE, BOOKING, RELEASE_SLOT }

  /** Time to send the reviews not acknowledged yet again. */
  enum ReviewTick implements Command { INSTANCE }

  /** A booking not confirmed yet does not exist for the API (its student gets the outcome as the answer to the booking). */
  private static final Rejection BEING_BOOKED = Rejection.notFound("the session is being booked; retry in a moment");

  // --- events ---

  public sealed interface Event extends CborSerializable {
    String sessionId();

    Instant at();
  }

  /** @param holdCents what the student's wallet holds for this session (null: nothing, older events) */
  public record InstantRequested(String sessionId, String studentId, InstantRequest request, String currency, Instant at, Long holdCents)
      implements Event {
    public InstantRequested(String sessionId, String studentId, InstantRequest request, String currency, Instant at) {
      this(sessionId, studentId, request, currency, at, null);
    }
  }

  public record OffersSent(String sessionId, List<Offer> offers, Instant at) implements Event {}

  public enum DeclineReason { DECLINED, EXPIRED, UNREACHABLE, UNAVAILABLE }

  public record OfferDeclined(String sessionId, String offerId, String tutorId, DeclineReason reason, Instant at)
      implements Event {}

  /**
   * @param escrowCents the session's escrow: the tutor's rate × duration, never more than the hold
   *     (null: nothing held, older events)
   * @param studentId the request's student, and {@code requestedAt} when it was made (its {@link
   *     InstantRequested}'s), carried so that the projections of a match need not read the
   *     session's first event (null in older events: they read it)
   */
  public record TutorMatched(
      String sessionId, String tutorId, String offerId, long rateCents, Instant at, Long escrowCents, String studentId, Instant requestedAt)
      implements Event {
    public TutorMatched(String sessionId, String tutorId, String offerId, long rateCents, Instant at, Long escrowCents) {
      this(sessionId, tutorId, offerId, rateCents, at, escrowCents, null, null);
    }

    public TutorMatched(String sessionId, String tutorId, String offerId, long rateCents, Instant at) {
      this(sessionId, tutorId, offerId, rateCents, at, null);
    }
  }

  /**
   * @param releasedCents of the escrow, what goes to the tutor (a booked lesson cancelled late by
   *     its student, {@code CancellationPolicy}); null or 0: everything back to the student
   */
  public record SessionCancelled(String sessionId, String byUserId, Instant at, Long releasedCents) implements Event {
    public SessionCancelled(String sessionId, String byUserId, Instant at) {
      this(sessionId, byUserId, at, null);
    }
  }

  /** A booking was asked for (the saga's intent): the tutor's slot and the student's hold are to be obtained. */
  public record BookingRequested(
      String sessionId, String studentId, String tutorId, InstantRequest request, String currency, Instant start, Instant deadline, Instant at)
      implements Event {}

  /** The tutor reserved the slot at {@code rateCents} and the student's wallet holds {@code escrowCents}: BOOKED. */
  public record SessionBooked(String sessionId, String tutorId, long rateCents, long escrowCents, Instant at) implements Event {}

  /**
   * The booking was refused or not confirmed in time ({@code reason}, a {@link Rejection} message):
   * its slot is released and, when {@code releaseHold}, whatever the wallet may hold for it is
   * released through the settlement saga.
   */
  public record BookingFailed(String sessionId, String reason, boolean releaseHold, Instant at) implements Event {}

  public record NoTutorFound(String sessionId, Instant at) implements Event {}

  /** The tutor acknowledged that the ended booking's slot is free ({@link TutorEntity.ReleaseSlot}). */
  public record TutorSlotFreed(String sessionId, Instant at) implements Event {}

  /**
   * A new session that replaces {@code fromSessionId} (a reschedule asked by {@code byUserId}) is
   * being confirmed: the tutor's slot at {@code start}, then the old session's hand-over.
   */
  public record RescheduleRequested(
      String sessionId,
      String fromSessionId,
      String byUserId,
      String studentId,
      String tutorId,
      InstantRequest request,
      String currency,
      Instant start,
      Instant deadline,
      Instant at) implements Event {}

  /**
   * This BOOKED session was handed over to {@code toSessionId} (starting at {@code start}): it is
   * CANCELLED, its escrow moves to the new session in the student's wallet (never released in
   * between) and its slot is freed, both driven until acknowledged.
   */
  public record SessionRescheduled(String sessionId, String toSessionId, String byUserId, Instant start, Instant at) implements Event {}

  /**
   * One participant joined the matched room and the other did not within {@code
   * tutormesh.room.no-show-grace}: NO_SHOW of {@code absent}, {@code releasedCents} of the escrow
   * to the tutor ({@link NoShowPolicy}), the rest back to the student.
   */
  public record NoShowRecorded(String sessionId, NoShowPolicy.Absent absent, long releasedCents, Instant at) implements Event {}

  /** A participant connected to the room for the first time (both have: LIVE). */
  public record ParticipantJoined(String sessionId, String userId, Instant at) implements Event {}

  public record ChatPosted(String sessionId, long seq, String from, String text, String clientId, Instant at) implements Event {}

  public record BoardOpPosted(String sessionId, long seq, String from, BoardOp op, String clientId, Instant at) implements Event {}

  /** The lesson ended: by a participant, an admin, or {@link #SYSTEM} when the room stayed empty. */
  public record SessionCompleted(String sessionId, String byUserId, Instant at, Long releasedCents) implements Event {
    public SessionCompleted(String sessionId, String byUserId, Instant at) {
      this(sessionId, byUserId, at, null);
    }
  }

  /** Every money step of the ended session was acknowledged (student charged or released, tutor credited). */
  public record EscrowSettled(String sessionId, long capturedCents, Instant at) implements Event {}

  /** The student (or an admin) disputed the completed session: its money is frozen until resolved. */
  public record SessionDisputed(String sessionId, String byUserId, String reason, Instant at) implements Event {}

  /** An admin refunded the session: {@code refundedCents} (what was captured) go back to the student. */
  public record SessionRefunded(String sessionId, String byUserId, String reason, long refundedCents, Instant at) implements Event {}

  /** An admin released the disputed session: settled as it was, the tutor's credit to be unfrozen. */
  public record DisputeReleased(String sessionId, String byUserId, String reason, Instant at) implements Event {}

  /**
   * Every money step of a dispute (the tutor's credit frozen or, once released, unfrozen) or of a refund (the tutor's credit
   * reversed, the student refunded) was acknowledged.
   */
  public record ResolutionSettled(String sessionId, Status status, Instant at) implements Event {}

  /** A participant reviewed the other one (the review carries its id: {@code <sessionId>.s} or {@code .t}). */
  public record ReviewSubmitted(String sessionId, Review review, Instant at) implements Event {}

  /** An admin hid a review of this session. */
  public record ReviewHidden(String sessionId, String reviewId, String byUserId, Instant at) implements Event {}

  /** The reviewed user's entity acknowledged the review in its version {@code hidden} or not. */
  public record ReviewDelivered(String sessionId, String reviewId, boolean hidden, Instant at) implements Event {}

  /** Who ends or cancels a session that ends by itself. */
  public static final String SYSTEM = "system";

  // --- state, one class per lifecycle step ---

  /** What every non-empty state knows. */
  /** @param start a booked session's start (null: an instant session) */
  public record Info(String sessionId, String studentId, InstantRequest request, String currency, Instant requestedAt, long holdCents, Instant start)
      implements CborSerializable {

    public Info(String sessionId, String studentId, InstantRequest request, String currency, Instant requestedAt, long holdCents) {
      this(sessionId, studentId, request, currency, requestedAt, holdCents, null);
    }

    public boolean booked() {
      return start != null;
    }

    /** When the booked lesson ends (null: instant). */
    public Instant end() {
      return start == null ? null : start.plus(Duration.ofMinutes(request.durationMinutes()));
    }

    Info holding(long cents) {
      return new Info(sessionId, studentId, request, currency, requestedAt, cents, start);
    }

    /** Whether the student's wallet holds money for this session, which its end must settle. */
    public boolean holdsMoney() {
      return holdCents > 0;
    }
  }

  public sealed interface State extends CborSerializable {}

  public record Empty() implements State {
    Matching requested(InstantRequested e) {
      Info info = new Info(e.sessionId(), e.studentId(), e.request(), e.currency(), e.at(), e.holdCents() == null ? 0 : e.holdCents());
      return new Matching(info, Map.of(), Set.of(), List.of(new TimelineEntry(e.at(), Status.MATCHING)));
    }

    Booking bookingRequested(BookingRequested e) {
      Info info = new Info(e.sessionId(), e.studentId(), e.request(), e.currency(), e.at(), 0, e.start());
      return new Booking(info, e.tutorId(), e.deadline(), List.of());
    }

    Booking rescheduleRequested(RescheduleRequested e) {
      Info info = new Info(e.sessionId(), e.studentId(), e.request(), e.currency(), e.at(), 0, e.start());
      return new Booking(info, e.tutorId(), e.deadline(), List.of(), e.fromSessionId(), e.byUserId());
    }
  }

  /**
   * A booking being confirmed (internal: the API shows a session only once it is BOOKED): the
   * tutor's slot and then the student's hold are being obtained.
   */
  public record Booking(Info info, String tutorId, Instant deadline, List<TimelineEntry> timeline, String replacing, String rescheduledBy)
      implements State {

    /** A new booking (not a reschedule). */
    public Booking(Info info, String tutorId, Instant deadline, List<TimelineEntry> timeline) {
      this(info, tutorId, deadline, timeline, null, null);
    }

    /** A reschedule: this booking replaces the BOOKED session {@code replacing}. */
    boolean reschedule() {
      return replacing != null;
    }

    /**
     * A failed booking's wallet may hold something for it (its hold step was sent): a positive
     * holdCents makes its settlement send {@link StudentEntity.ReleaseHold}, which releases
     * whatever is held for the session, and nothing if nothing is.
     */
    static final long MAY_HOLD = 1;

    public Booking {
      timeline = List.copyOf(timeline);
    }

    Matched booked(SessionBooked e) {
      Info held = info.holding(e.escrowCents());
      List<TimelineEntry> longer = new ArrayList<>(timeline);
      longer.add(new TimelineEntry(e.at(), Status.BOOKED, replacing, null));
      return new Matched(held, tutorId, e.rateCents(), List.copyOf(longer), new Room(), e.escrowCents());
    }

    /** Failed: nothing escrowed; a hold that may have been placed is released by the saga (the info then "holds money"). */
    Ended failed(BookingFailed e) {
      Info ending = e.releaseHold() ? info.holding(MAY_HOLD) : info;
      return new Ended(ending, Status.CANCELLED, tutorId, 0, append(timeline, e.at(), Status.CANCELLED), new Room(), Escrow.NONE, false);
    }

    boolean pastDeadline(Instant now) {
      return deadline != null && now.isAfter(deadline);
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
      long escrow = e.escrowCents() == null ? 0 : e.escrowCents();
      return new Matched(info, e.tutorId(), e.rateCents(), append(timeline, e.at(), Status.MATCHED), new Room(), escrow);
    }

    Ended cancelled(SessionCancelled e) {
      return new Ended(info, Status.CANCELLED, null, 0, append(timeline, e.at(), Status.CANCELLED), new Room(), Escrow.NONE, false);
    }

    Ended noTutor(NoTutorFound e) {
      return new Ended(info, Status.NO_TUTOR, null, 0, append(timeline, e.at(), Status.NO_TUTOR), new Room(), Escrow.NONE, false);
    }
  }

  /** MATCHED or LIVE: the room is open to the two participants. */
  public sealed interface InRoom extends State {
    Info info();

    String tutorId();

    long rateCents();

    List<TimelineEntry> timeline();

    Room room();

    /** The escrow (0: none, the session holds no money). */
    long escrowCents();

    default Escrow escrow() {
      return escrowCents() > 0 ? new Escrow(EscrowStatus.HELD, escrowCents(), 0, 0) : Escrow.NONE;
    }

    default boolean isParticipant(String userId) {
      return userId.equals(info().studentId()) || userId.equals(tutorId());
    }

    default InRoom posted(RoomEntry entry, int keepOps) {
      room().append(entry, keepOps);
      return this;
    }
  }

  public record Matched(Info info, String tutorId, long rateCents, List<TimelineEntry> timeline, Room room, long escrowCents)
      implements InRoom {
    /** The absent side's policy, as {@link NoShowPolicy} decided it: the escrow refunded or (partly) released. */
    Ended noShow(NoShowRecorded e) {
      long released = Math.min(Math.max(e.releasedCents(), 0), escrowCents);
      Escrow escrow = escrowCents <= 0 ? Escrow.NONE
          : released > 0 ? new Escrow(EscrowStatus.RELEASED, escrowCents, released, escrowCents - released)
          : new Escrow(EscrowStatus.REFUNDED, escrowCents, 0, escrowCents);
      return new Ended(info, Status.NO_SHOW, tutorId, rateCents, append(timeline, e.at(), Status.NO_SHOW), room, escrow, false);
    }

    /** Who joined the room: exactly one of them is absent, or nobody came (null). */
    NoShowPolicy.Absent absentSide() {
      boolean student = room.hasJoined(info.studentId());
      boolean tutor = room.hasJoined(tutorId);
      if (student == tutor) {
        return null;
      }
      return student ? NoShowPolicy.Absent.TUTOR : NoShowPolicy.Absent.STUDENT;
    }

    Instant matchedAt() {
      return firstAt(timeline, Status.MATCHED);
    }

    /** Where the no-show grace counts from: a booking's start, an instant session's match. */
    Instant noShowFrom() {
      return info.booked() ? info.start() : matchedAt();
    }

    /**
     * A matched instant session that never went live is refunded in full, whoever cancels it; a
     * booked one releases what the cancellation policy gave the tutor ({@code releasedCents}).
     */
    Ended cancelled(SessionCancelled e) {
      long released = e.releasedCents() == null ? 0 : Math.min(Math.max(e.releasedCents(), 0), escrowCents);
      Escrow escrow = escrowCents <= 0 ? Escrow.NONE
          : released > 0 ? new Escrow(EscrowStatus.RELEASED, escrowCents, released, escrowCents - released)
          : new Escrow(EscrowStatus.REFUNDED, escrowCents, 0, escrowCents);
      return new Ended(info, Status.CANCELLED, tutorId, rateCents, append(timeline, e.at(), Status.CANCELLED), room, escrow, false);
    }

    /**
     * Handed over to another session: CANCELLED, the escrow shown as NONE (it is the new session's
     * now); the student's wallet still holds it under this session's id until the move is acknowledged.
     */
    Ended rescheduled(SessionRescheduled e) {
      List<TimelineEntry> longer = new ArrayList<>(timeline);
      longer.add(new TimelineEntry(e.at(), Status.CANCELLED, null, e.toSessionId()));
      return new Ended(info, Status.CANCELLED, tutorId, rateCents, List.copyOf(longer), room, Escrow.NONE, false, ReviewLog.NONE,
          false, new Rescheduled(e.toSessionId(), e.start(), e.byUserId()));
    }

    InRoom joined(ParticipantJoined e) {
      room.join(e.userId());
      if (room.hasJoined(info.studentId()) && room.hasJoined(tutorId)) {
        return new Live(info, tutorId, rateCents, append(timeline, e.at(), Status.LIVE), room, escrowCents);
      }
      return this;
    }
  }

  public record Live(Info info, String tutorId, long rateCents, List<TimelineEntry> timeline, Room room, long escrowCents)
      implements InRoom {
    /** The price ({@code releasedCents}, computed when the lesson ended) is released, the rest refunded. */
    Ended completed(SessionCompleted e) {
      long released = e.releasedCents() == null ? 0 : Math.min(e.releasedCents(), escrowCents);
      Escrow escrow = escrowCents > 0 ? new Escrow(EscrowStatus.RELEASED, escrowCents, released, escrowCents - released) : Escrow.NONE;
      return new Ended(info, Status.COMPLETED, tutorId, rateCents, append(timeline, e.at(), Status.COMPLETED), room, escrow, false);
    }

    Instant startedAt() {
      return firstAt(timeline, Status.LIVE);
    }
  }

  /**
   * CANCELLED, NO_TUTOR or COMPLETED: nothing more happens; the room stays readable. Until {@code
   * settled}, the money it holds is being settled (see {@link #needsSettlement}). {@code reviews}:
   * who reviewed a completed session, what an admin hid, and what is still to be delivered (none
   * in snapshots written before reviews existed).
   */
  public record Ended(
      Info info,
      Status status,
      String tutorId,
      long rateCents,
      List<TimelineEntry> timeline,
      Room room,
      Escrow escrow,
      boolean settled,
      ReviewLog reviews,
      boolean slotFreed,
      Rescheduled rescheduled)
      implements State {

    /**
     * @param slotFreed the tutor acknowledged that a booked lesson's slot is free (false in states
     *     written before it existed: the idempotent release is sent once more)
     * @param rescheduled this booking was handed over to another session (null: it was not)
     */
    public Ended {
      escrow = escrow == null ? Escrow.NONE : escrow;
      reviews = reviews == null ? ReviewLog.NONE : reviews;
    }


    /** It was COMPLETED (a dispute, refund or release afterwards does not change that): it may be reviewed. */
    public boolean wasCompleted() {
      return tutorId != null && firstAt(timeline, Status.COMPLETED) != null;
    }

    Ended withReviews(ReviewLog changed) {
      return new Ended(info, status, tutorId, rateCents, timeline, room, escrow, settled, changed, slotFreed, rescheduled);
    }

    /** Just ended: nobody reviewed it yet, its slot (if booked) is still to be freed. */
    public Ended(
        Info info, Status status, String tutorId, long rateCents, List<TimelineEntry> timeline, Room room, Escrow escrow, boolean settled) {
      this(info, status, tutorId, rateCents, timeline, room, escrow, settled, ReviewLog.NONE, false, null);
    }

    /** A booked lesson's slot is to be freed at its tutor, until the tutor acknowledges it. */
    public boolean needsSlotRelease() {
      return info.booked() && tutorId != null && !slotFreed;
    }

    /** Nothing left to drive: the session can passivate. */
    boolean done() {
      return !needsSettlement() && !needsSlotRelease();
    }

    Ended freed(TutorSlotFreed e) {
      return new Ended(info, status, tutorId, rateCents, timeline, room, escrow, settled, reviews, true, rescheduled);
    }

    /** Money is held for it and its settlement was not acknowledged yet. */
    public boolean needsSettlement() {
      return info.holdsMoney() && !settled;
    }

    Ended settledBy(EscrowSettled e) {
      return new Ended(info, status, tutorId, rateCents, timeline, room, capturedAs(escrow, e.capturedCents()), true, reviews, slotFreed, rescheduled);
    }

    /**
     * A released escrow as the student's settlement captured it: less than the price when the
     * student's plan took its discount off (the refund grows by as much).
     */
    private static Escrow capturedAs(Escrow escrow, long capturedCents) {
      if (escrow.status() != EscrowStatus.RELEASED || capturedCents >= escrow.releasedCents() || capturedCents < 0) {
        return escrow;
      }
      return new Escrow(escrow.status(), escrow.heldCents(), capturedCents, escrow.heldCents() - capturedCents);
    }

    /** Disputed: the escrow shows DISPUTED, and the freeze of the tutor's credit is to be driven. */
    Ended disputed(SessionDisputed e) {
      Escrow frozen = new Escrow(EscrowStatus.DISPUTED, escrow.heldCents(), escrow.releasedCents(), escrow.refundedCents());
      return new Ended(info, Status.DISPUTED, tutorId, rateCents, append(timeline, e.at(), Status.DISPUTED), room, frozen, false, reviews, slotFreed, rescheduled);
    }

    /** Refunded in full: everything held went back; the reversal and the refund are to be driven. */
    Ended refunded(SessionRefunded e) {
      Escrow back = new Escrow(EscrowStatus.REFUNDED, escrow.heldCents(), 0, escrow.heldCents());
      return new Ended(info, Status.REFUNDED, tutorId, rateCents, append(timeline, e.at(), Status.REFUNDED), room, back, false, reviews, slotFreed, rescheduled);
    }

    /** Released: COMPLETED again (the timeline shows the dispute), the escrow RELEASED as it was settled. */
    Ended releasedBy(DisputeReleased e) {
      Escrow settledAs = new Escrow(EscrowStatus.RELEASED, escrow.heldCents(), escrow.releasedCents(), escrow.refundedCents());
      return new Ended(info, Status.COMPLETED, tutorId, rateCents, append(timeline, e.at(), Status.COMPLETED), room, settledAs, false, reviews, slotFreed, rescheduled);
    }

    /** A COMPLETED session that was disputed and then released by an admin. */
    boolean wasReleased() {
      return status == Status.COMPLETED && timeline.stream().anyMatch(t -> t.status() == Status.DISPUTED);
    }

    Ended resolved(ResolutionSettled e) {
      return new Ended(info, status, tutorId, rateCents, timeline, room, escrow, true, reviews, slotFreed, rescheduled);
    }

    /** A dispute or a refund is being (or was) settled, rather than the session's end. */
    boolean resolving() {
      return status == Status.DISPUTED || status == Status.REFUNDED || wasReleased();
    }

    /** Where its money is, as {@link DisputePolicy} sees it. */
    DisputePolicy.Stage stage() {
      return switch (status) {
        case DISPUTED -> DisputePolicy.Stage.DISPUTED;
        case REFUNDED -> DisputePolicy.Stage.REFUNDED;
        default -> wasReleased() ? DisputePolicy.Stage.RELEASED : DisputePolicy.Stage.SETTLED;
      };
    }

    /** Started minutes of the lesson (0 if it never went live): what counts as teaching time. */
    long taughtMinutes() {
      Instant started = firstAt(timeline, Status.LIVE);
      Instant ended = firstAt(timeline, Status.COMPLETED);
      return started == null || ended == null ? 0 : Pricing.startedMinutes(Duration.between(started, ended));
    }
  }

  /** Where a rescheduled booking went: the new session, its start, who moved it. */
  public record Rescheduled(String toSessionId, Instant start, String byUserId) implements CborSerializable {}

  // --- wiring ---

  /**
   * What the session needs of {@code tutormesh.money}: the minimum billed minutes of an instant
   * lesson, and how often an unacknowledged settlement step is sent again.
   */
  public record Billing(int minimumMinutes, Duration settlementRetryInterval, int studentNoShowTutorSharePercent) {
    public static Billing fromConfig(com.typesafe.config.Config config) {
      return new Billing(
          config.getInt("tutormesh.money.minimum-minutes"),
          config.getDuration("tutormesh.money.settlement-retry-interval"),
          config.getInt("tutormesh.money.student-no-show-tutor-share-percent"));
    }
  }

  /**
   * What a session needs of the config, parsed once per node (not per entity start: a session
   * starts per instant request).
   *
   * @param matching {@code tutormesh.matching} (dispatch waves, offer and request timeouts)
   * @param room {@code tutormesh.room} (room bounds, snapshots, abandon and no-show timeouts)
   * @param billing what the session needs of {@code tutormesh.money} for its own steps
   * @param money {@code tutormesh.money} (cancellation shares, the dispute window)
   * @param reviews {@code tutormesh.reviews} (comment length, delivery retries)
   */
  public record Settings(MatchingSettings matching, RoomSettings room, Billing billing, MoneySettings money, ReviewSettings reviews) {
    public static Settings fromConfig(com.typesafe.config.Config config) {
      return new Settings(
          MatchingSettings.fromConfig(config),
          RoomSettings.fromConfig(config),
          Billing.fromConfig(config),
          MoneySettings.fromConfig(config),
          ReviewSettings.fromConfig(config));
    }

    public Settings withMatching(MatchingSettings changed) {
      return new Settings(changed, room, billing, money, reviews);
    }

    public Settings withRoom(RoomSettings changed) {
      return new Settings(matching, changed, billing, money, reviews);
    }

    public Settings withBilling(Billing changed) {
      return new Settings(matching, room, changed, money, reviews);
    }
  }

  /**
   * @param settings parsed once per node ({@link Settings#fromConfig})
   * @param shard the entity's shard when it runs under sharding with remember-entities (so that a
   *     node restart restarts open sessions); an ended session passivates itself through it. Null:
   *     not sharded (tests).
   */
  public static Behavior<Command> create(
      String sessionId,
      Settings settings,
      Links links,
      PaymentGuard guard,
      MatchingObserver observer,
      Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> new SessionEntity(sessionId, settings, links, guard, observer, clock, context, timers, shard)));
  }

  /** The tag every event of this session carries, for projections. */
  public static String tagFor(String sessionId) {
    return "session-" + Math.abs(sessionId.hashCode() % TAG_COUNT);
  }

  final String sessionId;
  final MatchingSettings settings;
  final RoomSettings roomSettings;
  final Billing billing;
  final MoneySettings money;
  final Links links;
  final PaymentGuard guard;
  final MatchingObserver observer;
  final Clock clock;
  final ActorContext<Command> context;
  final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  // The behaviour, in parts; each keeps its own volatile state (see SessionPart).
  final InstantDispatch dispatch;
  final BookingSaga booking;
  final SessionSettlement settlement;
  final RoomHandlers rooms;
  final SessionReviews reviews;

  private SessionEntity(
      String sessionId,
      Settings settings,
      Links links,
      PaymentGuard guard,
      MatchingObserver observer,
      Clock clock,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(PersistenceId.of(ENTITY_KEY.name(), sessionId));
    this.sessionId = sessionId;
    this.settings = settings.matching();
    this.roomSettings = settings.room();
    this.billing = settings.billing();
    this.money = settings.money();
    this.links = links;
    this.guard = guard;
    this.observer = observer;
    this.clock = clock;
    this.context = context;
    this.timers = timers;
    this.shard = shard;
    this.dispatch = new InstantDispatch(this);
    this.booking = new BookingSaga(this);
    this.settlement = new SessionSettlement(this);
    this.rooms = new RoomHandlers(this);
    this.reviews = new SessionReviews(this, settings.reviews());
  }

  @Override
  public State emptyState() {
    return new Empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forStateType(Empty.class)
        .onCommand(StartInstant.class, dispatch::startInstant)
        .onCommand(StartChecked.class, dispatch::started)
        .onCommand(StartBooking.class, booking::startBooking)
        .onCommand(StartReschedule.class, booking::startReschedule)
        .onCommand(Reschedule.class, (state, command) -> dispatch.whilePending(() -> notFound(command.replyTo())))
        .onCommand(AbandonRequest.class, dispatch::abandonBeforeStart)
        .onCommand(GetSession.class, (state, command) -> dispatch.whilePending(() -> notFound(command.replyTo())))
        .onCommand(GetTranscript.class, (state, command) -> dispatch.whilePending(() -> notFound(command.replyTo())))
        .onCommand(End.class, (state, command) -> dispatch.whilePending(() -> notFound(command.replyTo())))
        .onCommand(Cancel.class, (state, command) -> dispatch.whilePending(() -> notFound(command.replyTo())))
        .onCommand(AcceptOffer.class, (state, command) -> dispatch.whilePending(() -> notFound(command.replyTo())))
        .onCommand(DeclineOffer.class, (state, command) -> dispatch.whilePending(() -> notFound(command.replyTo())));
    builder.forStateType(Matching.class)
        .onCommand(AcceptOffer.class, dispatch::accept)
        .onCommand(ReservationResult.class, dispatch::reservationResult)
        .onCommand(DeclineOffer.class, dispatch::decline)
        .onCommand(OfferUndeliverable.class, dispatch::undeliverable)
        .onCommand(OfferExpired.class, dispatch::expired)
        .onCommand(CandidatesFound.class, dispatch::candidatesFound)
        .onCommand(Cancel.class, dispatch::cancelMatching)
        .onCommand(AbandonRequest.class, dispatch::abandonMatching)
        .onCommand(StartInstant.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(Tick.class, dispatch::tick);
    builder.forStateType(Booking.class)
        .onCommand(StartBooking.class, booking::bookingAgain)
        .onCommand(StartReschedule.class, booking::rescheduleAgain)
        .onCommand(HandOverAnswer.class, booking::handOverAnswered)
        .onCommand(Reschedule.class, (state, command) -> reject(command.replyTo(), BEING_BOOKED))
        .onCommand(SlotAnswer.class, booking::slotAnswered)
        .onCommand(BookingHoldAnswer.class, booking::holdAnswered)
        .onCommand(Tick.class, booking::bookingTick)
        .onCommand(GetSession.class, (state, command) -> reject(command.replyTo(), BEING_BOOKED))
        .onCommand(GetTranscript.class, (state, command) -> reject(command.replyTo(), BEING_BOOKED))
        .onCommand(Cancel.class, (state, command) -> reject(command.replyTo(), BEING_BOOKED))
        .onCommand(End.class, (state, command) -> reject(command.replyTo(), BEING_BOOKED))
        .onCommand(Subscribe.class, (state, command) -> Effect().noReply())
        .onCommand(SubmitReview.class, (state, command) -> reject(command.replyTo(), BEING_BOOKED));
    builder.forStateType(Matched.class)
        .onCommand(Cancel.class, settlement::cancelMatched)
        .onCommand(Reschedule.class, settlement::reschedule)
        .onCommand(HandOverBooking.class, settlement::handOver)
        .onCommand(AbandonRequest.class, settlement::abandonMatched)
        .onCommand(End.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("the lesson has not started: it starts when both participants have joined the room (or cancel it)")));
    builder.forStateType(Live.class)
        .onCommand(End.class, settlement::end)
        .onCommand(Cancel.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("a live session cannot be cancelled: end it")));
    builder.forStateType(InRoom.class)
        .onCommand(AcceptOffer.class, (state, command) -> reject(command.replyTo(), alreadyMatched(state, command)))
        .onCommand(StartInstant.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(StartBooking.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(StartReschedule.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(PostChat.class, rooms::postChat)
        .onCommand(PostBoardOp.class, rooms::postBoardOp)
        .onCommand(RelaySignal.class, rooms::relaySignal)
        .onCommand(JoinConnected.class, rooms::joinConnected)
        .onCommand(Tick.class, settlement::roomTick);
    builder.forStateType(Ended.class)
        .onCommand(Cancel.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("session already ended")))
        .onCommand(End.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("session already ended")))
        .onCommand(AcceptOffer.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("session already ended")))
        .onCommand(StartInstant.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(StartBooking.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(StartReschedule.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(StudentSettled.class, settlement::studentSettled)
        .onCommand(SlotFreed.class, settlement::slotFreed)
        .onCommand(TutorCredited.class, settlement::tutorCredited)
        .onCommand(Dispute.class, settlement::dispute)
        .onCommand(Refund.class, settlement::refund)
        .onCommand(CreditFrozen.class, settlement::creditFrozen)
        .onCommand(ReleaseDispute.class, settlement::releaseDispute)
        .onCommand(CreditUnfrozen.class, settlement::creditUnfrozen)
        .onCommand(CreditReversed.class, settlement::creditReversed)
        .onCommand(StudentRefunded.class, settlement::studentRefunded)
        .onCommand(Tick.class, settlement::settleTick)
        .onCommand(SubmitReview.class, reviews::submit)
        .onCommand(HideReview.class, reviews::hide)
        .onCommand(ReviewAcknowledged.class, reviews::acknowledged)
        .onCommand(ReviewTick.class, reviews::tick);
    builder.forAnyState()
        .onCommand(GetSession.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(GetTranscript.class, rooms::transcript)
        .onCommand(DeclineOffer.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("offer " + command.offerId() + " is no longer valid")))
        .onCommand(CheckTutorHold.class, dispatch::checkTutorHold)
        .onCommand(HandOverBooking.class, settlement::handOverElsewhere)
        .onCommand(Reschedule.class, settlement::notReschedulable)
        .onCommand(Subscribe.class, rooms::subscribe)
        .onCommand(Unsubscribe.class, (state, command) -> rooms.unsubscribe(state, command.connectionId()))
        .onCommand(SubscriberGone.class, (state, command) -> rooms.unsubscribe(state, command.connectionId()))
        .onCommand(Resume.class, rooms::resume)
        .onCommand(End.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("the session is not live")))
        .onCommand(PostChat.class, (state, command) -> rooms.roomClosed(state, command.replyTo()))
        .onCommand(PostBoardOp.class, (state, command) -> rooms.roomClosed(state, command.replyTo()))
        .onCommand(RelaySignal.class, (state, command) -> rooms.roomClosed(state, command.replyTo()))
        .onCommand(Dispute.class, (state, command) -> settlement.notEnded(state, command.byUserId(), command.byAdmin(), command.replyTo()))
        .onCommand(Refund.class, (state, command) -> settlement.notEnded(state, command.adminId(), true, command.replyTo()))
        .onCommand(ReleaseDispute.class, (state, command) -> settlement.notEnded(state, command.adminId(), true, command.replyTo()))
        .onCommand(SubmitReview.class, reviews::notCompleted)
        .onCommand(HideReview.class, reviews::unknown)
        .onAnyCommand(command -> Effect().noReply());
    return builder.build();
  }

  // --- shared by the parts: passivation, room entries, the room of a state ---

  /**
   * An ended session passivates once its money is settled and its slot freed (see {@link
   * Ended#done}): it leaves the remembered entities (its events stay), and later commands start it
   * again from the journal.
   */
  void passivateIfDone(Ended state) {
    if (state.done()) {
      passivateLater();
    }
  }

  /**
   * Passivates, except while a review is being delivered: the session then stays up (and
   * remembered) until every review is acknowledged ({@link SessionReviews}).
   */
  void passivateLater() {
    if (shard != null && !reviews.delivering()) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
  }

  static RoomEntry entryOf(ChatPosted e) {
    return RoomEntry.chat(e.seq(), e.from(), e.at(), e.text(), e.clientId());
  }

  static RoomEntry entryOf(BoardOpPosted e) {
    return RoomEntry.wb(e.seq(), e.from(), e.at(), e.op(), e.clientId());
  }

  static Room roomOf(State state) {
    if (state instanceof InRoom inRoom) {
      return inRoom.room();
    }
    return state instanceof Ended ended ? ended.room() : null;
  }

  // --- recovery and snapshots ---

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::recovered).build();
  }

  /**
   * Snapshots bound a long lesson's recovery (its room is bounded, see the class comment). Events
   * are kept: the transcript reads the ops the room no longer holds from them.
   */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(roomSettings.snapshotEvery(), 2);
  }

  /**
   * What a snapshot stores: the state, whose {@link Room} serializes as nothing, and an immutable
   * copy of the room taken in the actor (the store serializes on its own threads while the room
   * goes on changing); null for a state without a room. Every {@link State} type must be listed.
   */
  public record SessionSnapshot(
      @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
      @JsonSubTypes({
        @JsonSubTypes.Type(value = Empty.class, name = "empty"),
        @JsonSubTypes.Type(value = Matching.class, name = "matching"),
        @JsonSubTypes.Type(value = Booking.class, name = "booking"),
        @JsonSubTypes.Type(value = Matched.class, name = "matched"),
        @JsonSubTypes.Type(value = Live.class, name = "live"),
        @JsonSubTypes.Type(value = Ended.class, name = "ended")
      })
      State state,
      Room.Snapshot room) implements CborSerializable {}

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        Room room = roomOf(state);
        return new SessionSnapshot(state, room == null ? null : room.snapshot());
      }

      @Override
      public State fromJournal(Object from) {
        SessionSnapshot snapshot = (SessionSnapshot) from;
        Room room = roomOf(snapshot.state());
        if (room != null && snapshot.room() != null) {
          room.restore(snapshot.room());
        }
        return snapshot.state();
      }
    };
  }

  /** A restarted session resumes its dispatch, booking, room timers or settlement where it was. */
  private void recovered(State state) {
    if (state instanceof Ended ended) {
      reviews.deliverPending(ended);
      settlement.settleOrPassivate(ended);
    }
    if (state instanceof InRoom) {
      rooms.armAbandonIfEmpty();
    }
    if (state instanceof Matched matched) {
      rooms.armNoShow(matched);
    }
    if (state instanceof Booking confirming) {
      booking.driveBooking(confirming);
    }
    if (state instanceof Matching matching) {
      dispatch.recovered(matching);
    }
  }

  // --- summaries ---

  StatusReply<SessionSummary> summary(State state) {
    return StatusReply.success(summaryOf(state));
  }

  SessionSummary summaryOf(State state) {
    if (state instanceof Matching s) {
      return summaryOf(s.info(), Status.MATCHING, null, 0, s.timeline(), Escrow.NONE);
    }
    if (state instanceof Booking s) {
      // Internal only: the API shows a booking once it is confirmed (GetSession is refused until then).
      return summaryOf(s.info(), Status.BOOKED, s.tutorId(), 0, s.timeline(), Escrow.NONE);
    }
    if (state instanceof Matched s) {
      return summaryOf(s.info(), s.info().booked() ? Status.BOOKED : Status.MATCHED, s.tutorId(), s.rateCents(), s.timeline(), s.escrow());
    }
    if (state instanceof Live s) {
      return summaryOf(s.info(), Status.LIVE, s.tutorId(), s.rateCents(), s.timeline(), s.escrow());
    }
    if (state instanceof Ended s) {
      return summaryOf(s.info(), s.status(), s.tutorId(), s.rateCents(), s.timeline(), s.escrow());
    }
    throw new IllegalStateException("no summary of an empty session");
  }

  SessionSummary summaryOf(Info info, Status status, String tutorId, long rateCents, List<TimelineEntry> timeline, Escrow escrow) {
    InstantRequest r = info.request();
    return new SessionSummary(
        sessionId, info.booked() ? Kind.BOOKED : Kind.INSTANT, status, info.studentId(), tutorId, r.subject(), r.level(), r.language(),
        info.booked() ? info.start() : info.requestedAt(),
        r.durationMinutes(), rateCents, r.maxRateCents(), info.currency(), escrow, timeline,
        firstAt(timeline, Status.LIVE), firstAt(timeline, Status.COMPLETED));
  }

  static Instant firstAt(List<TimelineEntry> timeline, Status status) {
    return timeline.stream().filter(t -> t.status() == status).map(TimelineEntry::at).findFirst().orElse(null);
  }

  StatusChanged statusOf(State state) {
    SessionSummary s = summaryOf(state);
    return new StatusChanged(sessionId, s.status(), s.tutorId());
  }

  <T> ReplyEffect<Event, State> notFound(ActorRef<StatusReply<T>> replyTo) {
    return reject(replyTo, Rejection.notFound("session " + sessionId + " not found"));
  }

  private Rejection alreadyMatched(InRoom state, AcceptOffer command) {
    return Rejection.conflict(
        state.tutorId().equals(command.tutorId()) ? "you already have this session" : "this session was matched with another tutor");
  }

  <T> ReplyEffect<Event, State> reject(ActorRef<StatusReply<T>> replyTo, Rejection rejection) {
    return Effect().reply(replyTo, StatusReply.error(rejection.toMessage()));
  }

  // --- events applied ---

  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandlerBuilder<State, Event> builder = newEventHandlerBuilder();
    builder.forStateType(Empty.class)
        .onEvent(InstantRequested.class, Empty::requested)
        .onEvent(BookingRequested.class, Empty::bookingRequested)
        .onEvent(RescheduleRequested.class, Empty::rescheduleRequested);
    builder.forStateType(Booking.class)
        .onEvent(SessionBooked.class, Booking::booked)
        .onEvent(BookingFailed.class, Booking::failed);
    builder.forStateType(Matching.class)
        .onEvent(OffersSent.class, Matching::offered)
        .onEvent(OfferDeclined.class, Matching::declined)
        .onEvent(TutorMatched.class, Matching::matched)
        .onEvent(SessionCancelled.class, Matching::cancelled)
        .onEvent(NoTutorFound.class, Matching::noTutor);
    builder.forStateType(Matched.class)
        .onEvent(SessionCancelled.class, Matched::cancelled)
        .onEvent(NoShowRecorded.class, Matched::noShow)
        .onEvent(SessionRescheduled.class, Matched::rescheduled)
        .onEvent(ParticipantJoined.class, Matched::joined);
    builder.forStateType(Live.class).onEvent(SessionCompleted.class, Live::completed);
    builder.forStateType(Ended.class)
        .onEvent(EscrowSettled.class, Ended::settledBy)
        .onEvent(TutorSlotFreed.class, Ended::freed)
        .onEvent(SessionDisputed.class, Ended::disputed)
        .onEvent(SessionRefunded.class, Ended::refunded)
        .onEvent(DisputeReleased.class, Ended::releasedBy)
        .onEvent(ResolutionSettled.class, Ended::resolved)
        .onEvent(ReviewSubmitted.class, (state, e) -> state.withReviews(state.reviews().written(e.review())))
        .onEvent(ReviewHidden.class, (state, e) -> state.withReviews(state.reviews().hidden(e.reviewId())))
        .onEvent(ReviewDelivered.class, (state, e) -> state.withReviews(state.reviews().delivered(e.reviewId(), e.hidden())));
    builder.forStateType(InRoom.class)
        .onEvent(ChatPosted.class, (state, e) -> state.posted(entryOf(e), roomSettings.boardReplayLimit()))
        .onEvent(BoardOpPosted.class, (state, e) -> state.posted(entryOf(e), roomSettings.boardReplayLimit()))
        .onEvent(ParticipantJoined.class, (state, e) -> state);
    return builder.build();
  }

  /**
   * Only what the KPI projection (and the notifications riding on it) reads is tagged: at most
   * three events per session (booked, matched, ended).
   * Events-by-tag writes a tagged event a second time, so the dispatch's per-offer events and the
   * room's chat and board, written far more often, are not. The session's money is posted to the
   * ledger from the events of the entities that own it (the student's escrow and settlement, the
   * tutor's credit).
   */
  @Override
  public Set<String> tagsFor(Event event) {
    if (event instanceof TutorMatched || event instanceof SessionBooked || event instanceof SessionCancelled || event instanceof NoTutorFound
        || event instanceof SessionCompleted || event instanceof NoShowRecorded) {
      return Set.of(tagFor(event.sessionId()));
    }
    return Set.of();
  }

  private static List<TimelineEntry> append(List<TimelineEntry> timeline, Instant at, Status status) {
    List<TimelineEntry> longer = new ArrayList<>(timeline);
    longer.add(new TimelineEntry(at, status));
    return List.copyOf(longer);
  }
}
