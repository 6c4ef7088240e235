package io.tutormesh.persistence.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.persistence.notifications.Notification.Channel;
import io.tutormesh.persistence.notifications.Notification.Recipient;
import io.tutormesh.persistence.notifications.Outbox.Entry;
import io.tutormesh.persistence.notifications.Outbox.Status;
import io.tutormesh.persistence.notifications.OutboxFixture.RecordingChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The worker on an in-memory outbox: once-only delivery, retries, cancellation; no Cassandra. */
class OutboxWorkerTest {

  private static final ActorTestKit testKit = ActorTestKit.create("outbox-worker-test");
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Recipient ANNA = new Recipient("st-1", Channel.EMAIL, "anna@example.com");

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static NotificationSettings settings() {
    return OutboxFixture.settings(); // 50 ms polls, 10 per batch, 3 attempts: 1 min, 2 min
  }

  private static Entry entry(Outbox outbox, String id) {
    return OutboxFixture.await(outbox.entry(id)).orElseThrow();
  }

  @Test
  void twoWorkersSendEachNotificationExactlyOnce() {
    NotificationSettings settings = settings();
    TestClock clock = new TestClock(T0);
    InMemoryOutbox outbox = new InMemoryOutbox(clock, settings.outbox().backoff(), settings.outbox().lease());
    List<Notification> all = new ArrayList<>();
    for (int i = 0; i < 45; i++) {
      all.add(Notification.of("s-" + (i % 5), "k" + i, null, ANNA, "S", "B", T0.plusSeconds(i % 3 * 60L)));
      outbox.enqueue(all.get(i));
      outbox.enqueue(all.get(i)); // twice: the same notification
    }
    RecordingChannel channel = RecordingChannel.accepting();
    // Everything due before the workers start: moving the clock while a send is in flight would
    // jump past its lease (in real time a lease outlives every send: NotificationSettings checks
    // send-timeout < lease), and another worker could then rightly claim it again.
    clock.advance(Duration.ofMinutes(5));
    testKit.spawn(OutboxWorker.create(outbox, channel.asEveryChannel(), settings, "w1"));
    testKit.spawn(OutboxWorker.create(outbox, channel.asEveryChannel(), settings, "w2"));

    OutboxFixture.awaitUntil("all sent", () -> all.stream().allMatch(n -> entry(outbox, n.id()).status() == Status.SENT));

    assertThat(channel.calls).hasSize(45).doesNotHaveDuplicates();
    all.forEach(n -> assertThat(channel.accepted(n.id())).isEqualTo(1));
  }

  @Test
  void aSendThatFailsIsRetriedAfterItsBackoffAndAChannelThatThrowsIsAFailure() {
    NotificationSettings settings = settings();
    TestClock clock = new TestClock(T0);
    InMemoryOutbox outbox = new InMemoryOutbox(clock, settings.outbox().backoff(), settings.outbox().lease());
    Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    RecordingChannel flaky = new RecordingChannel(n -> failedOnce.add(n.id())
        ? CompletableFuture.failedFuture(new IllegalStateException("busy"))
        : CompletableFuture.completedFuture(null));
    NotificationChannel throwing = n -> {
      throw new IllegalStateException("bug in a channel");
    };
    Notification email = Notification.of("s-1", "matched", null, ANNA, "S", "B", T0);
    Notification sms = Notification.of("s-1", "matched", null, new Recipient("st-1", Channel.SMS, "+33612345678"),
        "S", "B", T0);
    outbox.enqueue(email);
    outbox.enqueue(sms);
    testKit.spawn(OutboxWorker.create(outbox, Map.of(Channel.EMAIL, flaky, Channel.SMS, throwing), settings, "w"));

    OutboxFixture.awaitUntil("first attempts", () -> entry(outbox, email.id()).lastError() != null
        && entry(outbox, sms.id()).lastError() != null);
    assertThat(entry(outbox, email.id()).nextAttemptAt()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
    assertThat(entry(outbox, sms.id()).lastError()).contains("bug in a channel");

    clock.advance(Duration.ofMinutes(1));
    OutboxFixture.awaitUntil("sent on the retry", () -> entry(outbox, email.id()).status() == Status.SENT);
    assertThat(flaky.calls).hasSize(2);
    assertThat(flaky.accepted(email.id())).isEqualTo(1);

    clock.advance(Duration.ofMinutes(2));
    OutboxFixture.awaitUntil("the throwing one given up", () -> entry(outbox, sms.id()).status() == Status.FAILED);
    assertThat(entry(outbox, sms.id()).attempts()).isEqualTo(3);
  }

  @Test
  void nothingOfACancelledGroupIsSent() {
    NotificationSettings settings = settings();
    TestClock clock = new TestClock(T0);
    InMemoryOutbox outbox = new InMemoryOutbox(clock, settings.outbox().backoff(), settings.outbox().lease());
    Notification reminder = Notification.of("s-1", "reminder", "PT15M", ANNA, "S", "B", T0.plusSeconds(60));
    Notification other = Notification.of("s-2", "reminder", "PT15M", ANNA, "S", "B", T0.plusSeconds(60));
    outbox.enqueue(reminder);
    outbox.enqueue(other);
    RecordingChannel channel = RecordingChannel.accepting();
    testKit.spawn(OutboxWorker.create(outbox, channel.asEveryChannel(), settings, "w"));

    OutboxFixture.await(outbox.cancelGroup("s-1"));
    clock.advance(Duration.ofMinutes(2));
    OutboxFixture.awaitUntil("the other sent", () -> entry(outbox, other.id()).status() == Status.SENT);

    assertThat(channel.calls).containsExactly(other.id());
    assertThat(entry(outbox, reminder.id()).status()).isEqualTo(Status.CANCELLED);
  }
}
