package io.tutormesh.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.room.Board;
import io.tutormesh.engine.room.BoardOp;
import io.tutormesh.engine.room.BoardOps;
import io.tutormesh.engine.room.RoomEntry;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.gateway.session.RoomDtos;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * {@code /ws/session/{sessionId}}: a participant's room connection. It subscribes to the session
 * (the current status comes first) and re-subscribes every heartbeat interval, so that a session
 * entity that was passivated or moved keeps its subscribers.
 *
 * <p>Chat and whiteboard frames go to the session, which stores them and sends the stored entry
 * to every room socket: the sender's own copy, with its {@code seq}, is its acknowledgement.
 * Entries are sent in {@code seq} order, each once: a duplicate is dropped, and a gap (an entry
 * lost between nodes) makes the socket resume from the last one it sent. A {@code resume} replays
 * the room after {@code afterSeq}; the replay is paced by the client's reading (it waits while
 * the outbound queue is busy), and live entries that arrive meanwhile wait behind it. A new
 * connection holds live entries back for {@code tutormesh.ws.resume-grace} or until the client's
 * first resume, whose replay contains them: a reconnecting client never gets a live entry ahead
 * of its replay. Signalling is relayed to the other participant through the session and never
 * stored.
 */
final class SessionSocket extends SocketActor {

  private static final Set<String> SIGNAL_KINDS = Set.of("offer", "answer", "ice");
  /**
   * The live entries' frames, encoded once: both sockets of a room get the same entry object. One
   * per JVM, so nodes sharing a test JVM share it too, harmlessly: it is keyed by identity.
   */
  private static final EntryFrames ENTRY_FRAMES = new EntryFrames();
  private static final Set<SessionEntity.Status> TERMINAL =
      Set.of(SessionEntity.Status.COMPLETED, SessionEntity.Status.CANCELLED, SessionEntity.Status.NO_TUTOR);

  private record Notified(SessionEntity.Notification notification) implements Command {}

  private record EndAnswered(Throwable error) implements Command {}

  private enum HoldOver implements Command { INSTANCE }

  static Behavior<Command> create(
      String sessionId, String userId, ClusterSharding sharding, WsSettings settings, RoomMetrics metrics, String connectionId, Wire wire) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new SessionSocket(context, timers, wire, settings, metrics, connectionId, sessionId, userId, sharding)));
  }

  private final String userId;
  private final EntityRef<SessionEntity.Command> session;
  private final ActorRef<SessionEntity.Notification> notifications;
  private final TokenBucket signals;
  private final TimerScheduler<Command> timers;
  private final RoomMetrics metrics;
  private SessionEntity.StatusChanged lastSent;

  /**
   * When this socket read each of its posts still waiting for the stored entry, by clientId: their
   * store time. A refused post never comes back, so the map is emptied when it grows past a bound.
   */
  private final Map<String, Long> postedAt = new HashMap<>();

  /**
   * A new connection holds live entries back until the client's first resume (they are in its
   * replay) or until the resume grace passes (then they go out, in order): a reconnecting client
   * never gets a live entry before the replay that contains it.
   */
  private boolean holding = true;
  private final List<RoomEntry> held = new ArrayList<>();

  /** The highest seq sent on this connection; -1 until the first entry or resume. */
  private long delivered = -1;
  /** A resume was asked for and its last page has not come yet: live entries are in the replay. */
  private boolean replaying;
  private List<Board.Item> boardItems = new ArrayList<>();
  /** Frames waiting for the outbound queue to drain: a replay, and live frames behind it. */
  private final ArrayDeque<Object> backlog = new ArrayDeque<>();
  /** Live frames queued behind a replay: bounded, like the outbound queue. */
  private int liveBehind;

  private SessionSocket(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Wire wire,
      WsSettings settings,
      RoomMetrics metrics,
      String connectionId,
      String sessionId,
      String userId,
      ClusterSharding sharding) {
    super(context, timers, wire, settings, connectionId);
    this.metrics = metrics;
    this.userId = userId;
    this.session = sharding.entityRefFor(SessionEntity.ENTITY_KEY, sessionId);
    this.notifications = context.messageAdapter(SessionEntity.Notification.class, Notified::new);
    this.signals = new TokenBucket(settings.signalsPerSecond(), settings.signalBurst(), System::nanoTime);
    this.timers = timers;
    timers.startSingleTimer(HoldOver.INSTANCE, settings.resumeGrace());
    on("chat", this::onChat);
    on("wb", this::onBoardOp);
    on("signal", this::onSignal);
    on("resume", this::onResume);
    on("end", frame -> onEnd());
    subscribe();
  }

  @Override
  protected void receive(ReceiveBuilder<Command> builder) {
    builder.onMessage(Notified.class, this::onNotified)
        .onMessage(EndAnswered.class, this::onEndAnswered)
        .onMessageEquals(HoldOver.INSTANCE, this::releaseHeld);
  }

  private void subscribe() {
    session.tell(new SessionEntity.Subscribe(connectionId, userId, notifications));
  }

  @Override
  protected void onHeartbeat() {
    subscribe();
  }

  @Override
  protected void onClose() {
    session.tell(new SessionEntity.Unsubscribe(connectionId));
  }

  @Override
  protected Object nextConflated() {
    Object next = backlog.poll();
    if (backlog.isEmpty()) {
      liveBehind = 0;
    }
    return next;
  }

  // --- what the participant sends ---

  private void onChat(JsonNode frame) throws InFrame.BadFrame {
    String text = InFrame.text(frame, "text");
    String clientId = InFrame.text(frame, "clientId");
    timePost(clientId);
    session.tell(new SessionEntity.PostChat(userId, text, clientId, notifications));
  }

  private void onBoardOp(JsonNode frame) throws InFrame.BadFrame {
    BoardOp op;
    try {
      op = BoardOps.parse(frame.get("op"));
    } catch (BoardOps.InvalidOp invalid) {
      throw new InFrame.BadFrame(Frames.BAD_OP, invalid.rejection().field() + ": " + invalid.rejection().detail());
    }
    String clientId = InFrame.optionalText(frame, "clientId");
    timePost(clientId);
    session.tell(new SessionEntity.PostBoardOp(userId, op, clientId, notifications));
  }

  private void onSignal(JsonNode frame) throws InFrame.BadFrame {
    String kind = InFrame.text(frame, "kind");
    if (!SIGNAL_KINDS.contains(kind)) {
      throw new InFrame.BadFrame(Frames.BAD_FIELD, "kind: must be offer, answer or ice");
    }
    JsonNode payload = frame.get("payload");
    if (payload == null || !payload.isObject()) {
      throw new InFrame.BadFrame(Frames.BAD_FIELD, "payload: an object is required");
    }
    String json = payload.toString();
    if (json.length() > settings.signalMaxBytes()) {
      throw new InFrame.BadFrame(Frames.TOO_LARGE, "payload: at most " + settings.signalMaxBytes() + " bytes");
    }
    if (!signals.tryTake()) {
      throw new InFrame.BadFrame(Frames.RATE_LIMITED, "more than " + settings.signalsPerSecond() + " signals per second: this one was dropped");
    }
    session.tell(new SessionEntity.RelaySignal(userId, kind, json, notifications));
  }

  /** Notes when a post with this clientId was read, for its store time. */
  private void timePost(String clientId) {
    if (clientId == null) {
      return;
    }
    if (postedAt.size() >= settings.maxQueuedFrames()) {
      postedAt.clear();
    }
    postedAt.put(clientId, System.nanoTime());
  }

  private void onResume(JsonNode frame) throws InFrame.BadFrame {
    JsonNode afterSeq = frame.get("afterSeq");
    if (afterSeq == null || !afterSeq.canConvertToLong() || !afterSeq.isIntegralNumber() || afterSeq.asLong() < 0) {
      throw new InFrame.BadFrame(Frames.BAD_SEQ, "afterSeq: a whole number >= 0 is required");
    }
    if (replaying) {
      throw new InFrame.BadFrame(Frames.RESUME_IN_PROGRESS, "a resume is already in progress");
    }
    if (holding) {
      // What was held back is in this replay (the session sent it before it reads the resume).
      holding = false;
      held.clear();
      timers.cancel(HoldOver.INSTANCE);
    }
    resume(afterSeq.asLong());
  }

  private void resume(long afterSeq) {
    replaying = true;
    boardItems = new ArrayList<>();
    session.tell(new SessionEntity.Resume(userId, afterSeq, notifications));
  }

  private void onEnd() {
    getContext().askWithStatus(
        SessionEntity.SessionSummary.class,
        session,
        settings.askTimeout(),
        replyTo -> new SessionEntity.End(userId, false, replyTo),
        (summary, error) -> new EndAnswered(error));
  }

  private Behavior<Command> onEndAnswered(EndAnswered answer) {
    if (answer.error() instanceof StatusReply.ErrorMessage refused) {
      Rejection rejection = Rejection.parse(refused.getMessage());
      emit(Frames.error(rejection.kind() == Rejection.Kind.FORBIDDEN ? Frames.NOT_ALLOWED : Frames.CONFLICT, "not ended: " + rejection.detail()));
    } else if (answer.error() != null) {
      emit(Frames.error(Frames.TIMEOUT, "not ended: the session did not answer in time; try again"));
    }
    return Behaviors.same();
  }

  // --- what the session sends ---

  private Behavior<Command> onNotified(Notified notified) {
    SessionEntity.Notification n = notified.notification();
    if (n instanceof SessionEntity.StatusChanged status) {
      onStatus(status);
    } else if (n instanceof SessionEntity.Posted posted) {
      onPosted(posted);
    } else if (n instanceof SessionEntity.ReplayPage page) {
      onReplayPage(page);
    } else if (n instanceof SessionEntity.BoardPage page) {
      onBoardPage(page);
    } else if (n instanceof SessionEntity.PresenceChanged presence) {
      emit(Frames.presence(presence.userId(), presence.joined()));
    } else if (n instanceof SessionEntity.SignalRelayed signal) {
      emit(Frames.signal(signal.from(), signal.kind(), signal.payloadJson()));
    } else if (n instanceof SessionEntity.Refused refused) {
      onRefused(refused);
    }
    return Behaviors.same();
  }

  private void onStatus(SessionEntity.StatusChanged status) {
    if (status.equals(lastSent)) {
      return;
    }
    lastSent = status;
    emit(Frames.sessionStatus(status.status().name(), status.tutorId()));
    if (TERMINAL.contains(status.status())) {
      releaseHeld();
      backlog.clear();
      closeAfterQueued(StatusCode.NORMAL, "session " + status.status());
    }
  }

  private void onPosted(SessionEntity.Posted posted) {
    RoomEntry entry = posted.entry();
    Long readAt = entry.clientId() == null || !entry.from().equals(userId) ? null : postedAt.remove(entry.clientId());
    if (readAt != null && !posted.again()) {
      metrics.stored(entry.kind(), System.nanoTime() - readAt);
    }
    if (posted.again()) {
      emit(ENTRY_FRAMES.of(entry));
      return;
    }
    if (holding) {
      held.add(entry);
      if (held.size() > settings.maxQueuedFrames()) {
        releaseHeld();
      }
      return;
    }
    deliverLive(entry);
  }

  /** The resume grace passed without a resume: the held entries go out, in order. */
  private Behavior<Command> releaseHeld() {
    if (holding) {
      holding = false;
      timers.cancel(HoldOver.INSTANCE);
      List<RoomEntry> entries = List.copyOf(held);
      held.clear();
      entries.forEach(this::deliverLive);
    }
    return Behaviors.same();
  }

  private void deliverLive(RoomEntry entry) {
    if (replaying || (delivered >= 0 && entry.seq() <= delivered)) {
      return;
    }
    if (delivered >= 0 && entry.seq() > delivered + 1) {
      resume(delivered);
      return;
    }
    delivered = entry.seq();
    emit(ENTRY_FRAMES.of(entry));
  }

  private void onReplayPage(SessionEntity.ReplayPage page) {
    if (!replaying) {
      return;
    }
    page.entries().forEach(entry -> backlog.add(RoomDtos.entry(entry)));
    if (page.last()) {
      replaying = false;
      delivered = Math.max(delivered, page.upTo());
    }
    pump();
  }

  private void onBoardPage(SessionEntity.BoardPage page) {
    if (!replaying) {
      return;
    }
    boardItems.addAll(page.items());
    if (page.last()) {
      backlog.add(RoomDtos.board(page.seq(), boardItems));
      boardItems = new ArrayList<>();
      pump();
    }
  }

  private void onRefused(SessionEntity.Refused refused) {
    if (refused.code().equals(Frames.BAD_SEQ)) {
      replaying = false;
    }
    emit(Frames.error(refused.code(), refused.message()));
  }

  /** Sends a frame in order: behind the backlog when there is one, which is bounded like the queue. */
  private void emit(Object frame) {
    if (backlog.isEmpty()) {
      send(frame);
      return;
    }
    if (++liveBehind > settings.maxQueuedFrames()) {
      getContext().getLog().info("WebSocket {} closed: client too slow ({} frames behind a replay)", connectionId, backlog.size());
      closeNow(StatusCode.POLICY_VIOLATION, "too slow");
      return;
    }
    backlog.add(frame);
    pump();
  }
}
