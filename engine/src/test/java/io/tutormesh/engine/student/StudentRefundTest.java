package io.tutormesh.engine.student;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.ledger.LedgerEvent;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.SandboxProvider;
import io.tutormesh.engine.money.Wallet;
import io.tutormesh.engine.money.Wallet.EntryKind;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity.Command;
import io.tutormesh.engine.student.StudentEntity.Event;
import io.tutormesh.engine.student.StudentEntity.Registered;
import io.tutormesh.engine.student.StudentEntity.State;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** An admin refund at the wallet: what a settled session captured comes back once, however often asked. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudentRefundTest {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final MoneySettings MONEY = MoneySettings.fromConfig(ConfigFactory.defaultReference());
  private static final MatchingSettings MATCHING =
      new MatchingSettings(Duration.ofSeconds(15), Duration.ofSeconds(60), 1, Duration.ofSeconds(1), Duration.ofSeconds(45), 3, 15, 180);
  private static final InstantRequest REQUEST = new InstantRequest("math", "high", "fr", 5000, 60);
  private static final AtomicInteger IDS = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  private EventSourcedBehaviorTestKit<Command, Event, State> student() {
    StudentEntity.Payments payments = new StudentEntity.Payments(MONEY, new SandboxProvider(), Duration.ofMillis(100));
    var kit = EventSourcedBehaviorTestKit.<Command, Event, State>create(
        testKit.system(),
        StudentEntity.create("refunded-" + IDS.incrementAndGet(), TestSupport.defaultRules(), MATCHING, (s, c) -> {}, payments, new TestClock(T0)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.<StatusReply<StudentEntity.StudentSummary>>runCommand(replyTo -> new StudentEntity.UpdateProfile(TestSupport.validStudent(), replyTo));
    return kit;
  }

  private static Wallet wallet(EventSourcedBehaviorTestKit<Command, Event, State> kit) {
    return ((Registered) kit.getState()).wallet();
  }

  @Test
  void whatASettledSessionCapturedComesBackOnceAlsoAfterARestart() {
    var kit = student();
    TestProbe<StatusReply<StudentEntity.TopUpResult>> paid = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.TopUp("key-1", "standard", SandboxProvider.CARD_OK, paid.getRef()));
    paid.receiveMessage(Duration.ofSeconds(5)); // 5,250
    kit.runCommand(new StudentEntity.RequestInstantTutor("session-1", REQUEST, testKit.<StatusReply<SessionEntity.SessionSummary>>createTestProbe().getRef()));
    kit.runCommand(new StudentEntity.CloseInstantRequest("session-1", 3000L));
    TestProbe<SessionEntity.StudentSettled> settled = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.ChargeSession("session-1", 3000, 1000, settled.getRef()));
    settled.receiveMessage();
    assertThat(wallet(kit).balanceCents()).isEqualTo(4250);

    TestProbe<SessionEntity.StudentRefunded> refunded = testKit.createTestProbe();
    var refund = kit.runCommand(new StudentEntity.RefundSession("session-1", refunded.getRef()));

    assertThat(refund.events()).containsExactly(new StudentEntity.CaptureRefunded(refund.events().get(0).studentId(), "session-1", 1000, T0));
    assertThat(refund.events().get(0)).isInstanceOf(LedgerEvent.class);
    assertThat(refunded.receiveMessage()).isEqualTo(new SessionEntity.StudentRefunded("session-1", 1000));
    assertThat(wallet(kit).balanceCents()).isEqualTo(5250);
    assertThat(wallet(kit).entries()).last().isEqualTo(new Wallet.Entry(T0, EntryKind.SESSION_REFUND, 1000, "session-1"));

    kit.restart();
    assertThat(kit.runCommand(new StudentEntity.RefundSession("session-1", refunded.getRef())).hasNoEvents()).isTrue();
    assertThat(refunded.receiveMessage()).isEqualTo(new SessionEntity.StudentRefunded("session-1", 1000));
    assertThat(wallet(kit).balanceCents()).isEqualTo(5250);
  }

  @Test
  void aSessionThatCapturedNothingRefundsNothing() {
    var kit = student();
    TestProbe<SessionEntity.StudentRefunded> refunded = testKit.createTestProbe();
    assertThat(kit.runCommand(new StudentEntity.RefundSession("unknown", refunded.getRef())).hasNoEvents()).isTrue();
    assertThat(refunded.receiveMessage()).isEqualTo(new SessionEntity.StudentRefunded("unknown", 0));
  }
}
