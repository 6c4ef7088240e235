package io.tutormesh.engine.session;

import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.room.Board;
import io.tutormesh.engine.room.BoardOp;
import io.tutormesh.engine.room.Pages;
import io.tutormesh.engine.room.Room;
import io.tutormesh.engine.room.RoomEntry;
import io.tutormesh.engine.session.SessionEntity.BoardOpPosted;
import io.tutormesh.engine.session.SessionEntity.BoardPage;
import io.tutormesh.engine.session.SessionEntity.ChatPosted;
import io.tutormesh.engine.session.SessionEntity.Empty;
import io.tutormesh.engine.session.SessionEntity.Ended;
import io.tutormesh.engine.session.SessionEntity.Event;
import io.tutormesh.engine.session.SessionEntity.GetTranscript;
import io.tutormesh.engine.session.SessionEntity.InRoom;
import io.tutormesh.engine.session.SessionEntity.JoinConnected;
import io.tutormesh.engine.session.SessionEntity.Live;
import io.tutormesh.engine.session.SessionEntity.Matched;
import io.tutormesh.engine.session.SessionEntity.Notification;
import io.tutormesh.engine.session.SessionEntity.ParticipantJoined;
import io.tutormesh.engine.session.SessionEntity.PostBoardOp;
import io.tutormesh.engine.session.SessionEntity.PostChat;
import io.tutormesh.engine.session.SessionEntity.Posted;
import io.tutormesh.engine.session.SessionEntity.PresenceChanged;
import io.tutormesh.engine.session.SessionEntity.Refused;
import io.tutormesh.engine.session.SessionEntity.RelaySignal;
import io.tutormesh.engine.session.SessionEntity.ReplayPage;
import io.tutormesh.engine.session.SessionEntity.Resume;
import io.tutormesh.engine.session.SessionEntity.SessionSummary;
import io.tutormesh.engine.session.SessionEntity.SignalRelayed;
import io.tutormesh.engine.session.SessionEntity.State;
import io.tutormesh.engine.session.SessionEntity.StatusChanged;
import io.tutormesh.engine.session.SessionEntity.Subscribe;
import io.tutormesh.engine.session.SessionEntity.SubscriberGone;
import io.tutormesh.engine.session.SessionEntity.Tick;
import io.tutormesh.engine.session.SessionEntity.Transcript;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A session's live room: its sockets (subscribe, join, leave, presence), chat and whiteboard
 * (stored as events before they go out), WebRTC signals (relayed, never stored), resume and
 * transcript, and the room's timers (abandoned, no-show grace).
 */
final class RoomHandlers extends SessionPart {

  private record Subscriber(String userId, ActorRef<Notification> ref) {}

  private final Map<String, Subscriber> subscribers = new HashMap<>();

  RoomHandlers(SessionEntity entity) {
    super(entity);
  }

  /** No room socket is connected (to this session, on this incarnation). */
  boolean nobodyConnected() {
    return subscribers.isEmpty();
  }

  // --- chat, whiteboard, signals, resume, transcript ---

  ReplyEffect<Event, State> postChat(InRoom state, PostChat command) {
    Optional<Notification> answered = refusedOrResent(state, command.userId(), command.clientId());
    if (answered.isPresent()) {
      return answerAtOnce(command.replyTo(), answered.get());
    }
    String text = command.text();
    if (text == null || text.isBlank()) {
      return answerAtOnce(command.replyTo(), new Refused("bad-field", "text: a message needs some text"));
    }
    if (text.codePointCount(0, text.length()) > roomSettings.chatMaxChars()) {
      return answerAtOnce(command.replyTo(), new Refused("too-long", "text: at most " + roomSettings.chatMaxChars() + " characters"));
    }
    if (state.room().chatCount() >= roomSettings.maxChatEntries()) {
      return answerAtOnce(command.replyTo(), new Refused("chat-full", "this lesson's chat is full (" + roomSettings.maxChatEntries() + " messages)"));
    }
    long seq = state.room().seq() + 1;
    String masked = roomSettings.masker().mask(text);
    ChatPosted posted = new ChatPosted(sessionId, seq, command.userId(), masked, command.clientId(), clock.instant());
    return Effect()
        .persist(posted)
        .thenRun(s -> fanOut(SessionEntity.entryOf(posted), command.replyTo()))
        .thenNoReply();
  }

  ReplyEffect<Event, State> postBoardOp(InRoom state, PostBoardOp command) {
    Optional<Notification> answered = refusedOrResent(state, command.userId(), command.clientId());
    if (answered.isPresent()) {
      return answerAtOnce(command.replyTo(), answered.get());
    }
    if (command.op() instanceof BoardOp.Drawing
        && state.room().board().weight() + io.tutormesh.engine.room.BoardOps.weight(command.op()) > roomSettings.maxBoardBytes()) {
      return answerAtOnce(command.replyTo(), new Refused("board-full", "the board is full (" + roomSettings.maxBoardBytes() + " bytes): erase or clear something first"));
    }
    long seq = state.room().seq() + 1;
    BoardOpPosted posted = new BoardOpPosted(sessionId, seq, command.userId(), command.op(), command.clientId(), clock.instant());
    return Effect()
        .persist(posted)
        .thenRun(s -> fanOut(SessionEntity.entryOf(posted), command.replyTo()))
        .thenNoReply();
  }

  /**
   * The answer to a post that is not to be written: a refusal, or for a resent {@code clientId} the
   * entry written the first time (sent back again, not stored twice). Empty for a new post.
   */
  private Optional<Notification> refusedOrResent(InRoom state, String userId, String clientId) {
    Optional<Notification> refusal = roomRefusal(state, userId, clientId);
    if (refusal.isPresent()) {
      return refusal;
    }
    return state.room().sentBefore(userId, clientId).map(entry -> new Posted(entry, true));
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

  ReplyEffect<Event, State> relaySignal(InRoom state, RelaySignal command) {
    if (!state.isParticipant(command.userId())) {
      return answerAtOnce(command.replyTo(), new Refused("not-allowed", "only the session's participants may signal"));
    }
    List<Subscriber> peers = subscribers.values().stream().filter(s -> !s.userId().equals(command.userId())).toList();
    if (peers.isEmpty()) {
      return answerAtOnce(command.replyTo(), new Refused("peer-absent", "the other participant is not in the room"));
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
  ReplyEffect<Event, State> resume(State state, Resume command) {
    Room room = SessionEntity.roomOf(state);
    long upTo = room == null ? 0 : room.seq();
    if (command.afterSeq() < 0 || command.afterSeq() > upTo) {
      return answerAtOnce(command.replyTo(), new Refused("bad-seq", "afterSeq: must be between 0 and the last seq, " + upTo));
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

  ReplyEffect<Event, State> transcript(State state, GetTranscript command) {
    SessionSummary summary = entity.summaryOf(state);
    if (!command.byAdmin() && !summary.isParticipant(command.userId())) {
      return reject(command.replyTo(), Rejection.forbidden("a transcript is for the session's participants and admins only"));
    }
    Room room = SessionEntity.roomOf(state);
    if (room == null) {
      return Effect().reply(command.replyTo(), StatusReply.success(new Transcript(sessionId, List.of(), 0)));
    }
    int limit = Math.max(1, Math.min(command.limit(), roomSettings.transcriptMaxLimit()));
    long lastSeq = room.seq();
    if (!room.keepsEverythingAfter(command.afterSeq())) {
      // Older ops than the room keeps: the whole page comes from the journal, off the actor.
      RoomJournal.entriesAfter(context.getSystem(), roomSettings.readJournal(), entity.persistenceId().id(), command.afterSeq(), lastSeq, limit)
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

  // --- the room's timers and refusals ---

  /** What is left of a recovered matched session's no-show grace. */
  void armNoShow(Matched matched) {
    Instant from = matched.noShowFrom() == null ? clock.instant() : matched.noShowFrom();
    Duration left = Duration.between(clock.instant(), from.plus(roomSettings.noShowGrace()));
    timers.startSingleTimer(Tick.NO_SHOW, Tick.NO_SHOW, left.isNegative() ? Duration.ZERO : left);
  }

  void armAbandonIfEmpty() {
    if (subscribers.isEmpty()) {
      timers.startSingleTimer(Tick.ROOM_ABANDONED, Tick.ROOM_ABANDONED, roomSettings.abandonTimeout());
    }
  }

  ReplyEffect<Event, State> roomClosed(State state, ActorRef<Notification> replyTo) {
    String why = state instanceof Ended ? "the session has ended" : "the room opens when a tutor is matched";
    return answerAtOnce(replyTo, new Refused("room-closed", why));
  }

  /** Answers at once (a refusal, or a resend's first entry) and writes nothing. */
  private ReplyEffect<Event, State> answerAtOnce(ActorRef<Notification> replyTo, Notification refusal) {
    replyTo.tell(refusal);
    return Effect().noReply();
  }

  // --- sockets: join, leave, presence ---

  /**
   * A room socket (re)subscribes; sockets do it again every heartbeat, so only a new connection
   * counts. A participant's first connection is announced to the other one, and the first ever
   * is stored: when both have joined, the session is LIVE.
   */
  ReplyEffect<Event, State> subscribe(State state, Subscribe command) {
    String userId = command.userId();
    boolean userWasHere = isConnected(userId);
    Subscriber previous = subscribers.put(command.connectionId(), new Subscriber(userId, command.subscriber()));
    if (previous == null) {
      context.watchWith(command.subscriber(), new SubscriberGone(command.connectionId()));
    }
    if (!(state instanceof Empty)) {
      command.subscriber().tell(entity.statusOf(state));
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

  ReplyEffect<Event, State> joinConnected(InRoom state, JoinConnected command) {
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

  ReplyEffect<Event, State> unsubscribe(State state, String connectionId) {
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

  void notifySubscribers(State state) {
    StatusChanged status = entity.statusOf(state);
    subscribers.values().forEach(s -> s.ref().tell(status));
  }
}
