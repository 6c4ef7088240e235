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
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.session.SessionEntity.BookingHoldAnswer;
import io.tutormesh.engine.student.StudentEntity.BookingHoldPlaced;
import io.tutormesh.engine.student.StudentEntity.Command;
import io.tutormesh.engine.student.StudentEntity.Event;
import io.tutormesh.engine.student.StudentEntity.HoldForBooking;
import io.tutormesh.engine.student.StudentEntity.Registered;
import io.tutormesh.engine.student.StudentEntity.State;
import io.tutormesh.engine.student.StudentEntity.TopUpResult;
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

/** The wallet side of a booking: held once per session or refused (402, nothing written), settled like an instant session's hold. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudentBookingHoldTest {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final MoneySettings MONEY = MoneySettings.fromConfig(ConfigFactory.defaultReference());
  private static final MatchingSettings MATCHING =
      new MatchingSettings(Duration.ofSeconds(15), Duration.ofSeconds(60), 1, Duration.ofSeconds(1), Duration.ofSeconds(45), 3, 15, 180);
  private static final AtomicInteger IDS = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  private String studentId;
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void student() {
    studentId = "booker-" + IDS.incrementAndGet();
    StudentEntity.Payments payments = new StudentEntity.Payments(MONEY, new SandboxProvider(), Duration.ofMillis(100));
    StudentEntity.Links links = (sessionId, command) -> { };
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        StudentEntity.create(studentId, TestSupport.defaultRules(), MATCHING, links, payments, new TestClock(T0)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.<StatusReply<StudentEntity.StudentSummary>>runCommand(replyTo -> new StudentEntity.UpdateProfile(TestSupport.validStudent(), replyTo));
  }

  private void topUp(String packId) {
    TestProbe<StatusReply<TopUpResult>> reply = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.TopUp("key-" + packId, packId, SandboxProvider.CARD_OK, reply.getRef()));
    reply.receiveMessage(Duration.ofSeconds(5));
  }

  private Wallet wallet() {
    return ((Registered) kit.getState()).wallet();
  }

  @Test
  void aBookingHoldsItsPriceOnceHoweverOftenItIsAsked() {
    topUp("standard"); // 5,250
    var held = kit.<BookingHoldAnswer>runCommand(replyTo -> new HoldForBooking("booking-1", 4000, replyTo));
    assertThat(held.reply()).isEqualTo(new BookingHoldAnswer("booking-1", true, 4000, null));
    assertThat(held.events()).containsExactly(new BookingHoldPlaced(studentId, "booking-1", 4000, T0));
    assertThat(wallet().balanceCents()).isEqualTo(1250);

    var again = kit.<BookingHoldAnswer>runCommand(replyTo -> new HoldForBooking("booking-1", 4000, replyTo));
    assertThat(again.reply()).isEqualTo(new BookingHoldAnswer("booking-1", true, 4000, null));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(wallet().heldFor("booking-1")).isEqualTo(4000);
  }

  @Test
  void aBookingTheBalanceCannotCoverIsPaymentRequiredAndWritesNothing() {
    topUp("starter"); // 2,000
    var refused = kit.<BookingHoldAnswer>runCommand(replyTo -> new HoldForBooking("booking-1", 4000, replyTo));
    assertThat(refused.reply().held()).isFalse();
    assertThat(Rejection.parse(refused.reply().refusal()).kind()).isEqualTo(Rejection.Kind.PAYMENT_REQUIRED);
    assertThat(refused.hasNoEvents()).isTrue();
    assertThat(wallet().balanceCents()).isEqualTo(2000);
  }

  @Test
  void aBookingHoldDoesNotTouchTheOpenInstantRequestAndIsSettledLikeOne() {
    topUp("large");
    kit.runCommand(new StudentEntity.RequestInstantTutor("instant-1", new InstantRequest("math", "high", "fr", 2000, 60),
        testKit.<StatusReply<SessionEntity.SessionSummary>>createTestProbe().getRef()));
    kit.<BookingHoldAnswer>runCommand(replyTo -> new HoldForBooking("booking-1", 3000, replyTo));
    assertThat(((Registered) kit.getState()).openInstantSessionId()).isEqualTo("instant-1");

    TestProbe<SessionEntity.StudentSettled> settled = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.ChargeSession("booking-1", 3000, 1500, settled.getRef()));
    assertThat(settled.receiveMessage(Duration.ofSeconds(5)).capturedCents()).isEqualTo(1500);
    assertThat(wallet().isHolding("booking-1")).isFalse();
  }
}
