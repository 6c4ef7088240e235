package io.tutormesh.engine.tutor;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.ledger.LedgerEvent;
import io.tutormesh.engine.money.Earnings;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.tutor.TutorEntity.Command;
import io.tutormesh.engine.tutor.TutorEntity.CreditSession;
import io.tutormesh.engine.tutor.TutorEntity.EarningsCredited;
import io.tutormesh.engine.tutor.TutorEntity.EarningsSummary;
import io.tutormesh.engine.tutor.TutorEntity.Event;
import io.tutormesh.engine.tutor.TutorEntity.GetEarnings;
import io.tutormesh.engine.tutor.TutorEntity.State;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
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
 * A tutor's earnings through the TutorEntity: a completed session's credit, net of the commission
 * the ladder gives for the hours taught before it, pending for the dispute window; once per session.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TutorEarningsTest {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final AtomicInteger IDS = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  private TestClock clock;
  private String tutorId;
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void registeredTutor() {
    clock = new TestClock(T0);
    tutorId = "earner-" + IDS.incrementAndGet();
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(), TutorEntity.create(tutorId, TestSupport.defaultRules(), clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.<StatusReply<TutorEntity.TutorSummary>>runCommand(replyTo -> new TutorEntity.UpdateProfile(TestSupport.validTutor(), replyTo));
  }

  private EarningsSummary earnings() {
    return kit.<StatusReply<EarningsSummary>>runCommand(GetEarnings::new).reply().getValue();
  }

  private EarningsCredited credit(String sessionId, long grossCents, long minutes) {
    TestProbe<SessionEntity.TutorCredited> reply = testKit.createTestProbe();
    var result = kit.runCommand(new CreditSession(sessionId, "student-1", grossCents, minutes, T0, reply.getRef()));
    assertThat(reply.receiveMessage()).isEqualTo(new SessionEntity.TutorCredited(sessionId));
    return (EarningsCredited) result.events().get(0);
  }

  @Test
  void aSessionIsCreditedNetOfCommissionAndPendingForTheDisputeWindowAndThePayoutDelay() {
    EarningsCredited credited = credit("session-1", 750, 5);

    // Pending for the 24 h dispute window and the 1 h payout delay after it.
    assertThat(credited.credit()).isEqualTo(new Earnings.Credit("session-1", 750, 33, 248, 502, 5, T0.plus(Duration.ofHours(25)), T0));
    assertThat(credited).isInstanceOf(LedgerEvent.class);
    assertThat(kit.getState().toString()).isNotEmpty();
    EarningsSummary now = earnings();
    assertThat(now.earnings().pendingCents(now.asOf())).isEqualTo(502);
    assertThat(now.earnings().availableCents(now.asOf())).isZero();
    assertThat(now.earnings().commissionCents()).isEqualTo(248);

    clock.advance(Duration.ofHours(24));
    EarningsSummary windowClosed = earnings();
    assertThat(windowClosed.earnings().availableCents(windowClosed.asOf())).as("a last-moment dispute may still freeze it").isZero();

    clock.advance(Duration.ofHours(1));
    EarningsSummary later = earnings();
    assertThat(later.earnings().pendingCents(later.asOf())).isZero();
    assertThat(later.earnings().availableCents(later.asOf())).isEqualTo(502);
  }

  @Test
  void theSameCreditTwiceAppliesOnceAlsoAfterARestart() {
    credit("session-1", 750, 5);
    TestProbe<SessionEntity.TutorCredited> reply = testKit.createTestProbe();

    assertThat(kit.runCommand(new CreditSession("session-1", "student-1", 750, 5, T0, reply.getRef())).hasNoEvents()).isTrue();
    assertThat(reply.receiveMessage()).isEqualTo(new SessionEntity.TutorCredited("session-1"));
    kit.restart();
    assertThat(kit.runCommand(new CreditSession("session-1", "student-1", 750, 5, T0, reply.getRef())).hasNoEvents()).isTrue();
    assertThat(reply.receiveMessage()).isEqualTo(new SessionEntity.TutorCredited("session-1"));
    assertThat(earnings().earnings().credits()).hasSize(1);
    assertThat(earnings().earnings().commissionCents()).isEqualTo(248);
  }

  @Test
  void theCommissionStepIsChosenByTheHoursTaughtBefore() {
    assertThat(credit("session-1", 60_000, 19 * 60).credit().commissionPercent()).isEqualTo(33); // 0 h before
    assertThat(credit("session-2", 3_000, 60).credit().commissionPercent()).isEqualTo(33); // 19 h before
    EarningsCredited third = credit("session-3", 1_000, 60); // exactly 20 h before: the second step
    assertThat(third.credit().commissionPercent()).isEqualTo(28);
    assertThat(third.credit().commissionCents()).isEqualTo(280);
    assertThat(third.credit().netCents()).isEqualTo(720);
  }

  @Test
  void anUnknownTutorHasNoEarnings() {
    var unknown = EventSourcedBehaviorTestKit.<Command, Event, State>create(
        testKit.system(), TutorEntity.create("nobody-" + IDS.incrementAndGet(), TestSupport.defaultRules(), clock));
    var reply = unknown.<StatusReply<EarningsSummary>>runCommand(GetEarnings::new).reply();
    assertThat(Rejection.parse(reply.getError().getMessage()).kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
  }
}
