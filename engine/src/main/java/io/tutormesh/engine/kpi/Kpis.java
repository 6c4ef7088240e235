package io.tutormesh.engine.kpi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The marketplace's KPIs over a window, computed from the KPI rows (pure: the repository reads the
 * rows, this adds them up). Requests count by the instant they were made; {@code matched},
 * {@code completed}, {@code cancelled}, {@code noShows} are of those requests; the money figures
 * count by the instant they moved.
 */
public record Kpis(
    Instant from,
    Instant to,
    long requests,
    long matched,
    double matchRate,
    Percentiles timeToMatchMs,
    long completed,
    long cancelled,
    long noShows,
    long grossCents,
    long commissionCents,
    long refundsCents,
    long escrowOutstandingCents,
    Double takeRate,
    Double paymentSuccessRate,
    long payments) {

  /** Nearest-rank percentiles; all null without data. */
  public record Percentiles(Long p50, Long p95, Long p99) {
    public static final Percentiles NONE = new Percentiles(null, null, null);

    public static Percentiles of(List<Long> values) {
      if (values.isEmpty()) {
        return NONE;
      }
      List<Long> sorted = new ArrayList<>(values);
      sorted.sort(Long::compare);
      return new Percentiles(rank(sorted, 50), rank(sorted, 95), rank(sorted, 99));
    }

    private static Long rank(List<Long> sorted, int percent) {
      int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
  }

  /** One request's row. */
  public record SessionRow(String sessionId, Instant requestedAt, Instant matchedAt, String outcome) {}

  /** One money row: kind {@link #GROSS}, {@link #COMMISSION}, {@link #REFUND}, {@link #ESCROW}, {@link #PAYMENT_OK}, {@link #PAYMENT_FAILED}. */
  public record MoneyRow(String kind, String id, long amountCents, Instant at) {}

  public static final String GROSS = "gross";
  public static final String COMMISSION = "commission";
  public static final String REFUND = "refund";
  public static final String ESCROW = "escrow";
  public static final String PAYMENT_OK = "payment-ok";
  public static final String PAYMENT_FAILED = "payment-failed";

  /**
   * @param sessions the rows of the days that cover the window (rows outside it are skipped)
   * @param money the money rows of the days that cover the window
   * @param recentMoney the money rows of the escrow look-back (for what escrows hold now)
   */
  public static Kpis compute(Instant from, Instant to, Collection<SessionRow> sessions, Collection<MoneyRow> money,
      Collection<MoneyRow> recentMoney) {
    long requests = 0;
    long matched = 0;
    long completed = 0;
    long cancelled = 0;
    long noShows = 0;
    List<Long> toMatch = new ArrayList<>();
    for (SessionRow row : sessions) {
      if (row.requestedAt() == null || !within(row.requestedAt(), from, to)) {
        continue;
      }
      requests++;
      if (row.matchedAt() != null) {
        matched++;
        toMatch.add(Math.max(0, row.matchedAt().toEpochMilli() - row.requestedAt().toEpochMilli()));
      }
      String outcome = row.outcome() == null ? "" : row.outcome();
      switch (outcome) {
        case "COMPLETED" -> completed++;
        case "CANCELLED" -> cancelled++;
        case "NO_SHOW" -> noShows++;
        default -> { }
      }
    }
    long gross = 0;
    long commission = 0;
    long refunds = 0;
    long ok = 0;
    long failed = 0;
    for (MoneyRow row : money) {
      if (!within(row.at(), from, to)) {
        continue;
      }
      switch (row.kind()) {
        case GROSS -> gross += row.amountCents();
        case COMMISSION -> commission += row.amountCents();
        case REFUND -> refunds += row.amountCents();
        case PAYMENT_OK -> ok++;
        case PAYMENT_FAILED -> failed++;
        default -> { }
      }
    }
    return new Kpis(from, to, requests, matched, requests == 0 ? 0.0 : (double) matched / requests, Percentiles.of(toMatch),
        completed, cancelled, noShows, gross, commission, refunds, escrowOutstanding(recentMoney),
        gross == 0 ? null : (double) commission / gross, ok + failed == 0 ? null : (double) ok / (ok + failed), ok + failed);
  }

  /**
   * What escrows hold: for every session escrowed in the look-back, its escrow less what went back
   * (refund) and what was released (gross), never below 0.
   */
  static long escrowOutstanding(Collection<MoneyRow> rows) {
    Map<String, Long> escrowed = new HashMap<>();
    Map<String, Long> out = new HashMap<>();
    for (MoneyRow row : rows) {
      switch (row.kind()) {
        case ESCROW -> escrowed.merge(row.id(), row.amountCents(), Long::sum);
        case REFUND, GROSS -> out.merge(row.id(), row.amountCents(), Long::sum);
        default -> { }
      }
    }
    long total = 0;
    for (Map.Entry<String, Long> e : escrowed.entrySet()) {
      total += Math.max(0, e.getValue() - out.getOrDefault(e.getKey(), 0L));
    }
    return total;
  }

  private static boolean within(Instant at, Instant from, Instant to) {
    return at != null && !at.isBefore(from) && at.isBefore(to);
  }
}
