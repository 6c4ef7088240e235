package io.tutormesh.persistence.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.ProviderResult.Outcome;
import io.tutormesh.engine.money.SandboxProvider;
import io.tutormesh.engine.money.SandboxProvider.Kind;
import io.tutormesh.engine.money.SandboxProvider.Totals;
import io.tutormesh.persistence.payments.CassandraSandboxProvider.Operation;
import io.tutormesh.persistence.testing.SharedCassandra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import scala.concurrent.Await;

/**
 * The sandbox provider against the real embedded Cassandra. Two actor systems, each with its own
 * driver session and provider, stand for two nodes, or one node before and after a restart: the
 * table is the only memory they share. Tests are isolated by unique keys; the totals test compares
 * sums before and after its own operations.
 */
class CassandraSandboxProviderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static ActorSystem firstNode;
  private static ActorSystem secondNode;
  private static CassandraSandboxProvider first;
  private static CassandraSandboxProvider second;

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
            """.formatted(cassandra.contactPoint().getHostString(), cassandra.contactPoint().getPort(),
            cassandra.localDatacenter()))
        .withFallback(ConfigFactory.load());
    firstNode = ActorSystem.create("sandbox-payments-1", config);
    secondNode = ActorSystem.create("sandbox-payments-2", config);
    first = CassandraSandboxProvider.create(firstNode, cassandra.keyspace());
    second = CassandraSandboxProvider.create(secondNode, cassandra.keyspace());
  }

  @AfterAll
  static void stop() throws Exception {
    for (ActorSystem system : new ActorSystem[] {firstNode, secondNode}) {
      if (system != null) {
        Await.result(system.terminate(), scala.concurrent.duration.Duration.fromNanos(TIMEOUT.toNanos()));
      }
    }
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  private static String key() {
    return "test-" + UUID.randomUUID();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "pm_card_ok, SUCCEEDED", "pm_wallet_ok, SUCCEEDED", "pm_transfer_ok, SUCCEEDED",
      "pm_card_declined, DECLINED", "pm_card_error, FAILED", "pm_nope, DECLINED"})
  void decidesByMethodAndRemembersTheOperation(String method, Outcome outcome) {
    String key = key();

    ProviderResult result = await(first.charge(key, method, 2000, "EUR"));

    assertThat(result.outcome()).isEqualTo(outcome);
    assertThat(result.reference()).startsWith("sbx_ch_");
    Operation stored = await(second.operation(key)).orElseThrow();
    assertThat(stored.idempotencyKey()).isEqualTo(key);
    assertThat(stored.kind()).isEqualTo(Kind.CHARGE);
    assertThat(stored.target()).isEqualTo(method);
    assertThat(stored.amountCents()).isEqualTo(2000);
    assertThat(stored.currency()).isEqualTo("EUR");
    assertThat(stored.result()).isEqualTo(result);
    assertThat(stored.at()).isNotNull();
  }

  @Test
  void payoutsAreRememberedToo() {
    String key = key();

    ProviderResult result = await(first.payout(key, "acct_tutor_7", 1234, "EUR"));

    assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(result.reference()).startsWith("sbx_po_");
    assertThat(await(first.operation(key)).map(Operation::kind)).contains(Kind.PAYOUT);
    assertThat(await(first.payout(key(), "acct_tutor_7", 0, "EUR")).outcome()).isEqualTo(Outcome.DECLINED);
    assertThat(await(first.payout(key(), SandboxProvider.ACCOUNT_ERROR, 10, "EUR")).outcome()).isEqualTo(Outcome.FAILED);
  }

  @Test
  void aKeyKeepsItsFirstOutcomeAcrossNodesAndRestarts() {
    String key = key();
    ProviderResult firstAnswer = await(first.charge(key, "pm_card_ok", 5000, "EUR"));

    assertThat(await(first.charge(key, "pm_card_ok", 5000, "EUR"))).isEqualTo(firstAnswer);
    // Another node, with no memory but the table: same answer, even for another body or kind.
    assertThat(await(second.charge(key, "pm_card_ok", 5000, "EUR"))).isEqualTo(firstAnswer);
    assertThat(await(second.charge(key, "pm_card_declined", 1, "EUR"))).isEqualTo(firstAnswer);
    assertThat(await(second.payout(key, "acct_1", 5000, "EUR"))).isEqualTo(firstAnswer);
    assertThat(await(second.operation(key)).orElseThrow().amountCents()).isEqualTo(5000);
  }

  @Test
  void aFailureStaysTheKeysOutcome() {
    String key = key();
    ProviderResult failed = await(first.charge(key, "pm_card_error", 700, "EUR"));

    assertThat(await(second.charge(key, "pm_card_ok", 700, "EUR"))).isEqualTo(failed);
  }

  @Test
  void concurrentCallsWithOneKeyMakeOneOperation() {
    String key = key();
    List<CompletableFuture<ProviderResult>> calls = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      CassandraSandboxProvider provider = i % 2 == 0 ? first : second;
      String method = i % 3 == 0 ? "pm_card_declined" : "pm_card_ok";
      calls.add(chargeUntilAnswered(provider, key, method, 1500, 5).toCompletableFuture());
    }

    List<ProviderResult> results = calls.stream().map(CassandraSandboxProviderTest::await).toList();

    ProviderResult stored = await(first.operation(key)).orElseThrow().result();
    assertThat(results).allSatisfy(result -> assertThat(result).isEqualTo(stored));
    assertThat(results.stream().map(ProviderResult::reference).distinct()).hasSize(1);
  }

  /**
   * What the contract tells a caller to do: a failed stage means "unknown", so ask again with the
   * same key (24 transactions racing for one key may time out on a busy machine).
   */
  private static CompletionStage<ProviderResult> chargeUntilAnswered(
      CassandraSandboxProvider provider, String key, String method, long amount, int attempts) {
    return provider.charge(key, method, amount, "EUR")
        .exceptionallyCompose(error -> attempts > 1
            ? chargeUntilAnswered(provider, key, method, amount, attempts - 1)
            : CompletableFuture.failedStage(error));
  }

  @Test
  void totalsSumSucceededChargesAndPayouts() {
    Totals before = await(first.totals());

    await(first.charge(key(), "pm_card_ok", 2000, "EUR"));
    await(second.charge(key(), "pm_transfer_ok", 10000, "EUR"));
    await(first.charge(key(), "pm_card_declined", 999, "EUR"));
    await(first.charge(key(), "pm_card_error", 888, "EUR"));
    String repeated = key();
    await(first.charge(repeated, "pm_wallet_ok", 5000, "EUR"));
    await(second.charge(repeated, "pm_wallet_ok", 5000, "EUR"));
    await(second.payout(key(), "acct_tutor_1", 3350, "EUR"));
    await(second.payout(key(), SandboxProvider.ACCOUNT_DECLINED, 100, "EUR"));

    Totals after = await(second.totals());
    assertThat(after.chargedCents() - before.chargedCents()).isEqualTo(17000);
    assertThat(after.paidOutCents() - before.paidOutCents()).isEqualTo(3350);
    assertThat(after.netCents() - before.netCents()).isEqualTo(13650);
  }

  @Test
  void aBadKeyIsRefusedAtOnce() {
    assertThatThrownBy(() -> first.charge("", "pm_card_ok", 1, "EUR")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> first.payout("x".repeat(256), "acct", 1, "EUR")).isInstanceOf(IllegalArgumentException.class);
  }
}
