package io.tutormesh.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchingObserver;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.matching.Offer;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.room.RoomSettings;
import io.tutormesh.engine.session.SessionEntity.EscrowStatus;
import io.tutormesh.engine.session.SessionEntity.Notification;
import io.tutormesh.engine.session.SessionEntity.SessionSummary;
import io.tutormesh.engine.session.SessionEntity.Status;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import java.time.Clock;
import java.time.Duration;
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
 * The money of one instant session, its neighbours faked: the escrow at MATCHED, the price at
 * COMPLETED, and the settlement saga (student charged, then tutor credited with what was captured;
 * each step sent again until acknowledged, also after a restart; then EscrowSettled once). Every
 * message crosses a serializer.
 */
class SessionSettlementTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  static final MatchingSettings MATCHING =
      new MatchingSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), 1, Duration.ofMillis(100), Duration.ofSeconds(45), 3, 15, 180);
  static final RoomSettings ROOM = RoomSettings.fromConfig(ConfigFactory.defaultReference());
  static final SessionEntity.Billing BILLING = new SessionEntity.Billing(15, Duration.ofMillis(300), 100);
  /** Holds 60.00 × 60 / 60 = 6,000; the tutor's 40.00 an hour makes an escrow of 4,000. */
  static final InstantRequest REQUEST = new InstantRequest("math", "university", "fr", 6000, 60);

  /** The session settings of {@code kit}'s config (money, reviews) with {@link #MATCHING}, {@link #ROOM} and {@link #BILLING}. */
  static SessionEntity.Settings settings(ActorTestKit kit) {
    return SessionEntity.Settings.fromConfig(kit.system().settings().config()).withMatching(MATCHING).withRoom(ROOM).withBilling(BILLING);
  }

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
  /** The no-show tests shorten the grace. */
  private RoomSettings room = ROOM;

  private ActorRef<SessionEntity.Command> spawn(String sessionId, MatchingSettings matching) {
    return testKit.spawn(SessionEntity.create(sessionId, settings(testKit).withMatching(matching).withRoom(room), links, PaymentGuard.ALWAYS_YES, MatchingObserver.NONE, Clock.systemUTC(), null));
  }

  private SessionSummary get(ActorRef<SessionEntity.Command> session) {
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.GetSession(reply.getRef()));
    return reply.receiveMessage(WAIT).getValue();
  }

  private SessionSummary started(ActorRef<SessionEntity.Command> session) {
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.StartInstant("sam", REQUEST, "EUR", null, reply.getRef(), 6000L));
    return reply.receiveMessage(WAIT).getValue();
  }

  /** Student "sam" matched with tutor "ada" at 40.00 an hour. */
  private ActorRef<SessionEntity.Command> matched(String sessionId) throws Exception {
    links.candidates = q -> List.of(new TutorCard("ada", "Ada", List.of(new SubjectOffer("math", List.of("university"))), List.of("fr"), 4000, "EUR", Rating.NONE));
    ActorRef<SessionEntity.Command> session = spawn(sessionId, MATCHING);
    started(session);
    Offer offer = links.awaitOffer("ada");
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.AcceptOffer(offer.offerId(), "ada", reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.MATCHED);
    return session;
  }

  private ActorRef<SessionEntity.Command> completed(String sessionId) throws Exception {
    ActorRef<SessionEntity.Command> session = matched(sessionId);
    TestProbe<Notification> sam = testKit.createTestProbe();
    session.tell(new SessionEntity.Subscribe("c-sam", "sam", sam.getRef()));
    session.tell(new SessionEntity.Subscribe("c-ada", "ada", testKit.<Notification>createTestProbe().getRef()));
    await(() -> get(session).status() == Status.LIVE, "live");
    TestProbe<StatusReply<SessionSummary>> ended = testKit.createTestProbe();
    session.tell(new SessionEntity.End("sam", false, ended.getRef()));
    assertThat(ended.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.COMPLETED);
    return session;
  }

  private List<Object> persisted(String sessionId) {
    return PersistenceTestKit.create(testKit.system()).persistedInStorage("Session|" + sessionId);
  }

  private void awaitSettled(String sessionId) throws InterruptedException {
    await(() -> persisted(sessionId).stream().anyMatch(e -> e instanceof SessionEntity.EscrowSettled), "EscrowSettled persisted");
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

  @Test
  void atMatchedTheEscrowIsTheTutorsPriceAndTheStudentIsTold() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = matched(sessionId);

    StudentEntity.CloseInstantRequest close = links.await("student:sam", StudentEntity.CloseInstantRequest.class, c -> true);
    assertThat(close).isEqualTo(new StudentEntity.CloseInstantRequest(sessionId, 4000L));
    assertThat(get(session).escrow()).isEqualTo(new SessionEntity.Escrow(EscrowStatus.HELD, 4000, 0, 0));
    assertThat(persisted(sessionId)).filteredOn(e -> e instanceof SessionEntity.TutorMatched)
        .singleElement().satisfies(e -> assertThat(((SessionEntity.TutorMatched) e).escrowCents()).isEqualTo(4000L));
  }

  /** The projections of a match (KPIs, notifications) find the request's student and time in the match itself. */
  @Test
  void theMatchCarriesTheRequestsStudentAndTime() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    matched(sessionId);

    List<Object> events = persisted(sessionId);
    SessionEntity.InstantRequested requested = (SessionEntity.InstantRequested) events.get(0);
    SessionEntity.TutorMatched match = events.stream().filter(SessionEntity.TutorMatched.class::isInstance)
        .map(SessionEntity.TutorMatched.class::cast).findFirst().orElseThrow();
    assertThat(match.studentId()).isEqualTo("sam");
    assertThat(match.requestedAt()).isEqualTo(requested.at());
  }

  @Test
  void aCompletedLessonChargesTheStudentThenCreditsTheTutorRetryingUntilAcknowledged() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = completed(sessionId);

    // A short lesson costs the minimum: 15 minutes at 40.00 an hour.
    assertThat(get(session).escrow()).isEqualTo(new SessionEntity.Escrow(EscrowStatus.RELEASED, 4000, 1000, 3000));
    StudentEntity.ChargeSession charge = links.await("student:sam", StudentEntity.ChargeSession.class, c -> true);
    assertThat(charge.sessionId()).isEqualTo(sessionId);
    assertThat(charge.escrowCents()).isEqualTo(4000);
    assertThat(charge.chargeCents()).isEqualTo(1000);
    // Not acknowledged: sent again.
    StudentEntity.ChargeSession again = links.await("student:sam", StudentEntity.ChargeSession.class, c -> true);
    assertThat(again.chargeCents()).isEqualTo(1000);

    again.replyTo().tell(new SessionEntity.StudentSettled(sessionId, 1000));
    TutorEntity.CreditSession credit = links.await("tutor:ada", TutorEntity.CreditSession.class, c -> true);
    assertThat(credit.grossCents()).isEqualTo(1000);
    assertThat(credit.studentId()).isEqualTo("sam");
    assertThat(credit.minutes()).isLessThanOrEqualTo(1);
    assertThat(persisted(sessionId)).noneMatch(e -> e instanceof SessionEntity.EscrowSettled);

    credit.replyTo().tell(new SessionEntity.TutorCredited(sessionId));
    awaitSettled(sessionId);
    charge.replyTo().tell(new SessionEntity.StudentSettled(sessionId, 1000)); // a late duplicate changes nothing
    credit.replyTo().tell(new SessionEntity.TutorCredited(sessionId));
    assertThat(get(session).status()).isEqualTo(Status.COMPLETED);
    assertThat(persisted(sessionId)).filteredOn(e -> e instanceof SessionEntity.EscrowSettled).hasSize(1);
  }

  @Test
  void aSessionRestartedBeforeItsSettlementWasAcknowledgedDrivesItAgain() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = completed(sessionId);
    links.await("student:sam", StudentEntity.ChargeSession.class, c -> true);
    testKit.stop(session);
    links.sent.clear();

    ActorRef<SessionEntity.Command> restarted = spawn(sessionId, MATCHING);
    StudentEntity.ChargeSession charge = links.await("student:sam", StudentEntity.ChargeSession.class, c -> true);
    assertThat(charge.chargeCents()).isEqualTo(1000);
    charge.replyTo().tell(new SessionEntity.StudentSettled(sessionId, 1000));
    links.await("tutor:ada", TutorEntity.CreditSession.class, c -> true).replyTo().tell(new SessionEntity.TutorCredited(sessionId));
    awaitSettled(sessionId);
    assertThat(get(restarted).escrow().releasedCents()).isEqualTo(1000);
  }

  @Test
  void aMatchedSessionCancelledBeforeTheLessonIsRefundedInFullAndCreditsNobody() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = matched(sessionId);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.Cancel("ada", false, reply.getRef()));

    assertThat(reply.receiveMessage(WAIT).getValue().escrow()).isEqualTo(new SessionEntity.Escrow(EscrowStatus.REFUNDED, 4000, 0, 4000));
    StudentEntity.ChargeSession charge = links.await("student:sam", StudentEntity.ChargeSession.class, c -> true);
    assertThat(charge.chargeCents()).isZero();
    charge.replyTo().tell(new SessionEntity.StudentSettled(sessionId, 0));
    awaitSettled(sessionId);
    assertThat(links.sent).noneMatch(s -> s.message() instanceof TutorEntity.CreditSession);
  }

  @Test
  void noTutorReleasesTheHoldThroughTheSaga() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    MatchingSettings quick = new MatchingSettings(Duration.ofSeconds(5), Duration.ofMillis(500), 1, Duration.ofMillis(100), Duration.ofSeconds(45), 3, 15, 180);
    ActorRef<SessionEntity.Command> session = spawn(sessionId, quick);
    started(session);

    StudentEntity.ReleaseHold release = links.await("student:sam", StudentEntity.ReleaseHold.class, r -> true);
    assertThat(release.sessionId()).isEqualTo(sessionId);
    assertThat(get(session).status()).isEqualTo(Status.NO_TUTOR);
    assertThat(get(session).escrow().status()).isEqualTo(EscrowStatus.NONE);
    links.await("student:sam", StudentEntity.ReleaseHold.class, r -> true).replyTo().tell(new SessionEntity.StudentSettled(sessionId, 0));
    awaitSettled(sessionId);
  }

  @Test
  void aSessionWithoutAHoldSettlesNothing() throws Exception {
    links.candidates = q -> List.of();
    String sessionId = UUID.randomUUID().toString();
    MatchingSettings quick = new MatchingSettings(Duration.ofSeconds(5), Duration.ofMillis(300), 1, Duration.ofMillis(100), Duration.ofSeconds(45), 3, 15, 180);
    ActorRef<SessionEntity.Command> session = spawn(sessionId, quick);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.StartInstant("sam", REQUEST, "EUR", reply.getRef())); // an old-style start: nothing held
    reply.receiveMessage(WAIT);

    links.await("student:sam", StudentEntity.CloseInstantRequest.class, c -> c.escrowCents() == null);
    assertThat(links.sent).noneMatch(s -> s.message() instanceof StudentEntity.ReleaseHold);
    assertThat(persisted(sessionId)).noneMatch(e -> e instanceof SessionEntity.EscrowSettled);
  }

  // --- no-shows: one side joined the matched room, the other not within the grace ---

  private ActorRef<SessionEntity.Command> joinedBy(String sessionId, String userId) throws Exception {
    room = ROOM.withNoShowGrace(Duration.ofMillis(600));
    ActorRef<SessionEntity.Command> session = matched(sessionId);
    if (userId != null) {
      session.tell(new SessionEntity.Subscribe("c-" + userId, userId, testKit.<Notification>createTestProbe().getRef()));
    }
    return session;
  }

  @Test
  void aTutorWhoNeverJoinsIsANoShowTheStudentGetsEverythingBackAndTheTutorAStrike() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = joinedBy(sessionId, "sam");

    await(() -> get(session).status() == Status.NO_SHOW, "NO_SHOW");
    assertThat(get(session).escrow()).isEqualTo(new SessionEntity.Escrow(EscrowStatus.REFUNDED, 4000, 0, 4000));
    assertThat(persisted(sessionId)).filteredOn(e -> e instanceof SessionEntity.NoShowRecorded).singleElement()
        .satisfies(e -> assertThat(((SessionEntity.NoShowRecorded) e).absent()).isEqualTo(io.tutormesh.engine.money.NoShowPolicy.Absent.TUTOR));
    links.await("tutor:ada", TutorEntity.Release.class, r -> r.sessionId().equals(sessionId));
    links.await("tutor:ada", TutorEntity.NoShowStrike.class, r -> r.sessionId().equals(sessionId));
    StudentEntity.ChargeSession charge = links.await("student:sam", StudentEntity.ChargeSession.class, c -> true);
    assertThat(charge.escrowCents()).isEqualTo(4000);
    assertThat(charge.chargeCents()).isZero();

    charge.replyTo().tell(new SessionEntity.StudentSettled(sessionId, 0));
    awaitSettled(sessionId);
    assertThat(links.sent).noneMatch(m -> m.message() instanceof TutorEntity.CreditSession);
  }

  @Test
  void aStudentWhoNeverJoinsIsANoShowAndTheTutorIsPaidTheirShare() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = joinedBy(sessionId, "ada");

    await(() -> get(session).status() == Status.NO_SHOW, "NO_SHOW");
    // student-no-show-tutor-share-percent = 100: everything held goes to the tutor.
    assertThat(get(session).escrow()).isEqualTo(new SessionEntity.Escrow(EscrowStatus.RELEASED, 4000, 4000, 0));
    StudentEntity.ChargeSession charge = links.await("student:sam", StudentEntity.ChargeSession.class, c -> true);
    assertThat(charge.chargeCents()).isEqualTo(4000);
    charge.replyTo().tell(new SessionEntity.StudentSettled(sessionId, 4000));
    TutorEntity.CreditSession credit = links.await("tutor:ada", TutorEntity.CreditSession.class, c -> true);
    assertThat(credit.grossCents()).isEqualTo(4000);
    assertThat(credit.minutes()).isZero(); // no teaching time: the ladder's hours do not grow
    credit.replyTo().tell(new SessionEntity.TutorCredited(sessionId));
    awaitSettled(sessionId);
    assertThat(links.sent).noneMatch(m -> m.message() instanceof TutorEntity.NoShowStrike);
  }

  @Test
  void aMatchedRoomNobodyJoinsWithinTheGraceIsCancelledWithEverythingBack() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = joinedBy(sessionId, null);

    await(() -> get(session).status() == Status.CANCELLED, "CANCELLED");
    assertThat(get(session).escrow()).isEqualTo(new SessionEntity.Escrow(EscrowStatus.REFUNDED, 4000, 0, 4000));
    assertThat(persisted(sessionId)).noneMatch(e -> e instanceof SessionEntity.NoShowRecorded);
  }

  @Test
  void theGraceCountsFromTheMatchAcrossARestart() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    room = ROOM.withNoShowGrace(Duration.ofSeconds(2));
    ActorRef<SessionEntity.Command> session = matched(sessionId);
    session.tell(new SessionEntity.Subscribe("c-sam", "sam", testKit.<Notification>createTestProbe().getRef()));
    await(() -> persisted(sessionId).stream().anyMatch(e -> e instanceof SessionEntity.ParticipantJoined), "sam joined");
    testKit.stop(session);

    ActorRef<SessionEntity.Command> restarted = spawn(sessionId, MATCHING);
    assertThat(get(restarted).status()).isEqualTo(Status.MATCHED);
    await(() -> get(restarted).status() == Status.NO_SHOW, "NO_SHOW after the restart");
  }

  @Test
  void bothJoiningInTimeIsALessonNotANoShow() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = joinedBy(sessionId, "sam");
    session.tell(new SessionEntity.Subscribe("c-ada", "ada", testKit.<Notification>createTestProbe().getRef()));
    await(() -> get(session).status() == Status.LIVE, "LIVE");

    // Past the grace, it is still a lesson.
    TestProbe<Object> idle = testKit.createTestProbe();
    idle.expectNoMessage(Duration.ofMillis(900)); // longer than the 600 ms grace: nothing may end it
    assertThat(get(session).status()).isEqualTo(Status.LIVE);
  }
}
