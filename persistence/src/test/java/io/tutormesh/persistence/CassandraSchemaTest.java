package io.tutormesh.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema scripts as text; no Cassandra needed. */
class CassandraSchemaTest {

  @Test
  void fillsKeyspaceAndReplicationIntoEveryStatementInFileOrder() {
    List<String> statements =
        CassandraSchema.statements("shop", CassandraSchema.SINGLE_NODE_REPLICATION);

    assertThat(statements.get(0)).isEqualTo("CREATE KEYSPACE IF NOT EXISTS shop WITH replication"
        + " = {'class':'SimpleStrategy','replication_factor':1}");
    assertThat(statements).hasSize(1 + 6 + 1 + 2 + 2 + 1 + 3 + 2 + 4 + 2 + 2)
        .allSatisfy(cql -> assertThat(cql).contains("IF NOT EXISTS shop").doesNotContain("${"));
    assertThat(statements.get(statements.size() - 17))
        .startsWith("CREATE TABLE IF NOT EXISTS shop.projection_management");
    assertThat(statements.subList(statements.size() - 16, statements.size()))
        .extracting(cql -> cql.lines().findFirst().orElse(""))
        .containsExactly(
            "CREATE TABLE IF NOT EXISTS shop.session_documents (",
            "CREATE TABLE IF NOT EXISTS shop.document_chunks (",
            "CREATE TABLE IF NOT EXISTS shop.sandbox_payments (",
            "CREATE TABLE IF NOT EXISTS shop.ledger_lines (",
            "CREATE TABLE IF NOT EXISTS shop.ledger_top_ups (",
            "CREATE TABLE IF NOT EXISTS shop.ledger_unmatched (",
            "CREATE TABLE IF NOT EXISTS shop.kpi_sessions (",
            "CREATE TABLE IF NOT EXISTS shop.kpi_money (",
            "CREATE TABLE IF NOT EXISTS shop.notifications (",
            "CREATE TABLE IF NOT EXISTS shop.notifications_due (",
            "CREATE TABLE IF NOT EXISTS shop.notifications_by_group (",
            "CREATE TABLE IF NOT EXISTS shop.notifications_cursor (",
            "CREATE TABLE IF NOT EXISTS shop.plan_due (",
            "CREATE TABLE IF NOT EXISTS shop.plan_due_cursor (",
            "CREATE TABLE IF NOT EXISTS shop.tutor_directory (",
            "CREATE TABLE IF NOT EXISTS shop.tutor_directory_tutors (");
  }

  @Test
  void splitsAtSemicolonsOutsideStringsAndDropsComments() {
    String script = """
        -- a comment; with a semicolon
        CREATE TABLE a (x text) WITH comment = 'one; two';

        CREATE TABLE b (y text);
        """;

    assertThat(CassandraSchema.split(script)).containsExactly(
        "CREATE TABLE a (x text) WITH comment = 'one; two'",
        "CREATE TABLE b (y text)");
  }

  @Test
  void rejectsKeyspaceNamesCassandraWouldNot() {
    assertThat(CassandraSchema.validateKeyspace("tutormesh_1")).isEqualTo("tutormesh_1");
    assertThat(CassandraSchema.validateKeyspace("K" + "_".repeat(47))).hasSize(48);
    for (String bad :
        new String[] {"", "1st", "_x", "with-dash", "a.b", "k".repeat(49), "x; DROP", "\"q\""}) {
      assertThatThrownBy(() -> CassandraSchema.validateKeyspace(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Invalid keyspace name");
    }
  }

  @Test
  void rejectsSomethingThatIsNotAReplicationMap() {
    assertThatThrownBy(() -> CassandraSchema.statements("shop", "3"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CassandraSchema.statements("shop",
        "{'class':'SimpleStrategy','replication_factor':1}; DROP KEYSPACE x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
