package io.tutormesh.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.tutormesh.persistence.testing.SharedCassandra;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The schema Job's main: settings are checked before anything connects; exit codes say why. */
class SchemaMainTest {

  private static final String REPLICATION = "{'class':'NetworkTopologyStrategy','dc1':3}";

  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  @Test
  void withoutContactPointsItFailsWithoutConnecting() {
    int code = SchemaMain.run(Map.of("CASSANDRA_REPLICATION", REPLICATION), err);

    assertThat(code).isEqualTo(SchemaMain.BAD_SETTINGS);
    assertThat(stderr()).startsWith("SchemaMain: CASSANDRA_CONTACT_POINTS is required");
  }

  @Test
  void withoutReplicationItFailsWithoutConnecting() {
    int code = SchemaMain.run(Map.of("CASSANDRA_CONTACT_POINTS", "cassandra-0:9042"), err);

    assertThat(code).isEqualTo(SchemaMain.BAD_SETTINGS);
    assertThat(stderr()).startsWith("SchemaMain: CASSANDRA_REPLICATION is required")
        .contains("NetworkTopologyStrategy");
  }

  @Test
  void blankValuesCountAsMissing() {
    int code = SchemaMain.run(
        Map.of("CASSANDRA_CONTACT_POINTS", "  ", "CASSANDRA_REPLICATION", REPLICATION), err);

    assertThat(code).isEqualTo(SchemaMain.BAD_SETTINGS);
    assertThat(stderr()).contains("CASSANDRA_CONTACT_POINTS is required");
  }

  @Test
  void invalidValuesNameTheVariable() {
    Map<String, String> valid = Map.of(
        "CASSANDRA_CONTACT_POINTS", "cassandra-0:9042", "CASSANDRA_REPLICATION", REPLICATION);
    Map<String, String> bad = Map.of(
        "CASSANDRA_CONTACT_POINTS", "cassandra-0:nine",
        "CASSANDRA_REPLICATION", "3",
        "CASSANDRA_KEYSPACE", "with-dash",
        "TUTORMESH_SCHEMA_CONNECT_WAIT", "soon");
    for (Map.Entry<String, String> entry : bad.entrySet()) {
      Map<String, String> env = new HashMap<>(valid);
      env.put(entry.getKey(), entry.getValue());
      errBytes.reset();

      int code = SchemaMain.run(env, err);

      assertThat(code).as(entry.toString()).isEqualTo(SchemaMain.BAD_SETTINGS);
      assertThat(stderr()).as(entry.toString()).startsWith("SchemaMain: " + entry.getKey() + ":");
    }
  }

  @Test
  void contactPointsDefaultToPort9042() {
    assertThat(SchemaMain.Settings.contactPoints(" a:1, b ,,c.d.svc:9043"))
        .extracting(a -> a.getHostString() + ":" + a.getPort())
        .containsExactly("a:1", "b:9042", "c.d.svc:9043");
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang is the bug
  void unreachableCassandraIsAFailureNotAHang() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    long started = System.nanoTime();
    // The jar's application.conf (the node's) says reconnect-on-init: stand in for it here.
    System.setProperty("config.resource", "reconnect-on-init.conf");
    int code;
    try {
      code = SchemaMain.run(Map.of(
          "CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + closedPort,
          "CASSANDRA_REPLICATION", REPLICATION,
          "TUTORMESH_SCHEMA_CONNECT_WAIT", "0"), err);
    } finally {
      System.clearProperty("config.resource");
    }

    assertThat(code).isEqualTo(SchemaMain.FAILED);
    assertThat(stderr()).startsWith("SchemaMain: schema of keyspace tutormesh not applied on")
        .contains(Integer.toString(closedPort));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void appliesTheSchemaAndAgainChangesNothing() {
    SharedCassandra cassandra = SharedCassandra.get();
    String keyspace = "tutormesh_schema_main";
    Map<String, String> env = Map.of(
        "CASSANDRA_CONTACT_POINTS",
        cassandra.contactPoint().getHostString() + ":" + cassandra.contactPoint().getPort(),
        "CASSANDRA_KEYSPACE", keyspace,
        "CASSANDRA_LOCAL_DATACENTER", cassandra.localDatacenter(),
        "CASSANDRA_REPLICATION", CassandraSchema.SINGLE_NODE_REPLICATION);

    assertThat(SchemaMain.run(env, err)).as(stderr()).isEqualTo(SchemaMain.OK);
    List<String> tables = tables(cassandra, keyspace);
    assertThat(SchemaMain.run(env, err)).as(stderr()).isEqualTo(SchemaMain.OK);

    assertThat(tables).contains("messages", "snapshots", "offset_store");
    assertThat(tables(cassandra, keyspace)).containsExactlyInAnyOrderElementsOf(tables);
    assertThat(stderr()).isEmpty();
  }

  private static List<String> tables(SharedCassandra cassandra, String keyspace) {
    return cassandra.session()
        .execute(SimpleStatement.newInstance(
            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", keyspace))
        .all()
        .stream()
        .map(row -> row.getString("table_name"))
        .collect(Collectors.toList());
  }

  private String stderr() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }
}
