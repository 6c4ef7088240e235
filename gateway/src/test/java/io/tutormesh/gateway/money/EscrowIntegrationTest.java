package io.tutormesh.gateway.money;

import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.testing.MoneyFlowFixture;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.WsClient;
import org.junit.jupiter.api.Test;

/**
 * The money of instant sessions end to end, on a real node with the real Cassandra: the hold of a
 * request (402 when the balance cannot cover it), the escrow at MATCHED, the capture at COMPLETED
 * (per started minute, 15 minutes at least), the tutor's earnings net of the 33 % commission, the
 * refunds (NO_TUTOR, cancels) and the ledger, balanced and agreeing with the wallet and earnings.
 * Each test has its own language, so only its own tutor gets its offers.
 */
class EscrowIntegrationTest extends MoneyFlowFixture {

  // --- holds and 402 ---

  @Test
  void aRequestTheBalanceCannotCoverIs402AndHoldsNothing() throws Exception {
    String language = language();
    Student poor = student(false);
    Reply broke = request(poor, language, 4000, 60);
    assertProblem(broke, 402);
    assertThat(broke.json().get("detail").asText()).contains("4000").contains("nothing was opened");
    assertThat(wallet(poor).get("heldCents").asLong()).isZero();

    Student funded = student(true);
    assertProblem(request(funded, language, 12_000, 60), 402); // holds 12,000 of 11,000
    JsonNode untouched = wallet(funded);
    assertThat(untouched.get("balanceCents").asLong()).isEqualTo(Funding.CREDIT_CENTS);
    assertThat(untouched.get("heldCents").asLong()).isZero();

    // Nothing was opened: a request the balance covers is accepted (not a 409 for an open one).
    String sessionId = requested(funded, language, 11_000, 60);
    awaitWallet(funded, 0, 11_000);
    assertThat(api.post("/v1/sessions/" + sessionId + "/cancel", funded.token(), null).status()).isEqualTo(200);
    awaitWallet(funded, Funding.CREDIT_CENTS, 0);
  }

  // --- the whole lesson ---

  @Test
  void aCompletedLessonCapturesFifteenMinutesRefundsTheRestAndCreditsTheTutorNetOfCommission() throws Exception {
    String language = language();
    Student s = student(true);
    String sessionId = requested(s, language, 5000, 60); // holds 50.00 × 60 / 60
    JsonNode held = awaitWallet(s, 6000, 5000);
    assertThat(held.get("entries").get(0).get("kind").asText()).isEqualTo("HOLD");
    assertThat(session(sessionId, s.token()).get("escrow").get("status").asText()).isEqualTo("NONE");

    try (Tutor t = tutor(language)) {
      JsonNode matched = awaitStatus(sessionId, s.token(), "MATCHED");
      assertThat(matched.get("escrow").get("status").asText()).isEqualTo("HELD");
      assertThat(matched.get("escrow").get("heldCents").asLong()).isEqualTo(3000); // the tutor's 30.00 × 60 / 60
      awaitWallet(s, 8000, 3000); // the difference is back

      try (WsClient studentRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, s.token());
          WsClient tutorRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, t.token())) {
        studentRoom.await("status", f -> "LIVE".equals(f.get("status").asText()));
        studentRoom.send("{\"type\":\"end\"}");
        studentRoom.await("status", f -> "COMPLETED".equals(f.get("status").asText()));
      }
      JsonNode completed = awaitStatus(sessionId, s.token(), "COMPLETED");
      JsonNode escrow = completed.get("escrow");
      assertThat(escrow.get("status").asText()).isEqualTo("RELEASED");
      assertThat(escrow.get("heldCents").asLong()).isEqualTo(3000);
      assertThat(escrow.get("releasedCents").asLong()).isEqualTo(750); // a short lesson costs the 15-minute minimum
      assertThat(escrow.get("refundedCents").asLong()).isEqualTo(2250);

      JsonNode settled = awaitWallet(s, Funding.CREDIT_CENTS - 750, 0);
      assertThat(settled.get("entries").findValuesAsText("kind")).contains("CHARGE", "REFUND", "HOLD_RESIZED", "HOLD");

      JsonNode earned = await(() -> earnings(t), e -> e.get("pendingCents").asLong() > 0, "tutor credited");
      assertThat(earned.get("commissionCents").asLong()).isEqualTo(248); // 33 % of 750, half up
      assertThat(earned.get("pendingCents").asLong()).isEqualTo(502); // net, pending for the dispute window
      assertThat(earned.get("availableCents").asLong()).isZero();
      assertThat(earned.get("paidOutCents").asLong()).isZero();
      JsonNode entry = earned.get("entries").get(0);
      assertThat(entry.get("sessionId").asText()).isEqualTo(sessionId);
      assertThat(entry.get("grossCents").asLong()).isEqualTo(750);
      assertThat(entry.get("commissionPercent").asInt()).isEqualTo(33);
      assertThat(entry.get("status").asText()).isEqualTo("PENDING");

      // The ledger, once projected: balanced, and agreeing with the wallet and the earnings.
      JsonNode check = await(EscrowIntegrationTest::ledger,
          c -> account(c, "tutor:" + t.id()) == 502 && account(c, "student:" + s.id()) == Funding.CREDIT_CENTS - 750
              && account(c, "escrow:" + sessionId) == 0 && c.path("accounts").has("escrow:" + sessionId),
          "ledger projected", LEDGER_DEADLINE);
      assertThat(check.get("balanced").asBoolean()).as(check.toString()).isTrue();
      assertThat(check.get("totals").get("commissionCents").asLong()).isGreaterThanOrEqualTo(248);
    }
  }

  // --- refunds ---

  @Test
  void noTutorGivesTheHoldBackWhole() throws Exception {
    Student s = student(true);
    String sessionId = requested(s, language(), 4000, 30); // nobody teaches physics in this language here
    awaitWallet(s, Funding.CREDIT_CENTS - 2000, 2000);
    JsonNode ended = awaitStatus(sessionId, s.token(), "NO_TUTOR");
    assertThat(ended.get("escrow").get("status").asText()).isEqualTo("NONE");
    JsonNode back = awaitWallet(s, Funding.CREDIT_CENTS, 0);
    assertThat(back.get("entries").get(0).get("kind").asText()).isEqualTo("HOLD_RELEASED");
    assertThat(back.get("entries").get(0).get("amountCents").asLong()).isEqualTo(2000);
  }

  @Test
  void cancellingAMatchedSessionRefundsTheEscrowInFull() throws Exception {
    String language = language();
    Student s = student(true);
    try (Tutor t = tutor(language)) {
      String sessionId = requested(s, language, 5000, 60);
      awaitStatus(sessionId, s.token(), "MATCHED");
      awaitWallet(s, 8000, 3000);

      Reply cancelled = api.post("/v1/sessions/" + sessionId + "/cancel", t.token(), null); // by the tutor
      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
      JsonNode escrow = awaitStatus(sessionId, s.token(), "CANCELLED").get("escrow");
      assertThat(escrow.get("status").asText()).isEqualTo("REFUNDED");
      assertThat(escrow.get("heldCents").asLong()).isEqualTo(3000);
      assertThat(escrow.get("releasedCents").asLong()).isZero();
      assertThat(escrow.get("refundedCents").asLong()).isEqualTo(3000);
      awaitWallet(s, Funding.CREDIT_CENTS, 0);
      assertThat(earnings(t).get("pendingCents").asLong()).isZero();
      assertThat(earnings(t).get("entries")).isEmpty();

      JsonNode check = await(EscrowIntegrationTest::ledger, c -> c.path("accounts").has("escrow:" + sessionId)
          && account(c, "escrow:" + sessionId) == 0 && account(c, "student:" + s.id()) == Funding.CREDIT_CENTS,
          "escrow and refund projected", LEDGER_DEADLINE);
      assertThat(check.get("balanced").asBoolean()).isTrue();
    }
  }

  // --- who may read earnings ---

  @Test
  void earningsAreForTheirTutorAndAdminsOnly() throws Exception {
    try (Tutor t = tutor(language())) {
      String other = unique("tutor");
      assertProblem(api.get("/v1/tutors/" + t.id() + "/earnings", api.token(other, "tutor")), 403);
      assertProblem(api.get("/v1/tutors/" + t.id() + "/earnings", api.token(unique("student"), "student")), 403);
      assertProblem(api.get("/v1/tutors/" + unique("nobody") + "/earnings", admin), 404);
      Reply byAdmin = api.get("/v1/tutors/" + t.id() + "/earnings", admin);
      assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(200);
      assertThat(byAdmin.json().get("availableCents").asLong()).isZero();
      assertThat(byAdmin.json().get("currency").asText()).isEqualTo("EUR");
    }
  }
}
