package io.tutormesh.engine.tutor;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.ledger.LedgerEvent;
import io.tutormesh.engine.ledger.Postings;
import io.tutormesh.engine.money.PaymentProvider;
import io.tutormesh.engine.money.PlanDue;
import io.tutormesh.engine.money.PlanFixtures;
import io.tutormesh.engine.money.PlanTimes;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.SandboxProvider;
import io.tutormesh.engine.money.Subscription;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.tutor.TutorEntity.Command;
import io.tutormesh.engine.tutor.TutorEntity.EarningsCredited;
import io.tutormesh.engine.tutor.TutorEntity.EarningsSummary;
import io.tutormesh.engine.tutor.TutorEntity.Event;
import io.tutormesh.engine.tutor.TutorEntity.Registered;
import io.tutormesh.engine.tutor.TutorEntity.State;
import io.tutormesh.engine.tutor.TutorEntity.SubscriptionView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tutor's plan (`pro`): the first period charged before it counts (declined or failed: nothing
 * active), renewed by the entity's timer, past due then lapsed when a renewal is refused,
 * cancelled at the period's end, re-driven after a restart with the same key, and its lower
 * commission on the sessions credited while it is paid up (never on the others).
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TutorSubscriptionTest {

  private static final PlanTimes FAST = PlanFixtures.FAST;
  private static final PlanTimes SLOW = PlanFixtures.SLOW;
  private static final AtomicInteger IDS = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  private SandboxProvider sandbox;
  private AtomicReference<PaymentProvider> current;
  private List<String> keys;
  private PaymentProvider provider;

  private static final PaymentProvider SILENT = PlanFixtures.SILENT;
  private static final PaymentProvider DECLINING = PlanFixtures.DECLINING;

  private String tutorId;
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void setUp() {
    sandbox = new SandboxProvider();
    current = new AtomicReference<>(sandbox);
    keys = new CopyOnWriteArrayList<>();
    provider = PlanFixtures.recording(current, keys);
    tutorId = "pro-" + IDS.incrementAndGet();
    start(FAST);
  }

  private void start(PlanTimes times) {
    start(times, Clock.systemUTC());
  }

  private void start(PlanTimes times, Clock clock) {
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        TutorEntity.create(tutorId, TestSupport.defaultRules(), null, TutorEntity.Links.NONE,
            new TutorEntity.Payouts(provider, Duration.ofMillis(100)), times, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.<StatusReply<TutorEntity.TutorSummary>>runCommand(replyTo -> new TutorEntity.UpdateProfile(TestSupport.validTutor(), replyTo));
  }

  private StatusReply<SubscriptionView> subscribe(String plan, String method) {
    TestProbe<StatusReply<SubscriptionView>> reply = testKit.createTestProbe();
    kit.runCommand(new TutorEntity.Subscribe(plan, method, reply.getRef()));
    return reply.receiveMessage(Duration.ofSeconds(5));
  }

  private Subscription subscription() {
    return ((Registered) kit.getState()).subscription();
  }

  private void awaitStatus(Subscription.Status status) {
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      assertThat(subscription().status()).isEqualTo(status);
      return null;
    });
  }

  private EarningsCredited credit(String sessionId, long grossCents, long minutes) {
    TestProbe<SessionEntity.TutorCredited> reply = testKit.createTestProbe();
    var result = kit.runCommand(new TutorEntity.CreditSession(sessionId, "student-1", grossCents, minutes, Instant.now(), reply.getRef()));
    assertThat(reply.receiveMessage()).isEqualTo(new SessionEntity.TutorCredited(sessionId));
    return (EarningsCredited) result.events().get(0);
  }

  private EarningsSummary earnings() {
    return kit.<StatusReply<EarningsSummary>>runCommand(TutorEntity.GetEarnings::new).reply().getValue();
  }

  @Test
  void theFirstPeriodIsChargedThenThePlanIsActive() {
    Subscription s = subscribe("pro", SandboxProvider.CARD_OK).getValue().subscription();
    assertThat(s.status()).isEqualTo(Subscription.Status.ACTIVE);
    assertThat(s.period()).isEqualTo(1);
    assertThat(s.priceCents()).isEqualTo(2900);
    assertThat(s.periodEnd()).isEqualTo(s.periodStart().plus(Duration.ofMillis(40 * 30)));
    assertThat(sandbox.totals().chargedCents()).isEqualTo(2900);
    assertThat(keys).containsExactly(Subscription.chargeKey(tutorId, "pro", s.subscriptionId(), 1));
    assertThat(subscribe("pro", SandboxProvider.CARD_OK).getValue().subscription()).as("the same plan again charges nothing").isEqualTo(s);
    assertThat(keys).hasSize(1);
  }

  @Test
  void theChargeIsWrittenDownBeforeTheProviderIsAskedAndItsAnswerIsALedgerEvent() {
    SubscriptionView view = subscribe("pro", SandboxProvider.CARD_OK).getValue();
    var events = kit.<StatusReply<SubscriptionView>>runCommand(TutorEntity.GetSubscription::new);
    assertThat(events.reply().getValue()).isEqualTo(view);
    assertThat(events.hasNoEvents()).isTrue();

    // Replayed from the journal: the intent first, then the provider's answer (tagged for the ledger).
    kit.restart();
    Subscription s = subscription();
    assertThat(s).isEqualTo(view.subscription());
    TutorEntity.SubscriptionChargeSettled settled = new TutorEntity.SubscriptionChargeSettled(
        tutorId, s.subscriptionId(), "pro", 1, 2900, ProviderResult.succeeded("x"), Instant.now());
    assertThat(settled).isInstanceOf(LedgerEvent.class);
    assertThat(((LedgerEvent) settled).movesMoney()).isTrue();
    assertThat(Postings.planCharged(Subscription.chargeKey(tutorId, "pro", s.subscriptionId(), 1), 2900, settled.result(), settled.at()))
        .singleElement()
        .satisfies(p -> {
          assertThat(p.debit()).isEqualTo(Postings.PROVIDER_CLEARING);
          assertThat(p.credit()).isEqualTo(Postings.PLATFORM_PLANS);
          assertThat(p.amountCents()).isEqualTo(2900);
        });
  }

  @Test
  void aDeclinedOrFailedFirstChargeLeavesNothingActive() {
    Subscription declined = subscribe("pro", SandboxProvider.CARD_DECLINED).getValue().subscription();
    assertThat(declined.status()).isEqualTo(Subscription.Status.FAILED);
    assertThat(declined.lastOutcome()).isEqualTo(ProviderResult.Outcome.DECLINED);
    Subscription failed = subscribe("pro", SandboxProvider.CARD_ERROR).getValue().subscription();
    assertThat(failed.status()).isEqualTo(Subscription.Status.FAILED);
    assertThat(failed.lastOutcome()).isEqualTo(ProviderResult.Outcome.FAILED);
    assertThat(failed.subscriptionId()).isNotEqualTo(declined.subscriptionId());
    assertThat(sandbox.totals().chargedCents()).isZero();
    assertThat(earnings().planId()).isNull();
    assertThat(earnings().commissionPercent()).isEqualTo(33);
    assertThat(subscribe("pro", SandboxProvider.CARD_OK).getValue().subscription().active()).as("a new card, new keys").isTrue();
  }

  @Test
  void unknownAndStudentPlansAndMissingMethodsAreRefusedAndWriteNothing() {
    var unknown = kit.<StatusReply<SubscriptionView>>runCommand(replyTo -> new TutorEntity.Subscribe("gold", SandboxProvider.CARD_OK, replyTo));
    assertThat(Rejection.parse(unknown.reply().getError().getMessage()).field()).isEqualTo("plan");
    assertThat(unknown.events()).isEmpty();
    var studentPlan = kit.<StatusReply<SubscriptionView>>runCommand(replyTo -> new TutorEntity.Subscribe("plus", SandboxProvider.CARD_OK, replyTo));
    Rejection refused = Rejection.parse(studentPlan.reply().getError().getMessage());
    assertThat(refused.kind()).isEqualTo(Rejection.Kind.INVALID);
    assertThat(refused.field()).isEqualTo("plan");
    assertThat(studentPlan.events()).isEmpty();
    var noMethod = kit.<StatusReply<SubscriptionView>>runCommand(replyTo -> new TutorEntity.Subscribe("pro", " ", replyTo));
    assertThat(Rejection.parse(noMethod.reply().getError().getMessage()).field()).isEqualTo("paymentMethod");
    assertThat(noMethod.events()).isEmpty();
    assertThat(subscription()).isNull();
    assertThat(keys).isEmpty();

    var nobody = EventSourcedBehaviorTestKit.<Command, Event, State>create(
        testKit.system(), TutorEntity.create("nobody-" + IDS.incrementAndGet(), TestSupport.defaultRules(), Clock.systemUTC()));
    var notFound = nobody.<StatusReply<SubscriptionView>>runCommand(replyTo -> new TutorEntity.Subscribe("pro", SandboxProvider.CARD_OK, replyTo));
    assertThat(Rejection.parse(notFound.reply().getError().getMessage()).kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
  }

  @Test
  void withoutAPaymentProviderPlansAreRefused() {
    var plain = EventSourcedBehaviorTestKit.<Command, Event, State>create(
        testKit.system(), TutorEntity.create("plain-" + IDS.incrementAndGet(), TestSupport.defaultRules(), Clock.systemUTC()));
    plain.<StatusReply<TutorEntity.TutorSummary>>runCommand(replyTo -> new TutorEntity.UpdateProfile(TestSupport.validTutor(), replyTo));
    var refused = plain.<StatusReply<SubscriptionView>>runCommand(replyTo -> new TutorEntity.Subscribe("pro", SandboxProvider.CARD_OK, replyTo));
    assertThat(refused.reply().isError()).isTrue();
    assertThat(refused.events()).isEmpty();
  }

  @Test
  void theTimerRenewsEveryPeriodWithANewKey() {
    Subscription first = subscribe("pro", SandboxProvider.CARD_OK).getValue().subscription();
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      assertThat(subscription().period()).isGreaterThanOrEqualTo(2);
      assertThat(subscription().status()).isEqualTo(Subscription.Status.ACTIVE);
      return null;
    });
    Subscription renewed = subscription();
    assertThat(renewed.periodStart()).isEqualTo(first.periodEnd());
    assertThat(keys).contains(Subscription.chargeKey(tutorId, "pro", first.subscriptionId(), 2));
    assertThat(sandbox.totals().chargedCents()).isGreaterThanOrEqualTo(2 * 2900);
  }

  @Test
  void aRefusedRenewalIsPastDueThenLapses() {
    subscribe("pro", SandboxProvider.CARD_OK);
    current.set(DECLINING);
    awaitStatus(Subscription.Status.PAST_DUE);
    assertThat(subscription().message()).contains("card expired");
    awaitStatus(Subscription.Status.LAPSED);
    assertThat(earnings().planId()).isNull();
  }

  @Test
  void aPastDuePlanLowersNoCommissionAndCancellingItEndsItNow() {
    kit = null;
    start(new PlanTimes(Duration.ofMillis(40), Duration.ofDays(3)));
    subscribe("pro", SandboxProvider.CARD_OK);
    current.set(DECLINING);
    awaitStatus(Subscription.Status.PAST_DUE);

    assertThat(credit("session-1", 1000, 60).credit().commissionPercent()).as("no benefit while past due").isEqualTo(33);
    assertThat(earnings().planId()).isNull();

    var cancelled = kit.<StatusReply<SubscriptionView>>runCommand(TutorEntity.CancelSubscription::new);
    assertThat(cancelled.reply().getValue().subscription().status()).isEqualTo(Subscription.Status.CANCELLED);
    assertThat(cancelled.events()).singleElement().isInstanceOf(TutorEntity.SubscriptionEnded.class);
  }

  @Test
  void aCancelledPlanEndsAtItsPeriodsEndWithoutRenewal() {
    subscribe("pro", SandboxProvider.CARD_OK);
    var cancelled = kit.<StatusReply<SubscriptionView>>runCommand(TutorEntity.CancelSubscription::new);
    assertThat(cancelled.reply().getValue().subscription().cancelAtPeriodEnd()).isTrue();
    assertThat(cancelled.reply().getValue().subscription().active()).as("paid until the period ends").isTrue();
    var again = kit.<StatusReply<SubscriptionView>>runCommand(TutorEntity.CancelSubscription::new);
    assertThat(again.hasNoEvents()).as("idempotent").isTrue();
    awaitStatus(Subscription.Status.CANCELLED);
    assertThat(keys).hasSize(1);
    assertThat(subscribe("pro", SandboxProvider.CARD_OK).getValue().subscription().active()).as("subscribing again starts a new plan").isTrue();
  }

  @Test
  void anotherPlanWhileOneIsActiveIsAConflict() {
    kit = null;
    start(SLOW);
    subscribe("pro", SandboxProvider.CARD_OK);
    var other = kit.<StatusReply<SubscriptionView>>runCommand(replyTo -> new TutorEntity.Subscribe("pro", SandboxProvider.WALLET_OK, replyTo));
    assertThat(other.reply().getValue().subscription().paymentMethod()).as("the same plan: its view").isEqualTo(SandboxProvider.CARD_OK);
    kit.<StatusReply<SubscriptionView>>runCommand(TutorEntity.CancelSubscription::new);
    var whileCancelled = kit.<StatusReply<SubscriptionView>>runCommand(replyTo -> new TutorEntity.Subscribe("pro", SandboxProvider.CARD_OK, replyTo));
    assertThat(Rejection.parse(whileCancelled.reply().getError().getMessage()).kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(whileCancelled.events()).isEmpty();
  }

  @Test
  void aChargeWhoseAnswerWasLostIsAskedAgainAfterARestartWithTheSameKey() {
    kit = null;
    start(SLOW);
    current.set(SILENT);
    TestProbe<StatusReply<SubscriptionView>> lost = testKit.createTestProbe();
    kit.runCommand(new TutorEntity.Subscribe("pro", SandboxProvider.CARD_OK, lost.getRef()));
    assertThat(subscription().status()).isEqualTo(Subscription.Status.PENDING);
    assertThat(subscription().active()).as("no benefit before it is paid").isFalse();
    current.set(sandbox);
    kit.restart();
    awaitStatus(Subscription.Status.ACTIVE);
    assertThat(keys).hasSize(2).containsOnly(keys.get(0));
    assertThat(sandbox.totals().chargedCents()).as("charged once").isEqualTo(2900);
  }

  @Test
  void aProTutorsSessionsPayTheLadderLessTheReductionPoints() {
    kit = null;
    start(SLOW);
    assertThat(credit("session-0", 1000, 60).credit().commissionPercent()).as("before the plan").isEqualTo(33);
    subscribe("pro", SandboxProvider.CARD_OK);
    assertThat(earnings().planId()).isEqualTo("pro");
    assertThat(earnings().commissionPercent()).isEqualTo(28);

    EarningsCredited first = credit("session-1", 1000, 19 * 60); // 1 h before: 33 - 5
    assertThat(first.credit().commissionPercent()).isEqualTo(28);
    assertThat(first.credit().commissionCents()).isEqualTo(280);
    assertThat(first.credit().netCents()).isEqualTo(720);
    EarningsCredited second = credit("session-2", 1000, 60); // 20 h before: 28 - 5
    assertThat(second.credit().commissionPercent()).isEqualTo(23);
    assertThat(second.credit().netCents()).isEqualTo(770);
    assertThat(earnings().commissionPercent()).isEqualTo(23);

    kit.restart();
    assertThat(earnings().earnings().credits().get("session-1").commissionPercent()).as("kept as credited").isEqualTo(28);
    assertThat(earnings().planId()).as("the plan survives a restart").isEqualTo("pro");
  }
  // --- the durable waker's wake-up: the timer is gone (passivated), only CheckPlan drives the plan ---

  private PlanDue check() {
    TestProbe<PlanDue> reply = testKit.createTestProbe();
    kit.runCommand(new TutorEntity.CheckPlan(reply.getRef()));
    return reply.receiveMessage(Duration.ofSeconds(5));
  }

  @Test
  void aWakeUpRenewsAnEndedPeriodThenAPastDuePlanLapses() {
    TestSupport.TestClock clock = new TestSupport.TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    start(SLOW, clock);
    Subscription first = subscribe("pro", SandboxProvider.CARD_OK).getValue().subscription();
    assertThat(check()).isEqualTo(new PlanDue(tutorId, first.periodEnd()));

    clock.advance(Duration.ofDays(30));
    check();
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      assertThat(subscription().period()).isEqualTo(2);
      assertThat(subscription().charging()).isFalse();
      return null;
    });
    assertThat(keys).contains(Subscription.chargeKey(tutorId, "pro", first.subscriptionId(), 2));
    assertThat(check()).as("idempotent").isEqualTo(new PlanDue(tutorId, subscription().periodEnd()));

    current.set(DECLINING);
    clock.advance(Duration.ofDays(30));
    check();
    awaitStatus(Subscription.Status.PAST_DUE);
    clock.advance(Duration.ofDays(3));
    assertThat(check()).isEqualTo(new PlanDue(tutorId, null));
    assertThat(subscription().status()).isEqualTo(Subscription.Status.LAPSED);
    assertThat(earnings().planId()).isNull();
  }

  @Test
  void aWakeUpOfAnUnknownTutorAnswersNeverAndWritesNothing() {
    var nobody = EventSourcedBehaviorTestKit.<Command, Event, State>create(
        testKit.system(), TutorEntity.create("nobody-" + IDS.incrementAndGet(), TestSupport.defaultRules(), Clock.systemUTC()));
    TestProbe<PlanDue> reply = testKit.createTestProbe();
    var result = nobody.runCommand(new TutorEntity.CheckPlan(reply.getRef()));
    assertThat(reply.receiveMessage().nextCheckAt()).isNull();
    assertThat(result.hasNoEvents()).isTrue();
  }
}
