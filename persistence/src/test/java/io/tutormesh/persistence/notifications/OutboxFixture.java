package io.tutormesh.persistence.notifications;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.persistence.notifications.Notification.Channel;
import io.tutormesh.persistence.notifications.NotificationSettings.OutboxSettings;
import io.tutormesh.persistence.testing.SharedCassandra;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/** What the outbox's Cassandra tests share: a node (actor system) on the shared Cassandra, settings, channels. */
final class OutboxFixture {

  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final Duration LEASE = Duration.ofMinutes(2);
  /** A time in the future of the real one, whole hour: tests move their own clock from here. */
  static final Instant T0 = Instant.parse("2031-01-01T00:00:00Z").plus(Duration.ofHours(
      (System.nanoTime() & 0xffff) % 10_000)); // spread runs over hours: a rerun does not read old rows

  private OutboxFixture() {}

  /** A node: an actor system with its own driver session on the shared Cassandra. */
  static ActorTestKit node(String name) {
    SharedCassandra cassandra = SharedCassandra.get();
    Config config = ConfigFactory.parseString("""
            pekko.loglevel = WARNING
            datastax-java-driver {
              basic.contact-points = ["%s:%d"]
              basic.load-balancing-policy.local-datacenter = "%s"
              basic.request.timeout = 10s
            }
            """.formatted(cassandra.contactPoint().getHostString(), cassandra.contactPoint().getPort(),
            cassandra.localDatacenter()))
        .withFallback(ConfigFactory.load());
    return ActorTestKit.create(name, config);
  }

  /** An outbox of its own (unique name), 3 attempts with 1 min then 2 min backoff. */
  static NotificationSettings settings() {
    String outbox = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    return new NotificationSettings(
        true,
        new OutboxSettings(outbox, LEASE, new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(10), 2.0, 3),
            Duration.ofHours(2), Duration.ofMinutes(5)),
        Duration.ofMillis(50),
        10,
        Duration.ofSeconds(20),
        List.of(Duration.ofHours(24), Duration.ofMinutes(15)),
        new NotificationSettings.Smtp("127.0.0.1", 2525, "Tutormesh <no-reply@tutormesh.test>", "", "", false,
            Duration.ofSeconds(5)));
  }

  static CassandraOutbox outbox(ActorTestKit node, NotificationSettings settings, TestClock clock) {
    return CassandraOutbox.create(node.system(), SharedCassandra.KEYSPACE, settings.outbox(), clock);
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  /** Polls {@code condition} until it holds or the deadline passes (no fixed sleeping). */
  static void awaitUntil(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting for: " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20); // a poll interval, not a wait for something to happen
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** A channel that records what it accepted, per notification id; its answer per notification is programmable. */
  static final class RecordingChannel implements NotificationChannel {
    final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
    private final Function<Notification, CompletableFuture<Void>> answer;

    RecordingChannel(Function<Notification, CompletableFuture<Void>> answer) {
      this.answer = answer;
    }

    static RecordingChannel accepting() {
      return new RecordingChannel(n -> CompletableFuture.completedFuture(null));
    }

    @Override
    public CompletionStage<Void> send(Notification notification) {
      calls.add(notification.id());
      return answer.apply(notification).thenRun(
          () -> accepted.computeIfAbsent(notification.id(), id -> new AtomicInteger()).incrementAndGet());
    }

    int accepted(String id) {
      AtomicInteger count = accepted.get(id);
      return count == null ? 0 : count.get();
    }

    Map<Channel, NotificationChannel> asEveryChannel() {
      return Map.of(Channel.EMAIL, this, Channel.SMS, this);
    }
  }
}
