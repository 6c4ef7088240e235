package io.tutormesh.engine.student;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.SandboxProvider;
import io.tutormesh.engine.money.Wallet;
import io.tutormesh.engine.money.Wallet.EntryKind;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity.AbandonInstantRequest;
import io.tutormesh.engine.student.StudentEntity.ChargeSession;
import io.tutormesh.engine.student.StudentEntity.CloseInstantRequest;
import io.tutormesh.engine.student.StudentEntity.Command;
import io.tutormesh.engine.student.StudentEntity.Event;
import io.tutormesh.engine.student.StudentEntity.HoldOutcome;
import io.tutormesh.engine.student.StudentEntity.InstantRequestClosed;
import io.tutormesh.engine.student.StudentEntity.InstantRequestOpened;
import io.tutormesh.engine.student.StudentEntity.Registered;
import io.tutormesh.engine.student.StudentEntity.ReleaseHold;
import io.tutormesh.engine.student.StudentEntity.RequestInstantTutor;
import io.tutormesh.engine.student.StudentEntity.SessionCharged;
import io.tutormesh.engine.student.StudentEntity.State;
import io.tutormesh.engine.student.StudentEntity.TopUpResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
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
 * The wallet side of instant sessions, through the StudentEntity: a request holds its maximum or
 * is refused (402, nothing written); the hold is escrowed at MATCHED (resized) or released; a
 * settlement captures and refunds once, however often it is asked, also after a restart.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudentMoneyTest {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final MoneySettings MONEY = MoneySettings.fromConfig(ConfigFactory.defaultReference());
  private static final MatchingSettings MATCHING =
      new MatchingSettings(Duration.ofSeconds(15), Duration.ofSeconds(60), 1, Duration.ofSeconds(1), Duration.ofSeconds(45), 3, 15, 180);
  /** Holds 50.00 × 60 / 60 = 5,000. */
  private static final InstantRequest REQUEST = new InstantRequest("math", "high", "fr", 5000, 60);
  private static final AtomicInteger IDS = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  private final List<SessionEntity.Command> sentToSessions = new CopyOnWriteArrayList<>();
  private String studentId;
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void fundedStudent() {
    sentToSessions.clear();
    studentId = "payer-" + IDS.incrementAndGet();
    StudentEntity.Payments payments = new StudentEntity.Payments(MONEY, new SandboxProvider(), Duration.ofMillis(100));
    StudentEntity.Links links = (sessionId, command) -> sentToSessions.add(command);
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        StudentEntity.create(studentId, TestSupport.defaultRules(), MATCHING, links, payments, new TestClock(T0)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.<StatusReply<StudentEntity.StudentSummary>>runCommand(replyTo -> new StudentEntity.UpdateProfile(TestSupport.validStudent(), replyTo));
  }

  private long topUp(String packId) {
    TestProbe<StatusReply<TopUpResult>> reply = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.TopUp("key-" + packId, packId, SandboxProvider.CARD_OK, reply.getRef()));
    return reply.receiveMessage(Duration.ofSeconds(5)).getValue().balanceCents();
  }

  private Wallet wallet() {
    return ((Registered) kit.getState()).wallet();
  }

  private TestProbe<StatusReply<SessionEntity.SessionSummary>> probe() {
    return testKit.createTestProbe();
  }

  private SessionEntity.StudentSettled settle(Command command, TestProbe<SessionEntity.StudentSettled> reply) {
    kit.runCommand(command);
    return reply.receiveMessage(Duration.ofSeconds(5));
  }

  @Test
  void aRequestTheBalanceCannotCoverIsPaymentRequiredAndWritesNothing() {
    topUp("starter"); // 2,000
    TestProbe<StatusReply<SessionEntity.SessionSummary>> reply = probe();

    var refused = kit.runCommand(new RequestInstantTutor("session-1", REQUEST, reply.getRef()));

    assertThat(refused.hasNoEvents()).isTrue();
    Rejection rejection = Rejection.parse(reply.receiveMessage().getError().getMessage());
    assertThat(rejection.kind()).isEqualTo(Rejection.Kind.PAYMENT_REQUIRED);
    assertThat(rejection.detail()).contains("5000").contains("2000");
    assertThat(wallet().balanceCents()).isEqualTo(2000);
    assertThat(((Registered) refused.state()).openInstantSessionId()).isNull();
    assertThat(sentToSessions).isEmpty();
  }

  @Test
  void aRequestHoldsItsMaximumInTheOpeningEventAndTellsTheSession() {
    topUp("standard"); // 5,250

    var opened = kit.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef()));

    assertThat(opened.events()).containsExactly(new InstantRequestOpened(studentId, "session-1", REQUEST, T0, 5000L));
    assertThat(wallet().balanceCents()).isEqualTo(250);
    assertThat(wallet().heldFor("session-1")).isEqualTo(5000);
    assertThat(sentToSessions).singleElement().isInstanceOfSatisfying(SessionEntity.StartInstant.class,
        start -> assertThat(start.holdCents()).isEqualTo(5000L));
  }

  @Test
  void atMatchedTheHoldIsResizedIntoEscrowAndTheDifferenceComesBack() {
    topUp("standard");
    kit.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef()));

    var closed = kit.runCommand(new CloseInstantRequest("session-1", 3000L));

    assertThat(closed.events()).containsExactly(new InstantRequestClosed(studentId, "session-1", T0, HoldOutcome.ESCROWED, 3000L));
    assertThat(((InstantRequestClosed) closed.events().get(0)).movesMoney()).isTrue();
    assertThat(wallet().balanceCents()).isEqualTo(2250);
    assertThat(wallet().heldCents()).isEqualTo(3000);
    assertThat(wallet().isEscrowed("session-1")).isTrue();
    assertThat(((Registered) closed.state()).openInstantSessionId()).isNull();
    // An escrow is never more than the hold.
    assertThat(kit.runCommand(new CloseInstantRequest("session-1", 9000L)).hasNoEvents()).isTrue();
  }

  @Test
  void aReleasedHoldComesBackWholeOnceAndIsNotALedgerMovement() {
    topUp("standard");
    kit.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef()));
    TestProbe<SessionEntity.StudentSettled> reply = testKit.createTestProbe();

    var released = kit.runCommand(new ReleaseHold("session-1", reply.getRef()));

    assertThat(released.events()).containsExactly(new InstantRequestClosed(studentId, "session-1", T0, HoldOutcome.RELEASED, 5000L));
    assertThat(((InstantRequestClosed) released.events().get(0)).movesMoney()).isFalse();
    assertThat(reply.receiveMessage()).isEqualTo(new SessionEntity.StudentSettled("session-1", 0));
    assertThat(wallet().balanceCents()).isEqualTo(5250);
    assertThat(wallet().heldCents()).isZero();

    assertThat(kit.runCommand(new ReleaseHold("session-1", reply.getRef())).hasNoEvents()).isTrue();
    assertThat(reply.receiveMessage()).isEqualTo(new SessionEntity.StudentSettled("session-1", 0));
  }

  @Test
  void theSameChargeTwiceAppliesOnceAndAnswersTheSameEvenAfterARestart() {
    topUp("standard");
    kit.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef()));
    kit.runCommand(new CloseInstantRequest("session-1", 3000L));
    TestProbe<SessionEntity.StudentSettled> reply = testKit.createTestProbe();

    var charged = kit.runCommand(new ChargeSession("session-1", 3000, 750, reply.getRef()));

    assertThat(charged.events()).containsExactly(new SessionCharged(studentId, "session-1", 750, 2250, T0));
    assertThat(reply.receiveMessage()).isEqualTo(new SessionEntity.StudentSettled("session-1", 750));
    assertThat(wallet().balanceCents()).isEqualTo(5250 - 750);
    assertThat(wallet().heldCents()).isZero();
    assertThat(wallet().entries()).extracting(Wallet.Entry::kind).endsWith(EntryKind.CHARGE, EntryKind.REFUND);

    assertThat(settle(new ChargeSession("session-1", 3000, 750, reply.getRef()), reply).capturedCents()).isEqualTo(750);
    kit.restart();
    var again = kit.runCommand(new ChargeSession("session-1", 3000, 750, reply.getRef()));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(reply.receiveMessage()).isEqualTo(new SessionEntity.StudentSettled("session-1", 750));
    assertThat(wallet().balanceCents()).isEqualTo(5250 - 750);
  }

  @Test
  void aChargeWhoseEscrowWasNeverMadeEscrowsFirstInTheSameWrite() {
    topUp("standard");
    kit.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef())); // the CloseInstantRequest at MATCHED was lost
    TestProbe<SessionEntity.StudentSettled> reply = testKit.createTestProbe();

    var charged = kit.runCommand(new ChargeSession("session-1", 3000, 3000, reply.getRef()));

    assertThat(charged.events()).containsExactly(
        new InstantRequestClosed(studentId, "session-1", T0, HoldOutcome.ESCROWED, 3000L),
        new SessionCharged(studentId, "session-1", 3000, 0, T0));
    assertThat(reply.receiveMessage().capturedCents()).isEqualTo(3000);
    assertThat(wallet().balanceCents()).isEqualTo(2250);
    assertThat(wallet().heldCents()).isZero();
  }

  @Test
  void aChargeOfNothingRefundsTheEscrowInFull() {
    topUp("standard");
    kit.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef()));
    kit.runCommand(new CloseInstantRequest("session-1", 3000L));
    TestProbe<SessionEntity.StudentSettled> reply = testKit.createTestProbe();

    var refunded = kit.runCommand(new ChargeSession("session-1", 3000, 0, reply.getRef()));

    assertThat(refunded.events()).containsExactly(new SessionCharged(studentId, "session-1", 0, 3000, T0));
    assertThat(wallet().balanceCents()).isEqualTo(5250);
    assertThat(wallet().entries().get(wallet().entries().size() - 1).kind()).isEqualTo(EntryKind.REFUND);
  }

  @Test
  void aChargeForASessionThatHeldNothingMovesNothing() {
    TestProbe<SessionEntity.StudentSettled> reply = testKit.createTestProbe();
    assertThat(kit.runCommand(new ChargeSession("session-9", 3000, 750, reply.getRef())).hasNoEvents()).isTrue();
    assertThat(reply.receiveMessage().capturedCents()).isZero();
  }

  @Test
  void aStaleRequestsHoldIsReleasedByTheRequestThatReplacesIt() {
    TestClock clock = new TestClock(T0);
    StudentEntity.Payments payments = new StudentEntity.Payments(MONEY, new SandboxProvider(), Duration.ofMillis(100));
    var own = EventSourcedBehaviorTestKit.<Command, Event, State>create(
        testKit.system(), StudentEntity.create(studentId + "-b", TestSupport.defaultRules(), MATCHING, (id, c) -> {}, payments, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    own.<StatusReply<StudentEntity.StudentSummary>>runCommand(replyTo -> new StudentEntity.UpdateProfile(TestSupport.validStudent(), replyTo));
    TestProbe<StatusReply<TopUpResult>> paid = testKit.createTestProbe();
    own.runCommand(new StudentEntity.TopUp("k", "standard", SandboxProvider.CARD_OK, paid.getRef()));
    paid.receiveMessage(Duration.ofSeconds(5));
    own.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef())); // 5,000 of 5,250 held

    clock.advance(Duration.ofSeconds(121)); // twice the request timeout: session-1 is stale
    var replaced = own.runCommand(new RequestInstantTutor("session-2", REQUEST, probe().getRef()));

    Wallet w = ((Registered) replaced.state()).wallet();
    assertThat(w.heldFor("session-1")).isZero();
    assertThat(w.heldFor("session-2")).isEqualTo(5000);
    assertThat(w.balanceCents()).isEqualTo(250);
  }

  @Test
  void abandoningARequestWhoseSessionNeverStartedReleasesItsHold() {
    topUp("standard"); // 5,250
    kit.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef())); // its StartInstant is lost: the session never starts
    TestProbe<StatusReply<Done>> reply = testKit.createTestProbe();

    var abandoned = kit.runCommand(new AbandonInstantRequest("session-1", reply.getRef()));

    // Nothing else would ever give this hold back (a session that never started neither settles nor refuses).
    assertThat(abandoned.events()).containsExactly(new InstantRequestClosed(studentId, "session-1", T0, HoldOutcome.RELEASED, 5000L));
    assertThat(reply.receiveMessage().isSuccess()).isTrue();
    assertThat(wallet().balanceCents()).isEqualTo(5250);
    assertThat(wallet().heldCents()).isZero();
    assertThat(((Registered) abandoned.state()).openInstantSessionId()).isNull();
    assertThat(sentToSessions).last().isEqualTo(new SessionEntity.AbandonRequest(studentId));

    // The session, had it started after all, is cancelled by the abandon and settles against nothing held.
    TestProbe<SessionEntity.StudentSettled> settled = testKit.createTestProbe();
    assertThat(kit.runCommand(new ReleaseHold("session-1", settled.getRef())).hasNoEvents()).isTrue();
    assertThat(settled.receiveMessage()).isEqualTo(new SessionEntity.StudentSettled("session-1", 0));
    assertThat(kit.runCommand(new ChargeSession("session-1", 3000, 750, settled.getRef())).hasNoEvents()).isTrue();
    assertThat(settled.receiveMessage()).isEqualTo(new SessionEntity.StudentSettled("session-1", 0));
    assertThat(kit.runCommand(new CloseInstantRequest("session-1", 3000L)).hasNoEvents()).isTrue();
    assertThat(wallet().balanceCents()).isEqualTo(5250);
    assertThat(wallet().heldCents()).isZero();
  }

  @Test
  void abandoningARequestAfterItsEscrowKeepsTheEscrowForTheSettlement() {
    topUp("standard");
    kit.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef()));
    kit.runCommand(new CloseInstantRequest("session-1", 3000L)); // matched: the request is closed, its hold the escrow
    TestProbe<StatusReply<Done>> reply = testKit.createTestProbe();

    var abandoned = kit.runCommand(new AbandonInstantRequest("session-1", reply.getRef()));

    assertThat(abandoned.hasNoEvents()).isTrue();
    assertThat(reply.receiveMessage().isSuccess()).isTrue();
    assertThat(wallet().heldFor("session-1")).isEqualTo(3000);
    assertThat(wallet().isEscrowed("session-1")).isTrue();
  }
}
