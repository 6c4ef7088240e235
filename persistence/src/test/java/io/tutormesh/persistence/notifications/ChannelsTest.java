package io.tutormesh.persistence.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.persistence.notifications.Notification.Channel;
import io.tutormesh.persistence.notifications.Notification.Recipient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ChannelsTest {

  private static final Notification SMS = Notification.of("s-1", "reminder", "PT15M",
      new Recipient("st-1", Channel.SMS, "+33612345678"), "Soon", "Your lesson starts soon", Instant.EPOCH);
  private static final Notification EMAIL = Notification.of("s-1", "reminder", "PT15M",
      new Recipient("st-1", Channel.EMAIL, "anna@example.com"), "Soon", "Your lesson starts soon", Instant.EPOCH);

  @Test
  void messageIdIsTheNotificationIdAsAValidMessageId() {
    assertThat(EmailChannel.messageId("s-1:reminder:PT15M:st-1:EMAIL", "tutormesh.local"))
        .isEqualTo("<s-1.reminder.PT15M.st-1.EMAIL@tutormesh.local>");
  }

  @Test
  void smsChannelHandsBodyAndIdToTheProvider() {
    List<String> sent = new ArrayList<>();
    SmsChannel channel = new SmsChannel((to, text, id) -> {
      sent.add(to + "|" + text + "|" + id);
      return CompletableFuture.completedFuture(null);
    });

    channel.send(SMS).toCompletableFuture().join();

    assertThat(sent).containsExactly("+33612345678|Your lesson starts soon|s-1:reminder:PT15M:st-1:SMS");
    assertThatThrownBy(() -> channel.send(EMAIL).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void logProviderAcceptsAndMasksTheNumber() {
    assertThat(new LogSmsProvider().send("+33612345678", "hi", "id")).isCompleted();
    assertThat(LogSmsProvider.mask("+33612345678")).isEqualTo("+********678");
    assertThat(LogSmsProvider.mask("12")).isEqualTo("12");
  }

  @Test
  void emailChannelRefusesAnSmsAndABadSender() {
    NotificationSettings.Smtp smtp =
        new NotificationSettings.Smtp("localhost", 2525, "Tutormesh <no-reply@tutormesh.local>", "", "", false,
            Duration.ofSeconds(1));
    EmailChannel channel = new EmailChannel(smtp, Runnable::run);

    assertThatThrownBy(() -> channel.send(SMS).toCompletableFuture().join())
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EmailChannel(
        new NotificationSettings.Smtp("localhost", 25, "not an @ address <<", "", "", false, Duration.ofSeconds(1)),
        Runnable::run)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void logEmailChannelAcceptsEmailsMaskingTheAddressAndRefusesAnSms() {
    LogEmailChannel channel = new LogEmailChannel();

    assertThat(channel.send(EMAIL)).isCompleted();
    assertThat(LogEmailChannel.mask("anna@example.com")).isEqualTo("a***@example.com");
    assertThat(LogEmailChannel.mask("@x")).isEqualTo("***");
    assertThatThrownBy(() -> channel.send(SMS).toCompletableFuture().join())
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }
}
