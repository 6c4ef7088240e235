package io.tutormesh.gateway.ws;

import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.AvailabilityTopics;
import io.tutormesh.engine.matching.MatchPool;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Where availability comes from: the subject topics (deltas) and the subject MatchPools (snapshots). */
interface AvailabilitySource {

  void subscribe(String subject, ActorRef<AvailabilityEvent> subscriber);

  void unsubscribe(String subject, ActorRef<AvailabilityEvent> subscriber);

  /** The pool that answers {@link MatchPool.GetAvailable} for the subject. */
  RecipientRef<MatchPool.Command> pool(String subject);

  /** This node's topics and the sharded pools. */
  static AvailabilitySource of(ActorSystem<?> system, ClusterSharding sharding) {
    AvailabilityTopics topics = AvailabilityTopics.get(system);
    return new AvailabilitySource() {
      @Override
      public void subscribe(String subject, ActorRef<AvailabilityEvent> subscriber) {
        topics.topic(subject).tell(Topic.subscribe(subscriber));
      }

      @Override
      public void unsubscribe(String subject, ActorRef<AvailabilityEvent> subscriber) {
        topics.topic(subject).tell(Topic.unsubscribe(subscriber));
      }

      @Override
      public RecipientRef<MatchPool.Command> pool(String subject) {
        return sharding.entityRefFor(MatchPool.ENTITY_KEY, subject);
      }
    };
  }
}
