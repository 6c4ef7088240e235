package io.tutormesh.engine.student;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.review.RatingAggregate;
import io.tutormesh.engine.review.Review;
import io.tutormesh.engine.review.ReviewList;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity.StudentSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reviews about a student (by its tutors): applied once, acknowledged every time, shown on its profile. */
class StudentReviewsTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(TestSupport.testKitConfig()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final BlockingQueue<SessionEntity.Command> toSessions = new LinkedBlockingQueue<>();
  private final String studentId = "student-" + UUID.randomUUID();

  private ActorRef<StudentEntity.Command> spawn(String id) {
    return testKit.spawn(StudentEntity.create(id, TestSupport.defaultRules(), null, (sessionId, command) -> toSessions.add(command), Clock.systemUTC()));
  }

  private ActorRef<StudentEntity.Command> registered() {
    ActorRef<StudentEntity.Command> student = spawn(studentId);
    TestProbe<StatusReply<StudentSummary>> reply = testKit.createTestProbe();
    student.tell(new StudentEntity.UpdateProfile(TestSupport.validStudent(), reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).isSuccess()).isTrue();
    return student;
  }

  private Review review(String sessionId, int rating, boolean hidden) {
    return new Review(sessionId + ".t", sessionId, Review.Side.TUTOR, "ada", studentId, rating, "on time", AT, hidden);
  }

  private SessionEntity.ReviewAcknowledged deliver(ActorRef<StudentEntity.Command> student, Review review) throws InterruptedException {
    student.tell(new StudentEntity.ReceiveReview(review));
    SessionEntity.Command answer = toSessions.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(answer).as("acknowledged").isInstanceOf(SessionEntity.ReviewAcknowledged.class);
    return (SessionEntity.ReviewAcknowledged) answer;
  }

  private StudentSummary get(ActorRef<StudentEntity.Command> student) {
    TestProbe<StatusReply<StudentSummary>> reply = testKit.createTestProbe();
    student.tell(new StudentEntity.GetStudent(reply.getRef()));
    return reply.receiveMessage(WAIT).getValue();
  }

  private StatusReply<ReviewList> reviews(ActorRef<StudentEntity.Command> student) {
    TestProbe<StatusReply<ReviewList>> reply = testKit.createTestProbe();
    student.tell(new StudentEntity.GetReviews(reply.getRef()));
    return reply.receiveMessage(WAIT);
  }

  @Test
  void aReviewAboutTheStudentCountsOnceUntilHidden() throws Exception {
    ActorRef<StudentEntity.Command> student = registered();

    assertThat(deliver(student, review("s1", 4, false))).isEqualTo(new SessionEntity.ReviewAcknowledged("s1", "s1.t", false));
    deliver(student, review("s1", 4, false));
    deliver(student, review("s2", 2, false));
    assertThat(get(student).rating()).isEqualTo(new RatingAggregate(6, 2));
    assertThat(get(student).reviews()).extracting(Review::reviewId).containsExactly("s2.t", "s1.t");

    deliver(student, review("s2", 2, true));
    assertThat(reviews(student).getValue()).isEqualTo(new ReviewList(studentId, new RatingAggregate(4, 1), java.util.List.of(review("s1", 4, false))));

    testKit.stop(student);
    assertThat(get(spawn(studentId)).rating()).as("after a restart").isEqualTo(new RatingAggregate(4, 1));
  }

  @Test
  void anUnknownStudentOnlyAcknowledges() throws Exception {
    ActorRef<StudentEntity.Command> nobody = spawn("nobody-" + UUID.randomUUID());
    deliver(nobody, review("s1", 4, false));
    assertThat(Rejection.parse(reviews(nobody).getError().getMessage()).kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
  }
}
