package io.tutormesh.persistence.notifications;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** SMS through an {@link SmsProvider}: the notification's body is the text; its id is the message id. */
public final class SmsChannel implements NotificationChannel {

  private final SmsProvider provider;

  public SmsChannel(SmsProvider provider) {
    this.provider = Objects.requireNonNull(provider, "provider");
  }

  @Override
  public CompletionStage<Void> send(Notification notification) {
    if (notification.channel() != Notification.Channel.SMS) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("not an SMS notification: " + notification.id()));
    }
    return provider.send(notification.recipient(), notification.body(), notification.id());
  }
}
