package io.tutormesh.gateway.money;

import io.tutormesh.engine.money.Earnings;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.PaymentProvider;
import io.tutormesh.engine.money.Wallet;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.auth.Principal;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.gateway.http.Json;
import io.tutormesh.gateway.http.Problem;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * `GET /v1/credit-packs` and `GET /v1/plans` (every valid token), a student's
 * `GET /v1/students/{id}/wallet` and `POST /v1/students/{id}/wallet/top-ups` (that student and
 * admins), a tutor's `GET /v1/tutors/{id}/earnings` (that tutor and admins). A top-up answers 201 when paid, 402 when the provider declined, 502 when it failed;
 * the same Idempotency-Key and body again answer the same, and move no money. A tutor's
 * `POST /v1/tutors/{id}/payouts` (that tutor and admins) pays available earnings out the same way:
 * 201 when paid, 409 above what is available, 422 when the account declined, 502 when the provider
 * failed; nothing is paid out on any error.
 */
public final class MoneyRoutes extends ApiDirectives {

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final MoneySettings money;

  public MoneyRoutes(ApiContext context) {
    super(context);
    this.sharding = context.sharding();
    this.askTimeout = context.askTimeout();
    this.money = MoneySettings.fromConfig(context.system().settings().config());
  }

  public Route route() {
    return concat(
        path("credit-packs", () -> endpoint("/v1/credit-packs", () -> authenticated(who -> get(
            () -> complete(Json.response(200, MoneyDtos.CreditPacks.of(money))))))),
        path("plans", () -> endpoint("/v1/plans", () -> authenticated(who -> get(
            () -> complete(Json.response(200, MoneyDtos.Plans.of(money))))))),
        pathPrefix("students", () -> pathPrefix(PathMatchers.segment(), id -> pathPrefix("wallet", () -> concat(
            pathEnd(() -> wallet(id)),
            path("top-ups", () -> topUps(id)))))),
        pathPrefix("tutors", () -> pathPrefix(PathMatchers.segment(), id -> concat(
            path("earnings", () -> earnings(id)),
            path("payouts", () -> payouts(id))))));
  }

  private Route payouts(String id) {
    return endpoint("/v1/tutors/{id}/payouts", () -> authenticated(who -> validId("id", id, () -> post(() -> authorize(
        who.mayWriteAs(Role.TUTOR, id), "a tutor is paid out its own earnings (or an admin does it)",
        () -> optionalHeaderValueByName("Idempotency-Key", key -> jsonBody(MoneyDtos.PayoutRequest.class, body -> payout(id, key, body))))))));
  }

  private Route payout(String id, Optional<String> key, MoneyDtos.PayoutRequest body) {
    if (key.isEmpty() || key.get().isEmpty() || key.get().length() > PaymentProvider.MAX_KEY_LENGTH) {
      return complete(Json.problem(Problem.badRequest("Idempotency-Key", "a header of 1 to " + PaymentProvider.MAX_KEY_LENGTH + " characters is required")));
    }
    if (body.amountCents() == null || body.amountCents() <= 0) {
      return complete(Json.problem(Problem.badRequest("amountCents", "a positive whole number of cents is required")));
    }
    if (body.currency() != null && !body.currency().equals(money.currency())) {
      return complete(Json.problem(Problem.badRequest("currency", "the platform's currency is " + money.currency())));
    }
    CompletionStage<TutorEntity.PayoutResult> result = tutor(id)
        .askWithStatus(replyTo -> new TutorEntity.PayOut(key.get(), body.amountCents(), body.accountId(), replyTo), askTimeout);
    return completeWithFuture(result.handle((paid, error) -> error == null ? payoutAnswer(paid) : failure(error)));
  }

  /** The same answer for the first call and every retry of its key. */
  private HttpResponse payoutAnswer(TutorEntity.PayoutResult result) {
    Earnings.Payout payout = result.payout();
    return switch (payout.status()) {
      case SUCCEEDED -> Json.response(201, MoneyDtos.Payout.of(result));
      case DECLINED -> Json.problem(Problem.of(422, "payout-declined", "Payout declined",
          "the payout was declined: " + payout.message() + "; nothing was paid out (payout " + payout.payoutId() + ")"));
      case FAILED -> Json.problem(Problem.of(502, "payment-provider-failure", "Payment provider failure",
          "the payment provider failed: " + payout.message() + "; nothing was paid out (payout " + payout.payoutId() + "); retry with a new Idempotency-Key"));
      case PENDING -> throw new IllegalStateException("a pending payout is never answered");
    };
  }

  private Route earnings(String id) {
    return endpoint("/v1/tutors/{id}/earnings", () -> authenticated(who -> validId("id", id, () -> authorize(
        who.mayReadPrivateOf(Role.TUTOR, id), "earnings are for their tutor and admins only",
        () -> get(() -> reply(200, tutor(id).askWithStatus(TutorEntity.GetEarnings::new, askTimeout), MoneyDtos.EarningsView::of))))));
  }

  private EntityRef<TutorEntity.Command> tutor(String id) {
    return sharding.entityRefFor(TutorEntity.ENTITY_KEY, id);
  }

  private Route wallet(String id) {
    return endpoint("/v1/students/{id}/wallet", () -> authenticated(who -> validId("id", id, () -> authorize(
        who.mayWriteAs(Role.STUDENT, id), "a wallet is for its student and admins only",
        () -> get(() -> reply(200, student(id).askWithStatus(StudentEntity.GetWallet::new, askTimeout), MoneyDtos.WalletView::of))))));
  }

  private Route topUps(String id) {
    return endpoint("/v1/students/{id}/wallet/top-ups", () -> authenticated(who -> validId("id", id, () -> post(() -> authorize(
        who.mayWriteAs(Role.STUDENT, id), "a student tops up its own wallet (or an admin does)",
        () -> optionalHeaderValueByName("Idempotency-Key", key -> jsonBody(MoneyDtos.TopUpRequest.class, body -> topUp(who, id, key, body))))))));
  }

  private Route topUp(Principal who, String id, Optional<String> key, MoneyDtos.TopUpRequest body) {
    if (key.isEmpty() || key.get().isEmpty() || key.get().length() > PaymentProvider.MAX_KEY_LENGTH) {
      return complete(Json.problem(Problem.badRequest("Idempotency-Key", "a header of 1 to " + PaymentProvider.MAX_KEY_LENGTH + " characters is required")));
    }
    if (body.currency() != null && !body.currency().equals(money.currency())) {
      return complete(Json.problem(Problem.badRequest("currency", "the platform's currency is " + money.currency())));
    }
    CompletionStage<StudentEntity.TopUpResult> result = student(id)
        .askWithStatus(replyTo -> new StudentEntity.TopUp(key.get(), body.packId(), body.paymentMethod(), replyTo), askTimeout);
    return completeWithFuture(result.handle((paid, error) -> error == null ? answer(paid) : failure(error)));
  }

  /** The same answer for the first call and every retry of its key. */
  private HttpResponse answer(StudentEntity.TopUpResult result) {
    Wallet.TopUp topUp = result.topUp();
    return switch (topUp.status()) {
      case SUCCEEDED -> Json.response(201, MoneyDtos.TopUp.of(result, money.currency()));
      case DECLINED -> Json.problem(Problem.paymentRequired("the payment was declined: " + topUp.message() + "; nothing was credited (top-up " + topUp.topUpId() + ")"));
      case FAILED -> Json.problem(Problem.of(502, "payment-provider-failure", "Payment provider failure",
          "the payment provider failed: " + topUp.message() + "; nothing was credited (top-up " + topUp.topUpId() + "); retry with a new Idempotency-Key"));
      case PENDING -> throw new IllegalStateException("a pending top-up is never answered");
    };
  }

  private EntityRef<StudentEntity.Command> student(String id) {
    return sharding.entityRefFor(StudentEntity.ENTITY_KEY, id);
  }
}
