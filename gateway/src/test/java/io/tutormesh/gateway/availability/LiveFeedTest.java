package io.tutormesh.gateway.availability;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.TutorCard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The topic subscription as a stream: what waits for a slow reader is conflated, never queued. */
class LiveFeedTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ActorRef<Topic.Command<AvailabilityEvent>> topic(String name) {
    return testKit.spawn(Topic.create(AvailabilityEvent.class, name), name);
  }

  @Test
  void aReaderThatComesLateGetsTheLatestStatePerTutor() throws Exception {
    ActorRef<Topic.Command<AvailabilityEvent>> topic = topic("late-reader");
    LiveFeed feed = LiveFeed.subscribe(testKit.system(), topic, 16, TIMEOUT);
    feed.subscribed().toCompletableFuture().get(5, TimeUnit.SECONDS);

    int rounds = 2_000;
    for (int i = 0; i < rounds; i++) {
      for (String tutor : List.of("a", "b", "c")) {
        topic.tell(Topic.publish(i % 2 == 0 ? available(tutor, i) : new AvailabilityEvent.TutorUnavailable("math", tutor)));
      }
    }
    topic.tell(Topic.publish(available("a", rounds)));
    // Everything published so far has reached the feed once a later message comes out of it.
    topic.tell(Topic.publish(new AvailabilityEvent.TutorUnavailable("math", "marker")));

    List<AvailabilityEvent> received = new ArrayList<>();
    SinkQueueWithCancel<LatestPerTutor> reader = feed.updates().runWith(Sink.queue(), testKit.system());
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (received.stream().noneMatch(e -> e.tutorId().equals("marker"))) {
      assertThat(System.nanoTime()).as("the marker arrives in time").isLessThan(deadline);
      received.addAll(reader.pull().toCompletableFuture().get(5, TimeUnit.SECONDS).orElseThrow().events());
    }
    feed.close();

    assertThat(received.size()).as("conflated: far fewer than the %d events published", rounds * 3).isLessThan(rounds);
    Map<String, AvailabilityEvent> last = new HashMap<>();
    received.forEach(e -> last.put(e.tutorId(), e));
    assertThat(last.get("a")).isEqualTo(available("a", rounds));
    assertThat(last.get("b")).isEqualTo(new AvailabilityEvent.TutorUnavailable("math", "b"));
    assertThat(last.get("c")).isEqualTo(new AvailabilityEvent.TutorUnavailable("math", "c"));
  }

  @Test
  void theSubscriberLeavesTheTopicWhenTheFeedEnds() throws Exception {
    ActorRef<Topic.Command<AvailabilityEvent>> topic = topic("leaving");
    LiveFeed feed = LiveFeed.subscribe(testKit.system(), topic, 16, TIMEOUT);
    feed.subscribed().toCompletableFuture().get(5, TimeUnit.SECONDS);
    TestProbe<Topic.TopicStats> stats = testKit.createTestProbe();
    topic.tell(Topic.getTopicStats(stats.ref()));
    assertThat(stats.receiveMessage().localSubscriberCount()).isEqualTo(1);

    feed.close();
    feed.updates().runWith(Sink.ignore(), testKit.system());
    stats.awaitAssert(TIMEOUT, () -> {
      topic.tell(Topic.getTopicStats(stats.ref()));
      assertThat(stats.receiveMessage().localSubscriberCount()).isZero();
      return null;
    });
  }

  private static AvailabilityEvent available(String tutor, int version) {
    return new AvailabilityEvent.TutorAvailable(
        "math",
        new TutorCard(tutor, "Tutor " + tutor, List.of(new io.tutormesh.engine.tutor.TutorEntity.SubjectOffer("math", List.of("high"))),
            List.of("en"), 1000 + version, "EUR", io.tutormesh.engine.tutor.TutorEntity.Rating.NONE));
  }
}
