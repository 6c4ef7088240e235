package io.tutormesh.gateway.money;

import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.Subscription;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.gateway.http.Json;
import io.tutormesh.gateway.http.Problem;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A student's plan, `/v1/students/{id}/subscription` (that student and admins), and a tutor's,
 * `/v1/tutors/{id}/subscription` (that tutor and admins): `PUT {plan, paymentMethod?}` subscribes
 * and charges the first period now (200 when paid, 402 declined, 502 provider failure: nothing
 * active), `PUT {plan: null}` or `DELETE` cancels at the end of the paid period, `GET` reads it.
 * Unknown plans, and plans of the other kind (a tutor plan for a student, a student plan for a
 * tutor), are 400.
 */
public final class SubscriptionRoutes extends ApiDirectives {

  /** The body of a PUT; {@code paymentMethod} defaults to {@code tutormesh.money.subscriptions.default-payment-method}. */
  public record SubscribeRequest(String plan, String paymentMethod) {}

  /** A student's plan on the wire ({@code status} NONE: never subscribed). */
  public record SubscriptionView(
      String studentId, String plan, String status, Long priceCents, String currency, Integer sessionDiscountPercent,
      Instant currentPeriodStart, Instant currentPeriodEnd, boolean cancelAtPeriodEnd, Integer period, String message) {

    static SubscriptionView of(StudentEntity.SubscriptionView view, MoneySettings money) {
      Subscription s = view.subscription();
      if (s == null) {
        return new SubscriptionView(view.studentId(), null, "NONE", null, money.currency(), null, null, null, false, null, null);
      }
      return new SubscriptionView(view.studentId(), s.planId(), s.status().name(), s.priceCents(), money.currency(),
          money.sessionDiscountPercent(s.planId()), s.periodEnd() == null ? null : s.periodStart(), s.periodEnd(),
          s.cancelAtPeriodEnd(), s.period(), s.message().isEmpty() ? null : s.message());
    }
  }

  /** A tutor's plan on the wire ({@code status} NONE: never subscribed). */
  public record TutorSubscriptionView(
      String tutorId, String plan, String status, Long priceCents, String currency, Integer commissionReductionPoints,
      Instant currentPeriodStart, Instant currentPeriodEnd, boolean cancelAtPeriodEnd, Integer period, String message) {

    static TutorSubscriptionView of(TutorEntity.SubscriptionView view, MoneySettings money) {
      Subscription s = view.subscription();
      if (s == null) {
        return new TutorSubscriptionView(view.tutorId(), null, "NONE", null, money.currency(), null, null, null, false, null, null);
      }
      Integer points = money.plan(s.planId()).map(MoneySettings.Plan::commissionReductionPoints).orElse(null);
      return new TutorSubscriptionView(view.tutorId(), s.planId(), s.status().name(), s.priceCents(), money.currency(),
          points, s.periodEnd() == null ? null : s.periodStart(), s.periodEnd(),
          s.cancelAtPeriodEnd(), s.period(), s.message().isEmpty() ? null : s.message());
    }
  }

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final MoneySettings money;
  private final String defaultPaymentMethod;

  public SubscriptionRoutes(ApiContext context) {
    super(context);
    this.sharding = context.sharding();
    this.askTimeout = context.askTimeout();
    this.money = MoneySettings.fromConfig(context.system().settings().config());
    this.defaultPaymentMethod = context.system().settings().config().getString("tutormesh.money.subscriptions.default-payment-method");
  }

  public Route route() {
    return concat(
        pathPrefix("students", () -> pathPrefix(PathMatchers.segment(), id -> path("subscription", () -> subscription(id)))),
        pathPrefix("tutors", () -> pathPrefix(PathMatchers.segment(), id -> path("subscription", () -> tutorSubscription(id)))));
  }

  private Route subscription(String id) {
    return endpoint("/v1/students/{id}/subscription", () -> authenticated(who -> validId("id", id, () -> authorize(
        who.mayWriteAs(Role.STUDENT, id), "a student's plan is for that student and admins only",
        () -> concat(
            get(() -> reply(200, student(id).askWithStatus(StudentEntity.GetSubscription::new, askTimeout), v -> SubscriptionView.of(v, money))),
            delete(() -> cancel(id)),
            put(() -> jsonBody(SubscribeRequest.class, body -> body.plan() == null ? cancel(id) : subscribe(id, body))))))));
  }

  private Route cancel(String id) {
    return reply(200, student(id).askWithStatus(StudentEntity.CancelSubscription::new, askTimeout), v -> SubscriptionView.of(v, money));
  }

  private Route subscribe(String id, SubscribeRequest body) {
    String method = body.paymentMethod() == null ? defaultPaymentMethod : body.paymentMethod();
    java.util.concurrent.CompletionStage<StudentEntity.SubscriptionView> result =
        student(id).askWithStatus(replyTo -> new StudentEntity.Subscribe(body.plan(), method, replyTo), askTimeout);
    return completeWithFuture(result.handle((view, error) -> error == null ? answer(view) : failure(error)));
  }

  private HttpResponse answer(StudentEntity.SubscriptionView view) {
    Subscription s = view.subscription();
    if (s.status() == Subscription.Status.FAILED) {
      return refused(s);
    }
    return Json.response(200, SubscriptionView.of(view, money));
  }

  /** A first charge the provider refused: 402 declined, 502 failed; no plan is active. */
  private static HttpResponse refused(Subscription s) {
    if (s.lastOutcome() == ProviderResult.Outcome.DECLINED) {
      return Json.problem(Problem.paymentRequired("the payment was declined: " + s.message() + "; no plan is active"));
    }
    return Json.problem(Problem.of(502, "payment-provider-failure", "Payment provider failure",
        "the payment provider failed: " + s.message() + "; no plan is active; retry"));
  }

  private EntityRef<StudentEntity.Command> student(String id) {
    return sharding.entityRefFor(StudentEntity.ENTITY_KEY, id);
  }

  // --- a tutor's plan: the same, on the TutorEntity ---

  private Route tutorSubscription(String id) {
    return endpoint("/v1/tutors/{id}/subscription", () -> authenticated(who -> validId("id", id, () -> authorize(
        who.mayWriteAs(Role.TUTOR, id), "a tutor's plan is for that tutor and admins only",
        () -> concat(
            get(() -> reply(200, tutor(id).askWithStatus(TutorEntity.GetSubscription::new, askTimeout), v -> TutorSubscriptionView.of(v, money))),
            delete(() -> cancelTutor(id)),
            put(() -> jsonBody(SubscribeRequest.class, body -> body.plan() == null ? cancelTutor(id) : subscribeTutor(id, body))))))));
  }

  private Route cancelTutor(String id) {
    return reply(200, tutor(id).askWithStatus(TutorEntity.CancelSubscription::new, askTimeout), v -> TutorSubscriptionView.of(v, money));
  }

  private Route subscribeTutor(String id, SubscribeRequest body) {
    String method = body.paymentMethod() == null ? defaultPaymentMethod : body.paymentMethod();
    java.util.concurrent.CompletionStage<TutorEntity.SubscriptionView> result =
        tutor(id).askWithStatus(replyTo -> new TutorEntity.Subscribe(body.plan(), method, replyTo), askTimeout);
    return completeWithFuture(result.handle((view, error) -> error == null ? tutorAnswer(view) : failure(error)));
  }

  private HttpResponse tutorAnswer(TutorEntity.SubscriptionView view) {
    Subscription s = view.subscription();
    if (s.status() == Subscription.Status.FAILED) {
      return refused(s);
    }
    return Json.response(200, TutorSubscriptionView.of(view, money));
  }

  private EntityRef<TutorEntity.Command> tutor(String id) {
    return sharding.entityRefFor(TutorEntity.ENTITY_KEY, id);
  }
}
