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
 *   <li>A Twilio-like adapter, concretely: POST the message (to, text, its sender id from config)
 *       to the provider's API with an HTTP client that has a timeout shorter than {@code
 *       tutormesh.notifications.send-timeout}; complete on a 2xx answer that names the provider's
 *       message id (log that id, not the text); fail the stage on 4xx (the outbox retries with
 *       backoff, then gives up: a refused number stays refused) and on 5xx, 429 or no answer.
 * </ul>
 *
 * <p>Plugging one in: the node passes its provider to {@code Notifications.start} (in the
 * gateway's {@code Node}, {@link LogSmsProvider} today); a real adapter is chosen there, e.g. by a
 * {@code tutormesh.notifications.sms.provider} key, with its settings beside it.
 */
public interface SmsProvider {

  CompletionStage<Void> send(String to, String text, String messageId);
}
