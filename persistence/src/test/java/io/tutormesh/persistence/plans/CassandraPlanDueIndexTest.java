package io.tutormesh.persistence.plans;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.money.MoneySettings.Plan.Kind;
import io.tutormesh.persistence.testing.SharedCassandra;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plans' due index against the real embedded Cassandra, on a clock of its own: rows come back
 * once due (from the partitions of several days and shards), never before; a row is never written
 * into the past; removed rows stay gone; the cursor moves past days that are over and empty, and
 * a later row is still found.
 */
class CassandraPlanDueIndexTest {

  /** A day of its own in every run (the table keeps rows between runs), in the future. */
  private static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z")
      .plus(Duration.ofDays(java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000)));
  private static ActorTestKit node;

  @BeforeAll
  static void start() {
    SharedCassandra cassandra = SharedCassandra.get();
    Config config = ConfigFactory.parseString("""
            pekko.loglevel = WARNING
            datastax-java-driver {
              basic.contact-points = ["%s:%d"]
              basic.load-balancing-policy.local-datacenter = "%s"
              basic.request.timeout = 10s
            }
            """.formatted(cassandra.contactPoint().getHostString(), cassandra.contactPoint().getPort(), cassandra.localDatacenter()))
        .withFallback(ConfigFactory.load());
    node = ActorTestKit.create("plan-due-index", config);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.shutdownTestKit();
    }
  }

  /** A clock that moves only when told. */


  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static List<PlanDueIndex.Due> mine(List<PlanDueIndex.Due> due, String... owners) {
    List<String> ids = List.of(owners);
    return due.stream().filter(d -> ids.contains(d.ownerId())).toList();
  }

  @Test
  void rowsComeBackOnceDueAndTheCursorMovesPastEmptyDays() throws Exception {
    TestClock clock = new TestClock(T0);
    String name = unique("test");
    CassandraPlanDueIndex index = CassandraPlanDueIndex.create(node.system(), SharedCassandra.KEYSPACE, clock, Duration.ofMinutes(10), name);
    String now = unique("now");
    String tomorrow = unique("tomorrow");
    String later = unique("later");
    PlanDueIndex.Due first = await(index.schedule(Kind.STUDENT, now, T0.minus(Duration.ofDays(10))));
    assertThat(first.dueAt()).as("never into the past").isEqualTo(T0);
    PlanDueIndex.Due second = await(index.schedule(Kind.TUTOR, tomorrow, T0.plus(Duration.ofDays(1))));
    PlanDueIndex.Due third = await(index.schedule(Kind.STUDENT, later, T0.plus(Duration.ofDays(40))));
    assertThat(await(index.schedule(Kind.TUTOR, tomorrow, T0.plus(Duration.ofDays(1))))).as("idempotent").isEqualTo(second);

    assertThat(mine(await(index.due(100)), now, tomorrow, later)).containsExactly(first);
    clock.advance(Duration.ofDays(2));
    assertThat(mine(await(index.due(100)), now, tomorrow, later)).containsExactlyInAnyOrder(first, second);
    assertThat(mine(await(index.due(1)), now, tomorrow, later)).as("a bounded page").hasSizeLessThanOrEqualTo(1);

    await(index.remove(first));
    await(index.remove(second));
    assertThat(mine(await(index.due(100)), now, tomorrow, later)).isEmpty();

    clock.advance(Duration.ofDays(39));
    assertThat(mine(await(index.due(100)), now, tomorrow, later)).containsExactly(third);
    await(index.remove(third));
    assertThat(mine(await(index.due(100)), now, tomorrow, later)).isEmpty();
    // Every day before today is over and empty: passed over.
    clock.advance(Duration.ofDays(1));
    await(index.due(100));
    int cursor = SharedCassandra.get().session()
        .execute("SELECT day FROM " + SharedCassandra.KEYSPACE + ".plan_due_cursor WHERE name = ?", name).one().getInt("day");
    assertThat(cursor).isEqualTo(CassandraPlanDueIndex.day(T0.plus(Duration.ofDays(42))));
  }

  @Test
  void nothingScheduledNothingDue() throws Exception {
    CassandraPlanDueIndex index =
        CassandraPlanDueIndex.create(node.system(), SharedCassandra.KEYSPACE, new TestClock(T0), Duration.ofMinutes(10), unique("empty"));
    assertThat(await(index.due(10))).isEmpty();
  }
}
