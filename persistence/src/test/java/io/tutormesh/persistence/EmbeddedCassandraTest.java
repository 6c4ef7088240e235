package io.tutormesh.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.tutormesh.persistence.testing.SharedCassandra;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EmbeddedCassandraTest {

  private static final List<String> TABLES = List.of(
      "messages", "tag_views", "tag_write_progress", "tag_scanning", "metadata",
      "all_persistence_ids", "snapshots", "offset_store", "projection_management",
      "session_documents", "document_chunks", "sandbox_payments",
      "ledger_lines", "ledger_top_ups", "ledger_unmatched",
      "notifications", "notifications_due", "notifications_by_group", "notifications_cursor",
      "plan_due", "plan_due_cursor");

  private final SharedCassandra cassandra = SharedCassandra.get();

  @Test
  void answersCqlOnLoopback() {
    Row row = cassandra.session().execute("SELECT release_version FROM system.local").one();

    assertThat(row).isNotNull();
    assertThat(row.getString("release_version")).startsWith("5.0.");
    assertThat(cassandra.contactPoint().getAddress().isLoopbackAddress()).isTrue();
  }

  @Test
  void schemaHoldsThePluginAndProjectionTables() {
    assertThat(tables()).containsAll(TABLES);
  }

  @Test
  void applyingTheSchemaAgainChangesNothing() {
    List<String> before = tables();

    assertThatCode(() -> CassandraSchema.apply(cassandra.session(), cassandra.keyspace(),
        CassandraSchema.SINGLE_NODE_REPLICATION)).doesNotThrowAnyException();

    assertThat(tables()).containsExactlyInAnyOrderElementsOf(before);
  }

  @Test
  void keepsItsGcLogWithItsOtherLogs() throws Exception {
    java.nio.file.Path gcLog = cassandra.home().resolve("logs").resolve("gc.log");

    assertThat(gcLog).exists();
    assertThat(java.nio.file.Files.readString(gcLog)).contains("Using G1");
  }

  @Test
  void keepsItsTablesInTrieMemtablesOnTheHeap() {
    assertThat(setting("memtable.configurations")).contains("default=trie", "trie=TrieMemtable");
    assertThat(setting("memtable_allocation_type")).isEqualTo("heap_buffers");
  }

  @Test
  void sizesItsRequestPoolsToTheMachine() {
    String threads = String.valueOf(EmbeddedCassandra.requestThreads(Runtime.getRuntime().availableProcessors()));

    assertThat(setting("concurrent_writes")).isEqualTo(threads);
    assertThat(setting("concurrent_reads")).isEqualTo(threads);
    assertThat(setting("native_transport_max_threads")).isEqualTo(threads);
  }

  @Test
  void twoRequestThreadsPerCoreWithinCassandrasOwnBounds() {
    assertThat(EmbeddedCassandra.requestThreads(1)).isEqualTo(4);
    assertThat(EmbeddedCassandra.requestThreads(2)).isEqualTo(4);
    assertThat(EmbeddedCassandra.requestThreads(8)).isEqualTo(16);
    assertThat(EmbeddedCassandra.requestThreads(64)).isEqualTo(32);
  }

  @Test
  void g1UnlessTheJvmOptionsPickAnotherCollector() {
    assertThat(EmbeddedCassandra.choosesCollector("-XX:+UseZGC")).isTrue();
    assertThat(EmbeddedCassandra.choosesCollector("-XX:+UseShenandoahGC")).isTrue();
    assertThat(EmbeddedCassandra.choosesCollector("-XX:MaxGCPauseMillis=20")).isFalse();
    assertThat(EmbeddedCassandra.choosesCollector("-XX:+UseStringDeduplication")).isFalse();
    assertThat(EmbeddedCassandra.choosesCollector("-Xmn256m")).isFalse();
  }

  @Test
  void secondServerOnTheSameDataFailsFast() {
    long started = System.nanoTime();

    assertThatThrownBy(() -> EmbeddedCassandra.start(
        cassandra.home().getParent(), Duration.ofSeconds(60)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already in use")
        .hasMessageContaining(cassandra.home().toString());
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    // ...and the running one is untouched.
    assertThat(cassandra.session().execute("SELECT now() FROM system.local").one()).isNotNull();
  }

  private List<String> tables() {
    return cassandra.session()
        .execute(SimpleStatement.newInstance(
            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
            cassandra.keyspace()))
        .all()
        .stream()
        .map(row -> row.getString("table_name"))
        .collect(Collectors.toList());
  }

  /** What the running server reports for one of its cassandra.yaml settings. */
  private String setting(String name) {
    Row row = cassandra.session()
        .execute(SimpleStatement.newInstance("SELECT value FROM system_views.settings WHERE name = ?", name))
        .one();
    assertThat(row).as(name).isNotNull();
    return row.getString("value");
  }
}
