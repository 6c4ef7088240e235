package io.tutormesh.gateway.money;

import static io.tutormesh.gateway.session.Fixtures.assertBadField;
import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.session.Fixtures;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
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
 * Credit packs, plans, wallets and top-ups end to end: real REST, the real Cassandra, the sandbox
 * payment provider (whose idempotency keys are kept in Cassandra too).
 */
class WalletIntegrationTest {

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

  record Student(String id, String token) {}

  private static Student student() {
    String id = unique("student");
    String token = api.token(id, "student");
    assertThat(api.put("/v1/students/" + id, token, Fixtures.studentJson("Sam")).status()).isEqualTo(200);
    return new Student(id, token);
  }

  private static Reply topUp(Student s, String key, String body) {
    Map<String, String> headers = key == null ? Map.of() : Map.of("Idempotency-Key", key);
    return api.send("POST", "/v1/students/" + s.id() + "/wallet/top-ups", s.token(), body, headers);
  }

  private static String pack(String packId, String method) {
    return "{\"packId\":\"" + packId + "\",\"paymentMethod\":\"" + method + "\"}";
  }

  private static JsonNode wallet(Student s) {
    Reply reply = api.get("/v1/students/" + s.id() + "/wallet", s.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  @Test
  void packsAndPlansAreListedForEveryToken() {
    Reply packs = api.get("/v1/credit-packs", api.token(unique("partner"), "partner"));
    assertThat(packs.status()).isEqualTo(200);
    assertThat(packs.json().get("items").findValuesAsText("packId")).contains("starter", "standard", "large");
    assertThat(packs.json().get("items").get(0).get("currency").asText()).isEqualTo("EUR");
    Reply plans = api.get("/v1/plans", api.token(unique("tutor"), "tutor"));
    assertThat(plans.status()).isEqualTo(200);
    assertThat(plans.json().get("items").findValuesAsText("kind")).contains("student", "tutor");
    assertProblem(api.get("/v1/plans", null), 401);
  }

  @Test
  void aPaidTopUpCreditsTheWalletOnceWhateverTheRetries() {
    Student s = student();
    JsonNode empty = wallet(s);
    assertThat(empty.get("balanceCents").asLong()).isZero();
    assertThat(empty.get("heldCents").asLong()).isZero();
    assertThat(empty.get("currency").asText()).isEqualTo("EUR");

    Reply paid = topUp(s, "key-1", pack("standard", "pm_card_ok"));
    assertThat(paid.status()).as(paid.body()).isEqualTo(201);
    assertThat(paid.json().get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(paid.json().get("creditCents").asLong()).isEqualTo(5000);
    assertThat(paid.json().get("bonusCents").asLong()).isEqualTo(250);
    Reply again = topUp(s, "key-1", pack("standard", "pm_card_ok"));
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(paid.body());
    assertProblem(topUp(s, "key-1", pack("large", "pm_card_ok")), 409);

    JsonNode wallet = wallet(s);
    assertThat(wallet.get("balanceCents").asLong()).isEqualTo(5250);
    assertThat(wallet.get("entries").findValuesAsText("kind")).containsExactly("BONUS", "TOP_UP");

    assertThat(topUp(s, "key-2", pack("starter", "pm_wallet_ok")).status()).isEqualTo(201);
    assertThat(topUp(s, "key-3", pack("starter", "pm_transfer_ok")).status()).isEqualTo(201);
    assertThat(wallet(s).get("balanceCents").asLong()).isEqualTo(9250);
  }

  @Test
  void declinedAndFailingPaymentsCreditNothingAndAnswerTheSameAgain() {
    Student s = student();
    Reply declined = topUp(s, "declined", pack("starter", "pm_card_declined"));
    assertProblem(declined, 402);
    assertThat(topUp(s, "declined", pack("starter", "pm_card_declined")).body()).isEqualTo(declined.body());
    Reply failed = topUp(s, "failing", pack("starter", "pm_card_error"));
    assertProblem(failed, 502);
    assertThat(topUp(s, "failing", pack("starter", "pm_card_error")).status()).isEqualTo(502);
    assertProblem(topUp(s, "unknown-method", pack("starter", "pm_made_up")), 402);
    assertThat(wallet(s).get("balanceCents").asLong()).isZero();
    assertThat(wallet(s).get("entries")).isEmpty();
  }

  @Test
  void badTopUpsAreRefusedAndMoveNothing() {
    Student s = student();
    assertBadField(topUp(s, null, pack("starter", "pm_card_ok")), "Idempotency-Key");
    assertBadField(topUp(s, "", pack("starter", "pm_card_ok")), "Idempotency-Key");
    assertBadField(topUp(s, "k".repeat(256), pack("starter", "pm_card_ok")), "Idempotency-Key");
    assertBadField(topUp(s, "k1", pack("huge", "pm_card_ok")), "packId");
    assertBadField(topUp(s, "k2", "{\"packId\":\"starter\"}"), "paymentMethod");
    assertBadField(topUp(s, "k3", "{\"packId\":\"starter\",\"paymentMethod\":\"pm_card_ok\",\"currency\":\"USD\"}"), "currency");
    assertProblem(topUp(s, "k4", "{not json"), 400);

    Student other = student();
    Reply forSomeoneElse = api.send("POST", "/v1/students/" + other.id() + "/wallet/top-ups", s.token(), pack("starter", "pm_card_ok"), Map.of("Idempotency-Key", "k5"));
    assertProblem(forSomeoneElse, 403);
    assertProblem(api.get("/v1/students/" + other.id() + "/wallet", s.token()), 403);
    assertProblem(api.get("/v1/students/" + other.id() + "/wallet", api.token(other.id(), "tutor")), 403);
    assertThat(api.get("/v1/students/" + other.id() + "/wallet", api.token(unique("admin"), "admin")).status()).isEqualTo(200);
    String ghost = unique("ghost");
    assertProblem(api.send("POST", "/v1/students/" + ghost + "/wallet/top-ups", api.token(ghost, "student"), pack("starter", "pm_card_ok"), Map.of("Idempotency-Key", "k6")), 404);
    assertProblem(api.get("/v1/students/" + s.id() + "/wallet", null), 401);

    assertThat(wallet(s).get("balanceCents").asLong()).isZero();
    assertThat(wallet(other).get("balanceCents").asLong()).isZero();
  }

  @Test
  void concurrentRetriesOfOneKeyPayOnce() throws Exception {
    Student s = student();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      replies.add(pool.submit(() -> topUp(s, "same-key", pack("large", "pm_card_ok"))));
    }
    List<String> topUpIds = new ArrayList<>();
    for (Future<Reply> reply : replies) {
      Reply r = reply.get(60, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      topUpIds.add(r.json().get("topUpId").asText());
    }
    pool.shutdown();
    assertThat(topUpIds).containsOnly(topUpIds.get(0));
    assertThat(wallet(s).get("balanceCents").asLong()).isEqualTo(11000);
  }
}
