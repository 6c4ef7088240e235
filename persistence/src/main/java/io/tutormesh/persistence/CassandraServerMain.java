package io.tutormesh.persistence;

import com.datastax.oss.driver.api.core.CqlSession;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the embedded Cassandra on its own, for a local cluster of several nodes that share it
 * ({@code deploy/local-cluster.sh}); the nodes get {@code CASSANDRA_CONTACT_POINTS} and {@code
 * TUTORMESH_APPLY_SCHEMA=false}.
 *
 * <pre>
 * java -cp gateway/target/tutormesh.jar io.tutormesh.persistence.CassandraServerMain \
 *     [data-dir [cql-port]]
 * </pre>
 *
 * <p>Settings (an argument wins over its variable):
 *
 * <ul>
 *   <li>data dir: first argument, else {@code TUTORMESH_DATA_DIR}, else {@code ./data/cluster};
 *       the server lives in {@code <data dir>/cassandra} (see {@link EmbeddedCassandra}).
 *   <li>CQL port: second argument, else {@code TUTORMESH_CASSANDRA_PORT}, else the port remembered
 *       in the data dir while free, else a free one. A fixed port that is taken fails the start.
 *   <li>{@code CASSANDRA_KEYSPACE} (default {@code tutormesh}), {@code CASSANDRA_REPLICATION}
 *       (default single node), {@code TUTORMESH_CASSANDRA_HEAP} ({@code -Xmx}, default 512m).
 * </ul>
 *
 * <p>It starts the server, applies the schema, prints exactly one line {@code cassandra ready
 * <host>:<port>} to stdout and blocks. SIGTERM (or Ctrl-C) stops the server gracefully. Exit codes:
 * 0 after a requested stop, 1 if the server could not start or died on its own, 2 for bad
 * settings.
 */
public final class CassandraServerMain {

  /** The prefix of the one line printed to stdout when CQL answers and the schema is applied. */
  public static final String READY = "cassandra ready ";

  private static final Logger log = LoggerFactory.getLogger(CassandraServerMain.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private CassandraServerMain() {}

  /** What to run, resolved from the arguments and the environment. */
  record Settings(Path dataDir, int cqlPort, String keyspace, String replication, String heap) {

    static Settings from(String[] args, Map<String, String> env) {
      if (args.length > 2) {
        throw new IllegalArgumentException("usage: CassandraServerMain [data-dir [cql-port]]");
      }
      String dataDir = args.length > 0 ? args[0] : env.getOrDefault("TUTORMESH_DATA_DIR", "");
      if (dataDir.isBlank()) {
        dataDir = "./data/cluster";
      }
      String port = args.length > 1 ? args[1] : env.getOrDefault("TUTORMESH_CASSANDRA_PORT", "");
      int cqlPort = 0;
      if (!port.isBlank()) {
        try {
          cqlPort = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
          cqlPort = -1;
        }
        if (cqlPort < 1 || cqlPort > 65535) {
          throw new IllegalArgumentException(
              "TUTORMESH_CASSANDRA_PORT: expected a port 1-65535, got '" + port + "'");
        }
      }
      String keyspace = nonBlank(env.get("CASSANDRA_KEYSPACE")).orElse("tutormesh");
      String replication = nonBlank(env.get("CASSANDRA_REPLICATION"))
          .orElse(CassandraSchema.SINGLE_NODE_REPLICATION);
      CassandraSchema.statements(keyspace, replication); // checks both before anything starts
      String heap = nonBlank(env.get("TUTORMESH_CASSANDRA_HEAP")).orElse("512m");
      return new Settings(Path.of(dataDir), cqlPort, keyspace, replication, heap);
    }
  }

  public static void main(String[] args) {
    Settings settings;
    try {
      settings = Settings.from(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("CassandraServerMain: " + e.getMessage());
      System.exit(2);
      return;
    }
    EmbeddedCassandra cassandra;
    try {
      cassandra = EmbeddedCassandra.start(settings.dataDir(),
          EmbeddedCassandra.Options.defaults()
              .withStartTimeout(START_TIMEOUT)
              .withStopTimeout(STOP_TIMEOUT)
              .withHeap("256m", settings.heap())
              .withCqlPort(settings.cqlPort()));
    } catch (RuntimeException e) {
      log.debug("Cassandra did not start", e);
      System.err.println("CassandraServerMain: Cassandra did not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopping = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.countDown();
      cassandra.close();
    }, "cassandra-stop"));

    CqlSession session = null;
    try {
      session = CassandraSchema.connect(
          List.of(cassandra.contactPoint()), cassandra.localDatacenter());
      CassandraSchema.apply(session, settings.keyspace(), settings.replication());
    } catch (RuntimeException e) {
      log.debug("Applying the schema failed", e);
      System.err.println("CassandraServerMain: applying the schema failed: " + e.getMessage());
      System.exit(1); // the shutdown hook stops Cassandra
      return;
    }

    InetSocketAddress address = cassandra.contactPoint();
    String host = address.getAddress() == null
        ? address.getHostString()
        : address.getAddress().getHostAddress(); // 127.0.0.1, not "localhost" (which may be ::1)
    System.out.println(READY + host + ":" + address.getPort());
    System.out.flush();
    session.close(); // after the ready line: the driver lingers ≈ 2 s closing its event loops

    // Block until the server exits: on its own (a failure: exit 1) or because we were told to stop.
    ProcessHandle.of(cassandra.pid()).ifPresent(server -> server.onExit().join());
    if (stopping.getCount() > 0) {
      log.error("Cassandra (pid {}) exited on its own; see {}", cassandra.pid(),
          cassandra.home().resolve("logs"));
      System.exit(1);
    }
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }
}
