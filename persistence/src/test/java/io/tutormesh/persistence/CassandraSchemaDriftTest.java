package io.tutormesh.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.cassandra.KeyspaceAndTableStatements;
import org.apache.pekko.persistence.cassandra.PluginSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.concurrent.Await;

/**
 * Our schema files must say exactly what pekko-persistence-cassandra would create itself for the
 * same keyspace: an upgrade of the plugin that changes its tables fails here first.
 */
class CassandraSchemaDriftTest {

  private static final String KEYSPACE = "drift_check";

  private static ActorSystem system;
  private static KeyspaceAndTableStatements plugin;

  @BeforeAll
  static void pluginStatements() {
    Config config = ConfigFactory.parseString("""
            pekko.loglevel = WARNING
            pekko.persistence.cassandra.journal.keyspace = %s
            pekko.persistence.cassandra.snapshot.keyspace = %s
            """.formatted(KEYSPACE, KEYSPACE))
        // Only the libraries' defaults: no application.conf of whoever runs the tests.
        .withFallback(ConfigFactory.defaultReference());
    system = ActorSystem.create("schema-drift", config);
    plugin = new KeyspaceAndTableStatements(
        system, "pekko.persistence.cassandra", PluginSettings.apply(system));
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(system.terminate(), scala.concurrent.duration.Duration.fromNanos(
        Duration.ofSeconds(10).toNanos()));
  }

  @Test
  void keyspaceAsThePluginCreatesIt() {
    String ours = ours().get(0);

    assertThat(normalize(ours)).isEqualToIgnoringCase(
        normalize(plugin.createJournalKeyspaceStatement()));
    assertThat(normalize(ours)).isEqualToIgnoringCase(
        normalize(plugin.createSnapshotKeyspaceStatement()));
  }

  @Test
  void journalTablesAsThePluginCreatesThem() {
    List<String> expected = normalize(plugin.getCreateJournalTablesStatements());

    assertThat(normalize(ours().subList(1, 1 + expected.size()))).isEqualTo(expected);
  }

  @Test
  void snapshotTablesAsThePluginCreatesThemRightAfterTheJournal() {
    int journalTables = plugin.getCreateJournalTablesStatements().size();
    List<String> expected = normalize(plugin.getCreateSnapshotTablesStatements());

    int from = 1 + journalTables;
    assertThat(normalize(ours().subList(from, from + expected.size()))).isEqualTo(expected);
  }

  private static List<String> ours() {
    return CassandraSchema.statements(KEYSPACE, CassandraSchema.SINGLE_NODE_REPLICATION);
  }

  private static List<String> normalize(List<String> statements) {
    return statements.stream()
        .map(CassandraSchemaDriftTest::normalize)
        .collect(Collectors.toList());
  }

  /** Ignores layout only: runs of white space, and white space next to punctuation. */
  private static String normalize(String cql) {
    return cql.strip().replaceAll("\\s+", " ").replaceAll(" ?([(){},:=<>;]) ?", "$1");
  }
}
