package io.tutormesh.engine.student;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.PaymentProvider;
import io.tutormesh.engine.money.PlanDue;
import io.tutormesh.engine.money.PlanFixtures;
import io.tutormesh.engine.money.PlanTimes;
import io.tutormesh.engine.money.SandboxProvider;
import io.tutormesh.engine.money.Subscription;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity.Command;
import io.tutormesh.engine.student.StudentEntity.Event;
import io.tutormesh.engine.student.StudentEntity.Registered;
import io.tutormesh.engine.student.StudentEntity.State;
import io.tutormesh.engine.student.StudentEntity.SubscriptionView;
import java.time.Clock;
import java.time.Duration;
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
 * A student's plan: the first period charged before it counts (declined or failed: nothing
 * active), renewed by the entity's timer, past due then lapsed when a renewal is refused,
 * cancelled at the period's end, re-driven after a restart, and its discount on sessions.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudentSubscriptionTest {

  private static final MoneySettings MONEY = MoneySettings.fromConfig(ConfigFactory.defaultReference());
  private static final MatchingSettings MATCHING =
      new MatchingSettings(Duration.ofSeconds(15), Duration.ofSeconds(60), 1, Duration.ofSeconds(1), Duration.ofSeconds(45), 3, 15, 180);
  private static final InstantRequest REQUEST = new InstantRequest("math", "high", "fr", 5000, 60);
  private static final PlanTimes FAST = PlanFixtures.FAST;
  private static final AtomicInteger IDS = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  // Per test, captured by that test's provider: an entity of an earlier test whose timers still
  // run charges its own sandbox, never this test's.
  private SandboxProvider sandbox;
  private AtomicReference<PaymentProvider> current;
  private List<String> keys;
  private PaymentProvider provider;
  private static final PaymentProvider SILENT = PlanFixtures.SILENT;
  private static final PaymentProvider DECLINING = PlanFixtures.DECLINING;

  private String studentId;
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void setUp() {
    sandbox = new SandboxProvider();
    current = new AtomicReference<>(sandbox);
    keys = new CopyOnWriteArrayList<>();
    provider = PlanFixtures.recording(current, keys);
    studentId = "subscriber-" + IDS.incrementAndGet();
    start(FAST);
  }

  private void start(PlanTimes times) {
    start(times, Clock.systemUTC());
  }

  private void start(PlanTimes times, Clock clock) {
    StudentEntity.Payments payments = new StudentEntity.Payments(MONEY, provider, Duration.ofMillis(100));
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        StudentEntity.create(studentId, TestSupport.defaultRules(), MATCHING, StudentEntity.Links.NONE, payments, times, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.<StatusReply<StudentEntity.StudentSummary>>runCommand(replyTo -> new StudentEntity.UpdateProfile(TestSupport.validStudent(), replyTo));
  }

  private StatusReply<SubscriptionView> subscribe(String plan, String method) {
    TestProbe<StatusReply<SubscriptionView>> reply = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.Subscribe(plan, method, reply.getRef()));
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

  @Test
  void theFirstPeriodIsChargedThenThePlanIsActive() {
    Subscription s = subscribe("plus", SandboxProvider.CARD_OK).getValue().subscription();
    assertThat(s.status()).isEqualTo(Subscription.Status.ACTIVE);
    assertThat(s.period()).isEqualTo(1);
    assertThat(s.periodEnd()).isEqualTo(s.periodStart().plus(Duration.ofMillis(40 * 30)));
    assertThat(sandbox.totals().chargedCents()).isEqualTo(1500);
    assertThat(keys).containsExactly(Subscription.chargeKey(studentId, "plus", s.subscriptionId(), 1));
    assertThat(subscribe("plus", SandboxProvider.CARD_OK).getValue().subscription()).as("the same plan again charges nothing").isEqualTo(s);
    assertThat(keys).hasSize(1);
  }

  @Test
  void aDeclinedOrFailedFirstChargeLeavesNothingActive() {
    Subscription declined = subscribe("plus", SandboxProvider.CARD_DECLINED).getValue().subscription();
    assertThat(declined.status()).isEqualTo(Subscription.Status.FAILED);
    Subscription failed = subscribe("plus", SandboxProvider.CARD_ERROR).getValue().subscription();
    assertThat(failed.status()).isEqualTo(Subscription.Status.FAILED);
    assertThat(failed.subscriptionId()).isNotEqualTo(declined.subscriptionId());
    assertThat(sandbox.totals().chargedCents()).isZero();
    assertThat(subscribe("plus", SandboxProvider.CARD_OK).getValue().subscription().active()).as("a new card, new keys").isTrue();
  }

  @Test
  void unknownAndTutorPlansAreRefusedAndWriteNothing() {
    var unknown = kit.<StatusReply<SubscriptionView>>runCommand(replyTo -> new StudentEntity.Subscribe("gold", SandboxProvider.CARD_OK, replyTo));
    assertThat(Rejection.parse(unknown.reply().getError().getMessage()).field()).isEqualTo("plan");
    assertThat(unknown.events()).isEmpty();
    var tutorPlan = kit.<StatusReply<SubscriptionView>>runCommand(replyTo -> new StudentEntity.Subscribe("pro", SandboxProvider.CARD_OK, replyTo));
    assertThat(Rejection.parse(tutorPlan.reply().getError().getMessage()).kind()).isEqualTo(Rejection.Kind.INVALID);
    assertThat(tutorPlan.events()).isEmpty();
  }

  @Test
  void theTimerRenewsEveryPeriodWithANewKey() {
    Subscription first = subscribe("plus", SandboxProvider.CARD_OK).getValue().subscription();
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      assertThat(subscription().period()).isGreaterThanOrEqualTo(2);
      assertThat(subscription().status()).isEqualTo(Subscription.Status.ACTIVE);
      return null;
    });
    Subscription renewed = subscription();
    assertThat(renewed.periodStart()).isEqualTo(first.periodEnd());
    assertThat(keys).contains(Subscription.chargeKey(studentId, "plus", first.subscriptionId(), 2));
    assertThat(sandbox.totals().chargedCents()).isGreaterThanOrEqualTo(3000);
  }

  @Test
  void aRefusedRenewalIsPastDueWithoutDiscountThenLapses() {
    subscribe("plus", SandboxProvider.CARD_OK);
    current.set(DECLINING);
    awaitStatus(Subscription.Status.PAST_DUE);
    assertThat(subscription().message()).contains("card expired");
    awaitStatus(Subscription.Status.LAPSED);
  }

  @Test
  void aCancelledPlanEndsAtItsPeriodsEndWithoutRenewal() {
    subscribe("plus", SandboxProvider.CARD_OK);
    var cancelled = kit.<StatusReply<SubscriptionView>>runCommand(StudentEntity.CancelSubscription::new);
    assertThat(cancelled.reply().getValue().subscription().cancelAtPeriodEnd()).isTrue();
    assertThat(cancelled.reply().getValue().subscription().active()).as("paid until the period ends").isTrue();
    awaitStatus(Subscription.Status.CANCELLED);
    assertThat(keys).hasSize(1);
  }

  @Test
  void aChargeWhoseAnswerWasLostIsAskedAgainAfterARestartWithTheSameKey() {
    kit = null;
    start(new PlanTimes(Duration.ofDays(1), Duration.ofDays(3)));
    current.set(SILENT);
    TestProbe<StatusReply<SubscriptionView>> lost = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.Subscribe("plus", SandboxProvider.CARD_OK, lost.getRef()));
    assertThat(subscription().status()).isEqualTo(Subscription.Status.PENDING);
    current.set(sandbox);
    kit.restart();
    awaitStatus(Subscription.Status.ACTIVE);
    assertThat(keys).hasSize(2).containsOnly(keys.get(0));
    assertThat(sandbox.totals().chargedCents()).as("charged once").isEqualTo(1500);
  }

  @Test
  void anActivePlanTakesItsDiscountOffTheSessionAndRefundsTheRest() {
    start(new PlanTimes(Duration.ofDays(1), Duration.ofDays(3)));
    TestProbe<StatusReply<StudentEntity.TopUpResult>> topUp = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.TopUp("k", "standard", SandboxProvider.CARD_OK, topUp.getRef()));
    topUp.receiveMessage(Duration.ofSeconds(5));
    subscribe("plus", SandboxProvider.CARD_OK);
    TestProbe<StatusReply<SessionEntity.SessionSummary>> requested = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.RequestInstantTutor("session-1", REQUEST, requested.getRef()));
    kit.runCommand(new StudentEntity.CloseInstantRequest("session-1", 3000L));
    TestProbe<SessionEntity.StudentSettled> reply = testKit.createTestProbe();

    var charged = kit.runCommand(new StudentEntity.ChargeSession("session-1", 3000, 1005, reply.getRef()));

    // 10 % of 1,005 is 100.5, rounded half up in the student's favour: 101 off, 904 captured.
    StudentEntity.SessionCharged event = (StudentEntity.SessionCharged) charged.events().get(0);
    assertThat(event.capturedCents()).isEqualTo(904);
    assertThat(event.refundedCents()).isEqualTo(3000 - 904);
    assertThat(reply.receiveMessage()).isEqualTo(new SessionEntity.StudentSettled("session-1", 904));
    assertThat(((Registered) kit.getState()).wallet().balanceCents()).isEqualTo(5250 - 904);
  }
  // --- the durable waker's wake-up: the timer is gone (passivated), only CheckPlan drives the plan ---

  private PlanDue check() {
    TestProbe<PlanDue> reply = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.CheckPlan(reply.getRef()));
    return reply.receiveMessage(Duration.ofSeconds(5));
  }

  @Test
  void aWakeUpRenewsAnEndedPeriodEndsACancelledPlanAndAnswersWhenToLookAgain() {
    TestSupport.TestClock clock = new TestSupport.TestClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
    start(PlanFixtures.SLOW, clock);
    Subscription first = subscribe("plus", SandboxProvider.CARD_OK).getValue().subscription();
    assertThat(check()).as("nothing due: answers the period's end").isEqualTo(new PlanDue(studentId, first.periodEnd()));
    assertThat(keys).hasSize(1);

    clock.advance(Duration.ofDays(30));
    PlanDue renewing = check();
    assertThat(renewing.nextCheckAt()).as("a charge runs: look again after the retry interval").isEqualTo(clock.instant().plusMillis(100));
    awaitStatus(Subscription.Status.ACTIVE);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      assertThat(subscription().period()).isEqualTo(2);
      return null;
    });
    assertThat(keys).containsExactly(
        Subscription.chargeKey(studentId, "plus", first.subscriptionId(), 1), Subscription.chargeKey(studentId, "plus", first.subscriptionId(), 2));
    assertThat(check()).as("idempotent: nothing more due").isEqualTo(new PlanDue(studentId, subscription().periodEnd()));
    assertThat(keys).hasSize(2);

    kit.runCommand(StudentEntity.CancelSubscription::new);
    clock.advance(Duration.ofDays(30));
    assertThat(check()).as("ended: never again").isEqualTo(new PlanDue(studentId, null));
    assertThat(subscription().status()).isEqualTo(Subscription.Status.CANCELLED);
    assertThat(keys).hasSize(2);
  }

  @Test
  void aWakeUpLapsesAPastDuePlanAfterTheGrace() {
    TestSupport.TestClock clock = new TestSupport.TestClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
    start(PlanFixtures.SLOW, clock);
    subscribe("plus", SandboxProvider.CARD_OK);
    current.set(DECLINING);
    clock.advance(Duration.ofDays(30));
    check();
    awaitStatus(Subscription.Status.PAST_DUE);
    assertThat(check()).isEqualTo(new PlanDue(studentId, subscription().pastDueSince().plus(Duration.ofDays(3))));
    clock.advance(Duration.ofDays(3));
    assertThat(check().nextCheckAt()).isNull();
    assertThat(subscription().status()).isEqualTo(Subscription.Status.LAPSED);
  }

  @Test
  void aWakeUpOfAStudentWithoutAPlanOrProfileAnswersNever() {
    assertThat(check()).isEqualTo(new PlanDue(studentId, null));
    var nobody = EventSourcedBehaviorTestKit.<Command, Event, State>create(
        testKit.system(), StudentEntity.create("nobody-" + IDS.incrementAndGet(), TestSupport.defaultRules(), Clock.systemUTC()));
    TestProbe<PlanDue> reply = testKit.createTestProbe();
    var result = nobody.runCommand(new StudentEntity.CheckPlan(reply.getRef()));
    assertThat(reply.receiveMessage().nextCheckAt()).isNull();
    assertThat(result.hasNoEvents()).isTrue();
  }
}
