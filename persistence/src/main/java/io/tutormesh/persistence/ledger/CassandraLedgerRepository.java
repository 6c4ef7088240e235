package io.tutormesh.persistence.ledger;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tutormesh.engine.ledger.Postings;
import io.tutormesh.engine.ledger.TrialBalance;
import io.tutormesh.persistence.CassandraSchema;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * {@link LedgerRepository} in the {@code ledger_lines} and {@code ledger_top_ups} tables of {@code
 * schema/007-ledger.cql}, through the Cassandra session the persistence plugin shares.
 */
public final class CassandraLedgerRepository implements LedgerRepository {

  private static final String PLUGIN_SESSION = "pekko.persistence.cassandra";
  /** Rows per page of the trial balance's stream. */
  static final int PAGE_SIZE = 5000;

  private final CassandraSession session;
  private final Materializer materializer;
  private final String insertLine;
  private final String selectLines;
  private final String insertTopUp;
  private final String selectTopUp;
  private final String insertUnmatched;

  CassandraLedgerRepository(CassandraSession session, String keyspace, Materializer materializer) {
    String ks = CassandraSchema.validateKeyspace(keyspace);
    this.session = session;
    this.materializer = materializer;
    this.insertLine = "INSERT INTO " + ks + ".ledger_lines (transfer_id, leg, side, account, amount_cents, at, event)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    this.selectLines = "SELECT transfer_id, leg, side, account, amount_cents, at FROM " + ks + ".ledger_lines";
    this.insertTopUp = "INSERT INTO " + ks + ".ledger_top_ups (transfer_id, student_id, top_up_id, price_cents, credit_cents, bonus_cents)"
        + " VALUES (?, ?, ?, ?, ?, ?)";
    this.selectTopUp = "SELECT top_up_id, price_cents, credit_cents, bonus_cents FROM " + ks + ".ledger_top_ups WHERE transfer_id = ?";
    this.insertUnmatched = "INSERT INTO " + ks + ".ledger_unmatched (event, kind, reference, at, reason) VALUES (?, ?, ?, ?, ?)";
  }

  public static CassandraLedgerRepository create(ClassicActorSystemProvider system, String keyspace) {
    return new CassandraLedgerRepository(
        CassandraSessionRegistry.get(system).sessionFor(PLUGIN_SESSION), keyspace, Materializer.matFromSystem(system));
  }

  @Override
  public CompletionStage<Done> rememberTopUp(String studentId, Postings.TopUpTerms terms) {
    return session.prepare(insertTopUp)
        .thenApply(p -> quorum(p.bind(Postings.topUpTransfer(terms.topUpId()), studentId, terms.topUpId(),
            terms.priceCents(), terms.creditCents(), terms.bonusCents())))
        .thenCompose(session::executeWrite);
  }

  @Override
  public CompletionStage<Optional<Postings.TopUpTerms>> topUp(String topUpId) {
    return session.prepare(selectTopUp)
        .thenApply(p -> quorum(p.bind(Postings.topUpTransfer(topUpId))))
        .thenCompose(session::selectOne)
        .thenApply(row -> row.map(r -> new Postings.TopUpTerms(
            r.getString("top_up_id"), r.getLong("price_cents"), r.getLong("credit_cents"), r.getLong("bonus_cents"))));
  }

  @Override
  public CompletionStage<Done> post(List<Postings.Posting> postings, String event) {
    if (postings.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return session.prepare(insertLine).thenCompose(prepared -> {
      // One transfer is one partition: a logged batch writes all of its lines or none.
      BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.LOGGED);
      for (Postings.Posting posting : postings) {
        for (Postings.Line line : posting.lines()) {
          batch.addStatement(bind(prepared, line, event));
        }
      }
      BatchStatement statement = batch.build().setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM).setIdempotent(true);
      return session.executeWriteBatch(statement);
    });
  }

  @Override
  public CompletionStage<Done> recordUnmatched(Unmatched unmatched) {
    return session.prepare(insertUnmatched)
        .thenApply(p -> quorum(p.bind(unmatched.event(), unmatched.kind(), unmatched.reference(), unmatched.at(), unmatched.reason())))
        .thenCompose(session::executeWrite);
  }

  @Override
  public CompletionStage<List<Postings.Line>> lines() {
    return session.prepare(selectLines)
        .thenApply(p -> quorum(p.bind()))
        .thenCompose(session::selectAll)
        .thenApply(rows -> rows.stream().map(CassandraLedgerRepository::line).toList());
  }

  /**
   * Streams {@code ledger_lines} page by page ({@link #PAGE_SIZE} rows a request, each page its
   * own request with the driver's timeout) into a running sum: however large the ledger, no read
   * returns it whole and memory holds one number per account.
   */
  @Override
  public CompletionStage<TrialBalance> trialBalance() {
    return session.prepare(selectLines)
        .thenCompose(p -> session.select(quorum(p.bind()).setPageSize(PAGE_SIZE))
            .runWith(Sink.fold(new TrialBalance.Sum(), (sum, row) -> sum.add(line(row))), materializer))
        .thenApply(TrialBalance.Sum::result);
  }

  private static BoundStatement bind(PreparedStatement prepared, Postings.Line line, String event) {
    return prepared.bind(line.transferId(), line.leg(), line.side().name(), line.account(), line.amountCents(), line.at(), event);
  }

  private static BoundStatement quorum(BoundStatement statement) {
    return statement.setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM).setIdempotent(true);
  }

  private static Postings.Line line(Row row) {
    return new Postings.Line(
        row.getString("transfer_id"),
        row.getString("leg"),
        Postings.Side.valueOf(row.getString("side")),
        row.getString("account"),
        row.getLong("amount_cents"),
        row.getInstant("at"));
  }
}
