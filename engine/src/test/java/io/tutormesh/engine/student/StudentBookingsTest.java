package io.tutormesh.engine.student;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.SandboxProvider;
import io.tutormesh.engine.money.Wallet;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity.BookedLesson;
import io.tutormesh.engine.student.StudentEntity.BookingHoldMoved;
import io.tutormesh.engine.student.StudentEntity.Bookings;
import io.tutormesh.engine.student.StudentEntity.Command;
import io.tutormesh.engine.student.StudentEntity.Event;
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

/**
 * The student's booked lessons: listed while the wallet holds money for them and until they end
 * (bounded: past and settled ones leave); a reschedule moves the hold and the lesson in one event,
 * once, however often it is asked, also after a restart.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudentBookingsTest {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final Instant START = Instant.parse("2026-11-30T15:00:00Z");
  private static final MoneySettings MONEY = MoneySettings.fromConfig(ConfigFactory.defaultReference());
  private static final MatchingSettings MATCHING =
      new MatchingSettings(Duration.ofSeconds(15), Duration.ofSeconds(60), 1, Duration.ofSeconds(1), Duration.ofSeconds(45), 3, 15, 180);
  private static final AtomicInteger IDS = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  private String studentId;
  private TestClock clock;
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void fundedStudent() {
    studentId = "booker-" + IDS.incrementAndGet();
    clock = new TestClock(T0);
    StudentEntity.Payments payments = new StudentEntity.Payments(MONEY, new SandboxProvider(), Duration.ofMillis(100));
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        StudentEntity.create(studentId, TestSupport.defaultRules(), MATCHING, StudentEntity.Links.NONE, payments, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.<StatusReply<StudentEntity.StudentSummary>>runCommand(replyTo -> new StudentEntity.UpdateProfile(TestSupport.validStudent(), replyTo));
    TestProbe<StatusReply<TopUpResult>> paid = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.TopUp("k", "standard", SandboxProvider.CARD_OK, paid.getRef()));
    paid.receiveMessage(Duration.ofSeconds(5));
  }

  private static BookedLesson lesson(String sessionId, Instant start) {
    return new BookedLesson(sessionId, "ada", "math", "high", start, start.plus(Duration.ofHours(1)));
  }

  private SessionEntity.BookingHoldAnswer hold(String sessionId, Instant start) {
    return kit.<SessionEntity.BookingHoldAnswer>runCommand(replyTo -> new StudentEntity.HoldForBooking(sessionId, 2000, replyTo, lesson(sessionId, start)))
        .reply();
  }

  private Bookings bookings() {
    return kit.<StatusReply<Bookings>>runCommand(StudentEntity.GetBookings::new).reply().getValue();
  }

  private Wallet wallet() {
    return ((Registered) kit.getState()).wallet();
  }

  @Test
  void aHeldBookingIsListedByStartAndLeavesWhenItsHoldIsSettledOrReleased() {
    assertThat(hold("late", START.plus(Duration.ofDays(1))).held()).isTrue();
    assertThat(hold("early", START).held()).isTrue();
    assertThat(bookings().lessons()).extracting(BookedLesson::sessionId).containsExactly("early", "late");

    TestProbe<SessionEntity.StudentSettled> settled = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.ReleaseHold("early", settled.getRef()));
    settled.receiveMessage(Duration.ofSeconds(5));
    kit.runCommand(new StudentEntity.ChargeSession("late", 2000, 0, settled.getRef()));
    settled.receiveMessage(Duration.ofSeconds(5));

    assertThat(bookings().lessons()).isEmpty();
    assertThat(((Registered) kit.getState()).lessons()).as("bounded: settled lessons are dropped from the state").isEmpty();
  }

  @Test
  void aLessonThatEndedIsNoLongerListed() {
    hold("soon", START);
    clock.advance(Duration.between(T0, START.plus(Duration.ofMinutes(61))));
    assertThat(bookings().lessons()).isEmpty();
    kit.restart();
    assertThat(bookings().lessons()).isEmpty();
  }

  @Test
  void aRescheduleMovesTheHoldAndTheLessonOnceNeverThroughTheBalance() {
    hold("old", START);
    long balance = wallet().balanceCents();
    TestProbe<SessionEntity.StudentSettled> moved = testKit.createTestProbe();
    BookedLesson next = lesson("new", START.plus(Duration.ofDays(2)));

    var first = kit.runCommand(new StudentEntity.MoveBookingHold("old", next, moved.getRef()));
    assertThat(moved.receiveMessage(Duration.ofSeconds(5))).isEqualTo(new SessionEntity.StudentSettled("old", 0));
    assertThat(first.events()).containsExactly(new BookingHoldMoved(studentId, "old", 2000, next, T0));
    assertThat(wallet().balanceCents()).isEqualTo(balance);
    assertThat(wallet().heldFor("new")).isEqualTo(2000);
    assertThat(wallet().isHolding("old")).isFalse();
    assertThat(bookings().lessons()).containsExactly(next);

    kit.restart();
    var again = kit.runCommand(new StudentEntity.MoveBookingHold("old", next, moved.getRef()));
    assertThat(moved.receiveMessage(Duration.ofSeconds(5))).isEqualTo(new SessionEntity.StudentSettled("old", 0));
    assertThat(again.events()).as("idempotent").isEmpty();
    assertThat(wallet().heldCents()).isEqualTo(2000);
    assertThat(wallet().balanceCents()).isEqualTo(balance);
  }
}
