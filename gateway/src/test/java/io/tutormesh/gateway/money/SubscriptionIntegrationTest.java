package io.tutormesh.gateway.money;

import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.testing.MoneyFlowFixture;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.WsClient;
import org.junit.jupiter.api.Test;

/**
 * Student plans end to end, on a real node with the real Cassandra: `GET /v1/plans`, subscribing
 * to `plus` (its first period charged through the provider), its 10 % discount on a completed
 * lesson (less captured, more refunded, the tutor credited on what was captured), a declined card
 * (402, nothing active), unknown and tutor plans (400), cancelling, and the ledger balanced.
 */
class SubscriptionIntegrationTest extends MoneyFlowFixture {

  private static Reply subscribe(Student s, String json) {
    return api.put("/v1/students/" + s.id() + "/subscription", s.token(), json);
  }

  @Test
  void plansListBothKinds() {
    Reply plans = api.get("/v1/plans", admin);
    assertThat(plans.status()).isEqualTo(200);
    assertThat(plans.json().get("items").findValuesAsText("kind")).contains("student", "tutor");
    assertThat(plans.json().get("items").findValuesAsText("planId")).contains("plus", "pro");
  }

  @Test
  void aPlusStudentPaysTheDiscountedPriceOfACompletedLesson() throws Exception {
    String language = language();
    Student s = student(true);
    Reply subscribed = subscribe(s, "{\"plan\":\"plus\",\"paymentMethod\":\"pm_card_ok\"}");
    assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(200);
    assertThat(subscribed.json().get("status").asText()).isEqualTo("ACTIVE");
    assertThat(subscribed.json().get("plan").asText()).isEqualTo("plus");
    assertThat(subscribed.json().get("sessionDiscountPercent").asInt()).isEqualTo(10);
    assertThat(subscribed.json().hasNonNull("currentPeriodEnd")).isTrue();
    assertThat(wallet(s).get("balanceCents").asLong()).as("the plan is not paid from the wallet").isEqualTo(Funding.CREDIT_CENTS);
    Reply again = subscribe(s, "{\"plan\":\"plus\"}");
    assertThat(again.status()).as(again.body()).isEqualTo(200);

    String sessionId = requested(s, language, 5000, 60);
    try (Tutor t = tutor(language)) {
      awaitStatus(sessionId, s.token(), "MATCHED");
      try (WsClient studentRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, s.token());
          WsClient tutorRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, t.token())) {
        studentRoom.await("status", f -> "LIVE".equals(f.get("status").asText()));
        studentRoom.send("{\"type\":\"end\"}");
        studentRoom.await("status", f -> "COMPLETED".equals(f.get("status").asText()));
      }
      // 15 minutes at 30.00 is 750; plus takes 10 % off: 675 captured, 2,325 of the 3,000 refunded.
      JsonNode settled = await(() -> session(sessionId, s.token()),
          j -> j.path("escrow").path("releasedCents").asLong() == 675, "discounted price on the session");
      assertThat(settled.get("escrow").get("refundedCents").asLong()).isEqualTo(2325);
      awaitWallet(s, Funding.CREDIT_CENTS - 675, 0);
      JsonNode earned = await(() -> earnings(t), e -> e.get("pendingCents").asLong() > 0, "tutor credited");
      assertThat(earned.get("entries").get(0).get("grossCents").asLong()).isEqualTo(675);
      assertThat(earned.get("commissionCents").asLong()).isEqualTo(223); // 33 % of 675, half up

      JsonNode check = await(SubscriptionIntegrationTest::ledger,
          c -> account(c, "student:" + s.id()) == Funding.CREDIT_CENTS - 675 && c.path("accounts").has("escrow:" + sessionId)
              && account(c, "escrow:" + sessionId) == 0 && account(c, "platform:plans") >= 1500,
          "ledger projected", LEDGER_DEADLINE);
      assertThat(check.get("balanced").asBoolean()).as(check.toString()).isTrue();
    }

    Reply cancelled = api.send("DELETE", "/v1/students/" + s.id() + "/subscription", s.token(), null);
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("cancelAtPeriodEnd").asBoolean()).isTrue();
    assertThat(cancelled.json().get("status").asText()).as("paid until the period ends").isEqualTo("ACTIVE");
  }

  @Test
  void aDeclinedCardIs402AndNothingIsActive() {
    Student s = student(false);
    Reply declined = subscribe(s, "{\"plan\":\"plus\",\"paymentMethod\":\"pm_card_declined\"}");
    assertProblem(declined, 402);
    Reply failed = subscribe(s, "{\"plan\":\"plus\",\"paymentMethod\":\"pm_card_error\"}");
    assertProblem(failed, 502);
    Reply read = api.get("/v1/students/" + s.id() + "/subscription", s.token());
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().get("status").asText()).isEqualTo("FAILED");
  }

  @Test
  void unknownAndTutorPlansAre400AndOthersAre403() {
    Student s = student(false);
    assertProblem(subscribe(s, "{\"plan\":\"gold\"}"), 400);
    assertProblem(subscribe(s, "{\"plan\":\"pro\"}"), 400);
    Student other = student(false);
    assertProblem(api.put("/v1/students/" + s.id() + "/subscription", other.token(), "{\"plan\":\"plus\"}"), 403);
    Reply none = api.get("/v1/students/" + s.id() + "/subscription", s.token());
    assertThat(none.json().get("status").asText()).isEqualTo("NONE");
  }
}
