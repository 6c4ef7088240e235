package io.tutormesh.persistence.kpis;

import io.tutormesh.engine.kpi.Kpis;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** The KPI tables ({@code schema/008-kpis.cql}), as the KPI projections write them and the KPI query reads them. */
public interface KpiRepository {

  /** A request was matched. Idempotent. */
  CompletionStage<Done> sessionMatched(String sessionId, Instant requestedAt, Instant matchedAt);

  /** A request (or its lesson) ended: COMPLETED, CANCELLED, NO_TUTOR, NO_SHOW. Idempotent. */
  CompletionStage<Done> sessionEnded(String sessionId, Instant requestedAt, String outcome, Instant endedAt);

  /** A money fact, by its kind and id. Idempotent. */
  CompletionStage<Done> money(Kpis.MoneyRow row);

  /** The requests made on one UTC day. */
  CompletionStage<List<Kpis.SessionRow>> sessions(LocalDate day);

  /** The money facts of one UTC day. */
  CompletionStage<List<Kpis.MoneyRow>> money(LocalDate day);

  /** The partition of an instant. */
  static LocalDate dayOf(Instant at) {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }
}
