package io.tutormesh.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchingObserver;
import io.tutormesh.engine.matching.Offer;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.session.SessionEntity.Escrow;
import io.tutormesh.engine.session.SessionEntity.EscrowStatus;
import io.tutormesh.engine.session.SessionEntity.Notification;
import io.tutormesh.engine.session.SessionEntity.SessionSummary;
import io.tutormesh.engine.session.SessionEntity.Status;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import java.time.Duration;
import java.time.Instant;
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
 * Disputes and admin refunds of a settled session, its neighbours faked: who may dispute and until
 * when, the freeze of the tutor's credit, and the refund saga (the tutor's credit reversed, then the
 * student refunded; each step sent again until acknowledged, also after a restart). Every message
 * crosses a serializer.
 */
class SessionDisputeTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  // The settlement's session: the same settings and request, a settled lesson is where a dispute starts.
  private static final InstantRequest REQUEST = SessionSettlementTest.REQUEST;

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
  private final TestClock clock = new TestClock(Instant.parse("2026-11-28T10:00:00Z"));

  private ActorRef<SessionEntity.Command> spawn(String sessionId) {
    return testKit.spawn(SessionEntity.create(sessionId, SessionSettlementTest.settings(testKit), links, PaymentGuard.ALWAYS_YES, MatchingObserver.NONE, clock, null));
  }

  private SessionSummary get(ActorRef<SessionEntity.Command> session) {
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.GetSession(reply.getRef()));
    return reply.receiveMessage(WAIT).getValue();
  }

  /** Student "sam" matched with tutor "ada" at 40.00 an hour. */
  private ActorRef<SessionEntity.Command> matched(String sessionId) throws Exception {
    links.candidates = q -> List.of(new TutorCard("ada", "Ada", List.of(new SubjectOffer("math", List.of("university"))), List.of("fr"), 4000, "EUR", Rating.NONE));
    ActorRef<SessionEntity.Command> session = spawn(sessionId);
    TestProbe<StatusReply<SessionSummary>> started = testKit.createTestProbe();
    session.tell(new SessionEntity.StartInstant("sam", REQUEST, "EUR", null, started.getRef(), 6000L));
    started.receiveMessage(WAIT);
    Offer offer = links.awaitOffer("ada");
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.AcceptOffer(offer.offerId(), "ada", reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.MATCHED);
    return session;
  }

  /** Completed (the minimum: 1,000 of the 4,000 escrow released) and its settlement acknowledged. */
  private ActorRef<SessionEntity.Command> settled(String sessionId) throws Exception {
    ActorRef<SessionEntity.Command> session = matched(sessionId);
    session.tell(new SessionEntity.Subscribe("c-sam", "sam", testKit.<Notification>createTestProbe().getRef()));
    session.tell(new SessionEntity.Subscribe("c-ada", "ada", testKit.<Notification>createTestProbe().getRef()));
    await(() -> get(session).status() == Status.LIVE, "live");
    TestProbe<StatusReply<SessionSummary>> ended = testKit.createTestProbe();
    session.tell(new SessionEntity.End("sam", false, ended.getRef()));
    assertThat(ended.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.COMPLETED);
    links.await("student:sam", StudentEntity.ChargeSession.class, c -> true).replyTo().tell(new SessionEntity.StudentSettled(sessionId, 1000));
    links.await("tutor:ada", TutorEntity.CreditSession.class, c -> true).replyTo().tell(new SessionEntity.TutorCredited(sessionId));
    await(() -> persisted(sessionId).stream().anyMatch(e -> e instanceof SessionEntity.EscrowSettled), "EscrowSettled persisted");
    links.sent.clear();
    return session;
  }

  private StatusReply<SessionSummary> dispute(ActorRef<SessionEntity.Command> session, String by, String reason) {
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.Dispute(by, false, reason, reply.getRef()));
    return reply.receiveMessage(WAIT);
  }

  private StatusReply<SessionSummary> refund(ActorRef<SessionEntity.Command> session) {
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.Refund("admin-1", "refund requested", reply.getRef()));
    return reply.receiveMessage(WAIT);
  }

  private static Rejection.Kind kindOf(StatusReply<?> reply) {
    return Rejection.parse(reply.getError().getMessage()).kind();
  }

  private List<Object> persisted(String sessionId) {
    return PersistenceTestKit.create(testKit.system()).persistedInStorage("Session|" + sessionId);
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
  void theStudentDisputesWithinTheWindowAndTheTutorsCreditIsFrozenUntilAcknowledged() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = settled(sessionId);

    assertThat(kindOf(dispute(session, "ada", "no"))).isEqualTo(Rejection.Kind.FORBIDDEN);
    assertThat(kindOf(dispute(session, "eve", "no"))).isEqualTo(Rejection.Kind.FORBIDDEN);
    assertThat(kindOf(dispute(session, "sam", " "))).isEqualTo(Rejection.Kind.INVALID);
    assertThat(kindOf(dispute(session, "sam", "x".repeat(501)))).isEqualTo(Rejection.Kind.INVALID);

    SessionSummary disputed = dispute(session, "sam", "the tutor never showed the board").getValue();
    assertThat(disputed.status()).isEqualTo(Status.DISPUTED);
    assertThat(disputed.escrow()).isEqualTo(new Escrow(EscrowStatus.DISPUTED, 4000, 1000, 3000));
    TutorEntity.FreezeCredit freeze = links.await("tutor:ada", TutorEntity.FreezeCredit.class, f -> true);
    assertThat(freeze.sessionId()).isEqualTo(sessionId);
    links.await("tutor:ada", TutorEntity.FreezeCredit.class, f -> true).replyTo().tell(new SessionEntity.CreditFrozen(sessionId)); // sent again
    await(() -> persisted(sessionId).stream().anyMatch(e -> e instanceof SessionEntity.ResolutionSettled), "ResolutionSettled persisted");

    assertThat(kindOf(dispute(session, "sam", "again"))).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(persisted(sessionId)).filteredOn(e -> e instanceof SessionEntity.SessionDisputed).hasSize(1);
  }

  @Test
  void aDisputeAfterTheWindowIsRefusedAndSoIsARefund() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = settled(sessionId);
    clock.advance(Duration.ofHours(24));

    assertThat(kindOf(dispute(session, "sam", "too late"))).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(kindOf(refund(session))).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(get(session).status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void aRefundReversesTheCreditThenRefundsTheStudentOnceAlsoAcrossARestart() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = settled(sessionId);
    dispute(session, "sam", "poor lesson").getValue();
    links.await("tutor:ada", TutorEntity.FreezeCredit.class, f -> true).replyTo().tell(new SessionEntity.CreditFrozen(sessionId));
    await(() -> persisted(sessionId).stream().anyMatch(e -> e instanceof SessionEntity.ResolutionSettled), "dispute settled");
    clock.advance(Duration.ofHours(48)); // a disputed session can be refunded after the window

    SessionSummary refunded = refund(session).getValue();
    assertThat(refunded.status()).isEqualTo(Status.REFUNDED);
    assertThat(refunded.escrow()).isEqualTo(new Escrow(EscrowStatus.REFUNDED, 4000, 0, 4000));
    links.await("tutor:ada", TutorEntity.ReverseCredit.class, r -> true);
    assertThat(links.sent).noneMatch(s -> s.message() instanceof StudentEntity.RefundSession); // the tutor's step first

    testKit.stop(session);
    links.sent.clear();
    ActorRef<SessionEntity.Command> restarted = spawn(sessionId);
    TutorEntity.ReverseCredit reverse = links.await("tutor:ada", TutorEntity.ReverseCredit.class, r -> true);
    reverse.replyTo().tell(new SessionEntity.CreditReversed(sessionId));
    StudentEntity.RefundSession back = links.await("student:sam", StudentEntity.RefundSession.class, r -> true);
    assertThat(back.sessionId()).isEqualTo(sessionId);
    back.replyTo().tell(new SessionEntity.StudentRefunded(sessionId, 1000));
    await(() -> persisted(sessionId).stream().filter(e -> e instanceof SessionEntity.ResolutionSettled).count() == 2, "refund settled");

    assertThat(kindOf(refund(restarted))).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(persisted(sessionId)).filteredOn(e -> e instanceof SessionEntity.SessionRefunded).hasSize(1);
    assertThat(get(restarted).status()).isEqualTo(Status.REFUNDED);
  }

  @Test
  void anAdminReleaseEndsTheDisputeForTheTutorAndIsFinal() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = settled(sessionId);
    TestProbe<StatusReply<SessionSummary>> early = testKit.createTestProbe();
    session.tell(new SessionEntity.ReleaseDispute("admin-1", "looks fine", early.getRef()));
    assertThat(kindOf(early.receiveMessage(WAIT))).isEqualTo(Rejection.Kind.CONFLICT); // not disputed
    dispute(session, "sam", "poor lesson").getValue();
    links.await("tutor:ada", TutorEntity.FreezeCredit.class, f -> true).replyTo().tell(new SessionEntity.CreditFrozen(sessionId));
    await(() -> persisted(sessionId).stream().anyMatch(e -> e instanceof SessionEntity.ResolutionSettled), "dispute settled");

    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.ReleaseDispute("admin-1", "the recording shows a full lesson", reply.getRef()));
    SessionSummary released = reply.receiveMessage(WAIT).getValue();

    assertThat(released.status()).isEqualTo(Status.COMPLETED);
    assertThat(released.escrow()).isEqualTo(new Escrow(EscrowStatus.RELEASED, 4000, 1000, 3000));
    assertThat(released.timeline()).extracting(SessionEntity.TimelineEntry::status).endsWith(Status.COMPLETED, Status.DISPUTED, Status.COMPLETED);
    links.await("tutor:ada", TutorEntity.UnfreezeCredit.class, u -> true);
    links.await("tutor:ada", TutorEntity.UnfreezeCredit.class, u -> true).replyTo().tell(new SessionEntity.CreditUnfrozen(sessionId)); // sent again
    await(() -> persisted(sessionId).stream().filter(e -> e instanceof SessionEntity.ResolutionSettled).count() == 2, "release settled");

    assertThat(kindOf(dispute(session, "sam", "again"))).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(kindOf(refund(session))).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(links.sent).noneMatch(s -> s.message() instanceof StudentEntity.RefundSession || s.message() instanceof StudentEntity.ChargeSession);
  }

  @Test
  void aSessionWithNothingCapturedCannotBeRefundedNorDisputedBeforeItEnds() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = matched(sessionId);
    assertThat(kindOf(dispute(session, "sam", "early"))).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(kindOf(dispute(session, "eve", "early"))).isEqualTo(Rejection.Kind.FORBIDDEN);

    TestProbe<StatusReply<SessionSummary>> cancelled = testKit.createTestProbe();
    session.tell(new SessionEntity.Cancel("sam", false, cancelled.getRef()));
    cancelled.receiveMessage(WAIT);
    links.await("student:sam", StudentEntity.ChargeSession.class, c -> true).replyTo().tell(new SessionEntity.StudentSettled(sessionId, 0));
    await(() -> persisted(sessionId).stream().anyMatch(e -> e instanceof SessionEntity.EscrowSettled), "settled");

    assertThat(kindOf(refund(session))).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(kindOf(dispute(session, "sam", "cancelled"))).isEqualTo(Rejection.Kind.CONFLICT);
  }
}
