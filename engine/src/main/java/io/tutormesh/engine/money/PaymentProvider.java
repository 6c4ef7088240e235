package io.tutormesh.engine.money;

import java.util.concurrent.CompletionStage;

/**
 * The port to whoever moves real money: charges students (top-ups, plan renewals) and pays tutors
 * out. Tutormesh ships {@link SandboxProvider} (in memory) and, in the persistence module, {@code
 * CassandraSandboxProvider} (remembers its operations in Cassandra); a real provider (Stripe, ...)
 * implements this interface in an adapter of its own.
 *
 * <h2>The contract every implementation keeps</h2>
 *
 * <ul>
 *   <li><b>Idempotent by key.</b> Every call carries an idempotency key (1-255 characters),
 *       chosen by the caller and stored with the operation before the call (e.g. {@code
 *       "top-up:<studentId>:<Idempotency-Key>"}). A call with a key that was used before moves no
 *       money and completes with the first call's {@link ProviderResult}, whatever its outcome;
 *       charges and payouts share one key space. Keys must be remembered at least 24 hours (the
 *       API's promise for top-ups); a real provider may forget them after that.
 *   <li><b>Same key, same request.</b> Callers never reuse a key for a different request (the
 *       gateway answers 409 to a reused Idempotency-Key with another body before any call). If it
 *       happens anyway, the sandboxes answer the first result; a real provider may refuse instead
 *       (Stripe: {@code idempotency_error}), which its adapter reports as {@code FAILED}.
 *   <li><b>An outcome or "unknown".</b> The stage completes with SUCCEEDED, DECLINED or FAILED
 *       when the provider gave a definite answer. It completes <em>exceptionally</em> only when
 *       the outcome is unknown (timeout, connection lost, provider unreachable): the money may or
 *       may not have moved, and the caller must retry <em>with the same key</em> until it gets an
 *       outcome, never with a new key.
 *   <li><b>Never card data.</b> {@code paymentMethod} is a token or method id issued by the
 *       provider to the client app (e.g. Stripe's {@code pm_...}); {@code accountId} is the
 *       provider's id of the tutor's payout account. Card numbers, CVCs, IBANs never pass through
 *       Tutormesh, which keeps it out of PCI DSS scope beyond SAQ A.
 *   <li><b>Amounts</b> are positive integer minor units of {@code currency} (ISO 4217); anything
 *       else is DECLINED, never thrown.
 *   <li><b>Bad keys throw.</b> A null, empty or longer than 255 characters key is a programming
 *       error: the call throws {@link IllegalArgumentException} (see {@link #requireKey}).
 *   <li><b>Non-blocking.</b> Methods return at once; the work runs elsewhere.
 * </ul>
 */
public interface PaymentProvider {

  /** Takes {@code amountCents} from the payment method; SUCCEEDED means the money is captured. */
  CompletionStage<ProviderResult> charge(String idempotencyKey, String paymentMethod, long amountCents, String currency);

  /** Sends {@code amountCents} to a tutor's payout account; SUCCEEDED means the transfer is made. */
  CompletionStage<ProviderResult> payout(String idempotencyKey, String accountId, long amountCents, String currency);

  /** Longest idempotency key, as Stripe's and the API's {@code Idempotency-Key}. */
  int MAX_KEY_LENGTH = 255;

  /** Checks an idempotency key: 1 to {@link #MAX_KEY_LENGTH} characters. */
  static String requireKey(String idempotencyKey) {
    if (idempotencyKey == null || idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("an idempotency key has 1 to " + MAX_KEY_LENGTH + " characters: " + idempotencyKey);
    }
    return idempotencyKey;
  }
}
