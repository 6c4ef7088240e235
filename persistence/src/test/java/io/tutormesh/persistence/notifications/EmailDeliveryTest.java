package io.tutormesh.persistence.notifications;

import static io.tutormesh.persistence.notifications.OutboxFixture.T0;
import static io.tutormesh.persistence.notifications.OutboxFixture.TIMEOUT;
import static io.tutormesh.persistence.notifications.OutboxFixture.await;
import static io.tutormesh.persistence.notifications.OutboxFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.persistence.notifications.Notification.Channel;
import io.tutormesh.persistence.notifications.Notification.Recipient;
import io.tutormesh.persistence.notifications.Outbox.Status;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reminders by e-mail end to end: the outbox in the real embedded Cassandra, the worker, Jakarta
 * Mail, and GreenMail as a real SMTP server on a free port. The outbox's clock is moved to each
 * due time; the test waits for the mails with a deadline. The node restarts between two reminders.
 */
class EmailDeliveryTest {

  private static final int SMTP_PORT = freePort();

  @RegisterExtension
  static final GreenMailExtension greenMail =
      new GreenMailExtension(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  private static final Recipient ANNA = new Recipient("st-1", Channel.EMAIL, "anna@example.com");
  private static final Recipient PROBE = new Recipient("probe", Channel.EMAIL, "probe@example.com");

  @Test
  void remindersArriveAtTheirTimesOnceEachAcrossARestartAndNoneForACancelledLesson() throws Exception {
    NotificationSettings base = OutboxFixture.settings();
    NotificationSettings settings = new NotificationSettings(true, base.outbox(), base.pollInterval(),
        base.batchSize(), base.sendTimeout(), base.reminderOffsets(), base.smtp().withPort(SMTP_PORT));
    TestClock clock = new TestClock(T0);
    String booked = unique("s");
    String cancelled = unique("s");
    Instant start = T0.plus(Duration.ofHours(25));
    Instant cancelledStart = T0.plus(Duration.ofHours(2));

    ActorTestKit first = OutboxFixture.node("mail-before-restart");
    Outbox outbox = OutboxFixture.outbox(first, settings, clock);
    first.spawn(OutboxWorker.create(outbox, OutboxWorker.channels(first.system(), settings, new LogSmsProvider()),
        settings, unique("worker")));

    // Booked 25 h ahead: confirmed now, reminded 24 h and 15 min before.
    ReminderPlan plan = ReminderPlan.of(booked, start, settings.reminderOffsets(), clock.instant());
    List<Notification> reminders = Notices.reminders(plan, "math", ANNA);
    assertThat(reminders).extracting(Notification::dueAt)
        .containsExactly(T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(24).plusMinutes(45)));
    await(outbox.enqueue(Notices.bookingConfirmed(booked, "math", start, 60, ANNA, clock.instant())));
    reminders.forEach(reminder -> await(outbox.enqueue(reminder)));
    // Booked 2 h ahead (no 24 h reminder), then cancelled: its reminder never goes, the notice does.
    ReminderPlan cancelledPlan = ReminderPlan.of(cancelled, cancelledStart, settings.reminderOffsets(), clock.instant());
    List<Notification> cancelledReminders = Notices.reminders(cancelledPlan, "physics", ANNA);
    assertThat(cancelledReminders).hasSize(1);
    cancelledReminders.forEach(reminder -> await(outbox.enqueue(reminder)));
    assertThat(await(outbox.cancelGroup(Notices.sessionGroup(cancelled)))).isEqualTo(1);
    await(outbox.enqueue(Notices.cancelled(cancelled, cancelledStart, ANNA, clock.instant())));

    assertThat(waitForMails(2)).containsExactlyInAnyOrder(
        messageId(Notification.id(booked, Notices.BOOKING_CONFIRMED, null, ANNA)),
        messageId(Notification.id(Notices.cancellationGroup(cancelled), Notices.CANCELLED, null, ANNA)));

    // One second before the first reminder: a worker round has run (its probe arrived), no reminder.
    clock.set(reminders.get(0).dueAt().minusSeconds(1));
    assertThat(probe(outbox, clock, 3)).doesNotContain(messageId(reminders.get(0).id()));
    clock.set(reminders.get(0).dueAt());
    assertThat(waitForMails(4)).contains(messageId(reminders.get(0).id()));
    MimeMessage dayBefore = received(reminders.get(0).id());
    assertThat(dayBefore.getAllRecipients()).extracting(Object::toString).containsExactly("anna@example.com");
    assertThat(dayBefore.getSubject()).isEqualTo(reminders.get(0).subject());
    assertThat(dayBefore.getHeader(EmailChannel.ID_HEADER)).containsExactly(reminders.get(0).id());

    first.shutdownTestKit(); // the node stops with the 15-minute reminder pending

    ActorTestKit second = OutboxFixture.node("mail-after-restart");
    try {
      Outbox after = OutboxFixture.outbox(second, settings, clock);
      second.spawn(OutboxWorker.create(after, OutboxWorker.channels(second.system(), settings, new LogSmsProvider()),
          settings, unique("worker")));
      clock.set(cancelledReminders.get(0).dueAt()); // the cancelled lesson's reminder time passes
      assertThat(probe(after, clock, 5)).doesNotContain(messageId(reminders.get(1).id()));
      clock.set(reminders.get(1).dueAt());
      assertThat(waitForMails(6)).contains(messageId(reminders.get(1).id()));

      clock.set(start.plus(Duration.ofHours(1)));
      probe(after, clock, 7);
      List<String> ids = receivedMessageIds();
      assertThat(ids).doesNotHaveDuplicates().hasSize(7);
      assertThat(ids).doesNotContain(messageId(cancelledReminders.get(0).id()));
      assertThat(await(after.entry(cancelledReminders.get(0).id())).orElseThrow().status()).isEqualTo(Status.CANCELLED);
      for (Notification reminder : reminders) {
        assertThat(await(after.entry(reminder.id())).orElseThrow().status()).isEqualTo(Status.SENT);
      }
    } finally {
      second.shutdownTestKit();
    }
  }

  /**
   * Enqueues a probe due now and waits for it: proof that the worker has had a round at the clock's
   * time. Returns the Message-IDs received (GreenMail lists them by mailbox, not in arrival order).
   */
  private static List<String> probe(Outbox outbox, TestClock clock, int expectedTotal) {
    Notification probe = Notification.of(unique("probe"), "probe", null, PROBE, "probe", "probe", clock.instant());
    await(outbox.enqueue(probe));
    List<String> ids = waitForMails(expectedTotal);
    assertThat(ids).contains(messageId(probe.id()));
    return ids;
  }

  private static MimeMessage received(String notificationId) throws MessagingException {
    for (MimeMessage message : greenMail.getReceivedMessages()) {
      if (messageId(notificationId).equals(message.getMessageID())) {
        return message;
      }
    }
    throw new AssertionError("not received: " + notificationId);
  }

  private static List<String> waitForMails(int count) {
    assertThat(greenMail.waitForIncomingEmail(TIMEOUT.toMillis(), count))
        .as("%d mails within %s, got %s", count, TIMEOUT, receivedMessageIds()).isTrue();
    List<String> ids = receivedMessageIds();
    assertThat(ids).hasSize(count);
    return ids;
  }

  private static List<String> receivedMessageIds() {
    return Arrays.stream(greenMail.getReceivedMessages()).map(message -> {
      try {
        return message.getMessageID();
      } catch (MessagingException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  private static String messageId(String notificationId) {
    return EmailChannel.messageId(notificationId, "tutormesh.test");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
