package io.tutormesh.engine.money;

import java.util.Currency;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The built-in {@link PaymentProvider} for the default run and the tests: no network, no real
 * money, outcomes decided by the payment method alone.
 *
 * <table>
 *   <caption>Charges</caption>
 *   <tr><th>paymentMethod</th><th>outcome</th></tr>
 *   <tr><td>{@code pm_card_ok}, {@code pm_wallet_ok}, {@code pm_transfer_ok} (card, e-wallet,
 *       bank transfer)</td><td>SUCCEEDED</td></tr>
 *   <tr><td>{@code pm_card_declined}</td><td>DECLINED</td></tr>
 *   <tr><td>{@code pm_card_error} (the provider's own failure)</td><td>FAILED</td></tr>
 *   <tr><td>anything else</td><td>DECLINED, "unknown payment method"</td></tr>
 * </table>
 *
 * Payouts succeed to any account, except {@code acct_declined} (DECLINED) and {@code acct_error}
 * (FAILED), kept for testing those paths. A non-positive amount or an unknown currency is DECLINED.
 *
 * <p>Idempotency lives in memory: the first call with a key decides its result, and every later
 * call with that key gets the very same {@link ProviderResult} object, even with another amount,
 * method or kind. (Stripe would refuse such a reuse with an {@code idempotency_error}; the gateway
 * never sends one, see {@link PaymentProvider}.) A restart forgets everything: {@code
 * CassandraSandboxProvider} in the persistence module keeps the same rules in Cassandra.
 */
public final class SandboxProvider implements PaymentProvider {

  public static final String CARD_OK = "pm_card_ok";
  public static final String CARD_DECLINED = "pm_card_declined";
  public static final String CARD_ERROR = "pm_card_error";
  public static final String WALLET_OK = "pm_wallet_ok";
  public static final String TRANSFER_OK = "pm_transfer_ok";
  /** Every payment method the sandbox knows. */
  public static final List<String> METHODS = List.of(CARD_OK, CARD_DECLINED, CARD_ERROR, WALLET_OK, TRANSFER_OK);

  public static final String ACCOUNT_DECLINED = "acct_declined";
  public static final String ACCOUNT_ERROR = "acct_error";

  /** What a sandbox took in and paid out (succeeded operations only). */
  public record Totals(long chargedCents, long paidOutCents) {
    public static final Totals ZERO = new Totals(0, 0);

    /** Money in minus money out. */
    public long netCents() {
      return chargedCents - paidOutCents;
    }

    public Totals plus(Kind kind, long amountCents) {
      return kind == Kind.CHARGE
          ? new Totals(Math.addExact(chargedCents, amountCents), paidOutCents)
          : new Totals(chargedCents, Math.addExact(paidOutCents, amountCents));
    }
  }

  /** The two operations, as stored. */
  public enum Kind { CHARGE, PAYOUT }

  private record Operation(Kind kind, long amountCents, ProviderResult result) {}

  private final ConcurrentMap<String, Operation> operations = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<ProviderResult> charge(String idempotencyKey, String paymentMethod, long amountCents, String currency) {
    return run(idempotencyKey, Kind.CHARGE, paymentMethod, amountCents, currency);
  }

  @Override
  public CompletionStage<ProviderResult> payout(String idempotencyKey, String accountId, long amountCents, String currency) {
    return run(idempotencyKey, Kind.PAYOUT, accountId, amountCents, currency);
  }

  /** Sums the succeeded charges and payouts. */
  public Totals totals() {
    Totals totals = Totals.ZERO;
    for (Operation operation : operations.values()) {
      if (operation.result().isSucceeded()) {
        totals = totals.plus(operation.kind(), operation.amountCents());
      }
    }
    return totals;
  }

  private CompletionStage<ProviderResult> run(String key, Kind kind, String target, long amountCents, String currency) {
    PaymentProvider.requireKey(key);
    Operation operation = operations.computeIfAbsent(
        key, k -> new Operation(kind, amountCents, decide(kind, target, amountCents, currency, newReference(kind))));
    return CompletableFuture.completedFuture(operation.result());
  }

  /**
   * The sandbox's rules: the result of a first call (see the class comment). Shared with {@code
   * CassandraSandboxProvider}.
   *
   * @param target the payment method of a charge, the account of a payout
   */
  public static ProviderResult decide(Kind kind, String target, long amountCents, String currency, String reference) {
    Objects.requireNonNull(kind, "kind");
    if (amountCents <= 0) {
      return ProviderResult.declined(reference, "amount must be positive: " + amountCents);
    }
    if (!isCurrency(currency)) {
      return ProviderResult.declined(reference, "unsupported currency: " + currency);
    }
    if (kind == Kind.PAYOUT) {
      if (target == null || target.isBlank()) {
        return ProviderResult.declined(reference, "no payout account");
      }
      return switch (target) {
        case ACCOUNT_DECLINED -> ProviderResult.declined(reference, "payout account declined the transfer (sandbox)");
        case ACCOUNT_ERROR -> ProviderResult.failed(reference, "payout failed at the provider (sandbox)");
        default -> ProviderResult.succeeded(reference);
      };
    }
    if (target == null) {
      return ProviderResult.declined(reference, "no payment method");
    }
    return switch (target) {
      case CARD_OK, WALLET_OK, TRANSFER_OK -> ProviderResult.succeeded(reference);
      case CARD_DECLINED -> ProviderResult.declined(reference, "card declined (sandbox)");
      case CARD_ERROR -> ProviderResult.failed(reference, "payment provider error (sandbox)");
      default -> ProviderResult.declined(reference, "unknown payment method: " + target + " (the sandbox knows " + METHODS + ")");
    };
  }

  /** A new provider reference: {@code sbx_ch_<uuid>} for a charge, {@code sbx_po_<uuid>} for a payout. */
  public static String newReference(Kind kind) {
    return (kind == Kind.CHARGE ? "sbx_ch_" : "sbx_po_") + UUID.randomUUID().toString().replace("-", "");
  }

  private static boolean isCurrency(String code) {
    return code != null && Currency.getAvailableCurrencies().stream().anyMatch(c -> c.getCurrencyCode().equals(code));
  }
}
