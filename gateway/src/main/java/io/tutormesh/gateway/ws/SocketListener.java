package io.tutormesh.gateway.ws;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Frame;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The Jetty side of one connection: spawns the connection's actor when the socket opens and hands
 * it what arrives. Inbound messages pass a per-connection {@link TokenBucket} first, so a
 * flooding client fills neither the actor's mailbox nor the node: messages over the limit are
 * dropped here and the actor is told once per burst of dropped messages.
 *
 * <p>Every frame comes through {@link #onWebSocketFrame}, so Jetty's own message assembly is
 * skipped: text is put together and decoded by {@link InboundText}, pings are answered here, and a
 * close frame is left to Jetty, which answers it and then calls {@link #onWebSocketClose}.
 *
 * <p>Public only because Jetty binds the listener methods through method handles.
 */
public final class SocketListener implements Session.Listener.AutoDemanding {

  private final ActorSystem<?> system;
  private final String actorName;
  private final Function<Wire, Behavior<SocketActor.Command>> behavior;
  private final TokenBucket bucket;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ActorRef<SocketActor.Command> actor;
  private Session session;
  private InboundText text;
  private boolean limited;

  SocketListener(
      ActorSystem<?> system, String actorName, TokenBucket bucket, Function<Wire, Behavior<SocketActor.Command>> behavior) {
    this.system = system;
    this.actorName = actorName;
    this.bucket = bucket;
    this.behavior = behavior;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    this.text = new InboundText(session.getMaxTextMessageSize());
    actor = system.systemActorOf(behavior.apply(new JettyWire(session)), actorName, Props.empty());
  }

  @Override
  public void onWebSocketFrame(Frame frame, Callback callback) {
    switch (frame.getType()) {
      case PING -> session.sendPong(BufferUtil.copy(frame.getPayload()), Callback.NOOP);
      case PONG -> tell(SocketActor.Signal.PONG);
      case CLOSE -> { } // Jetty answers it once this frame's callback succeeds
      default -> onData(frame);
    }
    callback.succeed();
  }

  /** A text or binary frame (a continuation frame carries its message's type). */
  private void onData(Frame frame) {
    if (frame.getEffectiveOpCode() != Frame.Type.TEXT.getOpCode()) {
      // Binary messages are not part of the protocol: one error per message, nothing kept.
      if (frame.isFin() && admit()) {
        tell(SocketActor.Signal.BINARY);
      }
      return;
    }
    String message;
    try {
      message = text.accept(frame.getPayload(), frame.isFin());
    } catch (InboundText.Refused refused) {
      session.close(refused.code(), refused.reason(), Callback.NOOP);
      return;
    }
    if (message != null && admit()) {
      tell(new SocketActor.Inbound(message));
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    closed(1006, String.valueOf(cause.getMessage()));
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closed(statusCode, reason);
  }

  /** One token per message; the first refused message of a burst tells the actor. */
  private boolean admit() {
    if (bucket.tryTake()) {
      limited = false;
      return true;
    }
    if (!limited) {
      limited = true;
      tell(SocketActor.Signal.RATE_LIMITED);
    }
    return false;
  }

  private void closed(int code, String reason) {
    if (closed.compareAndSet(false, true)) {
      tell(new SocketActor.Closed(code, reason));
    }
  }

  private void tell(SocketActor.Command command) {
    ActorRef<SocketActor.Command> target = actor;
    if (target != null) {
      target.tell(command);
    }
  }
}
