package io.tutormesh.persistence.notifications;

import java.util.concurrent.CompletionStage;

/**
 * The adapter to an SMS gateway (Twilio, Vonage, MessageBird, an operator's SMPP bridge...). The
 * default, {@link LogSmsProvider}, only writes each message to the log.
 *
 * <p>Contract of an adapter:
 * <ul>
 *   <li>{@code send} completes once the provider has <b>accepted</b> the message (its API answered
 *       with a message id), fails on a refusal, an error or no answer; never blocks the caller (use
 *       the provider's async client, or an executor of its own for a blocking one) and never waits
 *       for the handset's delivery report.
 *   <li>{@code messageId} is the notification's id: send it as the provider's idempotency key or
 *       client reference where the API has one, so that a retry after a crash between "accepted"
 *       and "recorded as sent" is dropped by the provider instead of texting twice.
 *   <li>{@code to} is an E.164 number ({@code +33612345678}; digits only after an optional {@code
 *       +}), already checked; {@code text} is the whole message: splitting into segments is the
 *       provider's job.
 *   <li>Credentials and endpoints come from configuration ({@code tutormesh.notifications.sms...}
 *       with {@code ${?ENV}} overrides), never from code; an adapter logs no secret and no full
 *       number.
 * </ul>
 */
public interface SmsProvider {

  CompletionStage<Void> send(String to, String text, String messageId);
}
