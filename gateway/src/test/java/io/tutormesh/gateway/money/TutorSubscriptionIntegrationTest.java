package io.tutormesh.gateway.money;

import static io.tutormesh.gateway.session.Fixtures.assertBadField;
import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.session.Fixtures;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.MoneyFlowFixture;
import io.tutormesh.gateway.testing.WsClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tutor plans end to end, on a real node with the real Cassandra: a `pro` tutor (its first period
 * charged through the provider) earns a completed lesson net of the ladder's commission less 5
 * points, shown in its earnings; the plan renews every period and a cancelled one ends at its
 * period's end; its fees are plan revenue in the ledger (balanced, never ahead of the provider) and
 * payments in the KPIs; a declined card is 402 and a failing provider 502 (nothing active); unknown
 * and student plans and a bad payment method are 400, other users 403, an unknown tutor 404, and
 * none of them changes anything.
 */
// A plan's day lasts 300 ms on this node: pro's 30 days are 9 s, so a test sees it renew and end.
@MoneyFlowFixture.NodeSettings("tutormesh.money.subscriptions.day-length = 300ms")
class TutorSubscriptionIntegrationTest extends MoneyFlowFixture {

  private static final long PRO_PRICE = 2900;

  private record Registered(String id, String token) {}

  private static Registered registeredTutor() {
    String id = unique("pro");
    String token = api.token(id, "tutor");
    Reply profile = api.put("/v1/tutors/" + id, token, Fixtures.tutorJson("Sofia", "physics", List.of("high"), List.of("en"), TUTOR_RATE));
    assertThat(profile.status()).as(profile.body()).isEqualTo(200);
    return new Registered(id, token);
  }

  private static Reply subscribe(String id, String token, String json) {
    return api.put("/v1/tutors/" + id + "/subscription", token, json);
  }

  private static JsonNode subscription(String id, String token) {
    Reply reply = api.get("/v1/tutors/" + id + "/subscription", token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private static JsonNode earnings(String id, String token) {
    Reply reply = api.get("/v1/tutors/" + id + "/earnings", token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private static long kpiPayments() {
    Reply reply = api.get("/v1/admin/kpis", admin);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("payments").asLong();
  }

  @Test
  void plansListTheTutorsPro() {
    Reply plans = api.get("/v1/plans", registeredTutor().token());
    assertThat(plans.status()).isEqualTo(200);
    JsonNode pro = null;
    for (JsonNode plan : plans.json().get("items")) {
      if (plan.get("planId").asText().equals("pro")) {
        pro = plan;
      }
    }
    assertThat(pro).as(plans.body()).isNotNull();
    assertThat(pro.get("kind").asText()).isEqualTo("tutor");
    assertThat(pro.get("priceCents").asLong()).isEqualTo(PRO_PRICE);
    assertThat(pro.get("commissionReductionPoints").asInt()).isEqualTo(5);
  }

  @Test
  void aProTutorEarnsACompletedLessonNetOfTheLoweredCommission() throws Exception {
    long plansBefore = account(ledger(), "platform:plans");
    String language = language();
    Student s = student(true);
    try (Tutor t = tutor(language)) {
      JsonNode before = earnings(t);
      assertThat(before.get("plan").isNull()).as(before.toString()).isTrue();
      assertThat(before.get("commissionPercent").asInt()).isEqualTo(33);

      Reply subscribed = subscribe(t.id(), t.token(), "{\"plan\":\"pro\",\"paymentMethod\":\"pm_card_ok\"}");
      assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(200);
      assertThat(subscribed.json().get("tutorId").asText()).isEqualTo(t.id());
      assertThat(subscribed.json().get("plan").asText()).isEqualTo("pro");
      assertThat(subscribed.json().get("status").asText()).isEqualTo("ACTIVE");
      assertThat(subscribed.json().get("commissionReductionPoints").asInt()).isEqualTo(5);
      assertThat(subscribed.json().get("priceCents").asLong()).isEqualTo(PRO_PRICE);
      assertThat(subscribed.json().hasNonNull("currentPeriodEnd")).isTrue();
      JsonNode pro = earnings(t);
      assertThat(pro.get("plan").asText()).isEqualTo("pro");
      assertThat(pro.get("commissionPercent").asInt()).as("33 % less 5 points").isEqualTo(28);

      String sessionId = requested(s, language, 5000, 60);
      awaitStatus(sessionId, s.token(), "MATCHED");
      try (WsClient studentRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, s.token());
          WsClient tutorRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, t.token())) {
        studentRoom.await("status", f -> "LIVE".equals(f.get("status").asText()));
        studentRoom.send("{\"type\":\"end\"}");
        studentRoom.await("status", f -> "COMPLETED".equals(f.get("status").asText()));
      }
      // 15 minutes at 30.00 is 750 released; pro pays 28 % of it: 210 commission, 540 net.
      JsonNode earned = await(() -> earnings(t), e -> e.get("pendingCents").asLong() > 0, "tutor credited");
      JsonNode entry = earned.get("entries").get(0);
      assertThat(entry.get("grossCents").asLong()).isEqualTo(750);
      assertThat(entry.get("commissionPercent").asInt()).isEqualTo(28);
      assertThat(entry.get("commissionCents").asLong()).isEqualTo(210);
      assertThat(entry.get("netCents").asLong()).isEqualTo(540);
      assertThat(earned.get("pendingCents").asLong()).isEqualTo(540);
      assertThat(earned.get("commissionCents").asLong()).isEqualTo(210);

      JsonNode check = await(MoneyFlowFixture::ledger,
          c -> account(c, "tutor:" + t.id()) == 540 && c.path("accounts").has("escrow:" + sessionId)
              && account(c, "escrow:" + sessionId) == 0 && account(c, "platform:plans") >= plansBefore + PRO_PRICE,
          "ledger projected", LEDGER_DEADLINE);
      assertThat(check.get("balanced").asBoolean()).as(check.toString()).isTrue();
      assertThat(check.get("reconciliation").asText()).as(check.toString()).isNotEqualTo("MISMATCH");
      assertThat(check.get("moneyIn").asLong()).isLessThanOrEqualTo(check.get("providerChargedCents").asLong());

      Reply cancelled = api.send("DELETE", "/v1/tutors/" + t.id() + "/subscription", t.token(), null);
      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    }
  }

  @Test
  void thePlanRenewsEveryPeriodAndACancelledOneEndsAtItsPeriodsEnd() throws Exception {
    long paymentsBefore = kpiPayments();
    long plansBefore = account(ledger(), "platform:plans");
    Registered t = registeredTutor();
    Reply subscribed = subscribe(t.id(), t.token(), "{\"plan\":\"pro\"}");
    assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(200);
    assertThat(subscribed.json().get("period").asInt()).isEqualTo(1);
    String firstEnd = subscribed.json().get("currentPeriodEnd").asText();

    JsonNode renewed = await(() -> subscription(t.id(), t.token()),
        v -> v.get("period").asInt() >= 2 && "ACTIVE".equals(v.get("status").asText()), "renewed");
    if (renewed.get("period").asInt() == 2) {
      assertThat(renewed.get("currentPeriodStart").asText()).as("the next period starts where the first ended").isEqualTo(firstEnd);
    }
    assertThat(earnings(t.id(), t.token()).get("commissionPercent").asInt()).isEqualTo(28);

    Reply cancelled = api.send("DELETE", "/v1/tutors/" + t.id() + "/subscription", t.token(), null);
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("cancelAtPeriodEnd").asBoolean()).isTrue();
    assertThat(cancelled.json().get("status").asText()).as("paid until the period ends").isEqualTo("ACTIVE");
    JsonNode ended = await(() -> subscription(t.id(), t.token()), v -> "CANCELLED".equals(v.get("status").asText()), "ended");
    int paid = ended.get("period").asInt();
    JsonNode after = earnings(t.id(), t.token());
    assertThat(after.get("plan").isNull()).as(after.toString()).isTrue();
    assertThat(after.get("commissionPercent").asInt()).isEqualTo(33);

    // Every paid period is plan revenue from the provider's clearing, and a payment in the KPIs.
    JsonNode check = await(MoneyFlowFixture::ledger, c -> account(c, "platform:plans") >= plansBefore + paid * PRO_PRICE,
        "the plan's periods in the ledger", LEDGER_DEADLINE);
    assertThat(check.get("balanced").asBoolean()).as(check.toString()).isTrue();
    assertThat(check.get("reconciliation").asText()).as(check.toString()).isNotEqualTo("MISMATCH");
    await(TutorSubscriptionIntegrationTest::kpiPayments, n -> n >= paymentsBefore + paid, "the plan's payments in the KPIs", LEDGER_DEADLINE);
  }

  @Test
  void aDeclinedCardIs402AFailingProviderIs502AndNothingIsActive() {
    Registered t = registeredTutor();
    assertProblem(subscribe(t.id(), t.token(), "{\"plan\":\"pro\",\"paymentMethod\":\"pm_card_declined\"}"), 402);
    assertProblem(subscribe(t.id(), t.token(), "{\"plan\":\"pro\",\"paymentMethod\":\"pm_card_error\"}"), 502);
    JsonNode read = subscription(t.id(), t.token());
    assertThat(read.get("status").asText()).isEqualTo("FAILED");
    assertThat(read.get("message").asText()).isNotBlank();
    JsonNode earned = earnings(t.id(), t.token());
    assertThat(earned.get("plan").isNull()).isTrue();
    assertThat(earned.get("commissionPercent").asInt()).isEqualTo(33);

    Reply paid = subscribe(t.id(), t.token(), "{\"plan\":\"pro\",\"paymentMethod\":\"pm_wallet_ok\"}");
    assertThat(paid.status()).as("a new attempt with another method").isEqualTo(200);
    assertThat(paid.json().get("status").asText()).isEqualTo("ACTIVE");
    api.send("DELETE", "/v1/tutors/" + t.id() + "/subscription", t.token(), null);
  }

  @Test
  void badInputsAreProblemsAndChangeNothing() {
    Registered t = registeredTutor();
    String path = "/v1/tutors/" + t.id() + "/subscription";
    assertBadField(subscribe(t.id(), t.token(), "{\"plan\":\"gold\"}"), "plan");
    assertBadField(subscribe(t.id(), t.token(), "{\"plan\":\"plus\"}"), "plan");
    assertBadField(subscribe(t.id(), t.token(), "{\"plan\":\"pro\",\"paymentMethod\":\"" + "m".repeat(256) + "\"}"), "paymentMethod");
    assertBadField(subscribe(t.id(), t.token(), "{\"plan\":\"pro\",\"paymentMethod\":\" \"}"), "paymentMethod");
    assertProblem(subscribe(t.id(), t.token(), "{\"plan\":"), 400);
    assertProblem(subscribe(t.id(), t.token(), "[1,2]"), 400);

    Registered other = registeredTutor();
    assertProblem(api.put(path, other.token(), "{\"plan\":\"pro\"}"), 403);
    assertProblem(api.send("DELETE", path, other.token(), null), 403);
    assertProblem(api.get(path, other.token()), 403);
    assertProblem(api.put(path, api.token(t.id(), "student"), "{\"plan\":\"pro\"}"), 403);
    assertProblem(api.put(path, null, "{\"plan\":\"pro\"}"), 401);
    assertProblem(api.put("/v1/tutors/" + unique("nobody") + "/subscription", admin, "{\"plan\":\"pro\"}"), 404);
    assertProblem(api.put("/v1/tutors/bad%20id/subscription", admin, "{\"plan\":\"pro\"}"), 400);

    JsonNode none = subscription(t.id(), t.token());
    assertThat(none.get("status").asText()).isEqualTo("NONE");
    assertThat(none.get("plan").isNull()).isTrue();
    Reply nothingToCancel = api.send("DELETE", path, t.token(), null);
    assertThat(nothingToCancel.status()).as(nothingToCancel.body()).isEqualTo(200);
    assertThat(nothingToCancel.json().get("status").asText()).isEqualTo("NONE");
    JsonNode earned = earnings(t.id(), t.token());
    assertThat(earned.get("plan").isNull()).isTrue();
    assertThat(earned.get("commissionPercent").asInt()).isEqualTo(33);

    // An admin may manage a tutor's plan.
    Reply byAdmin = api.put(path, admin, "{\"plan\":\"pro\"}");
    assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(200);
    assertThat(api.send("DELETE", path, admin, null).json().get("cancelAtPeriodEnd").asBoolean()).isTrue();
  }
}
