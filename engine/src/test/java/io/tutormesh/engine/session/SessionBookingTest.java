package io.tutormesh.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.MatchingObserver;
import io.tutormesh.engine.money.NoShowPolicy;
import io.tutormesh.engine.room.RoomSettings;
import io.tutormesh.engine.session.SessionEntity.Escrow;
import io.tutormesh.engine.session.SessionEntity.EscrowStatus;
import io.tutormesh.engine.session.SessionEntity.Kind;
import io.tutormesh.engine.session.SessionEntity.Notification;
import io.tutormesh.engine.session.SessionEntity.SessionSummary;
import io.tutormesh.engine.session.SessionEntity.Status;
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
 * A booked session, its tutor and student faked: the booking saga (slot, then hold, then BOOKED;
 * a refusal undone; a restart in the middle re-driven), the booked room (early join, the booked
 * price, no-show from the start) and the cancellation fees. Every message crosses a serializer.
 */
class SessionBookingTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  /** Tutor "ada" at 40.00 an hour for 60 minutes: a hold of 4,000. */
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
  private RoomSettings room = SessionSettlementTest.ROOM;

  private ActorRef<SessionEntity.Command> spawn(String sessionId) {
    return testKit.spawn(SessionEntity.create(sessionId, SessionSettlementTest.settings(testKit).withRoom(room), links,
        PaymentGuard.ALWAYS_YES, MatchingObserver.NONE, Clock.systemUTC(), null));
  }

  private SessionEntity.StartBooking booking(String studentId, Instant start, TestProbe<StatusReply<SessionSummary>> reply) {
    return new SessionEntity.StartBooking(studentId, "ada", "math", "university", start, 60, "EUR", null, reply.getRef());
  }

  private StatusReply<SessionSummary> get(ActorRef<SessionEntity.Command> session) {
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.GetSession(reply.getRef()));
    return reply.receiveMessage(WAIT);
  }

  private List<Object> persisted(String sessionId) {
    return PersistenceTestKit.create(testKit.system()).persistedInStorage("Session|" + sessionId);
  }

  /** Sam books Ada at `start`; the tutor reserves and the wallet holds: BOOKED. */
  private ActorRef<SessionEntity.Command> booked(String sessionId, Instant start) throws Exception {
    ActorRef<SessionEntity.Command> session = spawn(sessionId);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(booking("sam", start, reply));
    TutorEntity.ReserveSlot reserve = links.await("tutor:ada", TutorEntity.ReserveSlot.class, r -> true);
    reserve.replyTo().tell(new SessionEntity.SlotAnswer(sessionId, true, RATE, null));
    StudentEntity.HoldForBooking hold = links.await("student:sam", StudentEntity.HoldForBooking.class, h -> true);
    hold.replyTo().tell(new SessionEntity.BookingHoldAnswer(sessionId, true, hold.cents(), null));
    SessionSummary summary = reply.receiveMessage(WAIT).getValue();
    assertThat(summary.status()).isEqualTo(Status.BOOKED);
    return session;
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

  private static Instant inHours(long hours) {
    return Instant.now().plus(Duration.ofHours(hours)).truncatedTo(ChronoUnit.HOURS);
  }

  @Test
  void theTutorReservesTheSlotThenTheWalletHoldsTheRateTimesDurationThenItIsBooked() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    Instant start = inHours(48);
    ActorRef<SessionEntity.Command> session = spawn(sessionId);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(booking("sam", start, reply));

    TutorEntity.ReserveSlot reserve = links.await("tutor:ada", TutorEntity.ReserveSlot.class, r -> true);
    assertThat(reserve.sessionId()).isEqualTo(sessionId);
    assertThat(reserve.start()).isEqualTo(start);
    assertThat(reserve.durationMinutes()).isEqualTo(60);
    assertThat(reserve.subject()).isEqualTo("math");
    assertThat(get(session).isError()).as("not shown before it is confirmed").isTrue();
    reply.expectNoMessage(Duration.ofMillis(100));

    reserve.replyTo().tell(new SessionEntity.SlotAnswer(sessionId, true, RATE, null));
    StudentEntity.HoldForBooking hold = links.await("student:sam", StudentEntity.HoldForBooking.class, h -> true);
    assertThat(hold.cents()).isEqualTo(4000);
    hold.replyTo().tell(new SessionEntity.BookingHoldAnswer(sessionId, true, 4000, null));

    SessionSummary summary = reply.receiveMessage(WAIT).getValue();
    assertThat(summary.kind()).isEqualTo(Kind.BOOKED);
    assertThat(summary.status()).isEqualTo(Status.BOOKED);
    assertThat(summary.start()).isEqualTo(start);
    assertThat(summary.tutorId()).isEqualTo("ada");
    assertThat(summary.rateCents()).isEqualTo(RATE);
    assertThat(summary.escrow()).isEqualTo(new Escrow(EscrowStatus.HELD, 4000, 0, 0));
    assertThat(get(session).getValue()).isEqualTo(summary);
    assertThat(persisted(sessionId)).hasAtLeastOneElementOfType(SessionEntity.BookingRequested.class)
        .hasAtLeastOneElementOfType(SessionEntity.SessionBooked.class);
  }

  @Test
  void aSlotTheTutorRefusesFailsTheBookingWithItsReasonAndHoldsNothing() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = spawn(sessionId);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(booking("sam", inHours(48), reply));
    String taken = Rejection.conflict("the slot is not bookable: the tutor has another lesson then").toMessage();
    links.await("tutor:ada", TutorEntity.ReserveSlot.class, r -> true).replyTo()
        .tell(new SessionEntity.SlotAnswer(sessionId, false, 0, taken));

    StatusReply<SessionSummary> answer = reply.receiveMessage(WAIT);
    assertThat(answer.isError()).isTrue();
    assertThat(Rejection.parse(answer.getError().getMessage()).kind()).isEqualTo(Rejection.Kind.CONFLICT);
    links.await("tutor:ada", TutorEntity.ReleaseSlot.class, r -> r.sessionId().equals(sessionId));
    assertThat(get(session).getValue().status()).isEqualTo(Status.CANCELLED);
    assertThat(links.sent).noneMatch(s -> s.message() instanceof StudentEntity.HoldForBooking);
    assertThat(persisted(sessionId)).hasAtLeastOneElementOfType(SessionEntity.BookingFailed.class);
  }

  @Test
  void aWalletThatCannotPayFailsTheBookingAndReleasesTheReservedSlot() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = spawn(sessionId);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(booking("sam", inHours(48), reply));
    links.await("tutor:ada", TutorEntity.ReserveSlot.class, r -> true).replyTo().tell(new SessionEntity.SlotAnswer(sessionId, true, RATE, null));
    links.await("student:sam", StudentEntity.HoldForBooking.class, h -> true).replyTo()
        .tell(new SessionEntity.BookingHoldAnswer(sessionId, false, 0, Rejection.paymentRequired("not enough credit").toMessage()));

    StatusReply<SessionSummary> answer = reply.receiveMessage(WAIT);
    assertThat(Rejection.parse(answer.getError().getMessage()).kind()).isEqualTo(Rejection.Kind.PAYMENT_REQUIRED);
    links.await("tutor:ada", TutorEntity.ReleaseSlot.class, r -> r.sessionId().equals(sessionId));
    SessionSummary failed = get(session).getValue();
    assertThat(failed.status()).isEqualTo(Status.CANCELLED);
    assertThat(failed.escrow()).isEqualTo(Escrow.NONE);
  }

  @Test
  void aBookingNotConfirmedByItsDeadlineIsUndoneAndAnsweredUnavailable() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = spawn(sessionId);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    Instant deadline = Instant.now().plus(Duration.ofMillis(400));
    session.tell(new SessionEntity.StartBooking("sam", "ada", "math", "university", inHours(48), 60, "EUR", deadline, reply.getRef()));
    links.await("tutor:ada", TutorEntity.ReserveSlot.class, r -> true).replyTo().tell(new SessionEntity.SlotAnswer(sessionId, true, RATE, null));
    links.await("student:sam", StudentEntity.HoldForBooking.class, h -> true); // never answered

    StatusReply<SessionSummary> answer = reply.receiveMessage(WAIT);
    assertThat(Rejection.parse(answer.getError().getMessage()).kind()).isEqualTo(Rejection.Kind.UNAVAILABLE);
    links.await("tutor:ada", TutorEntity.ReleaseSlot.class, r -> r.sessionId().equals(sessionId));
    StudentEntity.ReleaseHold release = links.await("student:sam", StudentEntity.ReleaseHold.class, r -> r.sessionId().equals(sessionId));
    release.replyTo().tell(new SessionEntity.StudentSettled(sessionId, 0));
    await(() -> persisted(sessionId).stream().anyMatch(e -> e instanceof SessionEntity.EscrowSettled), "the release acknowledged");
    assertThat(get(session).getValue().status()).isEqualTo(Status.CANCELLED);
    assertThat(get(session).getValue().escrow()).isEqualTo(Escrow.NONE);
  }

  @Test
  void aBookingArrivingAfterItsDeadlineWritesNothing() {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = spawn(sessionId);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.StartBooking("sam", "ada", "math", "university", inHours(48), 60, "EUR", Instant.now().minusSeconds(1), reply.getRef()));

    assertThat(Rejection.parse(reply.receiveMessage(WAIT).getError().getMessage()).kind()).isEqualTo(Rejection.Kind.UNAVAILABLE);
    assertThat(persisted(sessionId)).isEmpty();
  }

  @Test
  void bookingOneselfIsRefusedAndWritesNothing() {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = spawn(sessionId);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(booking("ada", inHours(48), reply));

    assertThat(Rejection.parse(reply.receiveMessage(WAIT).getError().getMessage()).kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(persisted(sessionId)).isEmpty();
    assertThat(links.sent).isEmpty();
  }

  @Test
  void aBookingRestartedInTheMiddleAsksAgainAndEndsBooked() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = spawn(sessionId);
    session.tell(booking("sam", inHours(48), testKit.createTestProbe()));
    links.await("tutor:ada", TutorEntity.ReserveSlot.class, r -> true).replyTo().tell(new SessionEntity.SlotAnswer(sessionId, true, RATE, null));
    links.await("student:sam", StudentEntity.HoldForBooking.class, h -> true);
    testKit.stop(session);
    links.sent.clear();

    ActorRef<SessionEntity.Command> restarted = spawn(sessionId);
    // Both steps are idempotent at their entities: the slot answers the same reservation, the wallet the same hold.
    links.await("tutor:ada", TutorEntity.ReserveSlot.class, r -> true).replyTo().tell(new SessionEntity.SlotAnswer(sessionId, true, RATE, null));
    links.await("student:sam", StudentEntity.HoldForBooking.class, h -> true).replyTo()
        .tell(new SessionEntity.BookingHoldAnswer(sessionId, true, 4000, null));
    await(() -> get(restarted).isSuccess() && get(restarted).getValue().status() == Status.BOOKED, "BOOKED after the restart");
    assertThat(get(restarted).getValue().escrow().heldCents()).isEqualTo(4000);
  }

  @Test
  void aStudentCancellingEarlyGetsEverythingBackAndTheSlotIsReleased() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = booked(sessionId, inHours(48));
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.Cancel("sam", false, reply.getRef()));

    SessionSummary cancelled = reply.receiveMessage(WAIT).getValue();
    assertThat(cancelled.status()).isEqualTo(Status.CANCELLED);
    assertThat(cancelled.escrow()).isEqualTo(new Escrow(EscrowStatus.REFUNDED, 4000, 0, 4000));
    links.await("tutor:ada", TutorEntity.ReleaseSlot.class, r -> r.sessionId().equals(sessionId));
    StudentEntity.ChargeSession charge = links.await("student:sam", StudentEntity.ChargeSession.class, c -> true);
    assertThat(charge.chargeCents()).isZero();
  }

  @Test
  void aStudentCancellingLateLeavesTheConfiguredShareToTheTutorButATutorCancellingRefundsAll() throws Exception {
    String late = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = booked(late, inHours(3));
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.Cancel("sam", false, reply.getRef()));
    // free-cancel-before 12h, late-cancel-tutor-share-percent 50 (reference.conf)
    assertThat(reply.receiveMessage(WAIT).getValue().escrow()).isEqualTo(new Escrow(EscrowStatus.RELEASED, 4000, 2000, 2000));
    StudentEntity.ChargeSession charge = links.await("student:sam", StudentEntity.ChargeSession.class, c -> c.sessionId().equals(late));
    assertThat(charge.chargeCents()).isEqualTo(2000);
    charge.replyTo().tell(new SessionEntity.StudentSettled(late, 2000));
    TutorEntity.CreditSession credit = links.await("tutor:ada", TutorEntity.CreditSession.class, c -> c.sessionId().equals(late));
    assertThat(credit.grossCents()).isEqualTo(2000);

    String byTutor = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> other = booked(byTutor, inHours(3));
    other.tell(new SessionEntity.Cancel("ada", false, reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).getValue().escrow()).isEqualTo(new Escrow(EscrowStatus.REFUNDED, 4000, 0, 4000));
  }

  @Test
  void theRoomOpensOnlyEarlyJoinBeforeTheStart() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = booked(sessionId, inHours(48));
    TestProbe<Notification> sam = testKit.createTestProbe();
    session.tell(new SessionEntity.Subscribe("c-sam", "sam", sam.getRef()));

    sam.expectMessageClass(SessionEntity.StatusChanged.class, WAIT);
    SessionEntity.Refused refused = sam.expectMessageClass(SessionEntity.Refused.class, WAIT);
    assertThat(refused.code()).isEqualTo("room-closed");
    assertThat(persisted(sessionId)).noneMatch(e -> e instanceof SessionEntity.ParticipantJoined);
  }

  @Test
  void bothJoiningWithinEarlyJoinMakesItLiveAndEndingCapturesTheBookedPrice() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = booked(sessionId, Instant.now().plus(Duration.ofMinutes(5)));
    session.tell(new SessionEntity.Subscribe("c-sam", "sam", testKit.<Notification>createTestProbe().getRef()));
    session.tell(new SessionEntity.Subscribe("c-ada", "ada", testKit.<Notification>createTestProbe().getRef()));
    await(() -> get(session).getValue().status() == Status.LIVE, "live");

    TestProbe<StatusReply<SessionSummary>> ended = testKit.createTestProbe();
    session.tell(new SessionEntity.End("ada", false, ended.getRef()));
    SessionSummary completed = ended.receiveMessage(WAIT).getValue();
    assertThat(completed.status()).isEqualTo(Status.COMPLETED);
    assertThat(completed.escrow()).isEqualTo(new Escrow(EscrowStatus.RELEASED, 4000, 4000, 0));
    assertThat(links.await("student:sam", StudentEntity.ChargeSession.class, c -> true).chargeCents()).isEqualTo(4000);
    links.await("tutor:ada", TutorEntity.ReleaseSlot.class, r -> r.sessionId().equals(sessionId));
  }

  @Test
  void theNoShowGraceCountsFromTheStart() throws Exception {
    room = room.withNoShowGrace(Duration.ofMillis(500));
    String sessionId = UUID.randomUUID().toString();
    Instant start = Instant.now().plus(Duration.ofSeconds(1));
    ActorRef<SessionEntity.Command> session = booked(sessionId, start);
    session.tell(new SessionEntity.Subscribe("c-sam", "sam", testKit.<Notification>createTestProbe().getRef()));
    await(() -> persisted(sessionId).stream().anyMatch(e -> e instanceof SessionEntity.ParticipantJoined), "sam joined");

    await(() -> get(session).getValue().status() == Status.NO_SHOW, "NO_SHOW of the tutor");
    assertThat(Instant.now()).isAfterOrEqualTo(start.plus(Duration.ofMillis(500)));
    SessionEntity.NoShowRecorded noShow = (SessionEntity.NoShowRecorded) persisted(sessionId).stream()
        .filter(e -> e instanceof SessionEntity.NoShowRecorded).findFirst().orElseThrow();
    assertThat(noShow.absent()).isEqualTo(NoShowPolicy.Absent.TUTOR);
    assertThat(get(session).getValue().escrow()).isEqualTo(new Escrow(EscrowStatus.REFUNDED, 4000, 0, 4000));
  }

  @Test
  void nobodyJoiningABookedRoomCancelsItWithEverythingBack() throws Exception {
    room = room.withNoShowGrace(Duration.ofMillis(300));
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = booked(sessionId, Instant.now().plus(Duration.ofMillis(500)));

    await(() -> get(session).getValue().status() == Status.CANCELLED, "CANCELLED");
    assertThat(get(session).getValue().escrow()).isEqualTo(new Escrow(EscrowStatus.REFUNDED, 4000, 0, 4000));
  }
}
