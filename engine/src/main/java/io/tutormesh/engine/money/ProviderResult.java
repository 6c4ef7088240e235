package io.tutormesh.engine.money;

import io.tutormesh.engine.common.CborSerializable;
import java.util.Objects;

/**
 * What a {@link PaymentProvider} answered for one idempotency key. Travels in events and replies.
 *
 * @param outcome {@link Outcome#SUCCEEDED}: the money moved; {@link Outcome#DECLINED}: refused
 *     for good (card declined, unknown method, bad amount), nothing moved; {@link Outcome#FAILED}:
 *     the provider reported an error of its own, nothing moved (a new attempt needs a new key)
 * @param reference the provider's id of the operation (a PaymentIntent, a transfer...): never
 *     null for SUCCEEDED, may be null otherwise
 * @param message a short human explanation, never null (empty when there is nothing to say)
 */
public record ProviderResult(Outcome outcome, String reference, String message) implements CborSerializable {

  public enum Outcome { SUCCEEDED, DECLINED, FAILED }

  public ProviderResult {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome == Outcome.SUCCEEDED && (reference == null || reference.isEmpty())) {
      throw new IllegalArgumentException("a succeeded operation has a reference");
    }
    message = message == null ? "" : message;
  }

  public static ProviderResult succeeded(String reference) {
    return new ProviderResult(Outcome.SUCCEEDED, reference, "");
  }

  public static ProviderResult declined(String reference, String message) {
    return new ProviderResult(Outcome.DECLINED, reference, message);
  }

  public static ProviderResult failed(String reference, String message) {
    return new ProviderResult(Outcome.FAILED, reference, message);
  }

  public boolean isSucceeded() {
    return outcome == Outcome.SUCCEEDED;
  }
}
