package io.tutormesh.persistence.kpis;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import io.tutormesh.engine.kpi.Kpis;
import io.tutormesh.persistence.CassandraSchema;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/** {@link KpiRepository} in {@code kpi_sessions} and {@code kpi_money}, through the persistence plugin's Cassandra session. */
public final class CassandraKpiRepository implements KpiRepository {

  private static final String PLUGIN_SESSION = "pekko.persistence.cassandra";

  private final CassandraSession session;
  private final String matched;
  private final String ended;
  private final String insertMoney;
  private final String selectSessions;
  private final String selectMoney;

  CassandraKpiRepository(CassandraSession session, String keyspace) {
    String ks = CassandraSchema.validateKeyspace(keyspace);
    this.session = session;
    this.matched = "UPDATE " + ks + ".kpi_sessions SET requested_at = ?, matched_at = ? WHERE day = ? AND session_id = ?";
    this.ended = "UPDATE " + ks + ".kpi_sessions SET requested_at = ?, outcome = ?, ended_at = ? WHERE day = ? AND session_id = ?";
    this.insertMoney = "INSERT INTO " + ks + ".kpi_money (day, kind, id, amount_cents, at) VALUES (?, ?, ?, ?, ?)";
    this.selectSessions = "SELECT session_id, requested_at, matched_at, outcome FROM " + ks + ".kpi_sessions WHERE day = ?";
    this.selectMoney = "SELECT kind, id, amount_cents, at FROM " + ks + ".kpi_money WHERE day = ?";
  }

  public static CassandraKpiRepository create(ClassicActorSystemProvider system, String keyspace) {
    return new CassandraKpiRepository(CassandraSessionRegistry.get(system).sessionFor(PLUGIN_SESSION), keyspace);
  }

  @Override
  public CompletionStage<Done> sessionMatched(String sessionId, Instant requestedAt, Instant matchedAt) {
    return session.prepare(matched)
        .thenApply(p -> quorum(p.bind(requestedAt, matchedAt, KpiRepository.dayOf(requestedAt).toString(), sessionId)))
        .thenCompose(session::executeWrite);
  }

  @Override
  public CompletionStage<Done> sessionEnded(String sessionId, Instant requestedAt, String outcome, Instant endedAt) {
    return session.prepare(ended)
        .thenApply(p -> quorum(p.bind(requestedAt, outcome, endedAt, KpiRepository.dayOf(requestedAt).toString(), sessionId)))
        .thenCompose(session::executeWrite);
  }

  @Override
  public CompletionStage<Done> money(Kpis.MoneyRow row) {
    return session.prepare(insertMoney)
        .thenApply(p -> quorum(p.bind(KpiRepository.dayOf(row.at()).toString(), row.kind(), row.id(), row.amountCents(), row.at())))
        .thenCompose(session::executeWrite);
  }

  @Override
  public CompletionStage<List<Kpis.SessionRow>> sessions(LocalDate day) {
    return session.prepare(selectSessions)
        .thenApply(p -> quorum(p.bind(day.toString())))
        .thenCompose(session::selectAll)
        .thenApply(rows -> rows.stream().map(r -> new Kpis.SessionRow(
            r.getString("session_id"), r.getInstant("requested_at"), r.getInstant("matched_at"), r.getString("outcome"))).toList());
  }

  @Override
  public CompletionStage<List<Kpis.MoneyRow>> money(LocalDate day) {
    return session.prepare(selectMoney)
        .thenApply(p -> quorum(p.bind(day.toString())))
        .thenCompose(session::selectAll)
        .thenApply(rows -> rows.stream().map(r -> new Kpis.MoneyRow(
            r.getString("kind"), r.getString("id"), r.getLong("amount_cents"), r.getInstant("at"))).toList());
  }

  private static BoundStatement quorum(BoundStatement statement) {
    return statement.setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM).setIdempotent(true);
  }
}
