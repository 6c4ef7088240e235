package io.tutormesh.engine.money;

import io.tutormesh.engine.common.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tutor's earnings, as its events leave them: one credit per completed session (idempotent by
 * session id), each net of the platform's commission and pending until its {@code availableAt}
 * (the end of the dispute window), then available; and what was paid out. Immutable.
 */
public record Earnings(Map<String, Credit> credits, long paidOutCents) implements CborSerializable {

  public static final Earnings NONE = new Earnings(Map.of(), 0);

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
  }

  public boolean hasCredit(String sessionId) {
    return credits.containsKey(sessionId);
  }

  /** Completed teaching hours: what the commission ladder looks at. */
  public double completedHours() {
    return credits.values().stream().mapToLong(Credit::minutes).sum() / 60.0;
  }

  public long pendingCents(Instant now) {
    return credits.values().stream().filter(c -> c.availableAt().isAfter(now)).mapToLong(Credit::netCents).sum();
  }

  public long availableCents(Instant now) {
    long earned = credits.values().stream().filter(c -> !c.availableAt().isAfter(now)).mapToLong(Credit::netCents).sum();
    return earned - paidOutCents;
  }

  public long commissionCents() {
    return credits.values().stream().mapToLong(Credit::commissionCents).sum();
  }

  /** Everything the tutor is owed, pending or available: what the ledger's tutor account holds. */
  public long owedCents() {
    return credits.values().stream().mapToLong(Credit::netCents).sum() - paidOutCents;
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
    return new Earnings(more, paidOutCents);
  }

  public Earnings paidOut(long cents) {
    return new Earnings(credits, Math.addExact(paidOutCents, cents));
  }
}
