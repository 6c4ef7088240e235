package io.tutormesh.persistence.notifications;

import static io.tutormesh.persistence.notifications.OutboxFixture.LEASE;
import static io.tutormesh.persistence.notifications.OutboxFixture.T0;
import static io.tutormesh.persistence.notifications.OutboxFixture.await;
import static io.tutormesh.persistence.notifications.OutboxFixture.awaitUntil;
import static io.tutormesh.persistence.notifications.OutboxFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.persistence.notifications.Notification.Channel;
import io.tutormesh.persistence.notifications.Notification.Recipient;
import io.tutormesh.persistence.notifications.Outbox.Claim;
import io.tutormesh.persistence.notifications.Outbox.Enqueued;
import io.tutormesh.persistence.notifications.Outbox.Entry;
import io.tutormesh.persistence.notifications.Outbox.Status;
import io.tutormesh.persistence.notifications.OutboxFixture.RecordingChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox and its worker against the real embedded Cassandra. Two actor systems, each with its
 * own driver session, stand for two nodes; a restart is a node stopped and a new one started. Each
 * test has an outbox of its own (unique name) and a clock of its own.
 */
class CassandraOutboxTest {

  private static final Recipient ANNA = new Recipient("st-1", Channel.EMAIL, "anna@example.com");
  private static final Recipient BEN = new Recipient("st-2", Channel.SMS, "+33612345678");

  private static ActorTestKit nodeA;
  private static ActorTestKit nodeB;

  @BeforeAll
  static void start() {
    nodeA = OutboxFixture.node("outbox-a");
    nodeB = OutboxFixture.node("outbox-b");
  }

  @AfterAll
  static void stop() {
    Stream.of(nodeA, nodeB).filter(node -> node != null).forEach(ActorTestKit::shutdownTestKit);
  }

  private static Notification notification(String group, String kind, Recipient to, Instant dueAt) {
    return Notification.of(group, kind, null, to, "Subject " + kind, "Body of " + kind, dueAt);
  }

  private static Entry entry(Outbox outbox, String id) {
    return await(outbox.entry(id)).orElseThrow(() -> new AssertionError("no notification " + id));
  }

  @Test
  void enqueueIsIdempotentAcrossNodes() {
    NotificationSettings settings = OutboxFixture.settings();
    TestClock clock = new TestClock(T0);
    Outbox a = OutboxFixture.outbox(nodeA, settings, clock);
    Outbox b = OutboxFixture.outbox(nodeB, settings, clock);
    Notification n = notification(unique("s"), "matched", ANNA, T0);

    // Concurrently from two nodes: one stores it.
    CompletionStage<Enqueued> first = a.enqueue(n);
    CompletionStage<Enqueued> second = b.enqueue(n);
    assertThat(List.of(await(first), await(second)))
        .containsExactlyInAnyOrder(Enqueued.ENQUEUED, Enqueued.ALREADY_ENQUEUED);
    // Again, with other text (a replayed event): nothing changes.
    Notification replayed = new Notification(n.id(), n.groupKey(), n.kind(), n.channel(), n.recipient(),
        "Changed", "Changed", n.dueAt().plusSeconds(60));
    assertThat(await(a.enqueue(replayed))).isEqualTo(Enqueued.ALREADY_ENQUEUED);

    Entry entry = entry(a, n.id());
    assertThat(entry.notification()).isEqualTo(n);
    assertThat(entry.status()).isEqualTo(Status.PENDING);
    assertThat(entry.attempts()).isZero();
    assertThat(await(a.claimDue("w", 10))).extracting(c -> c.notification().id()).containsExactly(n.id());
  }

  @Test
  void badInputFailsTheStageAndWritesNothing() {
    NotificationSettings settings = OutboxFixture.settings();
    Outbox outbox = OutboxFixture.outbox(nodeA, settings, new TestClock(T0));

    assertThatThrownBy(() -> await(outbox.enqueue(null))).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> await(outbox.cancelGroup(" "))).hasCauseInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> await(outbox.claimDue("", 1))).hasCauseInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> await(outbox.claimDue("w", 0))).hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(await(outbox.claimDue("w", 10))).isEmpty();
  }

  @Test
  void aClaimIsALeaseThatNoOtherWorkerTakes() {
    NotificationSettings settings = OutboxFixture.settings();
    TestClock clock = new TestClock(T0);
    Outbox a = OutboxFixture.outbox(nodeA, settings, clock);
    Outbox b = OutboxFixture.outbox(nodeB, settings, clock);
    String group = unique("s");
    List<Notification> due = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      due.add(notification(group, "k" + i, ANNA, T0.plus(Duration.ofMinutes(10))));
      await(a.enqueue(due.get(i)));
    }

    assertThat(await(a.claimDue("worker-a", 10))).as("nothing due yet").isEmpty();
    clock.advance(Duration.ofMinutes(10));

    // Two workers on two nodes at once: each notification claimed by exactly one of them.
    CompletionStage<List<Claim>> byA = a.claimDue("worker-a", 10);
    CompletionStage<List<Claim>> byB = b.claimDue("worker-b", 10);
    List<String> claimed = new ArrayList<>();
    await(byA).forEach(c -> claimed.add(c.notification().id()));
    await(byB).forEach(c -> claimed.add(c.notification().id()));
    assertThat(claimed).containsExactlyInAnyOrderElementsOf(due.stream().map(Notification::id).toList());
    assertThat(await(b.claimDue("worker-b", 10))).as("all leased").isEmpty();

    // The lease ends (its worker died): another worker takes it, as a second attempt.
    clock.advance(LEASE.plusSeconds(1));
    List<Claim> again = await(b.claimDue("worker-b", 10));
    assertThat(again).hasSize(6).allSatisfy(c -> {
      assertThat(c.attempt()).isEqualTo(2);
      assertThat(c.owner()).isEqualTo("worker-b");
    });
    for (Claim claim : again) {
      assertThat(await(b.markSent(claim))).isTrue();
    }
    assertThat(await(b.markSent(again.get(0)))).as("sent once").isFalse();

    clock.advance(LEASE.multipliedBy(3));
    assertThat(await(a.claimDue("worker-a", 10))).as("sent: never again").isEmpty();
    assertThat(entry(a, due.get(0).id()).status()).isEqualTo(Status.SENT);
    assertThat(entry(a, due.get(0).id()).sentAt()).isNotNull();
  }

  @Test
  void cancellingAGroupCancelsItsPendingNotificationsAndLaterOnes() {
    NotificationSettings settings = OutboxFixture.settings();
    TestClock clock = new TestClock(T0);
    Outbox outbox = OutboxFixture.outbox(nodeA, settings, clock);
    String lesson = unique("s");
    String other = unique("s");
    Notification dayBefore = notification(lesson, "reminder-day", ANNA, T0.plus(Duration.ofHours(1)));
    Notification justBefore = notification(lesson, "reminder-soon", BEN, T0.plus(Duration.ofHours(2)));
    Notification otherLesson = notification(other, "reminder-day", ANNA, T0.plus(Duration.ofHours(1)));
    Stream.of(dayBefore, justBefore, otherLesson).forEach(n -> await(outbox.enqueue(n)));

    assertThat(await(outbox.cancelGroup(lesson))).isEqualTo(2);
    assertThat(await(outbox.cancelGroup(lesson))).as("idempotent").isZero();
    assertThat(await(outbox.enqueue(notification(lesson, "late", ANNA, T0)))).isEqualTo(Enqueued.GROUP_CANCELLED);
    assertThat(await(outbox.entry(Notification.id(lesson, "late", null, ANNA)))).isEmpty();

    clock.advance(Duration.ofHours(3));
    assertThat(await(outbox.claimDue("w", 10))).extracting(c -> c.notification().id())
        .containsExactly(otherLesson.id());
    assertThat(entry(outbox, dayBefore.id()).status()).isEqualTo(Status.CANCELLED);
    assertThat(entry(outbox, justBefore.id()).status()).isEqualTo(Status.CANCELLED);
  }

  @Test
  void findsDueWorkAcrossHoursAndMovesItsCursorPastEmptyHours() {
    NotificationSettings settings = OutboxFixture.settings();
    TestClock clock = new TestClock(T0);
    CassandraOutbox outbox = OutboxFixture.outbox(nodeA, settings, clock);
    String group = unique("s");
    Notification early = notification(group, "early", ANNA, T0.plus(Duration.ofMinutes(30)));
    Notification later = notification(group, "later", ANNA, T0.plus(Duration.ofMinutes(210)));
    await(outbox.enqueue(early));
    await(outbox.enqueue(later));

    clock.advance(Duration.ofHours(10)); // a node that was down for hours
    List<Claim> claims = await(outbox.claimDue("w", 10));
    assertThat(claims).extracting(c -> c.notification().id()).containsExactly(early.id(), later.id());
    claims.forEach(claim -> await(outbox.markSent(claim)));
    assertThat(await(outbox.claimDue("w", 10))).isEmpty();
    assertThat(cursorHour(settings)).as("past every empty hour that ended cursor-grace ago")
        .isEqualTo(CassandraOutbox.hour(clock.instant().minus(settings.outbox().cursorGrace())))
        .isGreaterThan(CassandraOutbox.hour(later.dueAt()));

    // Due before the cursor (enqueued late): indexed at now, so still found.
    Notification overdue = notification(group, "overdue", ANNA, T0.plus(Duration.ofHours(1)));
    assertThat(await(outbox.enqueue(overdue))).isEqualTo(Enqueued.ENQUEUED);
    assertThat(await(outbox.claimDue("w", 10))).extracting(c -> c.notification().id()).containsExactly(overdue.id());
  }

  private static long cursorHour(NotificationSettings settings) {
    return io.tutormesh.persistence.testing.SharedCassandra.get().session()
        .execute("SELECT hour FROM " + io.tutormesh.persistence.testing.SharedCassandra.KEYSPACE
            + ".notifications_cursor WHERE outbox = ?", settings.outbox().name())
        .one().getLong("hour");
  }

  @Test
  void aFailingChannelIsRetriedWithBackoffThenGivenUp() {
    NotificationSettings settings = OutboxFixture.settings(); // 3 attempts, 1 min then 2 min
    TestClock clock = new TestClock(T0);
    Outbox outbox = OutboxFixture.outbox(nodeA, settings, clock);
    RecordingChannel failing = new RecordingChannel(
        n -> CompletableFuture.failedFuture(new IllegalStateException("smtp down")));
    RecordingChannel flaky = new RecordingChannel(n -> failingOnce(n));
    Notification doomed = notification(unique("s"), "matched", ANNA, T0);
    Notification lucky = notification(unique("s"), "matched", BEN, T0);
    await(outbox.enqueue(doomed));
    await(outbox.enqueue(lucky));
    nodeA.spawn(OutboxWorker.create(outbox,
        java.util.Map.of(Channel.EMAIL, failing, Channel.SMS, flaky), settings, unique("worker")));

    awaitUntil("first attempts failed", () -> entry(outbox, doomed.id()).attempts() == 1
        && entry(outbox, doomed.id()).leaseOwner() == null && entry(outbox, lucky.id()).attempts() == 1
        && entry(outbox, lucky.id()).leaseOwner() == null);
    Entry afterFirst = entry(outbox, doomed.id());
    assertThat(afterFirst.status()).isEqualTo(Status.PENDING);
    assertThat(afterFirst.nextAttemptAt()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
    assertThat(afterFirst.lastError()).contains("smtp down");

    clock.advance(Duration.ofMinutes(1));
    awaitUntil("second attempt", () -> entry(outbox, doomed.id()).attempts() == 2
        && entry(outbox, doomed.id()).leaseOwner() == null && entry(outbox, lucky.id()).status() == Status.SENT);
    assertThat(entry(outbox, doomed.id()).nextAttemptAt()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
    assertThat(flaky.accepted(lucky.id())).isEqualTo(1);

    clock.advance(Duration.ofMinutes(2));
    awaitUntil("given up", () -> entry(outbox, doomed.id()).status() == Status.FAILED);
    assertThat(entry(outbox, doomed.id()).attempts()).isEqualTo(3);
    assertThat(failing.calls).containsOnly(doomed.id()).hasSize(3);
    assertThat(flaky.calls).containsOnly(lucky.id()).hasSize(2);

    clock.advance(Duration.ofHours(1));
    assertThat(await(outbox.claimDue("probe", 10))).isEmpty();
  }

  private static final java.util.Set<String> failedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static CompletableFuture<Void> failingOnce(Notification n) {
    return failedOnce.add(n.id())
        ? CompletableFuture.failedFuture(new IllegalStateException("provider busy"))
        : CompletableFuture.completedFuture(null);
  }

  @Test
  void aRestartInTheMiddleSendsEachNotificationExactlyOnce() {
    NotificationSettings settings = OutboxFixture.settings();
    TestClock clock = new TestClock(T0);
    String lesson = unique("s");
    List<Notification> dueNow = new ArrayList<>();
    List<Notification> dueLater = new ArrayList<>();
    ActorTestKit first = OutboxFixture.node("outbox-before-restart");
    Outbox before = OutboxFixture.outbox(first, settings, clock);
    for (int i = 0; i < 4; i++) {
      dueNow.add(notification(lesson, "now" + i, ANNA, T0));
      dueLater.add(notification(lesson, "later" + i, BEN, T0.plus(Duration.ofMinutes(30 + i))));
    }
    Stream.concat(dueNow.stream(), dueLater.stream()).forEach(n -> await(before.enqueue(n)));
    // The first node accepts two messages and hangs in the middle of sending the other two.
    CompletableFuture<Void> never = new CompletableFuture<>();
    RecordingChannel dying = new RecordingChannel(n -> n.kind().equals("now0") || n.kind().equals("now1")
        ? CompletableFuture.completedFuture(null) : never);
    first.spawn(OutboxWorker.create(before, dying.asEveryChannel(), settings, unique("worker")));
    awaitUntil("two sent, two in flight", () -> dying.calls.size() == 4
        && entry(before, dueNow.get(0).id()).status() == Status.SENT
        && entry(before, dueNow.get(1).id()).status() == Status.SENT);

    first.shutdownTestKit(); // the node stops: two in flight (claimed), four pending

    ActorTestKit second = OutboxFixture.node("outbox-after-restart");
    try {
      Outbox after = OutboxFixture.outbox(second, settings, clock);
      RecordingChannel channel = RecordingChannel.accepting();
      second.spawn(OutboxWorker.create(after, channel.asEveryChannel(), settings, unique("worker")));

      clock.advance(LEASE.plusSeconds(1)); // the dead node's leases end
      awaitUntil("the two in flight sent again", () -> channel.accepted.size() == 2);
      clock.advance(Duration.ofMinutes(40)); // the later ones are due
      awaitUntil("all sent", () -> Stream.concat(dueNow.stream(), dueLater.stream())
          .allMatch(n -> entry(after, n.id()).status() == Status.SENT));

      for (Notification n : dueNow.subList(0, 2)) {
        assertThat(dying.accepted(n.id()) + channel.accepted(n.id())).as(n.id()).isEqualTo(1);
        assertThat(channel.accepted(n.id())).isZero();
      }
      for (Notification n : Stream.concat(dueNow.subList(2, 4).stream(), dueLater.stream()).toList()) {
        assertThat(channel.accepted(n.id())).as(n.id()).isEqualTo(1);
        assertThat(dying.accepted(n.id())).isZero();
      }
      clock.advance(LEASE.multipliedBy(5));
      assertThat(await(after.claimDue("probe", 20))).as("nothing left to send").isEmpty();
      assertThat(channel.calls).hasSize(6).doesNotHaveDuplicates();
    } finally {
      second.shutdownTestKit();
    }
  }
}
