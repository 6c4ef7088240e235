package io.tutormesh.engine.money;

import io.tutormesh.engine.common.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tutor's earnings, as its events leave them: one credit per completed session (idempotent by
 * session id), each net of the platform's commission and pending until its {@code availableAt}
 * (the end of the dispute window), then available; and what was paid out. Immutable.
 *
 * <p>A disputed session's credit is {@code frozen}: pending, whatever its {@code availableAt},
 * until the dispute is resolved. A refunded session's credit is {@code reversed}: it counts
 * nowhere any more (but stays, so that the session is never credited again). Payouts are kept by
 * their idempotency key; one in flight ({@link PayoutStatus#PENDING}) is already taken from what is
 * available, so that two payouts cannot spend the same cents.
 *
 * <p><b>Bounded.</b> A busy tutor earns thousands of credits; they are not all kept. When a credit
 * comes in, every credit that is fully available by then (past its dispute window, not frozen, not
 * reversed: nothing can change it any more, since a session is refunded or disputed only while its
 * money is held or pending) is {@link Folded folded} into running totals, except the newest {@link
 * #KEPT_CREDITS}, which the API lists ({@link #latest}). So {@code credits} holds the pending and
 * disputable credits, the reversed ones, and the newest few; every total is the same as if nothing
 * had been folded. Folding depends only on the events (the new credit's time), so a replay folds
 * the same way. A folded session is no longer {@link #hasCredit known}: its settlement was
 * acknowledged a dispute window before (the session stops asking once acknowledged).
 *
 * @param frozen sessions under dispute (null in earnings written before disputes existed)
 * @param reversed sessions refunded to the student (null in older earnings)
 * @param payouts payouts by idempotency key (null in older earnings)
 * @param folded the totals of the credits no longer kept one by one (null in older earnings: none)
 */
public record Earnings(
    Map<String, Credit> credits, long paidOutCents, Set<String> frozen, Set<String> reversed, Map<String, Payout> payouts, Folded folded)
    implements CborSerializable {

  public static final Earnings NONE = new Earnings(Map.of(), 0);

  /** Credits always kept one by one, the newest: what the API's {@code entries} show. */
  public static final int KEPT_CREDITS = Wallet.MAX_ENTRIES;

  /** The sum of the credits folded away: how many, their net, commission, gross and minutes. */
  public record Folded(long count, long netCents, long commissionCents, long grossCents, long minutes) implements CborSerializable {
    public static final Folded NONE = new Folded(0, 0, 0, 0, 0);

    Folded plus(Credit credit) {
      return new Folded(count + 1, Math.addExact(netCents, credit.netCents()), Math.addExact(commissionCents, credit.commissionCents()),
          Math.addExact(grossCents, credit.grossCents()), Math.addExact(minutes, credit.minutes()));
    }
  }

  public enum PayoutStatus { PENDING, SUCCEEDED, DECLINED, FAILED }

  /**
   * One payout, under the tutor's idempotency key. {@code requestHash} identifies what was asked
   * (amount and account), so that the same key with another request is refused.
   */
  public record Payout(
      String payoutId,
      String key,
      String requestHash,
      long amountCents,
      String accountId,
      PayoutStatus status,
      String reference,
      String message,
      Instant at,
      Instant settledAt) implements CborSerializable {

    Payout settled(ProviderResult result, Instant when) {
      PayoutStatus outcome = switch (result.outcome()) {
        case SUCCEEDED -> PayoutStatus.SUCCEEDED;
        case DECLINED -> PayoutStatus.DECLINED;
        case FAILED -> PayoutStatus.FAILED;
      };
      return new Payout(payoutId, key, requestHash, amountCents, accountId, outcome, result.reference(), result.message(), at, when);
    }
  }

  public Earnings(Map<String, Credit> credits, long paidOutCents) {
    this(credits, paidOutCents, Set.of(), Set.of(), Map.of(), Folded.NONE);
  }

  public Earnings(Map<String, Credit> credits, long paidOutCents, Set<String> frozen, Set<String> reversed, Map<String, Payout> payouts) {
    this(credits, paidOutCents, frozen, reversed, payouts, Folded.NONE);
  }

  /**
   * What one session earned: {@code grossCents} captured from the student, of which the platform
   * keeps {@code commissionCents} ({@code commissionPercent} by the ladder) and the tutor {@code netCents}.
   */
  public record Credit(
      String sessionId,
      long grossCents,
      int commissionPercent,
      long commissionCents,
      long netCents,
      long minutes,
      Instant availableAt,
      Instant at) implements CborSerializable {}

  public Earnings {
    credits = Map.copyOf(credits);
    frozen = frozen == null ? Set.of() : Set.copyOf(frozen);
    reversed = reversed == null ? Set.of() : Set.copyOf(reversed);
    payouts = payouts == null ? Map.of() : Map.copyOf(payouts);
    folded = folded == null ? Folded.NONE : folded;
  }

  public boolean isFrozen(String sessionId) {
    return frozen.contains(sessionId);
  }

  public boolean isReversed(String sessionId) {
    return reversed.contains(sessionId);
  }

  /** Credits that still count: not reversed by a refund. */
  private java.util.stream.Stream<Credit> standing() {
    return credits.values().stream().filter(c -> !reversed.contains(c.sessionId()));
  }

  private boolean pendingAt(Credit credit, Instant now) {
    return credit.availableAt().isAfter(now) || frozen.contains(credit.sessionId());
  }

  /** Payouts asked of the provider without an answer yet: their amounts are not available. */
  public long payingOutCents() {
    return payouts.values().stream().filter(p -> p.status() == PayoutStatus.PENDING).mapToLong(Payout::amountCents).sum();
  }

  public Optional<Payout> payout(String key) {
    return Optional.ofNullable(payouts.get(key));
  }

  public Optional<Payout> payoutById(String payoutId) {
    return payouts.values().stream().filter(p -> p.payoutId().equals(payoutId)).findFirst();
  }

  public List<Payout> pendingPayouts() {
    return payouts.values().stream().filter(p -> p.status() == PayoutStatus.PENDING).toList();
  }

  /** The latest payouts, newest first. */
  public List<Payout> latestPayouts(int count) {
    List<Payout> all = payouts.values().stream().sorted((a, b) -> b.at().compareTo(a.at())).toList();
    return all.subList(0, Math.min(count, all.size()));
  }

  public boolean hasCredit(String sessionId) {
    return credits.containsKey(sessionId);
  }

  /** Completed teaching hours: what the commission ladder looks at. */
  public double completedHours() {
    return (standing().mapToLong(Credit::minutes).sum() + folded.minutes()) / 60.0;
  }

  /** Net of the credits still in the dispute window or frozen by a dispute. */
  public long pendingCents(Instant now) {
    return standing().filter(c -> pendingAt(c, now)).mapToLong(Credit::netCents).sum();
  }

  /** What can be paid out now: net of the credits past their window, less payouts made or in flight. */
  public long availableCents(Instant now) {
    long earned = standing().filter(c -> !pendingAt(c, now)).mapToLong(Credit::netCents).sum() + folded.netCents();
    return earned - paidOutCents - payingOutCents();
  }

  public long commissionCents() {
    return standing().mapToLong(Credit::commissionCents).sum() + folded.commissionCents();
  }

  /** Everything the tutor is owed, pending or available: what the ledger's tutor account holds. */
  public long owedCents() {
    return standing().mapToLong(Credit::netCents).sum() + folded.netCents() - paidOutCents;
  }

  public List<Credit> latest(int count) {
    List<Credit> all = credits.values().stream().sorted((a, b) -> b.at().compareTo(a.at())).toList();
    return all.subList(0, Math.min(count, all.size()));
  }

  /** The credit of a completed session: split by the ladder, pending for the dispute window. */
  public static Credit credit(
      String sessionId, long grossCents, long minutes, int commissionPercent, Duration disputeWindow, Instant at) {
    CommissionLadder.Split split = CommissionLadder.split(grossCents, commissionPercent);
    return new Credit(sessionId, grossCents, commissionPercent, split.commissionCents(), split.netCents(), minutes, at.plus(disputeWindow), at);
  }

  public Earnings credited(Credit credit) {
    if (credits.containsKey(credit.sessionId())) {
      return this;
    }
    Map<String, Credit> more = new LinkedHashMap<>(credits);
    more.put(credit.sessionId(), credit);
    return new Earnings(more, paidOutCents, frozen, reversed, payouts, folded).foldedAt(credit.at());
  }

  /**
   * Folds the credits fully available at {@code now} (not frozen, not reversed), except the newest
   * {@link #KEPT_CREDITS}, into {@link #folded}. Every total stays the same.
   */
  Earnings foldedAt(Instant now) {
    if (credits.size() <= KEPT_CREDITS) {
      return this;
    }
    Set<String> newest = new java.util.HashSet<>();
    credits.values().stream()
        .sorted(java.util.Comparator.comparing(Credit::at).thenComparing(Credit::sessionId).reversed())
        .limit(KEPT_CREDITS)
        .forEach(c -> newest.add(c.sessionId()));
    Map<String, Credit> kept = new LinkedHashMap<>();
    Folded more = folded;
    for (Credit c : credits.values()) {
      String id = c.sessionId();
      if (newest.contains(id) || reversed.contains(id) || frozen.contains(id) || c.availableAt().isAfter(now)) {
        kept.put(id, c);
      } else {
        more = more.plus(c);
      }
    }
    return more == folded ? this : new Earnings(kept, paidOutCents, frozen, reversed, payouts, more);
  }

  public Earnings paidOut(long cents) {
    return new Earnings(credits, Math.addExact(paidOutCents, cents), frozen, reversed, payouts, folded);
  }

  /** A dispute freezes the session's credit (also one not credited yet): pending until resolved. */
  public Earnings frozen(String sessionId) {
    return new Earnings(credits, paidOutCents, plus(frozen, sessionId), reversed, payouts, folded);
  }

  /**
   * A dispute resolved for the tutor ({@link DisputePolicy.Stage#RELEASED}): the credit is no longer
   * frozen and is available from {@code at} on (no dispute can come any more), or from its
   * {@code availableAt} if that is earlier.
   */
  public Earnings released(String sessionId, Instant at) {
    Set<String> fewer = new LinkedHashSet<>(frozen);
    fewer.remove(sessionId);
    Map<String, Credit> changed = new LinkedHashMap<>(credits);
    changed.computeIfPresent(sessionId, (id, c) -> c.availableAt().isAfter(at)
        ? new Credit(c.sessionId(), c.grossCents(), c.commissionPercent(), c.commissionCents(), c.netCents(), c.minutes(), at, c.at())
        : c);
    return new Earnings(changed, paidOutCents, fewer, reversed, payouts, folded);
  }

  /** A refund takes the session's credit back (net and commission); it is never credited again. */
  public Earnings reversed(String sessionId) {
    Set<String> fewer = new LinkedHashSet<>(frozen);
    fewer.remove(sessionId);
    return new Earnings(credits, paidOutCents, fewer, plus(reversed, sessionId), payouts, folded);
  }

  /** A payout is asked of the provider: its amount is no longer available. */
  public Earnings payoutStarted(Payout payout) {
    Map<String, Payout> more = new LinkedHashMap<>(payouts);
    more.put(payout.key(), payout);
    return new Earnings(credits, paidOutCents, frozen, reversed, more, folded);
  }

  /** The provider's answer: a success is paid out; anything else makes the amount available again. */
  public Earnings payoutSettled(String payoutId, ProviderResult result, Instant at) {
    Payout payout = payoutById(payoutId).orElseThrow(() -> new IllegalStateException("no payout " + payoutId));
    Map<String, Payout> settled = new LinkedHashMap<>(payouts);
    settled.put(payout.key(), payout.settled(result, at));
    long paid = result.isSucceeded() ? Math.addExact(paidOutCents, payout.amountCents()) : paidOutCents;
    return new Earnings(credits, paid, frozen, reversed, settled, folded);
  }

  private static Set<String> plus(Set<String> set, String element) {
    Set<String> more = new LinkedHashSet<>(set);
    more.add(element);
    return more;
  }
}
