package io.tutormesh.gateway.ws;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The Jetty side of one connection: spawns the connection's actor when the socket opens and hands
 * it what arrives. Inbound text frames pass a per-connection {@link TokenBucket} first, so a
 * flooding client fills neither the actor's mailbox nor the node: frames over the limit are
 * dropped here and the actor is told once per burst of dropped frames.
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
    actor = system.systemActorOf(behavior.apply(new JettyWire(session)), actorName, Props.empty());
  }

  @Override
  public void onWebSocketText(String text) {
    if (admit()) {
      tell(new SocketActor.Inbound(text));
    }
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    callback.succeed();
    if (admit()) {
      tell(SocketActor.Signal.BINARY);
    }
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    tell(SocketActor.Signal.PONG);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    closed(1006, String.valueOf(cause.getMessage()));
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closed(statusCode, reason);
  }

  /** One token per frame; the first refused frame of a burst tells the actor. */
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
