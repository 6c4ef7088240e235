package io.tutormesh.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-alone server's settings and the fixed CQL port; no second Cassandra is started. */
class CassandraServerMainTest {

  @Test
  void defaultsToTheClusterDataDirAndAnyPort() {
    CassandraServerMain.Settings settings =
        CassandraServerMain.Settings.from(new String[0], Map.of());

    assertThat(settings.dataDir()).isEqualTo(Path.of("./data/cluster"));
    assertThat(settings.cqlPort()).isZero();
    assertThat(settings.keyspace()).isEqualTo("tutormesh");
    assertThat(settings.replication()).isEqualTo(CassandraSchema.SINGLE_NODE_REPLICATION);
    assertThat(settings.heap()).isEqualTo("512m");
  }

  @Test
  void argumentsWinOverTheEnvironment() {
    Map<String, String> env = Map.of(
        "TUTORMESH_DATA_DIR", "/env/dir", "TUTORMESH_CASSANDRA_PORT", "9042",
        "CASSANDRA_KEYSPACE", "other");

    assertThat(CassandraServerMain.Settings.from(new String[0], env))
        .extracting(s -> s.dataDir().toString(), s -> s.cqlPort(), s -> s.keyspace())
        .containsExactly("/env/dir", 9042, "other");
    assertThat(CassandraServerMain.Settings.from(new String[] {"/arg/dir", "19042"}, env))
        .extracting(s -> s.dataDir().toString(), s -> s.cqlPort())
        .containsExactly("/arg/dir", 19042);
  }

  @Test
  void rejectsBadPortsAndKeyspaces() {
    for (String port : new String[] {"0", "65536", "x", "-1"}) {
      assertThatThrownBy(() -> CassandraServerMain.Settings.from(new String[0],
          Map.of("TUTORMESH_CASSANDRA_PORT", port)))
          .as(port)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("TUTORMESH_CASSANDRA_PORT");
    }
    assertThatThrownBy(() -> CassandraServerMain.Settings.from(new String[0],
        Map.of("CASSANDRA_KEYSPACE", "a-b")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CassandraServerMain.Settings.from(new String[] {"a", "1", "b"},
        Map.of()))
        .hasMessageContaining("usage");
  }

  @Test
  void optionsWithoutACqlPortKeepTheirOldMeaning() {
    EmbeddedCassandra.Options old = new EmbeddedCassandra.Options(
        Duration.ofSeconds(1), Duration.ofSeconds(2), "1m", "2m", "c", true);

    assertThat(old.cqlPort()).isZero();
    assertThat(old.jvmOptions()).isEmpty();
    assertThat(old.withJvmOptions(List.of("-XX:MaxGCPauseMillis=20")).withCqlPort(9042).jvmOptions())
        .containsExactly("-XX:MaxGCPauseMillis=20");
    assertThat(EmbeddedCassandra.Options.defaults().cqlPort()).isZero();
    assertThat(old.withCqlPort(9042).withHeap("3m", "4m"))
        .extracting(o -> o.cqlPort(), o -> o.maxHeap(), o -> o.unsafeSystem())
        .containsExactly(9042, "4m", true);
    assertThatThrownBy(() -> old.withCqlPort(70000)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTakenFixedPortFailsTheStartBeforeAnyServerIsLaunched(@TempDir Path dataDir)
      throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      long started = System.nanoTime();

      assertThatThrownBy(() -> EmbeddedCassandra.start(dataDir,
          EmbeddedCassandra.Options.defaults().withCqlPort(taken.getLocalPort())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("fixed cql port " + taken.getLocalPort());
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }
    // Nothing was launched (logs/ is made right before the child starts), and the lock is free.
    assertThat(dataDir.resolve("cassandra").resolve("logs")).doesNotExist();
    try (FileChannel lock = FileChannel.open(
        dataDir.resolve("cassandra").resolve(".lock"), StandardOpenOption.WRITE)) {
      assertThat(lock.tryLock()).isNotNull();
    }
  }
}
