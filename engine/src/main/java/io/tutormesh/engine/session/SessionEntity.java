package io.tutormesh.engine.session;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
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
import io.tutormesh.engine.money.CancellationPolicy;
import io.tutormesh.engine.money.DisputePolicy;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.NoShowPolicy;
import io.tutormesh.engine.money.Pricing;
import io.tutormesh.engine.room.Board;
import io.tutormesh.engine.room.BoardOp;
import io.tutormesh.engine.room.Pages;
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
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
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

  private record StartChecked(StartInstant start, Optional<Rejection> refusal, List<TutorCard> candidates)
      implements Command {}

  private record CandidatesFound(List<TutorCard> candidates) implements Command {}

  private record ReservationResult(AcceptOffer accept, Offer offer, boolean reserved) implements Command {}

  private record OfferExpired(String offerId) implements Command {}

  private record SubscriberGone(String connectionId) implements Command {}

  /** Just matched: the participants already connected (the student watching the dispatch) have joined the room. */
  private record JoinConnected() implements Command {}

  private enum Tick implements Command { REQUEST_DEADLINE, RETRY_DISPATCH, ROOM_ABANDONED, NO_SHOW, SETTLE, BOOKING }

  private static final Rejection BOOKING_TOO_LATE =
      Rejection.unavailable("the booking could not be confirmed in time (the node is busy); nothing was booked; retry");

  /** A booking not confirmed yet does not exist for the API (its student gets the outcome as the answer to the booking). */
  private static final Rejection BEING_BOOKED = Rejection.notFound("the session is being booked; retry in a moment");

  private static final Rejection TOO_LATE =
      Rejection.unavailable("the request could not be taken in time (the node is busy); nothing was opened; retry");

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
   */
  public record TutorMatched(String sessionId, String tutorId, String offerId, long rateCents, Instant at, Long escrowCents)
      implements Event {
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
  }

  /**
   * A booking being confirmed (internal: the API shows a session only once it is BOOKED): the
   * tutor's slot and then the student's hold are being obtained.
   */
  public record Booking(Info info, String tutorId, Instant deadline, List<TimelineEntry> timeline) implements State {
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
      return new Matched(held, tutorId, e.rateCents(), append(timeline, e.at(), Status.BOOKED), new Room(), e.escrowCents());
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
   * settled}, the money it holds is being settled (see {@link #needsSettlement}).
   */
  public record Ended(
      Info info, Status status, String tutorId, long rateCents, List<TimelineEntry> timeline, Room room, Escrow escrow, boolean settled)
      implements State {

    public Ended {
      escrow = escrow == null ? Escrow.NONE : escrow;
    }

    /** Money is held for it and its settlement was not acknowledged yet. */
    public boolean needsSettlement() {
      return info.holdsMoney() && !settled;
    }

    Ended settledBy(EscrowSettled e) {
      return new Ended(info, status, tutorId, rateCents, timeline, room, capturedAs(escrow, e.capturedCents()), true);
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
      return new Ended(info, Status.DISPUTED, tutorId, rateCents, append(timeline, e.at(), Status.DISPUTED), room, frozen, false);
    }

    /** Refunded in full: everything held went back; the reversal and the refund are to be driven. */
    Ended refunded(SessionRefunded e) {
      Escrow back = new Escrow(EscrowStatus.REFUNDED, escrow.heldCents(), 0, escrow.heldCents());
      return new Ended(info, Status.REFUNDED, tutorId, rateCents, append(timeline, e.at(), Status.REFUNDED), room, back, false);
    }

    /** Released: COMPLETED again (the timeline shows the dispute), the escrow RELEASED as it was settled. */
    Ended releasedBy(DisputeReleased e) {
      Escrow settledAs = new Escrow(EscrowStatus.RELEASED, escrow.heldCents(), escrow.releasedCents(), escrow.refundedCents());
      return new Ended(info, Status.COMPLETED, tutorId, rateCents, append(timeline, e.at(), Status.COMPLETED), room, settledAs, false);
    }

    /** A COMPLETED session that was disputed and then released by an admin. */
    boolean wasReleased() {
      return status == Status.COMPLETED && timeline.stream().anyMatch(t -> t.status() == Status.DISPUTED);
    }

    Ended resolved(ResolutionSettled e) {
      return new Ended(info, status, tutorId, rateCents, timeline, room, escrow, true);
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

  public static Behavior<Command> create(
      String sessionId, MatchingSettings settings, Links links, PaymentGuard guard, MatchingObserver observer, Clock clock) {
    RoomSettings room = RoomSettings.fromConfig(com.typesafe.config.ConfigFactory.defaultReference());
    return create(sessionId, settings, room, links, guard, observer, clock, null);
  }

  public static Behavior<Command> create(
      String sessionId,
      MatchingSettings settings,
      RoomSettings roomSettings,
      Links links,
      PaymentGuard guard,
      MatchingObserver observer,
      Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    Billing billing = Billing.fromConfig(com.typesafe.config.ConfigFactory.defaultReference());
    return create(sessionId, settings, roomSettings, billing, links, guard, observer, clock, shard);
  }

  /**
   * @param shard the entity's shard when it runs under sharding with remember-entities (so that a
   *     node restart restarts open sessions); an ended session passivates itself through it.
   */
  public static Behavior<Command> create(
      String sessionId,
      MatchingSettings settings,
      RoomSettings roomSettings,
      Billing billing,
      Links links,
      PaymentGuard guard,
      MatchingObserver observer,
      Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(
            timers -> new SessionEntity(sessionId, settings, roomSettings, billing, links, guard, observer, clock, context, timers, shard)));
  }

  /** The tag every event of this session carries, for projections. */
  public static String tagFor(String sessionId) {
    return "session-" + Math.abs(sessionId.hashCode() % TAG_COUNT);
  }

  private final String sessionId;
  private final MatchingSettings settings;
  private final RoomSettings roomSettings;
  private final Billing billing;
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
  /** Abandoned before it started: a StartInstant that still arrives is refused. */
  private boolean abandoned;
  private final Map<String, Subscriber> subscribers = new HashMap<>();
  /** The settlement in progress: what the student's step captured (null: not acknowledged yet). */
  private Long studentCaptured;
  /** The refund in progress: the tutor's reversal was acknowledged. */
  private boolean creditReversed;
  private final Duration disputeWindow;
  private final MoneySettings money;
  /** The booking being confirmed: who waits for its outcome (null after a restart: nobody). */
  private StartBooking pendingBooking;
  /** The booking's tutor reserved the slot at this rate (null: not answered yet in this incarnation). */
  private Long bookedRate;

  private record Subscriber(String userId, ActorRef<Notification> ref) {}

  private SessionEntity(
      String sessionId,
      MatchingSettings settings,
      RoomSettings roomSettings,
      Billing billing,
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
    this.roomSettings = roomSettings;
    this.billing = billing;
    this.links = links;
    this.guard = guard;
    this.observer = observer;
    this.clock = clock;
    this.context = context;
    this.timers = timers;
    this.shard = shard;
    this.disputeWindow = context.getSystem().settings().config().getDuration("tutormesh.money.dispute-window");
    this.money = MoneySettings.fromConfig(context.getSystem().settings().config());
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
        .onCommand(StartBooking.class, this::startBooking)
        .onCommand(AbandonRequest.class, this::abandonBeforeStart)
        .onCommand(GetSession.class, (state, command) -> whilePending(() -> notFound(command.replyTo())))
        .onCommand(GetTranscript.class, (state, command) -> whilePending(() -> notFound(command.replyTo())))
        .onCommand(End.class, (state, command) -> whilePending(() -> notFound(command.replyTo())))
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
        .onCommand(AbandonRequest.class, this::abandonMatching)
        .onCommand(StartInstant.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(Tick.class, this::tick);
    builder.forStateType(Booking.class)
        .onCommand(StartBooking.class, this::bookingAgain)
        .onCommand(SlotAnswer.class, this::slotAnswered)
        .onCommand(BookingHoldAnswer.class, this::holdAnswered)
        .onCommand(Tick.class, this::bookingTick)
        .onCommand(GetSession.class, (state, command) -> reject(command.replyTo(), BEING_BOOKED))
        .onCommand(GetTranscript.class, (state, command) -> reject(command.replyTo(), BEING_BOOKED))
        .onCommand(Cancel.class, (state, command) -> reject(command.replyTo(), BEING_BOOKED))
        .onCommand(End.class, (state, command) -> reject(command.replyTo(), BEING_BOOKED))
        .onCommand(Subscribe.class, (state, command) -> Effect().noReply());
    builder.forStateType(Matched.class)
        .onCommand(Cancel.class, this::cancelMatched)
        .onCommand(AbandonRequest.class, this::abandonMatched)
        .onCommand(End.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("the lesson has not started: it starts when both participants have joined the room (or cancel it)")));
    builder.forStateType(Live.class)
        .onCommand(End.class, this::end)
        .onCommand(Cancel.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("a live session cannot be cancelled: end it")));
    builder.forStateType(InRoom.class)
        .onCommand(AcceptOffer.class, (state, command) -> reject(command.replyTo(), alreadyMatched(state, command)))
        .onCommand(StartInstant.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(StartBooking.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(PostChat.class, this::postChat)
        .onCommand(PostBoardOp.class, this::postBoardOp)
        .onCommand(RelaySignal.class, this::relaySignal)
        .onCommand(JoinConnected.class, this::joinConnected)
        .onCommand(Tick.class, this::roomTick);
    builder.forStateType(Ended.class)
        .onCommand(Cancel.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("session already ended")))
        .onCommand(End.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("session already ended")))
        .onCommand(AcceptOffer.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("session already ended")))
        .onCommand(StartInstant.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(StartBooking.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(StudentSettled.class, this::studentSettled)
        .onCommand(TutorCredited.class, this::tutorCredited)
        .onCommand(Dispute.class, this::dispute)
        .onCommand(Refund.class, this::refund)
        .onCommand(CreditFrozen.class, this::creditFrozen)
        .onCommand(ReleaseDispute.class, this::releaseDispute)
        .onCommand(CreditUnfrozen.class, this::creditUnfrozen)
        .onCommand(CreditReversed.class, this::creditReversed)
        .onCommand(StudentRefunded.class, this::studentRefunded)
        .onCommand(Tick.class, this::settleTick);
    builder.forAnyState()
        .onCommand(GetSession.class, (state, command) -> Effect().reply(command.replyTo(), summary(state)))
        .onCommand(GetTranscript.class, this::transcript)
        .onCommand(DeclineOffer.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("offer " + command.offerId() + " is no longer valid")))
        .onCommand(CheckTutorHold.class, this::checkTutorHold)
        .onCommand(Subscribe.class, this::subscribe)
        .onCommand(Unsubscribe.class, (state, command) -> unsubscribe(state, command.connectionId()))
        .onCommand(SubscriberGone.class, (state, command) -> unsubscribe(state, command.connectionId()))
        .onCommand(Resume.class, this::resume)
        .onCommand(End.class, (state, command) -> reject(command.replyTo(), Rejection.conflict("the session is not live")))
        .onCommand(PostChat.class, (state, command) -> roomClosed(state, command.replyTo()))
        .onCommand(PostBoardOp.class, (state, command) -> roomClosed(state, command.replyTo()))
        .onCommand(RelaySignal.class, (state, command) -> roomClosed(state, command.replyTo()))
        .onCommand(Dispute.class, (state, command) -> notEnded(state, command.byUserId(), command.byAdmin(), command.replyTo()))
        .onCommand(Refund.class, (state, command) -> notEnded(state, command.adminId(), true, command.replyTo()))
        .onCommand(ReleaseDispute.class, (state, command) -> notEnded(state, command.adminId(), true, command.replyTo()))
        .onAnyCommand(command -> Effect().noReply());
    return builder.build();
  }

  // --- start: payment check and first candidates in parallel, then one write for both ---

  private ReplyEffect<Event, State> startInstant(Empty state, StartInstant command) {
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

  private ReplyEffect<Event, State> started(Empty state, StartChecked checked) {
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
    notifySubscribers(state);
  }

  // --- booking: a saga (slot, then hold, then BOOKED), re-driven until answered ---

  private ReplyEffect<Event, State> startBooking(Empty state, StartBooking command) {
    if (pendingStart != null) {
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
  private ReplyEffect<Event, State> bookingAgain(Booking state, StartBooking command) {
    if (!command.studentId().equals(state.info().studentId())) {
      return reject(command.replyTo(), Rejection.conflict("session " + sessionId + " exists already"));
    }
    pendingBooking = command;
    return Effect().noReply();
  }

  /** Sends the step not answered yet (slot, then hold) and arms its retry. */
  private void driveBooking(Booking state) {
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

  private ReplyEffect<Event, State> bookingTick(Booking state, Tick tick) {
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

  private ReplyEffect<Event, State> slotAnswered(Booking state, SlotAnswer answer) {
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

  private ReplyEffect<Event, State> holdAnswered(Booking state, BookingHoldAnswer answer) {
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
    armNoShow(state);
    notifySubscribers(state);
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
          settleOrPassivate((Ended) s);
        })
        .thenNoReply();
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
        onDispatcher(links.findCandidates(query)),
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
        onDispatcher(links.reserve(offer.tutorId(), sessionId, state.info().studentId(), state.info().request().durationMinutes())),
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
        .persist(new TutorMatched(sessionId, offer.tutorId(), offer.offerId(), offer.rateCents(), now, escrowFor(state.info(), offer.rateCents())))
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
    notifySubscribers(state);
    armAbandonIfEmpty();
    timers.startSingleTimer(Tick.NO_SHOW, Tick.NO_SHOW, roomSettings.noShowGrace());
    if (!subscribers.isEmpty()) {
      context.getSelf().tell(new JoinConnected());
    }
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

  /**
   * Not started: a start being checked now is refused when its check completes (no offer goes
   * out); one that arrives later is refused at once. Without a start in progress there is nothing
   * to keep (its start was refused already, or will be).
   */
  private ReplyEffect<Event, State> abandonBeforeStart(Empty state, AbandonRequest command) {
    if (pendingStart != null && !pendingStart.studentId().equals(command.studentId())) {
      return Effect().noReply();
    }
    abandoned = true;
    if (pendingStart == null) {
      passivateLater();
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> abandonMatching(Matching state, AbandonRequest command) {
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

  private ReplyEffect<Event, State> abandonMatched(Matched state, AbandonRequest command) {
    if (!command.studentId().equals(state.info().studentId())) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new SessionCancelled(sessionId, command.studentId(), clock.instant()))
        .thenRun(s -> roomEnded(state, (Ended) s))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> cancelMatched(Matched state, Cancel command) {
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
    if (before.info().booked()) {
      links.tutor(before.tutorId(), new TutorEntity.ReleaseSlot(sessionId));
    } else {
      links.tutor(before.tutorId(), new TutorEntity.Release(sessionId));
    }
    notifySubscribers(state);
    settleOrPassivate(state);
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
    notifySubscribers(state);
    settleOrPassivate(state);
  }

  // --- settlement: a small saga, re-driven until every step is acknowledged ---

  /** The escrow of a match at {@code rateCents}: the tutor's price for the duration, never more than the hold (null: no hold). */
  private static Long escrowFor(Info info, long rateCents) {
    if (!info.holdsMoney()) {
      return null;
    }
    return Math.min(Pricing.hold(rateCents, info.request().durationMinutes()), info.holdCents());
  }

  /**
   * An ended session that holds money stays up (it is not passivated, so a remembered session is
   * restarted after a crash) and drives its settlement; one that does not passivates.
   */
  private void settleOrPassivate(Ended state) {
    if (state.needsSettlement()) {
      driveSettlement(state);
    } else {
      passivateLater();
    }
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
    if (state.tutorId() == null || state.escrow().status() == EscrowStatus.NONE) {
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

  private ReplyEffect<Event, State> settleTick(Ended state, Tick tick) {
    if (tick == Tick.SETTLE && state.needsSettlement()) {
      driveSettlement(state);
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> studentSettled(Ended state, StudentSettled settled) {
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

  private ReplyEffect<Event, State> tutorCredited(Ended state, TutorCredited credited) {
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
          passivateLater();
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

  private ReplyEffect<Event, State> dispute(Ended state, Dispute command) {
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

  private ReplyEffect<Event, State> refund(Ended state, Refund command) {
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

  private ReplyEffect<Event, State> releaseDispute(Ended state, ReleaseDispute command) {
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

  private ReplyEffect<Event, State> creditUnfrozen(Ended state, CreditUnfrozen unfrozen) {
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
    Instant endedAt = firstAt(state.timeline(), Status.COMPLETED);
    if (endedAt == null) {
      return Optional.of(Rejection.conflict("only a completed session can be disputed or refunded"));
    }
    DisputePolicy.Decision decision = DisputePolicy.decide(state.stage(), action, endedAt, clock.instant(), disputeWindow);
    return decision instanceof DisputePolicy.Refused refused ? Optional.of(refused.rejection()) : Optional.empty();
  }

  private static Optional<Rejection> checkReason(String reason) {
    if (reason == null || reason.isBlank()) {
      return Optional.of(Rejection.invalid("reason", "is required"));
    }
    if (reason.trim().length() > MAX_REASON_LENGTH) {
      return Optional.of(Rejection.invalid("reason", "must be at most " + MAX_REASON_LENGTH + " characters"));
    }
    return Optional.empty();
  }

  private void resolutionStarted(Ended state) {
    creditReversed = false;
    notifySubscribers(state);
    driveSettlement(state);
  }

  /** A dispute or refund asked of a session that has not ended (or does not exist). */
  private ReplyEffect<Event, State> notEnded(State state, String userId, boolean byAdmin, ActorRef<StatusReply<SessionSummary>> replyTo) {
    if (state instanceof Empty) {
      return whilePending(() -> notFound(replyTo));
    }
    if (!byAdmin && !summaryOf(state).isParticipant(userId)) {
      return reject(replyTo, Rejection.forbidden("only the session's participants may do that"));
    }
    return reject(replyTo, Rejection.conflict("the session has not ended: only a completed session can be disputed or refunded"));
  }

  private ReplyEffect<Event, State> creditFrozen(Ended state, CreditFrozen frozen) {
    if (state.status() != Status.DISPUTED || !state.needsSettlement()) {
      return Effect().noReply();
    }
    return resolutionSettled(state);
  }

  private ReplyEffect<Event, State> creditReversed(Ended state, CreditReversed reversed) {
    if (state.status() != Status.REFUNDED || !state.needsSettlement() || creditReversed) {
      return Effect().noReply();
    }
    creditReversed = true;
    driveSettlement(state);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> studentRefunded(Ended state, StudentRefunded refunded) {
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
          passivateLater();
        })
        .thenNoReply();
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

  // --- the live room ---

  private ReplyEffect<Event, State> postChat(InRoom state, PostChat command) {
    Optional<Notification> refusal = roomRefusal(state, command.userId(), command.clientId());
    if (refusal.isPresent()) {
      return refuse(command.replyTo(), refusal.get());
    }
    Optional<RoomEntry> before = state.room().sentBefore(command.userId(), command.clientId());
    if (before.isPresent()) {
      command.replyTo().tell(new Posted(before.get(), true));
      return Effect().noReply();
    }
    String text = command.text();
    if (text == null || text.isBlank()) {
      return refuse(command.replyTo(), new Refused("bad-field", "text: a message needs some text"));
    }
    if (text.codePointCount(0, text.length()) > roomSettings.chatMaxChars()) {
      return refuse(command.replyTo(), new Refused("too-long", "text: at most " + roomSettings.chatMaxChars() + " characters"));
    }
    if (state.room().chatCount() >= roomSettings.maxChatEntries()) {
      return refuse(command.replyTo(), new Refused("chat-full", "this lesson's chat is full (" + roomSettings.maxChatEntries() + " messages)"));
    }
    long seq = state.room().seq() + 1;
    String masked = roomSettings.masker().mask(text);
    ChatPosted posted = new ChatPosted(sessionId, seq, command.userId(), masked, command.clientId(), clock.instant());
    return Effect()
        .persist(posted)
        .thenRun(s -> fanOut(entryOf(posted), command.replyTo()))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> postBoardOp(InRoom state, PostBoardOp command) {
    Optional<Notification> refusal = roomRefusal(state, command.userId(), command.clientId());
    if (refusal.isPresent()) {
      return refuse(command.replyTo(), refusal.get());
    }
    Optional<RoomEntry> before = state.room().sentBefore(command.userId(), command.clientId());
    if (before.isPresent()) {
      command.replyTo().tell(new Posted(before.get(), true));
      return Effect().noReply();
    }
    if (command.op() instanceof BoardOp.Drawing
        && state.room().board().weight() + io.tutormesh.engine.room.BoardOps.weight(command.op()) > roomSettings.maxBoardBytes()) {
      return refuse(command.replyTo(), new Refused("board-full", "the board is full (" + roomSettings.maxBoardBytes() + " bytes): erase or clear something first"));
    }
    long seq = state.room().seq() + 1;
    BoardOpPosted posted = new BoardOpPosted(sessionId, seq, command.userId(), command.op(), command.clientId(), clock.instant());
    return Effect()
        .persist(posted)
        .thenRun(s -> fanOut(entryOf(posted), command.replyTo()))
        .thenNoReply();
  }

  private Optional<Notification> roomRefusal(InRoom state, String userId, String clientId) {
    if (!state.isParticipant(userId)) {
      return Optional.of(new Refused("not-allowed", "only the session's participants may write in its room"));
    }
    if (clientId != null && !io.tutormesh.engine.common.Ids.isValid(clientId)) {
      return Optional.of(new Refused("bad-field", "clientId: 1-64 of A-Z a-z 0-9 _ -"));
    }
    return Optional.empty();
  }

  /** The stored entry goes to every room socket; the sender gets it even if it is not subscribed. */
  private void fanOut(RoomEntry entry, ActorRef<Notification> sender) {
    Posted posted = new Posted(entry, false);
    boolean senderSubscribed = false;
    for (Subscriber subscriber : subscribers.values()) {
      subscriber.ref().tell(posted);
      senderSubscribed |= subscriber.ref().equals(sender);
    }
    if (!senderSubscribed) {
      sender.tell(posted);
    }
  }

  private ReplyEffect<Event, State> relaySignal(InRoom state, RelaySignal command) {
    if (!state.isParticipant(command.userId())) {
      return refuse(command.replyTo(), new Refused("not-allowed", "only the session's participants may signal"));
    }
    List<Subscriber> peers = subscribers.values().stream().filter(s -> !s.userId().equals(command.userId())).toList();
    if (peers.isEmpty()) {
      return refuse(command.replyTo(), new Refused("peer-absent", "the other participant is not in the room"));
    }
    SignalRelayed signal = new SignalRelayed(command.userId(), command.kind(), command.payloadJson());
    peers.forEach(peer -> peer.ref().tell(signal));
    return Effect().noReply();
  }

  /**
   * Everything after {@code afterSeq}, in pages, in order. When that holds more whiteboard ops than
   * {@code board-replay-limit}, the board as it is now replaces them: board pages, then the chat.
   * The room keeps only the last {@code board-replay-limit} ops, so a resume from before an op it
   * dropped always takes the board (even if the limit was raised since and fewer ops follow).
   */
  private ReplyEffect<Event, State> resume(State state, Resume command) {
    Room room = roomOf(state);
    long upTo = room == null ? 0 : room.seq();
    if (command.afterSeq() < 0 || command.afterSeq() > upTo) {
      return refuse(command.replyTo(), new Refused("bad-seq", "afterSeq: must be between 0 and the last seq, " + upTo));
    }
    if (room == null) {
      command.replyTo().tell(new ReplayPage(0, List.of(), true));
      return Effect().noReply();
    }
    List<RoomEntry> entries;
    if (!room.keepsEverythingAfter(command.afterSeq()) || room.boardOpsAfter(command.afterSeq()) > roomSettings.boardReplayLimit()) {
      List<List<Board.Item>> boardPages = Pages.cut(room.board().items(), item -> 64 + io.tutormesh.engine.room.BoardOps.weight(item.op()), roomSettings.pageEntries(), roomSettings.pageBytes());
      for (int i = 0; i < boardPages.size(); i++) {
        command.replyTo().tell(new BoardPage(upTo, boardPages.get(i), i == boardPages.size() - 1));
      }
      entries = room.chatAfter(command.afterSeq());
    } else {
      entries = room.after(command.afterSeq(), Integer.MAX_VALUE);
    }
    List<List<RoomEntry>> pages = Pages.cut(entries, RoomEntry::weight, roomSettings.pageEntries(), roomSettings.pageBytes());
    for (int i = 0; i < pages.size(); i++) {
      command.replyTo().tell(new ReplayPage(upTo, pages.get(i), i == pages.size() - 1));
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> transcript(State state, GetTranscript command) {
    SessionSummary summary = summaryOf(state);
    if (!command.byAdmin() && !summary.isParticipant(command.userId())) {
      return reject(command.replyTo(), Rejection.forbidden("a transcript is for the session's participants and admins only"));
    }
    Room room = roomOf(state);
    if (room == null) {
      return Effect().reply(command.replyTo(), StatusReply.success(new Transcript(sessionId, List.of(), 0)));
    }
    int limit = Math.max(1, Math.min(command.limit(), roomSettings.transcriptMaxLimit()));
    long lastSeq = room.seq();
    if (!room.keepsEverythingAfter(command.afterSeq())) {
      // Older ops than the room keeps: the whole page comes from the journal, off the actor.
      RoomJournal.entriesAfter(context.getSystem(), roomSettings.readJournal(), persistenceId().id(), command.afterSeq(), lastSeq, limit)
          .whenComplete((entries, error) -> command.replyTo().tell(transcriptPage(entries, error, limit, lastSeq)));
      return Effect().noReply();
    }
    return Effect().reply(command.replyTo(), transcriptPage(room.after(command.afterSeq(), limit), null, limit, lastSeq));
  }

  /** The first page (by {@code page-bytes}) of the entries read, or why they could not be read. */
  private StatusReply<Transcript> transcriptPage(List<RoomEntry> entries, Throwable error, int limit, long lastSeq) {
    if (error != null) {
      return StatusReply.error(Rejection.unavailable("the transcript could not be read now; retry").toMessage());
    }
    List<List<RoomEntry>> pages = Pages.cut(entries, RoomEntry::weight, limit, roomSettings.pageBytes());
    return StatusReply.success(new Transcript(sessionId, pages.isEmpty() ? List.of() : pages.get(0), lastSeq));
  }

  static RoomEntry entryOf(ChatPosted e) {
    return RoomEntry.chat(e.seq(), e.from(), e.at(), e.text(), e.clientId());
  }

  static RoomEntry entryOf(BoardOpPosted e) {
    return RoomEntry.wb(e.seq(), e.from(), e.at(), e.op(), e.clientId());
  }

  private ReplyEffect<Event, State> end(Live state, End command) {
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
  private ReplyEffect<Event, State> roomTick(InRoom state, Tick tick) {
    boolean abandoned = tick == Tick.ROOM_ABANDONED && subscribers.isEmpty();
    Instant now = clock.instant();
    if (state instanceof Live live) {
      return abandoned
          ? Effect().persist(completed(live, SYSTEM, now)).thenRun(s -> roomEnded(live, (Ended) s)).thenNoReply()
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
      return Effect().persist(new SessionCancelled(sessionId, SYSTEM, now)).thenRun(s -> roomEnded(matched, (Ended) s)).thenNoReply();
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

  /** What is left of a recovered matched session's no-show grace. */
  private void armNoShow(Matched matched) {
    Instant from = matched.noShowFrom() == null ? clock.instant() : matched.noShowFrom();
    Duration left = Duration.between(clock.instant(), from.plus(roomSettings.noShowGrace()));
    timers.startSingleTimer(Tick.NO_SHOW, Tick.NO_SHOW, left.isNegative() ? Duration.ZERO : left);
  }

  private void armAbandonIfEmpty() {
    if (subscribers.isEmpty()) {
      timers.startSingleTimer(Tick.ROOM_ABANDONED, Tick.ROOM_ABANDONED, roomSettings.abandonTimeout());
    }
  }

  private ReplyEffect<Event, State> roomClosed(State state, ActorRef<Notification> replyTo) {
    String why = state instanceof Ended ? "the session has ended" : "the room opens when a tutor is matched";
    return refuse(replyTo, new Refused("room-closed", why));
  }

  private ReplyEffect<Event, State> refuse(ActorRef<Notification> replyTo, Notification refusal) {
    replyTo.tell(refusal);
    return Effect().noReply();
  }

  private static Room roomOf(State state) {
    if (state instanceof InRoom inRoom) {
      return inRoom.room();
    }
    return state instanceof Ended ended ? ended.room() : null;
  }

  // --- reconciliation and subscribers ---

  private ReplyEffect<Event, State> checkTutorHold(State state, CheckTutorHold command) {
    boolean holds =
        (state instanceof InRoom m && m.tutorId().equals(command.tutorId()))
            || (state instanceof Matching matching && reservingOfferId != null
                && Optional.ofNullable(matching.outstanding().get(reservingOfferId)).map(o -> o.tutorId().equals(command.tutorId())).orElse(false));
    command.replyTo().tell(new TutorHold(sessionId, command.tutorId(), holds));
    return Effect().noReply();
  }

  /**
   * A room socket (re)subscribes; sockets do it again every heartbeat, so only a new connection
   * counts. A participant's first connection is announced to the other one, and the first ever
   * is stored: when both have joined, the session is LIVE.
   */
  private ReplyEffect<Event, State> subscribe(State state, Subscribe command) {
    String userId = command.userId();
    boolean userWasHere = isConnected(userId);
    Subscriber previous = subscribers.put(command.connectionId(), new Subscriber(userId, command.subscriber()));
    if (previous == null) {
      context.watchWith(command.subscriber(), new SubscriberGone(command.connectionId()));
    }
    if (!(state instanceof Empty)) {
      command.subscriber().tell(statusOf(state));
    }
    if (!(state instanceof InRoom room) || !room.isParticipant(userId)) {
      return Effect().noReply();
    }
    Optional<Instant> opensAt = notOpenYet(room);
    if (opensAt.isPresent()) {
      if (previous == null) {
        command.subscriber().tell(new Refused("room-closed", "this booked lesson's room opens at " + opensAt.get()));
      }
      return Effect().noReply();
    }
    if (previous != null) {
      // A heartbeat; it joins a booked room that was not open yet when it connected.
      return room.room().hasJoined(userId) || !room.info().booked()
          ? Effect().noReply()
          : Effect().persist(new ParticipantJoined(sessionId, userId, clock.instant())).thenRun(s -> wentLiveIfBoth(state, s)).thenNoReply();
    }
    timers.cancel(Tick.ROOM_ABANDONED);
    if (!userWasHere) {
      announce(userId, true);
    }
    subscribers.values().stream()
        .map(Subscriber::userId)
        .filter(other -> !other.equals(userId))
        .distinct()
        .forEach(other -> command.subscriber().tell(new PresenceChanged(other, true)));
    if (room.room().hasJoined(userId)) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new ParticipantJoined(sessionId, userId, clock.instant()))
        .thenRun(s -> wentLiveIfBoth(state, s))
        .thenNoReply();
  }

  /** A booked room opens {@code tutormesh.room.early-join} before its start: when, if that is still ahead. */
  private Optional<Instant> notOpenYet(InRoom room) {
    if (!room.info().booked()) {
      return Optional.empty();
    }
    Instant opens = room.info().start().minus(roomSettings.earlyJoin());
    return clock.instant().isBefore(opens) ? Optional.of(opens) : Optional.empty();
  }

  private ReplyEffect<Event, State> joinConnected(InRoom state, JoinConnected command) {
    Instant now = clock.instant();
    List<Event> joins = subscribers.values().stream()
        .map(Subscriber::userId)
        .distinct()
        .filter(userId -> state.isParticipant(userId) && !state.room().hasJoined(userId))
        .map(userId -> (Event) new ParticipantJoined(sessionId, userId, now))
        .toList();
    if (joins.isEmpty()) {
      return Effect().noReply();
    }
    return Effect().persist(joins).thenRun(s -> wentLiveIfBoth(state, s)).thenNoReply();
  }

  private void wentLiveIfBoth(State before, State after) {
    if (after instanceof Live && !(before instanceof Live)) {
      notifySubscribers(after);
    }
  }

  private ReplyEffect<Event, State> unsubscribe(State state, String connectionId) {
    Subscriber gone = subscribers.remove(connectionId);
    if (gone == null) {
      return Effect().noReply();
    }
    context.unwatch(gone.ref());
    if (state instanceof InRoom) {
      if (!isConnected(gone.userId())) {
        announce(gone.userId(), false);
      }
      armAbandonIfEmpty();
    }
    return Effect().noReply();
  }

  private boolean isConnected(String userId) {
    return subscribers.values().stream().anyMatch(s -> s.userId().equals(userId));
  }

  /** Tells the other participant's sockets that this one joined or left. */
  private void announce(String userId, boolean joined) {
    PresenceChanged presence = new PresenceChanged(userId, joined);
    subscribers.values().stream().filter(s -> !s.userId().equals(userId)).forEach(s -> s.ref().tell(presence));
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

  private void recovered(State state) {
    if (state instanceof Ended ended) {
      settleOrPassivate(ended);
    }
    if (state instanceof InRoom) {
      armAbandonIfEmpty();
    }
    if (state instanceof Matched matched) {
      armNoShow(matched);
    }
    if (state instanceof Booking booking) {
      driveBooking(booking);
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

  private SessionSummary summaryOf(Info info, Status status, String tutorId, long rateCents, List<TimelineEntry> timeline, Escrow escrow) {
    InstantRequest r = info.request();
    return new SessionSummary(
        sessionId, info.booked() ? Kind.BOOKED : Kind.INSTANT, status, info.studentId(), tutorId, r.subject(), r.level(), r.language(),
        info.booked() ? info.start() : info.requestedAt(),
        r.durationMinutes(), rateCents, r.maxRateCents(), info.currency(), escrow, timeline,
        firstAt(timeline, Status.LIVE), firstAt(timeline, Status.COMPLETED));
  }

  private static Instant firstAt(List<TimelineEntry> timeline, Status status) {
    return timeline.stream().filter(t -> t.status() == status).map(TimelineEntry::at).findFirst().orElse(null);
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

  private Rejection alreadyMatched(InRoom state, AcceptOffer command) {
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
    builder.forStateType(Empty.class)
        .onEvent(InstantRequested.class, Empty::requested)
        .onEvent(BookingRequested.class, Empty::bookingRequested);
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
        .onEvent(ParticipantJoined.class, Matched::joined);
    builder.forStateType(Live.class).onEvent(SessionCompleted.class, Live::completed);
    builder.forStateType(Ended.class)
        .onEvent(EscrowSettled.class, Ended::settledBy)
        .onEvent(SessionDisputed.class, Ended::disputed)
        .onEvent(SessionRefunded.class, Ended::refunded)
        .onEvent(DisputeReleased.class, Ended::releasedBy)
        .onEvent(ResolutionSettled.class, Ended::resolved);
    builder.forStateType(InRoom.class)
        .onEvent(ChatPosted.class, (state, e) -> state.posted(entryOf(e), roomSettings.boardReplayLimit()))
        .onEvent(BoardOpPosted.class, (state, e) -> state.posted(entryOf(e), roomSettings.boardReplayLimit()))
        .onEvent(ParticipantJoined.class, (state, e) -> state);
    return builder.build();
  }

  /**
   * Only what the KPI projection reads is tagged: at most two events per session (matched, ended).
   * Events-by-tag writes a tagged event a second time, so the dispatch's per-offer events and the
   * room's chat and board, written far more often, are not. The session's money is posted to the
   * ledger from the events of the entities that own it (the student's escrow and settlement, the
   * tutor's credit).
   */
  @Override
  public Set<String> tagsFor(Event event) {
    if (event instanceof TutorMatched || event instanceof SessionCancelled || event instanceof NoTutorFound
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
