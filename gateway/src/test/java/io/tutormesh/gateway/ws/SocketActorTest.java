package io.tutormesh.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.TutorCard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The connection actor against a fake wire: backpressure, conflation, bad frames, liveness. */
class SocketActorTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local"));
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static WsSettings settings(int maxQueued) {
    return new WsSettings(maxQueued, 20, 40, 2, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(3));
  }

  /** A socket that answers {@code {type:"burst", count}} with that many frames. */
  static final class BurstSocket extends SocketActor {
    record Numbered(String type, int n) {}

    static Behavior<Command> create(WsSettings settings, Wire wire) {
      return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new BurstSocket(ctx, timers, wire, settings)));
    }

    private BurstSocket(ActorContext<Command> ctx, TimerScheduler<Command> timers, Wire wire, WsSettings settings) {
      super(ctx, timers, wire, settings, UUID.randomUUID().toString());
      on("burst", frame -> {
        for (int i = 0; i < frame.path("count").asInt(); i++) {
          send(new Numbered("n", i));
        }
      });
    }

    @Override
    protected void receive(ReceiveBuilder<Command> builder) {}

    @Override
    protected void onClose() {}
  }

  private static JsonNode json(FakeWire.Write write) throws Exception {
    return MAPPER.readTree(write.text());
  }

  @Test
  void oneWriteInFlightAndFramesInOrder() throws Exception {
    FakeWire wire = new FakeWire();
    ActorRef<SocketActor.Command> socket = testKit.spawn(BurstSocket.create(settings(10), wire));
    socket.tell(new SocketActor.Inbound("{\"type\":\"burst\",\"count\":3}"));
    for (int i = 0; i < 3; i++) {
      FakeWire.Write write = wire.nextWrite();
      assertThat(json(write).get("n").asInt()).isEqualTo(i);
      assertThat(wire.writes.poll(100, TimeUnit.MILLISECONDS)).as("nothing more until this write completes").isNull();
      write.complete();
    }
  }

  @Test
  void aClientThatStopsReadingIsClosedAsTooSlow() throws Exception {
    FakeWire wire = new FakeWire();
    ActorRef<SocketActor.Command> socket = testKit.spawn(BurstSocket.create(settings(5), wire));
    socket.tell(new SocketActor.Inbound("{\"type\":\"burst\",\"count\":100}"));
    assertThat(wire.nextClose()).isEqualTo(new FakeWire.Close(1008, "too slow"));
    assertThat(wire.writes).hasSize(1);

    TestProbe<Void> probe = testKit.createTestProbe();
    socket.tell(new SocketActor.Closed(1008, "too slow"));
    probe.expectTerminated(socket);
  }

  @Test
  void badFramesGetErrorsAndTheSocketStaysUsable() throws Exception {
    FakeWire wire = new FakeWire();
    ActorRef<SocketActor.Command> socket = testKit.spawn(BurstSocket.create(settings(10), wire));
    List<String> codes = new ArrayList<>();
    for (String text : List.of("{nope", "[1]", "{}", "{\"type\":7}", "{\"type\":\"dance\"}")) {
      socket.tell(new SocketActor.Inbound(text));
      FakeWire.Write write = wire.nextWrite();
      codes.add(json(write).get("code").asText());
      write.complete();
    }
    assertThat(codes).containsExactly("bad-json", "bad-json", "unknown-type", "unknown-type", "unknown-type");
    socket.tell(SocketActor.Signal.RATE_LIMITED);
    FakeWire.Write limited = wire.nextWrite();
    assertThat(json(limited).get("code").asText()).isEqualTo("rate-limited");
    limited.complete();
    socket.tell(new SocketActor.Inbound("{\"type\":\"ping\"}"));
    assertThat(json(wire.nextWrite()).get("type").asText()).isEqualTo("pong");
  }

  @Test
  void aSilentClientIsDropped() throws Exception {
    FakeWire wire = new FakeWire();
    WsSettings quick = new WsSettings(10, 20, 40, 2, Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(3));
    testKit.spawn(BurstSocket.create(quick, wire));
    wire.disconnected.get(5, TimeUnit.SECONDS);
    assertThat(wire.pings.get()).isPositive();
  }

  /** Topics and pools that the test drives by hand. */
  static final class FakeSource implements AvailabilitySource {
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile ActorRef<AvailabilityEvent> subscriber;
    final TestProbe<MatchPool.Command> pool = testKit.createTestProbe();

    @Override
    public void subscribe(String subject, ActorRef<AvailabilityEvent> ref) {
      calls.add("subscribe " + subject);
      subscriber = ref;
    }

    @Override
    public void unsubscribe(String subject, ActorRef<AvailabilityEvent> ref) {
      calls.add("unsubscribe " + subject);
    }

    @Override
    public RecipientRef<MatchPool.Command> pool(String subject) {
      calls.add("snapshot " + subject);
      return pool.ref();
    }
  }

  @Test
  void availabilitySubscribesFirstThenSnapshotsThenConflatesForASlowClient() throws Exception {
    FakeWire wire = new FakeWire();
    FakeSource source = new FakeSource();
    Catalog catalog = Catalog.fromConfig(ConfigFactory.defaultReference());
    ActorRef<SocketActor.Command> socket =
        testKit.spawn(AvailabilitySocket.create(catalog, source, settings(5), java.time.Duration.ofMinutes(10), "c1", wire));

    socket.tell(new SocketActor.Inbound("{\"type\":\"subscribe\",\"subject\":\"math\",\"language\":\"fr\"}"));
    MatchPool.GetAvailable ask = source.pool.expectMessageClass(MatchPool.GetAvailable.class);
    assertThat(source.calls).containsExactly("subscribe math", "snapshot math");
    assertThat(ask.language()).isEqualTo("fr");
    assertThat(ask.level()).isNull();

    TutorCard a = AvailabilitySubscriptionsTest.card("a", "fr", 3000, "high");
    TutorCard b = AvailabilitySubscriptionsTest.card("b", "fr", 3000, "high");
    source.subscriber.tell(AvailabilitySubscriptionsTest.up(b)); // before the snapshot: sent after it
    ask.replyTo().tell(new MatchPool.Available("math", List.of(a)));

    FakeWire.Write snapshot = wire.nextWrite();
    assertThat(json(snapshot).get("type").asText()).isEqualTo("snapshot");
    assertThat(json(snapshot).get("tutors").findValuesAsText("tutorId")).containsExactly("a");

    // The client does not read: thousands of changes for two tutors never fill the queue.
    for (int i = 0; i < 2000; i++) {
      source.subscriber.tell(i % 2 == 0 ? AvailabilitySubscriptionsTest.down("a") : AvailabilitySubscriptionsTest.up(a));
      source.subscriber.tell(AvailabilitySubscriptionsTest.up(AvailabilitySubscriptionsTest.card("b", "fr", 3000 + i, "high")));
    }
    socket.tell(new SocketActor.Inbound("{\"type\":\"ping\"}")); // a marker: all events are in before it
    assertThat(wire.closes.poll(300, TimeUnit.MILLISECONDS)).isNull();

    snapshot.complete();
    List<JsonNode> frames = new ArrayList<>();
    for (FakeWire.Write w = wire.writes.poll(500, TimeUnit.MILLISECONDS); w != null; w = wire.writes.poll(500, TimeUnit.MILLISECONDS)) {
      frames.add(json(w));
      w.complete();
    }
    // b's latest state only; a ended as the snapshot showed it, so nothing is repeated about a.
    assertThat(frames).extracting(f -> f.get("type").asText()).containsExactly("pong", "available");
    assertThat(frames.get(1).get("tutorId").asText()).isEqualTo("b");
    assertThat(frames.get(1).get("rateCents").asLong()).isEqualTo(3000 + 1999);

    socket.tell(new SocketActor.Inbound("{\"type\":\"unsubscribe\",\"subject\":\"math\"}"));
    socket.tell(new SocketActor.Closed(1000, ""));
    testKit.createTestProbe().expectTerminated(socket);
    assertThat(source.calls).endsWith("unsubscribe math");
  }
}
