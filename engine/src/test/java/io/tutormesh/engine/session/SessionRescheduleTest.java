package io.tutormesh.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.MatchingObserver;
import io.tutormesh.engine.session.SessionEntity.EscrowStatus;
import io.tutormesh.engine.session.SessionEntity.SessionSummary;
import io.tutormesh.engine.session.SessionEntity.Status;
import io.tutormesh.engine.session.SessionEntity.TimelineEntry;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A booked lesson's slot released until its tutor acknowledges it, and rescheduling: the new
 * session reserves the new slot (which may overlap the old one), then the old session hands its
 * booking over (CANCELLED as rescheduled, its escrow moved to the new session in the wallet, its
 * slot freed), then the new session is BOOKED with the old rate and escrow. Crashes in the middle
 * are re-driven from the journal; a refusal leaves the old booking exactly as it was. The tutor
 * and student are faked (the test forwards session-to-session messages, as sharding would).
 */
class SessionRescheduleTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final long RATE = 4000;

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(TestSupport.testKitConfig()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final SessionEntityTest.FakeLinks links = new SessionEntityTest.FakeLinks();

  private ActorRef<SessionEntity.Command> spawn(String sessionId) {
    return testKit.spawn(SessionEntity.create(sessionId, SessionSettlementTest.settings(testKit),
        links, PaymentGuard.ALWAYS_YES, MatchingObserver.NONE, Clock.systemUTC(), null));
  }

  private SessionSummary get(ActorRef<SessionEntity.Command> session) {
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.GetSession(reply.getRef()));
    return reply.receiveMessage(WAIT).getValue();
  }

  /** While it is still being booked a session answers reads with an error, so a poll must not take that for a failure. */
  private boolean answersBooked(ActorRef<SessionEntity.Command> session) {
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.GetSession(reply.getRef()));
    StatusReply<SessionSummary> answer = reply.receiveMessage(WAIT);
    return answer.isSuccess() && answer.getValue().status() == Status.BOOKED;
  }

  private List<Object> persisted(String sessionId) {
    return PersistenceTestKit.create(testKit.system()).persistedInStorage("Session|" + sessionId);
  }

  private static Instant inHours(long hours) {
    return Instant.now().plus(Duration.ofHours(hours)).truncatedTo(ChronoUnit.HOURS);
  }

  /** Sam books Ada at `start`: BOOKED with an escrow of 4,000. */
  private ActorRef<SessionEntity.Command> booked(String sessionId, Instant start) {
    ActorRef<SessionEntity.Command> session = spawn(sessionId);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.StartBooking("sam", "ada", "math", "university", start, 60, "EUR", null, reply.getRef()));
    awaitSent("tutor:ada", TutorEntity.ReserveSlot.class, r -> r.sessionId().equals(sessionId)).replyTo()
        .tell(new SessionEntity.SlotAnswer(sessionId, true, RATE, null));
    StudentEntity.HoldForBooking hold = awaitSent("student:sam", StudentEntity.HoldForBooking.class, h -> h.sessionId().equals(sessionId));
    assertThat(hold.lesson()).isEqualTo(new StudentEntity.BookedLesson(sessionId, "ada", "math", "university", start, start.plus(Duration.ofHours(1))));
    hold.replyTo().tell(new SessionEntity.BookingHoldAnswer(sessionId, true, hold.cents(), null));
    assertThat(reply.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.BOOKED);
    return session;
  }

  private <T> T awaitSent(String to, Class<T> type, java.util.function.Predicate<T> matching) {
    try {
      return links.await(to, type, matching);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      TimeUnit.MILLISECONDS.sleep(20); // poll interval, bounded by the deadline
    }
  }

  private SessionEntity.Reschedule reschedule(String by, Instant start, String newSessionId, TestProbe<StatusReply<SessionSummary>> reply) {
    return new SessionEntity.Reschedule(by, false, start, newSessionId, Instant.now().plus(Duration.ofSeconds(30)), reply.getRef());
  }

  // --- the slot of an ended booking ---

  @Test
  void aCancelledBookingSendsItsSlotReleaseUntilTheTutorAcknowledgesItAlsoAfterARestart() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = booked(sessionId, inHours(48));
    TestProbe<StatusReply<SessionSummary>> cancelled = testKit.createTestProbe();
    session.tell(new SessionEntity.Cancel("sam", false, cancelled.getRef()));
    assertThat(cancelled.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.CANCELLED);

    TutorEntity.ReleaseSlot first = awaitSent("tutor:ada", TutorEntity.ReleaseSlot.class, r -> r.sessionId().equals(sessionId));
    assertThat(first.replyTo()).as("acknowledged, not fire-and-forget").isNotNull();
    awaitSent("tutor:ada", TutorEntity.ReleaseSlot.class, r -> r.sessionId().equals(sessionId)); // lost: sent again

    testKit.stop(session);
    ActorRef<SessionEntity.Command> restarted = spawn(sessionId);
    TutorEntity.ReleaseSlot afterRestart = awaitSent("tutor:ada", TutorEntity.ReleaseSlot.class, r -> r.sessionId().equals(sessionId));
    afterRestart.replyTo().tell(new SessionEntity.SlotFreed(sessionId));
    await(() -> persisted(sessionId).stream().anyMatch(e -> e instanceof SessionEntity.TutorSlotFreed), "TutorSlotFreed written");
    assertThat(persisted(sessionId).stream().filter(e -> e instanceof SessionEntity.TutorSlotFreed)).hasSize(1);
    assertThat(get(restarted).status()).isEqualTo(Status.CANCELLED);
  }

  @Test
  void aFailedBookingReleasesItsSlotUntilAcknowledged() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = spawn(sessionId);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.StartBooking("sam", "ada", "math", "university", inHours(48), 60, "EUR", null, reply.getRef()));
    awaitSent("tutor:ada", TutorEntity.ReserveSlot.class, r -> true).replyTo()
        .tell(new SessionEntity.SlotAnswer(sessionId, false, 0, Rejection.conflict("taken").toMessage()));
    assertThat(reply.receiveMessage(WAIT).isError()).isTrue();
    awaitSent("tutor:ada", TutorEntity.ReleaseSlot.class, r -> r.sessionId().equals(sessionId));
    awaitSent("tutor:ada", TutorEntity.ReleaseSlot.class, r -> r.sessionId().equals(sessionId)).replyTo()
        .tell(new SessionEntity.SlotFreed(sessionId));
    await(() -> persisted(sessionId).stream().anyMatch(e -> e instanceof SessionEntity.TutorSlotFreed), "TutorSlotFreed written");
  }

  // --- rescheduling ---

  @Test
  void aRescheduleBooksTheNewSlotThenMovesTheEscrowAndCancelsTheOldSession() {
    String oldId = UUID.randomUUID().toString();
    String newId = UUID.randomUUID().toString();
    Instant oldStart = inHours(48);
    Instant newStart = oldStart.plus(Duration.ofMinutes(30)); // overlaps the old lesson: allowed
    ActorRef<SessionEntity.Command> old = booked(oldId, oldStart);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    old.tell(reschedule("sam", newStart, newId, reply));

    ActorRef<SessionEntity.Command> fresh = spawn(newId);
    fresh.tell(awaitSent("session:" + newId, SessionEntity.StartReschedule.class, s -> true));
    TutorEntity.ReserveSlot reserve = awaitSent("tutor:ada", TutorEntity.ReserveSlot.class, r -> r.sessionId().equals(newId));
    assertThat(reserve.replacingSessionId()).isEqualTo(oldId);
    assertThat(reserve.start()).isEqualTo(newStart);
    reserve.replyTo().tell(new SessionEntity.SlotAnswer(newId, true, RATE, null));

    old.tell(awaitSent("session:" + oldId, SessionEntity.HandOverBooking.class, h -> h.toSessionId().equals(newId)));
    StudentEntity.MoveBookingHold move = awaitSent("student:sam", StudentEntity.MoveBookingHold.class, m -> m.fromSessionId().equals(oldId));
    assertThat(move.lesson()).isEqualTo(new StudentEntity.BookedLesson(newId, "ada", "math", "university", newStart, newStart.plus(Duration.ofHours(1))));
    assertThat(links.sent).noneMatch(s -> s.message() instanceof StudentEntity.ReleaseHold || s.message() instanceof StudentEntity.ChargeSession);
    move.replyTo().tell(new SessionEntity.StudentSettled(oldId, 0));

    SessionSummary rescheduled = reply.receiveMessage(WAIT).getValue();
    assertThat(rescheduled.sessionId()).isEqualTo(newId);
    assertThat(rescheduled.status()).isEqualTo(Status.BOOKED);
    assertThat(rescheduled.start()).isEqualTo(newStart);
    assertThat(rescheduled.rateCents()).isEqualTo(RATE);
    assertThat(rescheduled.escrow().heldCents()).isEqualTo(4000);
    assertThat(rescheduled.timeline()).last().extracting(TimelineEntry::rescheduledFrom).isEqualTo(oldId);

    SessionSummary before = get(old);
    assertThat(before.status()).isEqualTo(Status.CANCELLED);
    assertThat(before.timeline()).last().extracting(TimelineEntry::rescheduledTo).isEqualTo(newId);
    assertThat(before.escrow().status()).isEqualTo(EscrowStatus.NONE);
    awaitSent("tutor:ada", TutorEntity.ReleaseSlot.class, r -> r.sessionId().equals(oldId)).replyTo().tell(new SessionEntity.SlotFreed(oldId));
  }

  @Test
  void aCrashOfEitherSessionInTheMiddleIsReDrivenFromTheJournal() throws Exception {
    String oldId = UUID.randomUUID().toString();
    String newId = UUID.randomUUID().toString();
    Instant newStart = inHours(72);
    ActorRef<SessionEntity.Command> old = booked(oldId, inHours(48));
    old.tell(reschedule("ada", newStart, newId, testKit.createTestProbe()));

    ActorRef<SessionEntity.Command> fresh = spawn(newId);
    fresh.tell(awaitSent("session:" + newId, SessionEntity.StartReschedule.class, s -> true));
    awaitSent("tutor:ada", TutorEntity.ReserveSlot.class, r -> r.sessionId().equals(newId));
    // The new session crashes before the tutor answers: restarted, it asks for the slot again.
    testKit.stop(fresh);
    fresh = spawn(newId);
    awaitSent("tutor:ada", TutorEntity.ReserveSlot.class, r -> r.sessionId().equals(newId)).replyTo()
        .tell(new SessionEntity.SlotAnswer(newId, true, RATE, null));
    old.tell(awaitSent("session:" + oldId, SessionEntity.HandOverBooking.class, h -> h.toSessionId().equals(newId)));
    awaitSent("student:sam", StudentEntity.MoveBookingHold.class, m -> m.fromSessionId().equals(oldId));

    // The old session crashes after handing over, before the wallet acknowledged the move: re-driven.
    testKit.stop(old);
    old = spawn(oldId);
    StudentEntity.MoveBookingHold again = awaitSent("student:sam", StudentEntity.MoveBookingHold.class, m -> m.fromSessionId().equals(oldId));
    again.replyTo().tell(new SessionEntity.StudentSettled(oldId, 0));
    await(() -> persisted(oldId).stream().anyMatch(e -> e instanceof SessionEntity.EscrowSettled), "the move acknowledged");

    // The new session asks again (its retry) and is answered from the old one's journal.
    ActorRef<SessionEntity.Command> oldNow = old;
    oldNow.tell(awaitSent("session:" + oldId, SessionEntity.HandOverBooking.class, h -> h.toSessionId().equals(newId)));
    ActorRef<SessionEntity.Command> freshNow = fresh;
    await(() -> answersBooked(freshNow), "the new session BOOKED");
    assertThat(get(freshNow).escrow().heldCents()).isEqualTo(4000);
    assertThat(get(oldNow).status()).isEqualTo(Status.CANCELLED);
    assertThat(persisted(oldId).stream().filter(e -> e instanceof SessionEntity.SessionRescheduled)).hasSize(1);
  }

  @Test
  void aNewSlotTheTutorRefusesLeavesTheOldBookingExactlyAsItWas() {
    String oldId = UUID.randomUUID().toString();
    String newId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> old = booked(oldId, inHours(48));
    int eventsBefore = persisted(oldId).size();
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    old.tell(reschedule("sam", inHours(50), newId, reply));

    ActorRef<SessionEntity.Command> fresh = spawn(newId);
    fresh.tell(awaitSent("session:" + newId, SessionEntity.StartReschedule.class, s -> true));
    awaitSent("tutor:ada", TutorEntity.ReserveSlot.class, r -> r.sessionId().equals(newId)).replyTo()
        .tell(new SessionEntity.SlotAnswer(newId, false, 0, Rejection.conflict("the slot is not bookable: taken").toMessage()));

    StatusReply<SessionSummary> answer = reply.receiveMessage(WAIT);
    assertThat(Rejection.parse(answer.getError().getMessage()).kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(persisted(oldId)).hasSize(eventsBefore);
    assertThat(get(old).status()).isEqualTo(Status.BOOKED);
    assertThat(get(old).escrow().heldCents()).isEqualTo(4000);
    assertThat(links.sent).noneMatch(s -> s.message() instanceof SessionEntity.HandOverBooking);
  }

  @Test
  void onlyAParticipantWithinThePolicyMayRescheduleAndTheOldSessionRefusesAHandOverPastTheDeadline() {
    String oldId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> old = booked(oldId, inHours(5)); // within the 12 h of free cancellation
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();

    old.tell(reschedule("eve", inHours(30), "x1", reply));
    assertThat(Rejection.parse(reply.receiveMessage(WAIT).getError().getMessage()).kind()).isEqualTo(Rejection.Kind.FORBIDDEN);
    old.tell(reschedule("sam", inHours(30), "x2", reply));
    assertThat(reply.receiveMessage(WAIT).getError().getMessage()).contains("too late to reschedule");
    old.tell(reschedule("sam", inHours(5), "x3", reply));
    assertThat(Rejection.parse(reply.receiveMessage(WAIT).getError().getMessage()).kind()).isEqualTo(Rejection.Kind.CONFLICT);

    old.tell(reschedule("ada", inHours(30), "x4", reply));
    awaitSent("session:x4", SessionEntity.StartReschedule.class, s -> true);

    TestProbe<SessionEntity.HandOverAnswer> handOver = testKit.createTestProbe();
    old.tell(new SessionEntity.HandOverBooking("x4", "ada", inHours(30), Instant.now().minusSeconds(1), handOver.getRef()));
    assertThat(handOver.receiveMessage(WAIT).handedOver()).isFalse();
    assertThat(get(old).status()).isEqualTo(Status.BOOKED);
  }
}
