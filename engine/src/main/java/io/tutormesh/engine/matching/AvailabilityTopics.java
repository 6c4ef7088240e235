package io.tutormesh.engine.matching;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * One distributed pub-sub topic per subject (`availability-<subject>`), so that every node can
 * serve every partner: tutors publish where they are hosted, subscribers listen where their
 * socket is. This extension holds this node's topic actor for each subject, created on first use.
 */
public final class AvailabilityTopics implements Extension {

  private static final ExtensionId<AvailabilityTopics> ID =
      new ExtensionId<>() {
        @Override
        public AvailabilityTopics createExtension(ActorSystem<?> system) {
          return new AvailabilityTopics(system);
        }
      };

  private final ActorSystem<?> system;
  private final ConcurrentMap<String, ActorRef<Topic.Command<AvailabilityEvent>>> topics = new ConcurrentHashMap<>();

  private AvailabilityTopics(ActorSystem<?> system) {
    this.system = system;
  }

  public static AvailabilityTopics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** This node's topic actor for `subject`. */
  public ActorRef<Topic.Command<AvailabilityEvent>> topic(String subject) {
    return topics.computeIfAbsent(
        subject,
        s -> system.systemActorOf(Topic.create(AvailabilityEvent.class, "availability-" + s), "availability-" + s, Props.empty()));
  }

  public void publish(AvailabilityEvent event) {
    topic(event.subject()).tell(Topic.publish(event));
  }
}
