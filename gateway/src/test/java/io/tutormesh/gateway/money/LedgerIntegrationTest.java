package io.tutormesh.gateway.money;

import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.session.Fixtures;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The money ledger end to end: top-ups over real REST, the events projected (events by tag,
 * Cassandra offsets, sharded daemon process) into double-entry rows in the real Cassandra, and
 * `GET /v1/admin/ledger/check`. The keyspace is shared with other tests: only our students'
 * accounts are compared exactly; the global numbers must balance whatever else is in there.
 */
class LedgerIntegrationTest {

  /** Events by tag show up after the plugin's eventual-consistency delay (5 s) and a refresh (2 s). */
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private static Node node;
  private static Api api;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNodes.start();
    api = new Api(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.stop();
    }
  }

  record Student(String id, String token) {
    String account() {
      return "student:" + id;
    }
  }

  private static Student student() {
    String id = unique("ledger");
    String token = api.token(id, "student");
    assertThat(api.put("/v1/students/" + id, token, Fixtures.studentJson("Lee")).status()).isEqualTo(200);
    return new Student(id, token);
  }

  private static Reply topUp(Student s, String key, String packId, String method) {
    String body = "{\"packId\":\"" + packId + "\",\"paymentMethod\":\"" + method + "\"}";
    return api.send("POST", "/v1/students/" + s.id() + "/wallet/top-ups", s.token(), body, Map.of("Idempotency-Key", key));
  }

  private static long balance(Student s) {
    Reply reply = api.get("/v1/students/" + s.id() + "/wallet", s.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().get("heldCents").asLong()).isZero();
    return reply.json().get("balanceCents").asLong();
  }

  private static JsonNode check(String adminToken) {
    Reply reply = api.get("/v1/admin/ledger/check", adminToken);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  @Test
  void onlyAdminsMayCheckTheLedger() {
    assertProblem(api.get("/v1/admin/ledger/check", null), 401);
    assertProblem(api.get("/v1/admin/ledger/check", api.token(unique("student"), "student")), 403);
    assertProblem(api.get("/v1/admin/ledger/check", api.token(unique("tutor"), "tutor")), 403);
    assertThat(api.get("/v1/admin/ledger/check", api.token(unique("admin"), "admin")).status()).isEqualTo(200);
  }

  @Test
  void everyPaidTopUpIsPostedOnceBalancedAndEachStudentAccountEqualsTheWallet() throws Exception {
    Student paid = student();
    assertThat(topUp(paid, "k1", "standard", "pm_card_ok").status()).isEqualTo(201);
    assertThat(topUp(paid, "k1", "standard", "pm_card_ok").status()).isEqualTo(201); // a retry: no money moves
    assertThat(topUp(paid, "k2", "starter", "pm_wallet_ok").status()).isEqualTo(201);

    Student mixed = student();
    assertProblem(topUp(mixed, "declined", "starter", "pm_card_declined"), 402);
    assertProblem(topUp(mixed, "failing", "starter", "pm_card_error"), 502);
    assertProblem(topUp(mixed, "failing", "starter", "pm_card_error"), 502);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Reply>> retries = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      retries.add(pool.submit(() -> topUp(mixed, "same-key", "large", "pm_card_ok")));
    }
    for (Future<Reply> retry : retries) {
      assertThat(retry.get(60, TimeUnit.SECONDS).status()).isEqualTo(201);
    }
    pool.shutdown();

    Student declinedOnly = student();
    assertProblem(topUp(declinedOnly, "no", "large", "pm_card_declined"), 402);

    long paidBalance = balance(paid);
    long mixedBalance = balance(mixed);
    assertThat(paidBalance).isPositive();
    assertThat(mixedBalance).isPositive();
    assertThat(balance(declinedOnly)).isZero();

    String admin = api.token(unique("admin"), "admin");
    long end = System.nanoTime() + DEADLINE.toNanos();
    JsonNode last = check(admin);
    while (!(last.get("accounts").path(paid.account()).asLong() == paidBalance
        && last.get("accounts").path(mixed.account()).asLong() == mixedBalance)) {
      // Never ahead of the wallet, and never more money in than the provider charged, on the way.
      assertThat(last.get("accounts").path(paid.account()).asLong()).as(last.toString()).isLessThanOrEqualTo(paidBalance);
      assertThat(last.get("accounts").path(mixed.account()).asLong()).as(last.toString()).isLessThanOrEqualTo(mixedBalance);
      assertThat(last.get("reconciliation").asText()).as(last.toString()).isNotEqualTo("MISMATCH");
      if (System.nanoTime() > end) {
        throw new AssertionError("the ledger did not catch up with the wallets within " + DEADLINE + ": " + last);
      }
      TimeUnit.MILLISECONDS.sleep(250);
      last = check(admin);
    }

    assertThat(last.get("balanced").asBoolean()).as(last.toString()).isTrue();
    assertThat(last.get("debitsCents").asLong()).isEqualTo(last.get("creditsCents").asLong()).isPositive();
    long sum = 0;
    for (var amounts = last.get("accounts").elements(); amounts.hasNext(); ) {
      sum += amounts.next().asLong();
    }
    assertThat(sum).isZero();
    assertThat(last.get("accounts").has(declinedOnly.account())).isFalse();
    long moneyIn = last.get("moneyIn").asLong();
    assertThat(moneyIn).isEqualTo(-last.get("accounts").get("provider:clearing").asLong());
    // Our three paid top-ups (standard 50.00, starter, large) came in through the provider.
    assertThat(moneyIn).isGreaterThanOrEqualTo(5000 + 2000 + 10000).isLessThanOrEqualTo(last.get("providerChargedCents").asLong());
    assertThat(last.get("reconciliation").asText()).isIn("RECONCILED", "LAGGING");
    assertThat(last.get("lagging").asBoolean()).isEqualTo(last.get("reconciliation").asText().equals("LAGGING"));
  }
}
