package io.tutormesh.persistence.testing;

import com.datastax.oss.driver.api.core.CqlSession;
import io.tutormesh.persistence.CassandraSchema;
import io.tutormesh.persistence.EmbeddedCassandra;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One real Cassandra and one schema for every test class of a test JVM (schema changes take
 * seconds, so nothing here is per class or per test: isolate tests by unique ids instead).
 *
 * <p>Started lazily by the first {@link #get()}, with its data in {@code target/embedded-cassandra}
 * of the module under test (kept between runs, so later runs skip the table creation), and
 * stopped by a JVM shutdown hook. Shipped in this module's test-jar for the gateway's tests.
 */
public final class SharedCassandra {

  /** The keyspace that holds the journal, snapshots, offsets and read sides in tests. */
  public static final String KEYSPACE = "tutormesh_test";

  private static final Path DATA_DIR = Path.of("target", "embedded-cassandra");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private static SharedCassandra instance;
  private static RuntimeException failure;

  private final EmbeddedCassandra cassandra;
  private final CqlSession session;

  private SharedCassandra(EmbeddedCassandra cassandra, CqlSession session) {
    this.cassandra = cassandra;
    this.session = session;
  }

  /** The running server with the schema applied; starts it on the first call. */
  public static synchronized SharedCassandra get() {
    if (failure != null) {
      throw new IllegalStateException("The shared Cassandra failed to start earlier", failure);
    }
    if (instance == null) {
      try {
        instance = start();
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
    }
    return instance;
  }

  private static SharedCassandra start() {
    EmbeddedCassandra cassandra = EmbeddedCassandra.start(DATA_DIR,
        EmbeddedCassandra.Options.defaults()
            .withStartTimeout(START_TIMEOUT)
            // Test data: trade the durability of schema changes on a machine crash for speed.
            .withUnsafeSystem(true));
    CqlSession session;
    try {
      session = CassandraSchema.connect(
          List.of(cassandra.contactPoint()), cassandra.localDatacenter());
    } catch (RuntimeException e) {
      cassandra.close();
      throw e;
    }
    SharedCassandra shared = new SharedCassandra(cassandra, session);
    try {
      CassandraSchema.apply(session, KEYSPACE, CassandraSchema.SINGLE_NODE_REPLICATION);
    } catch (RuntimeException e) {
      shared.stop();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "shared-cassandra-stop"));
    return shared;
  }

  public InetSocketAddress contactPoint() {
    return cassandra.contactPoint();
  }

  public String localDatacenter() {
    return cassandra.localDatacenter();
  }

  public String keyspace() {
    return KEYSPACE;
  }

  /** A session shared by all tests: do not close it. */
  public CqlSession session() {
    return session;
  }

  /** {@code <target/embedded-cassandra>/cassandra}: the server's configuration, data and logs. */
  public Path home() {
    return cassandra.home();
  }

  private void stop() {
    // The driver's event loops linger ≈ 2 s after its channels close: stop Cassandra meanwhile.
    CompletableFuture<Void> sessionClosed = session.closeAsync().toCompletableFuture();
    try {
      cassandra.close();
    } finally {
      sessionClosed.join();
    }
  }
}
