package io.tutormesh.gateway.availability;

import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.Node;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * A tutor's live connection as the tutor socket makes it, driven straight at the TutorEntity of a
 * running node: Connect puts the tutor ONLINE (pools and availability topics are told), the probe
 * stands in for the socket and receives what the socket would (offers, presence changes).
 */
public final class TutorPresence implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final EntityRef<TutorEntity.Command> tutor;
  private final String connectionId = UUID.randomUUID().toString();
  private final TestProbe<TutorEntity.Notification> socket;

  private TutorPresence(Node node, String tutorId) {
    this.tutor = ClusterSharding.get(node.system()).entityRefFor(TutorEntity.ENTITY_KEY, tutorId);
    this.socket = TestProbe.create("socket-" + tutorId, node.system());
  }

  /** Connects the (registered) tutor; it is ONLINE when this returns. */
  public static TutorPresence connect(Node node, String tutorId) throws Exception {
    TutorPresence presence = new TutorPresence(node, tutorId);
    presence.await(presence.tutor.<TutorEntity.PresenceState>askWithStatus(
        r -> new TutorEntity.Connect(presence.connectionId, presence.socket.ref(), r), TIMEOUT));
    return presence;
  }

  /** AVAILABLE (true) or AWAY (false), as the socket's `status` frame. */
  public TutorEntity.PresenceState setAvailable(boolean available) throws Exception {
    return await(tutor.<TutorEntity.PresenceState>askWithStatus(r -> new TutorEntity.SetAvailability(connectionId, available, r), TIMEOUT));
  }

  public TestProbe<TutorEntity.Notification> socket() {
    return socket;
  }

  /** The socket closes: the tutor goes OFFLINE. */
  @Override
  public void close() {
    tutor.tell(new TutorEntity.Disconnect(connectionId));
  }

  private <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }
}
