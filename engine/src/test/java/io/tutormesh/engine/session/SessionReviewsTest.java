package io.tutormesh.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.MatchingObserver;
import io.tutormesh.engine.matching.Offer;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.review.Review;
import io.tutormesh.engine.session.SessionEntity.Notification;
import io.tutormesh.engine.session.SessionEntity.ReviewReceipt;
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
 * A session's reviews, its neighbours faked: once per side and only after COMPLETED, bad input
 * refused with nothing written, each review delivered to the reviewed user until acknowledged
 * (also after a restart), hidden by an admin idempotently. Every message crosses a serializer.
 */
class SessionReviewsTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("""
        pekko.actor.serialize-messages = on
        tutormesh.reviews.delivery-retry-interval = 200ms
        tutormesh.reviews.max-comment-chars = 20
        """).withFallback(TestSupport.testKitConfig()));
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

  /** Student "sam" matched with tutor "ada". */
  private ActorRef<SessionEntity.Command> matched(String sessionId) throws Exception {
    links.candidates = q -> List.of(new TutorCard("ada", "Ada", List.of(new SubjectOffer("math", List.of("university"))), List.of("fr"), 4000, "EUR", Rating.NONE));
    ActorRef<SessionEntity.Command> session = spawn(sessionId);
    TestProbe<StatusReply<SessionSummary>> started = testKit.createTestProbe();
    session.tell(new SessionEntity.StartInstant("sam", SessionSettlementTest.REQUEST, "EUR", null, started.getRef(), 6000L));
    started.receiveMessage(WAIT);
    Offer offer = links.awaitOffer("ada");
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.AcceptOffer(offer.offerId(), "ada", reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.MATCHED);
    return session;
  }

  private ActorRef<SessionEntity.Command> completed(String sessionId) throws Exception {
    ActorRef<SessionEntity.Command> session = matched(sessionId);
    session.tell(new SessionEntity.Subscribe("c-sam", "sam", testKit.<Notification>createTestProbe().getRef()));
    session.tell(new SessionEntity.Subscribe("c-ada", "ada", testKit.<Notification>createTestProbe().getRef()));
    await(() -> get(session).status() == Status.LIVE, "live");
    TestProbe<StatusReply<SessionSummary>> ended = testKit.createTestProbe();
    session.tell(new SessionEntity.End("sam", false, ended.getRef()));
    assertThat(ended.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.COMPLETED);
    return session;
  }

  private StatusReply<ReviewReceipt> review(ActorRef<SessionEntity.Command> session, String userId, Integer rating, String comment) {
    TestProbe<StatusReply<ReviewReceipt>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.SubmitReview(userId, rating, comment, reply.getRef()));
    return reply.receiveMessage(WAIT);
  }

  private StatusReply<ReviewReceipt> hide(ActorRef<SessionEntity.Command> session, String reviewId) {
    TestProbe<StatusReply<ReviewReceipt>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.HideReview(reviewId, "root", reply.getRef()));
    return reply.receiveMessage(WAIT);
  }

  private static Rejection rejection(StatusReply<?> reply) {
    assertThat(reply.isError()).as("refused").isTrue();
    return Rejection.parse(reply.getError().getMessage());
  }

  private List<Object> persisted(String sessionId) {
    return PersistenceTestKit.create(testKit.system()).persistedInStorage("Session|" + sessionId);
  }

  private long reviewEvents(String sessionId) {
    return persisted(sessionId).stream()
        .filter(e -> e instanceof SessionEntity.ReviewSubmitted || e instanceof SessionEntity.ReviewHidden || e instanceof SessionEntity.ReviewDelivered)
        .count();
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
  void beforeCompletionAReviewIsAConflictAndAnOutsiderIsForbidden() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = matched(sessionId);

    assertThat(rejection(review(session, "sam", 5, "great")).kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(rejection(review(session, "eve", 5, "great")).kind()).isEqualTo(Rejection.Kind.FORBIDDEN);
    assertThat(rejection(hide(session, sessionId + ".s")).kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
    assertThat(reviewEvents(sessionId)).isZero();
  }

  @Test
  void anUnknownSessionIsNotFound() {
    ActorRef<SessionEntity.Command> session = spawn(UUID.randomUUID().toString());
    assertThat(rejection(review(session, "sam", 4, "")).kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
    assertThat(rejection(hide(session, "x.s")).kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
  }

  @Test
  void eachParticipantReviewsTheOtherOnceAndEachReviewIsDeliveredUntilAcknowledged() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = completed(sessionId);

    StatusReply<ReviewReceipt> byStudent = review(session, "sam", 5, "  clear and kind  ");
    assertThat(byStudent.getValue()).isEqualTo(new ReviewReceipt(sessionId, sessionId + ".s", false));
    TutorEntity.ReceiveReview first = links.await("tutor:ada", TutorEntity.ReceiveReview.class, r -> true);
    assertThat(first.review()).satisfies(r -> {
      assertThat(r.reviewId()).isEqualTo(sessionId + ".s");
      assertThat(r.by()).isEqualTo(Review.Side.STUDENT);
      assertThat(r.fromUserId()).isEqualTo("sam");
      assertThat(r.toUserId()).isEqualTo("ada");
      assertThat(r.rating()).isEqualTo(5);
      assertThat(r.comment()).isEqualTo("clear and kind");
      assertThat(r.hidden()).isFalse();
    });
    // Not acknowledged: sent again.
    assertThat(links.await("tutor:ada", TutorEntity.ReceiveReview.class, r -> true).review()).isEqualTo(first.review());

    session.tell(new SessionEntity.ReviewAcknowledged(sessionId, sessionId + ".s", false));
    await(() -> persisted(sessionId).stream().anyMatch(e -> e instanceof SessionEntity.ReviewDelivered), "ReviewDelivered persisted");

    assertThat(rejection(review(session, "sam", 4, "again")).detail()).contains("duplicate review");

    StatusReply<ReviewReceipt> byTutor = review(session, "ada", 3, null);
    assertThat(byTutor.getValue().reviewId()).isEqualTo(sessionId + ".t");
    StudentEntity.ReceiveReview aboutStudent = links.await("student:sam", StudentEntity.ReceiveReview.class, r -> true);
    assertThat(aboutStudent.review().toUserId()).isEqualTo("sam");
    assertThat(aboutStudent.review().comment()).isEmpty();
    assertThat(rejection(review(session, "ada", 3, null)).kind()).isEqualTo(Rejection.Kind.CONFLICT);

    assertThat(persisted(sessionId)).filteredOn(e -> e instanceof SessionEntity.ReviewSubmitted).hasSize(2);
  }

  @Test
  void badInputAndOutsidersAreRefusedAndNothingIsWritten() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = completed(sessionId);

    assertThat(rejection(review(session, "sam", 0, "x")).field()).isEqualTo("rating");
    assertThat(rejection(review(session, "sam", 6, "x")).field()).isEqualTo("rating");
    assertThat(rejection(review(session, "sam", null, "x")).field()).isEqualTo("rating");
    assertThat(rejection(review(session, "sam", 5, "x".repeat(21))).field()).isEqualTo("comment");
    assertThat(rejection(review(session, "eve", 5, "x")).kind()).isEqualTo(Rejection.Kind.FORBIDDEN);
    assertThat(reviewEvents(sessionId)).isZero();

    // The refusals did not use up the student's review.
    assertThat(review(session, "sam", 5, "x".repeat(20)).isSuccess()).isTrue();
  }

  @Test
  void anAdminHidesAReviewOnceAndItsHiddenVersionIsDelivered() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = completed(sessionId);
    review(session, "sam", 2, "late");
    links.await("tutor:ada", TutorEntity.ReceiveReview.class, r -> !r.review().hidden());
    session.tell(new SessionEntity.ReviewAcknowledged(sessionId, sessionId + ".s", false));

    assertThat(rejection(hide(session, sessionId + ".t")).kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
    assertThat(hide(session, sessionId + ".s").getValue()).isEqualTo(new ReviewReceipt(sessionId, sessionId + ".s", true));
    assertThat(links.await("tutor:ada", TutorEntity.ReceiveReview.class, r -> r.review().hidden()).review().reviewId())
        .isEqualTo(sessionId + ".s");
    assertThat(hide(session, sessionId + ".s").getValue()).as("idempotent").isEqualTo(new ReviewReceipt(sessionId, sessionId + ".s", true));
    assertThat(persisted(sessionId)).filteredOn(e -> e instanceof SessionEntity.ReviewHidden).hasSize(1);

    // A late acknowledgement of the shown version does not end the delivery of the hidden one.
    session.tell(new SessionEntity.ReviewAcknowledged(sessionId, sessionId + ".s", false));
    assertThat(links.await("tutor:ada", TutorEntity.ReceiveReview.class, r -> r.review().hidden()).review().hidden()).isTrue();
    session.tell(new SessionEntity.ReviewAcknowledged(sessionId, sessionId + ".s", true));
    await(() -> persisted(sessionId).stream().filter(e -> e instanceof SessionEntity.ReviewDelivered).count() == 2, "both versions delivered");
  }

  @Test
  void anUnacknowledgedReviewIsSentAgainAfterARestart() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = completed(sessionId);
    review(session, "ada", 4, "prepared");
    links.await("student:sam", StudentEntity.ReceiveReview.class, r -> true);
    testKit.stop(session);
    links.sent.clear();

    ActorRef<SessionEntity.Command> restarted = spawn(sessionId);
    assertThat(get(restarted).status()).isEqualTo(Status.COMPLETED);
    assertThat(links.await("student:sam", StudentEntity.ReceiveReview.class, r -> true).review().reviewId()).isEqualTo(sessionId + ".t");
    assertThat(rejection(review(restarted, "ada", 4, "again")).kind()).as("still reviewed once").isEqualTo(Rejection.Kind.CONFLICT);
  }
}
