package io.tutormesh.gateway.money;

import static io.tutormesh.gateway.money.Lessons.account;
import static io.tutormesh.gateway.money.Lessons.await;
import static io.tutormesh.gateway.money.Lessons.key;
import static io.tutormesh.gateway.money.Lessons.payoutJson;
import static io.tutormesh.gateway.session.Fixtures.assertBadField;
import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.money.Lessons.Student;
import io.tutormesh.gateway.money.Lessons.Tutor;
import io.tutormesh.gateway.testing.Api.Reply;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tutor payouts end to end, on a real node with the real Cassandra and a dispute window of 6 s (so
 * that earnings become available during the test): only available earnings are paid out, the
 * Idempotency-Key makes a retry answer the same and pay once, a provider failure pays nothing, and
 * the ledger posts the payout (tutor → provider) and stays balanced.
 */
class PayoutIntegrationTest {

  private static Lessons lessons;

  @BeforeAll
  static void startNode() throws Exception {
    lessons = Lessons.start(Map.of("tutormesh.money.dispute-window", "6s", "tutormesh.money.payout-delay-after-window", "0s"));
  }

  @AfterAll
  static void stopNode() {
    if (lessons != null) {
      lessons.close();
    }
  }

  @Test
  void availableEarningsArePaidOutOnceByKeyAndTheLedgerFollows() throws Exception {
    Student s = lessons.student();
    try (Tutor t = lessons.tutor()) {
      lessons.completed(s, t);
      // Pending during the dispute window: nothing can be paid out yet.
      assertProblem(lessons.payout(t.id(), t.token(), key(), payoutJson(1, "acct_ok")), 409);
      JsonNode available = await(() -> lessons.earnings(t), e -> e.get("availableCents").asLong() == Lessons.NET, "earnings available");
      assertThat(available.get("pendingCents").asLong()).isZero();

      // Above what is available: refused, nothing moves.
      Reply tooMuch = lessons.payout(t.id(), t.token(), key(), payoutJson(Lessons.NET + 1, "acct_ok"));
      assertProblem(tooMuch, 409);
      assertThat(tooMuch.json().get("detail").asText()).contains(String.valueOf(Lessons.NET)).contains("nothing was paid out");
      assertThat(lessons.earnings(t).get("paidOutCents").asLong()).isZero();
      assertThat(lessons.earnings(t).get("payouts")).isEmpty();

      String key = key();
      Reply paid = lessons.payout(t.id(), t.token(), key, payoutJson(400, "acct_ok"));
      assertThat(paid.status()).as(paid.body()).isEqualTo(201);
      assertThat(paid.json().get("status").asText()).isEqualTo("SUCCEEDED");
      assertThat(paid.json().get("amountCents").asLong()).isEqualTo(400);
      assertThat(paid.json().get("availableCents").asLong()).isEqualTo(Lessons.NET - 400);
      assertThat(paid.json().get("currency").asText()).isEqualTo("EUR");
      assertThat(paid.json().get("reference").asText()).startsWith("sbx_po_");

      Reply again = lessons.payout(t.id(), t.token(), key, payoutJson(400, "acct_ok"));
      assertThat(again.status()).isEqualTo(201);
      assertThat(again.json().get("payoutId")).isEqualTo(paid.json().get("payoutId"));
      assertProblem(lessons.payout(t.id(), t.token(), key, payoutJson(401, "acct_ok")), 409);

      JsonNode after = lessons.earnings(t);
      assertThat(after.get("paidOutCents").asLong()).isEqualTo(400);
      assertThat(after.get("availableCents").asLong()).isEqualTo(Lessons.NET - 400);
      assertThat(after.get("payouts")).hasSize(1);
      assertThat(after.get("payouts").get(0).get("status").asText()).isEqualTo("SUCCEEDED");

      // The provider fails: 502, nothing paid out, the amount is still available.
      Reply failed = lessons.payout(t.id(), t.token(), key(), payoutJson(100, "acct_error"));
      assertProblem(failed, 502);
      assertThat(lessons.earnings(t).get("availableCents").asLong()).isEqualTo(Lessons.NET - 400);
      assertThat(lessons.earnings(t).get("paidOutCents").asLong()).isEqualTo(400);
      assertProblem(lessons.payout(t.id(), t.token(), key(), payoutJson(100, "acct_declined")), 422);

      // An admin may pay a tutor out too.
      Reply byAdmin = lessons.payout(t.id(), lessons.admin, key(), payoutJson(Lessons.NET - 400, "acct_ok"));
      assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(201);
      assertThat(byAdmin.json().get("availableCents").asLong()).isZero();

      JsonNode check = await(lessons::ledger,
          c -> account(c, "tutor:" + t.id()) == 0 && account(c, "provider:payouts") >= Lessons.NET,
          "payouts projected", Lessons.LEDGER_DEADLINE);
      assertThat(check.get("balanced").asBoolean()).as(check.toString()).isTrue();
    }
  }

  @Test
  void badPayoutsAreRefusedAndMoveNothing() throws Exception {
    try (Tutor t = lessons.tutor()) {
      String path = "/v1/tutors/" + t.id() + "/payouts";
      assertProblem(lessons.payout(t.id(), lessons.api().token(unique("tutor"), "tutor"), key(), payoutJson(1, "acct_ok")), 403);
      assertProblem(lessons.payout(t.id(), lessons.api().token(unique("student"), "student"), key(), payoutJson(1, "acct_ok")), 403);
      assertProblem(lessons.api().post(path, null, payoutJson(1, "acct_ok")), 401);
      assertBadField(lessons.payout(t.id(), t.token(), null, payoutJson(1, "acct_ok")), "Idempotency-Key");
      assertBadField(lessons.payout(t.id(), t.token(), key(), payoutJson(0, "acct_ok")), "amountCents");
      assertBadField(lessons.payout(t.id(), t.token(), key(), payoutJson(-5, "acct_ok")), "amountCents");
      assertBadField(lessons.payout(t.id(), t.token(), key(), "{\"accountId\":\"acct_ok\"}"), "amountCents");
      assertProblem(lessons.payout(t.id(), t.token(), key(), "{\"amountCents\":99999999999999999999999,\"accountId\":\"acct_ok\"}"), 400);
      assertProblem(lessons.payout(t.id(), t.token(), key(), "{\"amountCents\":\"ten\",\"accountId\":\"acct_ok\"}"), 400);
      assertBadField(lessons.payout(t.id(), t.token(), key(), "{\"amountCents\":10}"), "accountId");
      assertBadField(lessons.payout(t.id(), t.token(), key(), "{\"amountCents\":10,\"accountId\":\"acct_ok\",\"currency\":\"USD\"}"), "currency");
      assertProblem(lessons.payout(unique("nobody"), lessons.admin, key(), payoutJson(1, "acct_ok")), 404);
      // Nothing earned: nothing available.
      assertProblem(lessons.payout(t.id(), t.token(), key(), payoutJson(1, "acct_ok")), 409);
      JsonNode earnings = lessons.earnings(t);
      assertThat(earnings.get("paidOutCents").asLong()).isZero();
      assertThat(earnings.get("payouts")).isEmpty();
    }
  }
}
