package io.tutormesh.persistence.kpis;

import io.tutormesh.engine.kpi.Kpis;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@code GET /v1/admin/kpis}: reads the day partitions that cover the window (and the escrow
 * look-back) and adds them up ({@link Kpis#compute}). Eventually consistent: the KPI tables are
 * projections, seconds behind the events; a request counts once it is matched or ended.
 */
public final class KpiQuery {

  private final KpiRepository repository;
  private final Duration escrowLookback;

  /** @param escrowLookback how far back escrows are looked for (every escrow settles well within it) */
  public KpiQuery(KpiRepository repository, Duration escrowLookback) {
    this.repository = repository;
    this.escrowLookback = escrowLookback;
  }

  public CompletionStage<Kpis> run(Instant from, Instant to, Instant now) {
    CompletionStage<List<Kpis.SessionRow>> sessions = collect(days(from, to), repository::sessions);
    CompletionStage<List<Kpis.MoneyRow>> money = collect(days(from, to), repository::money);
    CompletionStage<List<Kpis.MoneyRow>> recent = collect(days(now.minus(escrowLookback), now.plusMillis(1)), repository::money);
    return sessions.thenCompose(s -> money.thenCompose(m -> recent.thenApply(r -> Kpis.compute(from, to, s, m, r))));
  }

  /** The UTC days that hold instants in [from, to). */
  static List<LocalDate> days(Instant from, Instant to) {
    List<LocalDate> days = new ArrayList<>();
    LocalDate last = KpiRepository.dayOf(to.minusNanos(1));
    for (LocalDate day = KpiRepository.dayOf(from); !day.isAfter(last); day = day.plusDays(1)) {
      days.add(day);
    }
    return days;
  }

  private static <T> CompletionStage<List<T>> collect(List<LocalDate> days, Function<LocalDate, CompletionStage<List<T>>> read) {
    CompletionStage<List<T>> all = CompletableFuture.completedFuture(new ArrayList<>());
    for (LocalDate day : days) {
      CompletionStage<List<T>> one = read.apply(day);
      all = all.thenCombine(one, (acc, rows) -> {
        acc.addAll(rows);
        return acc;
      });
    }
    return all;
  }
}
