package io.tutormesh.persistence.notifications;

import java.util.concurrent.CompletionStage;

/**
 * A way to deliver a {@link Notification} ({@link EmailChannel}, {@link SmsChannel}).
 *
 * <p>The stage completes when the transport has <i>accepted</i> the message (the SMTP server
 * answered 250, the SMS provider acknowledged it) and fails otherwise; the {@link OutboxWorker}
 * then records it SENT, or retries it with backoff. A channel must not block the calling thread
 * (run blocking I/O on an executor of its own) and should pass {@link Notification#id()} on as the
 * message's idempotency key or Message-ID, so that the rare second send after a crash (see {@link
 * OutboxWorker}) can be recognised as the same message downstream.
 */
public interface NotificationChannel {

  CompletionStage<Void> send(Notification notification);
}
