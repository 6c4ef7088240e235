package io.tutormesh.persistence.notifications;

import io.tutormesh.persistence.notifications.NotificationSettings.Smtp;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * E-mail over SMTP with Jakarta Mail ({@code tutormesh.notifications.smtp}): one plain-text
 * message per notification, sent on the given executor (SMTP is blocking I/O: give it the
 * blocking-IO dispatcher, never the default one).
 *
 * <p>The Message-ID is derived from the notification id ({@link #messageId}): should a crash make
 * the outbox send a message a second time (see {@link OutboxWorker}), both copies carry the same
 * Message-ID, which mail stores and clients use to drop duplicates. The id also travels as the
 * header {@value #ID_HEADER}.
 */
public final class EmailChannel implements NotificationChannel {

  public static final String ID_HEADER = "X-Tutormesh-Notification-Id";

  private final Smtp smtp;
  private final Session session;
  private final InternetAddress from;
  private final String domain;
  private final Executor executor;

  public EmailChannel(Smtp smtp, Executor executor) {
    this.smtp = Objects.requireNonNull(smtp, "smtp");
    this.executor = Objects.requireNonNull(executor, "executor");
    try {
      this.from = new InternetAddress(smtp.from(), true);
    } catch (MessagingException e) {
      throw new IllegalArgumentException("smtp.from is not an address: " + smtp.from(), e);
    }
    this.domain = from.getAddress().substring(from.getAddress().indexOf('@') + 1);
    Properties props = new Properties();
    String timeout = Long.toString(smtp.timeout().toMillis());
    props.put("mail.smtp.host", smtp.host());
    props.put("mail.smtp.port", Integer.toString(smtp.port()));
    props.put("mail.smtp.auth", Boolean.toString(smtp.authenticates()));
    props.put("mail.smtp.starttls.enable", Boolean.toString(smtp.starttls()));
    props.put("mail.smtp.starttls.required", Boolean.toString(smtp.starttls()));
    props.put("mail.smtp.connectiontimeout", timeout);
    props.put("mail.smtp.timeout", timeout);
    props.put("mail.smtp.writetimeout", timeout);
    this.session = Session.getInstance(props);
  }

  @Override
  public CompletionStage<Void> send(Notification notification) {
    if (notification.channel() != Notification.Channel.EMAIL) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("not an e-mail notification: " + notification.id()));
    }
    return CompletableFuture.runAsync(() -> deliver(notification), executor);
  }

  private void deliver(Notification notification) {
    try {
      MimeMessage message = new IdentifiedMessage(session, messageId(notification.id(), domain));
      message.setFrom(from);
      message.setRecipient(Message.RecipientType.TO, new InternetAddress(notification.recipient(), true));
      message.setSubject(notification.subject(), StandardCharsets.UTF_8.name());
      message.setText(notification.body(), StandardCharsets.UTF_8.name());
      message.setSentDate(new Date());
      message.setHeader(ID_HEADER, notification.id());
      if (smtp.authenticates()) {
        Transport.send(message, smtp.username(), smtp.password());
      } else {
        Transport.send(message);
      }
    } catch (MessagingException e) {
      throw new CompletionException(e);
    }
  }

  /** {@code <id@domain>}, the id's characters that a Message-ID cannot hold replaced by '.'. */
  static String messageId(String notificationId, String domain) {
    return "<" + notificationId.replaceAll("[^A-Za-z0-9_.!#$%&'*+/=?^`{|}~-]", ".") + "@" + domain + ">";
  }

  /** A message whose Message-ID is ours, not a random one made when it is saved. */
  private static final class IdentifiedMessage extends MimeMessage {
    private final String messageId;

    IdentifiedMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }
}
