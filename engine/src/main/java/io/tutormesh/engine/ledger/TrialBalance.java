package io.tutormesh.engine.ledger;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sums of the ledger's lines: debits, credits and the balance of every account (credits
 * positive), and how the money that came in through {@link Postings#PROVIDER_CLEARING} compares
 * with what the payment provider says it charged.
 */
public record TrialBalance(long debitsCents, long creditsCents, Map<String, Long> accounts) {

  /** How the ledger's money in compares with the provider's charges. */
  public enum Reconciliation {
    /** The ledger shows exactly what the provider charged. */
    RECONCILED,
    /**
     * The provider charged more than the ledger shows: charges whose top-up is not projected yet
     * (the projection lags by seconds) or not settled yet (a node stopped between the charge and
     * its event; the student's recovery settles it). Expected to turn RECONCILED; if it stays, look.
     */
    LAGGING,
    /** The ledger shows more money in than the provider charged: never expected. */
    MISMATCH
  }

  public static final TrialBalance EMPTY = new TrialBalance(0, 0, Map.of());

  public TrialBalance {
    accounts = Collections.unmodifiableMap(new TreeMap<>(accounts));
  }

  public static TrialBalance of(Iterable<Postings.Line> lines) {
    Sum sum = new Sum();
    for (Postings.Line line : lines) {
      sum.add(line);
    }
    return sum.result();
  }

  /**
   * A trial balance summed one line at a time, for lines read as a stream (page after page) that
   * are never all in memory: it holds one number per account. Not thread-safe; one reader.
   */
  public static final class Sum {
    private long debits;
    private long credits;
    private final Map<String, Long> accounts = new TreeMap<>();

    public Sum add(Postings.Line line) {
      if (line.side() == Postings.Side.DEBIT) {
        debits = Math.addExact(debits, line.amountCents());
      } else {
        credits = Math.addExact(credits, line.amountCents());
      }
      accounts.merge(line.account(), line.signedCents(), Math::addExact);
      return this;
    }

    public TrialBalance result() {
      return new TrialBalance(debits, credits, accounts);
    }
  }

  /** Debits equal credits, and so the accounts add up to zero. */
  public boolean balanced() {
    return debitsCents == creditsCents && accounts.values().stream().mapToLong(Long::longValue).sum() == 0;
  }

  public long balance(String account) {
    return accounts.getOrDefault(account, 0L);
  }

  /** The sum of the accounts whose name starts with {@code prefix} (e.g. {@code "escrow:"}). */
  public long total(String prefix) {
    return accounts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue).sum();
  }

  /** Money in the escrow of sessions not settled yet (or whose tutor credit is not projected yet). */
  public long escrowCents() {
    return total("escrow:");
  }

  /** What the platform owes tutors (pending and available earnings). */
  public long tutorsPayableCents() {
    return total("tutor:");
  }

  /** What the platform owes students (balances and holds not escrowed). */
  public long studentsCents() {
    return total("student:");
  }

  public long commissionCents() {
    return balance(Postings.PLATFORM_COMMISSION);
  }

  /** The money that came in through the payment provider, net of payouts (none posted yet). */
  public long moneyInCents() {
    return -balance(Postings.PROVIDER_CLEARING);
  }

  public Reconciliation reconcile(long providerChargedCents) {
    long in = moneyInCents();
    return in == providerChargedCents ? Reconciliation.RECONCILED
        : in < providerChargedCents ? Reconciliation.LAGGING
        : Reconciliation.MISMATCH;
  }
}
