package io.tutormesh.gateway.availability;

import io.tutormesh.engine.matching.AvailabilityEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * One client's subscription to a subject's availability topic, running before the client reads
 * it: events that arrive while the snapshot is asked for wait here, conflated to the latest per
 * tutor ({@link LatestPerTutor}), so memory stays bounded by the tutors of the subject however
 * slow the client. The actor-side buffer in front of the conflation only fills if conflation
 * itself cannot keep up; if it overflows the stream fails (the client reconnects and starts from
 * a fresh snapshot) rather than silently dropping a tutor's latest state.
 *
 * <p>Once the stream ends (client gone, {@link #close}, failure) its subscriber actor stops and the
 * topic, which watches its subscribers, drops it. Never also send {@code Topic.unsubscribe} for
 * it: if the topic saw the termination first, an unsubscribe that leaves it without subscribers
 * deregisters it from the receptionist a second time, which the ClusterReceptionist refuses by
 * failing (and, unsupervised, stopping).
 */
final class LiveFeed {

  private final UniqueKillSwitch killSwitch;
  private final Source<LatestPerTutor, NotUsed> updates;
  private final CompletionStage<Done> subscribed;

  private LiveFeed(UniqueKillSwitch killSwitch, Source<LatestPerTutor, NotUsed> updates, CompletionStage<Done> subscribed) {
    this.killSwitch = killSwitch;
    this.updates = updates;
    this.subscribed = subscribed;
  }

  /** Subscribes to `topic` now; {@link #subscribed} completes once the topic has registered it. */
  static LiveFeed subscribe(
      ActorSystem<?> system, ActorRef<Topic.Command<AvailabilityEvent>> topic, int bufferSize, Duration timeout) {
    Pair<Pair<ActorRef<AvailabilityEvent>, UniqueKillSwitch>, Source<LatestPerTutor, NotUsed>> running =
        ActorSource.<AvailabilityEvent>actorRef(event -> false, event -> Optional.empty(), bufferSize, OverflowStrategy.fail())
            .conflateWithSeed(LatestPerTutor::of, LatestPerTutor::add)
            .viaMat(KillSwitches.single(), Keep.both())
            .preMaterialize(system);
    topic.tell(Topic.subscribe(running.first().first()));
    // The topic handles its messages in order: its stats answer comes after the subscription.
    CompletionStage<Done> subscribed =
        AskPattern.<Topic.Command<AvailabilityEvent>, Topic.TopicStats>ask(topic, Topic::getTopicStats, timeout, system.scheduler())
            .thenApplyAsync(stats -> Done.getInstance(), system.executionContext());
    return new LiveFeed(running.first().second(), running.second(), subscribed);
  }

  /** Completes once the topic delivers to this feed (fails if the topic did not answer in time). */
  CompletionStage<Done> subscribed() {
    return subscribed;
  }

  /** The conflated updates since the subscription; to be run once. */
  Source<LatestPerTutor, NotUsed> updates() {
    return updates;
  }

  /** Ends the feed without it being read (e.g. the snapshot failed). */
  void close() {
    killSwitch.shutdown();
  }
}
