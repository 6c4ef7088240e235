package io.tutormesh.persistence;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the schema once to a Cassandra cluster, then exits: what production runs (a Kubernetes
 * Job, {@code deploy/k8s/schema-job.yaml}) before the nodes start with {@code
 * TUTORMESH_APPLY_SCHEMA=false}, instead of letting every node create tables at once (concurrent
 * schema changes from several clients can leave a Cassandra cluster with disagreeing schema
 * versions).
 *
 * <pre>
 * CASSANDRA_CONTACT_POINTS=cassandra-0.cassandra:9042 \
 * CASSANDRA_REPLICATION="{'class':'NetworkTopologyStrategy','dc1':3}" \
 * java -cp gateway/target/tutormesh.jar io.tutormesh.persistence.SchemaMain
 * </pre>
 *
 * <p>Environment:
 *
 * <ul>
 *   <li>{@code CASSANDRA_CONTACT_POINTS} (required): {@code host[:port],...}, port 9042 by default.
 *   <li>{@code CASSANDRA_REPLICATION} (required): the keyspace's CQL replication map; it only
 *       matters when the keyspace does not exist yet (an existing keyspace is left alone).
 *   <li>{@code CASSANDRA_KEYSPACE} (default {@code tutormesh}), {@code CASSANDRA_LOCAL_DATACENTER}
 *       (default {@code datacenter1}; the name your Cassandra reports, e.g. {@code dc1}).
 *   <li>{@code TUTORMESH_SCHEMA_CONNECT_WAIT} (seconds, default 60): how long to keep retrying
 *       the first connection while Cassandra is still coming up.
 * </ul>
 *
 * <p>Every statement is idempotent ({@code IF NOT EXISTS}); after each one it waits until all
 * Cassandra nodes agree on the schema version. Exit codes: 0 applied (or already there), 1
 * Cassandra unreachable or a statement failed, 2 missing or invalid settings. The reason is
 * printed to stderr in one line starting with {@code SchemaMain:}.
 */
public final class SchemaMain {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int BAD_SETTINGS = 2;

  private static final Logger log = LoggerFactory.getLogger(SchemaMain.class);
  private static final Duration AGREEMENT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CONNECT_RETRY = Duration.ofSeconds(5);

  private SchemaMain() {}

  /** The settings, checked; {@link IllegalArgumentException} names the variable at fault. */
  record Settings(
      List<InetSocketAddress> contactPoints,
      String keyspace,
      String localDatacenter,
      String replication,
      Duration connectWait) {

    static Settings from(Map<String, String> env) {
      String points = required(env, "CASSANDRA_CONTACT_POINTS",
          "host:port of one or more Cassandra nodes, e.g. cassandra-0.cassandra:9042");
      List<InetSocketAddress> contactPoints = contactPoints(points);
      String replication = required(env, "CASSANDRA_REPLICATION",
          "the keyspace's replication, e.g. {'class':'NetworkTopologyStrategy','dc1':3}");
      String keyspace = optional(env, "CASSANDRA_KEYSPACE", "tutormesh");
      try {
        CassandraSchema.validateKeyspace(keyspace);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("CASSANDRA_KEYSPACE: " + e.getMessage());
      }
      try {
        CassandraSchema.statements(keyspace, replication);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("CASSANDRA_REPLICATION: " + e.getMessage());
      }
      String datacenter = optional(env, "CASSANDRA_LOCAL_DATACENTER", "datacenter1");
      String wait = optional(env, "TUTORMESH_SCHEMA_CONNECT_WAIT", "60");
      long seconds;
      try {
        seconds = Long.parseLong(wait);
      } catch (NumberFormatException e) {
        seconds = -1;
      }
      if (seconds < 0) {
        throw new IllegalArgumentException(
            "TUTORMESH_SCHEMA_CONNECT_WAIT: expected whole seconds >= 0, got '" + wait + "'");
      }
      return new Settings(contactPoints, keyspace, datacenter, replication.strip(),
          Duration.ofSeconds(seconds));
    }

    /** {@code host[:port],...} (port 9042 by default) → unresolved addresses. */
    static List<InetSocketAddress> contactPoints(String value) {
      List<InetSocketAddress> result = new ArrayList<>();
      for (String part : value.split(",")) {
        String hostPort = part.strip();
        if (hostPort.isEmpty()) {
          continue;
        }
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        int port = 9042;
        if (colon >= 0) {
          try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
          } catch (NumberFormatException e) {
            port = -1;
          }
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
          throw new IllegalArgumentException(
              "CASSANDRA_CONTACT_POINTS: expected host[:port], got '" + hostPort + "'");
        }
        result.add(InetSocketAddress.createUnresolved(host, port));
      }
      if (result.isEmpty()) {
        throw new IllegalArgumentException("CASSANDRA_CONTACT_POINTS: no host in '" + value + "'");
      }
      return List.copyOf(result);
    }

    private static String required(Map<String, String> env, String name, String meaning) {
      String value = env.get(name);
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " is required: " + meaning);
      }
      return value.strip();
    }

    private static String optional(Map<String, String> env, String name, String fallback) {
      String value = env.get(name);
      return value == null || value.isBlank() ? fallback : value.strip();
    }
  }

  public static void main(String[] args) {
    System.exit(run(System.getenv(), System.err));
  }

  /** Applies the schema as {@link #main} does, and returns the exit code instead of exiting. */
  public static int run(Map<String, String> env, PrintStream err) {
    Settings settings;
    try {
      settings = Settings.from(env);
    } catch (IllegalArgumentException e) {
      err.println("SchemaMain: " + e.getMessage());
      return BAD_SETTINGS;
    }
    long started = System.nanoTime();
    try (CqlSession session = connect(settings)) {
      apply(session, settings);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("SchemaMain: interrupted");
      return FAILED;
    } catch (RuntimeException e) {
      log.debug("Schema not applied", e);
      err.println("SchemaMain: schema of keyspace " + settings.keyspace() + " not applied on "
          + settings.contactPoints() + ": " + e);
      return FAILED;
    }
    log.info("Schema of keyspace {} is in place on {} ({} ms, schema versions agree)",
        settings.keyspace(), settings.contactPoints(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return OK;
  }

  private static CqlSession connect(Settings settings) throws InterruptedException {
    long deadline = System.nanoTime() + settings.connectWait().toNanos();
    while (true) {
      try {
        return session(settings);
      } catch (RuntimeException e) {
        if (System.nanoTime() - deadline >= 0) {
          throw e;
        }
        log.info("Cassandra at {} not reachable yet ({}), retrying in {} s",
            settings.contactPoints(), e.getMessage(), CONNECT_RETRY.toSeconds());
        TimeUnit.MILLISECONDS.sleep(CONNECT_RETRY.toMillis()); // start-up retry, not a test wait
      }
    }
  }

  /**
   * A session like {@link CassandraSchema#connect}'s (long request timeout, no schema metadata)
   * that fails when no contact point answers, instead of retrying for ever as the node's {@code
   * advanced.reconnect-on-init = true} (application.conf, in the same jar) would have it, and that
   * closes at once: a run-once process has no use for the driver's 2 s quiet period.
   */
  private static CqlSession session(Settings settings) {
    DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, CassandraSchema.REQUEST_TIMEOUT)
        .withDuration(
            DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, CassandraSchema.REQUEST_TIMEOUT)
        .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
        .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false) // connect() retries instead
        .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
        .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
        .build();
    return CqlSession.builder()
        .withConfigLoader(config)
        .addContactPoints(settings.contactPoints())
        .withLocalDatacenter(settings.localDatacenter())
        .build();
  }

  /**
   * {@link CassandraSchema#apply}, one statement at a time, waiting for schema agreement after
   * each: the sessions of {@link CassandraSchema#connect} have schema metadata off, and with it
   * the driver's own wait for agreement after DDL.
   */
  private static void apply(CqlSession session, Settings settings) throws InterruptedException {
    List<String> statements =
        CassandraSchema.statements(settings.keyspace(), settings.replication());
    for (String cql : statements) {
      session.execute(SimpleStatement.newInstance(cql).setTimeout(CassandraSchema.DDL_TIMEOUT));
      awaitAgreement(session, cql);
    }
    log.info("Applied {} schema statements to keyspace {}", statements.size(), settings.keyspace());
  }

  private static void awaitAgreement(CqlSession session, String cql) throws InterruptedException {
    long deadline = System.nanoTime() + AGREEMENT_TIMEOUT.toNanos();
    // checkSchemaAgreement() itself polls for up to the driver's schema-agreement timeout (10 s).
    while (!session.checkSchemaAgreement()) {
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException("Cassandra nodes still disagree on the schema "
            + AGREEMENT_TIMEOUT.toSeconds() + " s after: " + cql.lines().findFirst().orElse(cql)
            + " (check `nodetool describecluster`)");
      }
      TimeUnit.SECONDS.sleep(1);
    }
  }
}
