package io.tutormesh.persistence.payments;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tutormesh.engine.money.PaymentProvider;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.SandboxProvider;
import io.tutormesh.engine.money.SandboxProvider.Kind;
import io.tutormesh.engine.money.SandboxProvider.Totals;
import io.tutormesh.persistence.CassandraSchema;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The sandbox {@link PaymentProvider} of a node: the rules of {@link SandboxProvider} (outcome by
 * payment method, no real money), with its memory in the {@code sandbox_payments} table of {@code
 * schema/006-sandbox-payments.cql} instead of a map, so that idempotency holds across nodes and
 * restarts.
 *
 * <p>Every call decides its own result first, then writes it with {@code INSERT ... IF NOT
 * EXISTS} (a lightweight transaction, {@code LOCAL_SERIAL}): exactly one writer per key wins, and
 * every call with that key, concurrent or later, on any node, answers the winner's row. A write
 * that times out fails the stage ("unknown": retry with the same key); the retry is safe, since an
 * insert that did apply makes the retry read its own row back.
 */
public final class CassandraSandboxProvider implements PaymentProvider {

  private static final String PLUGIN_SESSION = "pekko.persistence.cassandra";
  private static final String APPLIED = "[applied]";

  /** One remembered operation, as stored. */
  public record Operation(
      String idempotencyKey, Kind kind, String target, long amountCents, String currency, ProviderResult result, Instant at) {}

  private final CassandraSession session;
  private final Clock clock;
  private final String insert;
  private final String selectOne;
  private final String selectAll;

  CassandraSandboxProvider(CassandraSession session, String keyspace, Clock clock) {
    String ks = CassandraSchema.validateKeyspace(keyspace);
    this.session = session;
    this.clock = clock;
    String columns = "idempotency_key, kind, target, amount_cents, currency, outcome, reference, message, at";
    this.insert = "INSERT INTO " + ks + ".sandbox_payments (" + columns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS";
    this.selectOne = "SELECT " + columns + " FROM " + ks + ".sandbox_payments WHERE idempotency_key = ?";
    this.selectAll = "SELECT kind, outcome, amount_cents FROM " + ks + ".sandbox_payments";
  }

  /** The provider of a node: the Cassandra session that the persistence plugin shares, in {@code keyspace}. */
  public static CassandraSandboxProvider create(ClassicActorSystemProvider system, String keyspace) {
    return new CassandraSandboxProvider(
        CassandraSessionRegistry.get(system).sessionFor(PLUGIN_SESSION), keyspace, Clock.systemUTC());
  }

  @Override
  public CompletionStage<ProviderResult> charge(String idempotencyKey, String paymentMethod, long amountCents, String currency) {
    return run(idempotencyKey, Kind.CHARGE, paymentMethod, amountCents, currency);
  }

  @Override
  public CompletionStage<ProviderResult> payout(String idempotencyKey, String accountId, long amountCents, String currency) {
    return run(idempotencyKey, Kind.PAYOUT, accountId, amountCents, currency);
  }

  /** The operation remembered for a key, if any. */
  public CompletionStage<Optional<Operation>> operation(String idempotencyKey) {
    PaymentProvider.requireKey(idempotencyKey);
    return bound(selectOne, idempotencyKey)
        .thenCompose(session::selectOne)
        .thenApply(row -> row.map(CassandraSandboxProvider::operation));
  }

  /**
   * What the sandbox took in and paid out, all keys together (succeeded operations only): the
   * "money in minus money out" of a check. A full table scan: for the sandbox, never for a real
   * provider's volumes.
   */
  public CompletionStage<Totals> totals() {
    return bound(selectAll).thenCompose(session::selectAll).thenApply(CassandraSandboxProvider::sum);
  }

  private CompletionStage<ProviderResult> run(String key, Kind kind, String target, long amountCents, String currency) {
    PaymentProvider.requireKey(key);
    ProviderResult mine = SandboxProvider.decide(kind, target, amountCents, currency, SandboxProvider.newReference(kind));
    Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    return bound(insert, key, kind.name(), target, amountCents, currency, mine.outcome().name(), mine.reference(),
            mine.message(), at)
        .thenApply(statement -> statement.setSerialConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL))
        .thenCompose(session::selectOne)
        .thenApply(row -> {
          Row answer = row.orElseThrow(() -> new IllegalStateException("no answer to the insert of key " + key));
          // Applied: ours is the operation. Not applied: Cassandra answers the row that was there.
          return answer.getBoolean(APPLIED) ? mine : result(answer);
        });
  }

  /** Prepared (the driver caches prepared statements by their text), idempotent, LOCAL_QUORUM. */
  private CompletionStage<BoundStatement> bound(String cql, Object... values) {
    return session.prepare(cql).thenApply(prepared -> prepared.bind(values)
        .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM)
        .setIdempotent(true));
  }

  private static ProviderResult result(Row row) {
    return new ProviderResult(
        ProviderResult.Outcome.valueOf(row.getString("outcome")), row.getString("reference"), row.getString("message"));
  }

  private static Operation operation(Row row) {
    return new Operation(
        row.getString("idempotency_key"),
        Kind.valueOf(row.getString("kind")),
        row.getString("target"),
        row.getLong("amount_cents"),
        row.getString("currency"),
        result(row),
        row.getInstant("at"));
  }

  private static Totals sum(List<Row> rows) {
    Totals totals = Totals.ZERO;
    for (Row row : rows) {
      if (ProviderResult.Outcome.SUCCEEDED.name().equals(row.getString("outcome"))) {
        totals = totals.plus(Kind.valueOf(row.getString("kind")), row.getLong("amount_cents"));
      }
    }
    return totals;
  }
}
