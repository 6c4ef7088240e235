package io.tutormesh.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.DeadLetterSuppression;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One WebSocket connection (STYLE rule 11): every outbound frame goes through this actor. It keeps
 * one write in flight and at most {@code max-queued-frames} behind it; a client that stops reading
 * overflows the queue and is closed with 1008 "too slow". A subclass may also offer conflated
 * frames ({@link #nextConflated}), sent only when the queue is empty, so that their number is
 * bounded by what they describe, never by the event rate.
 *
 * <p>Inbound text frames arrive already rate limited by {@link SocketListener}; each is parsed here
 * and dispatched by its {@code type} to the handler a subclass registered with {@link #on}. A bad
 * frame gets an {@code error} frame and the socket stays open. {@code ping} is answered here.
 *
 * <p>Every heartbeat interval the actor pings the client; a client not heard from (no frame, no
 * pong) within the idle timeout is dropped. When the socket closes, for whatever reason, the
 * subclass's {@link #onClose} runs and the actor stops.
 *
 * <p>Handlers here and in the subclasses return {@code Behaviors.same()}, not {@code this}: under
 * {@code withTimers}, Pekko wraps a returned behavior in a new timer interceptor (three objects)
 * for every message, where {@code same()} keeps the one it has.
 */
abstract class SocketActor extends AbstractBehavior<SocketActor.Command> {

  /** Messages of a connection actor; subclasses add their own private ones. */
  interface Command {}

  /** A text frame from the client. */
  record Inbound(String text) implements Command {}

  /** Something the listener saw on the connection. */
  enum Signal implements Command, DeadLetterSuppression {
    /** The client went over the rate limit: frames are being dropped. */
    RATE_LIMITED,
    /** A binary frame: not part of the protocol. */
    BINARY,
    /** A pong: the client is alive. */
    PONG
  }

  /** The connection closed (either side, or it failed). */
  record Closed(int code, String reason) implements Command {}

  /** Write completions and ticks may outlive the actor by a moment: not worth a dead-letter log. */
  private enum Internal implements Command, DeadLetterSuppression {
    SENT,
    HEARTBEAT,
    /** A close asked for one heartbeat interval ago has not completed: the client is not reading. */
    CLOSE_OVERDUE
  }

  private record SendFailed(Throwable error) implements Command, DeadLetterSuppression {}

  private record CloseRequest(int code, String reason) {}

  /** Handles one inbound frame type; a {@link InFrame.BadFrame} becomes an error frame. */
  @FunctionalInterface
  interface FrameHandler {
    void handle(JsonNode frame) throws InFrame.BadFrame;
  }

  protected final String connectionId;
  protected final WsSettings settings;
  private final Wire wire;
  private final TimerScheduler<Command> timers;
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private final Map<String, FrameHandler> handlers = new HashMap<>();
  private boolean writing;
  private boolean accepting = true;
  private CloseRequest closeWhenDrained;
  private long lastHeardNanos = System.nanoTime();

  protected SocketActor(
      ActorContext<Command> context, TimerScheduler<Command> timers, Wire wire, WsSettings settings, String connectionId) {
    super(context);
    this.wire = wire;
    this.timers = timers;
    this.settings = settings;
    this.connectionId = connectionId;
    timers.startTimerWithFixedDelay(Internal.HEARTBEAT, settings.heartbeatInterval());
    on("ping", frame -> send(Frames.pong()));
  }

  /** Registers the handler of an inbound frame type. */
  protected final void on(String type, FrameHandler handler) {
    handlers.put(type, handler);
  }

  /** Adds the subclass's own messages to the receive. */
  protected abstract void receive(ReceiveBuilder<Command> builder);

  /** Runs once when the socket has closed, before the actor stops. */
  protected abstract void onClose();

  /** Runs every heartbeat interval while the socket is open. */
  protected void onHeartbeat() {}

  /** The next conflated frame to send when nothing is queued, or null. */
  protected Object nextConflated() {
    return null;
  }

  @Override
  public final Receive<Command> createReceive() {
    ReceiveBuilder<Command> builder = newReceiveBuilder()
        .onMessage(Inbound.class, this::onInbound)
        .onMessageEquals(Signal.RATE_LIMITED, this::onRateLimited)
        .onMessageEquals(Signal.BINARY, this::onBinary)
        .onMessageEquals(Signal.PONG, this::onPong)
        .onMessageEquals(Internal.SENT, this::onSent)
        .onMessage(SendFailed.class, this::onSendFailed)
        .onMessageEquals(Internal.HEARTBEAT, this::onHeartbeatTick)
        .onMessageEquals(Internal.CLOSE_OVERDUE, this::onCloseOverdue)
        .onMessage(Closed.class, this::onClosed);
    receive(builder);
    return builder.build();
  }

  // --- outbound ---

  /** Queues a frame: a record serialized with the wire's JSON mapper, or one {@link Frames.Encoded} already. */
  protected final void send(Object frame) {
    if (!accepting) {
      return;
    }
    if (!writing) {
      write(Frames.encode(frame));
    } else if (queue.size() >= settings.maxQueuedFrames()) {
      getContext().getLog().info("WebSocket {} closed: client too slow ({} frames queued)", connectionId, queue.size());
      closeNow(StatusCode.POLICY_VIOLATION, "too slow");
    } else {
      queue.add(Frames.encode(frame));
    }
  }

  protected final void sendError(String code, String message) {
    send(Frames.error(code, message));
  }

  /** Call when {@link #nextConflated} may have something new. */
  protected final void pump() {
    if (writing) {
      return;
    }
    byte[] next = queue.poll();
    if (next == null && closeWhenDrained == null && accepting) {
      Object conflated = nextConflated();
      next = conflated == null ? null : Frames.encode(conflated);
    }
    if (next != null) {
      write(next);
    } else if (closeWhenDrained != null) {
      CloseRequest close = closeWhenDrained;
      closeWhenDrained = null;
      wire.close(close.code(), close.reason());
    }
  }

  private void write(byte[] text) {
    writing = true;
    ActorRef<Command> self = getContext().getSelf();
    wire.send(text, () -> self.tell(Internal.SENT), error -> self.tell(new SendFailed(error)));
  }

  /**
   * Closes at once: queued frames are dropped. A client that does not read cannot read the close
   * frame either, so one that has not completed the close within a heartbeat interval is
   * disconnected.
   */
  protected final void closeNow(int code, String reason) {
    accepting = false;
    queue.clear();
    closeWhenDrained = null;
    wire.close(code, reason);
    timers.startSingleTimer(Internal.CLOSE_OVERDUE, settings.heartbeatInterval());
  }

  private Behavior<Command> onCloseOverdue() {
    getContext().getLog().info("WebSocket {} disconnected: the close did not complete", connectionId);
    wire.disconnect();
    return Behaviors.same();
  }

  /** Sends what is queued (not conflated frames), then closes. */
  protected final void closeAfterQueued(int code, String reason) {
    if (!accepting) {
      return;
    }
    accepting = false;
    closeWhenDrained = new CloseRequest(code, reason);
    pump();
  }

  protected final boolean isOpen() {
    return accepting;
  }

  private Behavior<Command> onSent() {
    writing = false;
    pump();
    return Behaviors.same();
  }

  private Behavior<Command> onSendFailed(SendFailed failed) {
    writing = false;
    getContext().getLog().debug("WebSocket {} write failed: {}", connectionId, failed.error().toString());
    accepting = false;
    queue.clear();
    wire.disconnect();
    return Behaviors.same();
  }

  // --- inbound ---

  private Behavior<Command> onInbound(Inbound inbound) {
    lastHeardNanos = System.nanoTime();
    if (!accepting) {
      return Behaviors.same();
    }
    try {
      JsonNode frame = InFrame.parse(inbound.text());
      String type = InFrame.type(frame);
      FrameHandler handler = handlers.get(type);
      if (handler == null) {
        throw new InFrame.BadFrame(Frames.UNKNOWN_TYPE, "unknown type \"" + type + "\"; expected one of " + handlers.keySet().stream().sorted().toList());
      }
      handler.handle(frame);
    } catch (InFrame.BadFrame bad) {
      sendError(bad.code(), bad.getMessage());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRateLimited() {
    lastHeardNanos = System.nanoTime();
    sendError(Frames.RATE_LIMITED,
        "more than " + settings.burst() + " frames at once or " + settings.framesPerSecond() + " per second: frames are dropped until the rate falls");
    return Behaviors.same();
  }

  private Behavior<Command> onBinary() {
    lastHeardNanos = System.nanoTime();
    sendError(Frames.BAD_JSON, "binary frames are not supported: send JSON text frames");
    return Behaviors.same();
  }

  private Behavior<Command> onPong() {
    lastHeardNanos = System.nanoTime();
    return Behaviors.same();
  }

  // --- liveness and the end ---

  private Behavior<Command> onHeartbeatTick() {
    Duration silent = Duration.ofNanos(System.nanoTime() - lastHeardNanos);
    if (silent.compareTo(settings.idleTimeout()) > 0) {
      getContext().getLog().info("WebSocket {} dropped: nothing heard for {}", connectionId, silent);
      accepting = false;
      queue.clear();
      wire.disconnect();
      return Behaviors.same();
    }
    wire.ping();
    if (accepting) {
      onHeartbeat();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onClosed(Closed closed) {
    getContext().getLog().debug("WebSocket {} closed: {} {}", connectionId, closed.code(), closed.reason());
    accepting = false;
    queue.clear();
    onClose();
    return Behaviors.stopped();
  }
}
