package io.tutormesh.gateway.ws;

import io.tutormesh.engine.session.SessionEntity;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * {@code /ws/session/{sessionId}}: a participant's room connection. It subscribes to the session's
 * status (the current one comes first) and re-subscribes every heartbeat interval, so that a
 * session entity that was passivated or moved keeps its subscribers; a status is sent only when
 * it changed. Chat, whiteboard, signalling, resume and end are not served yet: those frame types
 * get an {@code unsupported} error (add a handler with {@code on(type, ...)} to serve one).
 */
final class SessionSocket extends SocketActor {

  /** Room frame types of the public contract that this version does not serve yet. */
  static final List<String> NOT_YET = List.of("chat", "wb", "signal", "resume", "end");

  private record Notified(SessionEntity.Notification notification) implements Command {}

  static Behavior<Command> create(
      String sessionId, String userId, ClusterSharding sharding, WsSettings settings, String connectionId, Wire wire) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new SessionSocket(context, timers, wire, settings, connectionId, sessionId, userId, sharding)));
  }

  private final String userId;
  private final EntityRef<SessionEntity.Command> session;
  private final ActorRef<SessionEntity.Notification> notifications;
  private SessionEntity.StatusChanged lastSent;

  private SessionSocket(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Wire wire,
      WsSettings settings,
      String connectionId,
      String sessionId,
      String userId,
      ClusterSharding sharding) {
    super(context, timers, wire, settings, connectionId);
    this.userId = userId;
    this.session = sharding.entityRefFor(SessionEntity.ENTITY_KEY, sessionId);
    this.notifications = context.messageAdapter(SessionEntity.Notification.class, Notified::new);
    for (String type : NOT_YET) {
      on(type, frame -> sendError(Frames.UNSUPPORTED, "\"" + type + "\" frames are not served yet"));
    }
    subscribe();
  }

  @Override
  protected void receive(ReceiveBuilder<Command> builder) {
    builder.onMessage(Notified.class, this::onNotified);
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

  private Behavior<Command> onNotified(Notified notified) {
    if (notified.notification() instanceof SessionEntity.StatusChanged status && !status.equals(lastSent)) {
      lastSent = status;
      send(Frames.sessionStatus(status.status().name(), status.tutorId()));
    }
    return this;
  }
}
