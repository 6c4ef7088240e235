package io.tutormesh.persistence;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The statements of the Cassandra read sides, run on a shared asynchronous {@link CassandraSession}:
 * each statement is prepared (the driver caches prepared statements by their text), bound and
 * executed without blocking a thread.
 *
 * <p>Plain reads and writes are {@code LOCAL_QUORUM} and idempotent (the driver may retry them). A
 * lightweight transaction ({@link #applies}) is {@code LOCAL_SERIAL} and not idempotent: a retry
 * could answer "not applied" to its own write.
 */
public final class Cql {

  /** The session that the persistence plugin shares with the read sides. */
  public static final String PLUGIN_SESSION = "pekko.persistence.cassandra";

  private static final String APPLIED = "[applied]";

  private final CassandraSession session;

  public Cql(CassandraSession session) {
    this.session = Objects.requireNonNull(session, "session");
  }

  /** The session of {@link #PLUGIN_SESSION} on a node. */
  public static CassandraSession pluginSession(ClassicActorSystemProvider system) {
    return CassandraSessionRegistry.get(system).sessionFor(PLUGIN_SESSION);
  }

  /** Prepared, LOCAL_QUORUM, idempotent: a plain read or write, for a caller to adjust further. */
  public CompletionStage<BoundStatement> bound(String cql, Object... values) {
    return session.prepare(cql).thenApply(prepared -> prepared.bind(values)
        .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM)
        .setIdempotent(true));
  }

  /** A lightweight transaction: LOCAL_SERIAL, and not retried by the driver. */
  public CompletionStage<BoundStatement> lwt(String cql, Object... values) {
    return session.prepare(cql).thenApply(prepared -> prepared.bind(values)
        .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM)
        .setSerialConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL)
        .setIdempotent(false));
  }

  /** The first row of a plain read, if any. */
  public CompletionStage<Optional<Row>> selectOne(String cql, Object... values) {
    return bound(cql, values).thenCompose(session::selectOne);
  }

  /** All rows of a plain read (a bounded one: they are held in memory). */
  public CompletionStage<List<Row>> selectAll(String cql, Object... values) {
    return bound(cql, values).thenCompose(session::selectAll);
  }

  /** A plain write. */
  public CompletionStage<Done> write(String cql, Object... values) {
    return bound(cql, values).thenCompose(session::executeWrite);
  }

  /** Runs a lightweight transaction ({@code ... IF ...}): whether it applied. */
  public CompletionStage<Boolean> applies(String cql, Object... values) {
    return lwt(cql, values).thenCompose(session::selectOne)
        .thenApply(row -> row.map(r -> r.getBoolean(APPLIED)).orElse(false));
  }
}
