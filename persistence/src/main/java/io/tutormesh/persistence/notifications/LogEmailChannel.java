package io.tutormesh.persistence.notifications;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The e-mail channel of a node with no SMTP server ({@code tutormesh.notifications.smtp.host}
 * empty, the default of the single-node dev run): writes each e-mail to the log, address masked,
 * and accepts it, so that the outbox records it SENT as a real channel would.
 */
public final class LogEmailChannel implements NotificationChannel {

  private static final Logger log = LoggerFactory.getLogger(LogEmailChannel.class);

  @Override
  public CompletionStage<Void> send(Notification notification) {
    if (notification.channel() != Notification.Channel.EMAIL) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("not an e-mail notification: " + notification.id()));
    }
    log.info("E-mail {} to {} (no SMTP host configured, logged only): {} | {}", notification.id(),
        mask(notification.recipient()), notification.subject(), notification.body());
    return CompletableFuture.completedFuture(null);
  }

  /** The local part hidden but its first character: {@code ada@example.com} → {@code a**@example.com}. */
  static String mask(String address) {
    int at = address.indexOf('@');
    if (at <= 0) {
      return "***";
    }
    return address.charAt(0) + "*".repeat(at - 1) + address.substring(at);
  }
}
