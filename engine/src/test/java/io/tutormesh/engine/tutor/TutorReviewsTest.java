package io.tutormesh.engine.tutor;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.review.RatingAggregate;
import io.tutormesh.engine.review.Review;
import io.tutormesh.engine.review.ReviewList;
import io.tutormesh.engine.review.ReviewRules;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.tutor.TutorEntity.Connect;
import io.tutormesh.engine.tutor.TutorEntity.GetReviews;
import io.tutormesh.engine.tutor.TutorEntity.GetTutor;
import io.tutormesh.engine.tutor.TutorEntity.Notification;
import io.tutormesh.engine.tutor.TutorEntity.PresenceState;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.ReceiveReview;
import io.tutormesh.engine.tutor.TutorEntity.TutorSummary;
import io.tutormesh.engine.tutor.TutorEntity.UpdateProfile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reviews about a tutor: applied once by review id and version, acknowledged to the session every
 * time, the rating following the visible reviews, and the card with the new rating sent to the
 * pools (ranking) and the availability topics.
 */
class TutorReviewsTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");
  private static final MatchingSettings SETTINGS =
      new MatchingSettings(Duration.ofSeconds(15), Duration.ofSeconds(60), 1, Duration.ofSeconds(1), Duration.ofSeconds(45), 3, 15, 180);

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(TestSupport.testKitConfig()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final TutorPresenceTest.FakeLinks links = new TutorPresenceTest.FakeLinks();
  private final String tutorId = "tutor-" + UUID.randomUUID();

  private ActorRef<TutorEntity.Command> spawnTutor() {
    return testKit.spawn(TutorEntity.create(tutorId, TestSupport.defaultRules(), SETTINGS, links, Clock.systemUTC()));
  }

  private ActorRef<TutorEntity.Command> onlineTutor() {
    ActorRef<TutorEntity.Command> tutor = spawnTutor();
    TestProbe<StatusReply<TutorSummary>> reply = testKit.createTestProbe();
    tutor.tell(new UpdateProfile(TestSupport.validTutor(), reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).isSuccess()).isTrue();
    TestProbe<StatusReply<PresenceState>> connected = testKit.createTestProbe();
    tutor.tell(new Connect("c1", testKit.<Notification>createTestProbe().getRef(), connected.getRef()));
    connected.receiveMessage(WAIT);
    return tutor;
  }

  private Review review(String sessionId, int rating) {
    return new Review(ReviewRules.reviewId(sessionId, Review.Side.STUDENT), sessionId, Review.Side.STUDENT, "sam", tutorId, rating, "ok", AT, false);
  }

  private SessionEntity.ReviewAcknowledged deliver(ActorRef<TutorEntity.Command> tutor, Review review) throws InterruptedException {
    tutor.tell(new ReceiveReview(review));
    return links.await("session:" + review.sessionId(), SessionEntity.ReviewAcknowledged.class, a -> a.reviewId().equals(review.reviewId()));
  }

  private TutorSummary get(ActorRef<TutorEntity.Command> tutor) {
    TestProbe<StatusReply<TutorSummary>> reply = testKit.createTestProbe();
    tutor.tell(new GetTutor(reply.getRef()));
    return reply.receiveMessage(WAIT).getValue();
  }

  private StatusReply<ReviewList> reviews(ActorRef<TutorEntity.Command> tutor) {
    TestProbe<StatusReply<ReviewList>> reply = testKit.createTestProbe();
    tutor.tell(new GetReviews(reply.getRef()));
    return reply.receiveMessage(WAIT);
  }

  @Test
  void aReviewCountsOnceAndItsRatingReachesThePoolsAndTopics() throws Exception {
    ActorRef<TutorEntity.Command> tutor = onlineTutor();
    links.clear();
    Review first = review("s1", 4);

    assertThat(deliver(tutor, first)).isEqualTo(new SessionEntity.ReviewAcknowledged("s1", "s1.s", false));
    links.await("pool:math", MatchPool.TutorAvailable.class, a -> a.card().rating().equals(new Rating(4.0, 1)));
    links.await("topic:math", AvailabilityEvent.TutorAvailable.class, a -> a.card().rating().equals(new Rating(4.0, 1)));
    assertThat(get(tutor).rating()).isEqualTo(new Rating(4.0, 1));
    assertThat(get(tutor).reviews()).containsExactly(first);

    deliver(tutor, first);
    assertThat(get(tutor).rating()).as("a repeated delivery counts once").isEqualTo(new Rating(4.0, 1));

    deliver(tutor, review("s2", 1));
    assertThat(get(tutor).rating()).isEqualTo(new Rating(2.5, 2));
    ReviewList list = reviews(tutor).getValue();
    assertThat(list.rating()).isEqualTo(new RatingAggregate(5, 2));
    assertThat(list.items()).extracting(Review::reviewId).containsExactly("s2.s", "s1.s");
  }

  @Test
  void aHiddenReviewNoLongerCountsNorShowsAndRepeatsChangeNothing() throws Exception {
    ActorRef<TutorEntity.Command> tutor = onlineTutor();
    Review kept = review("s1", 5);
    Review hidden = review("s2", 1);
    deliver(tutor, kept);
    deliver(tutor, hidden);
    assertThat(get(tutor).rating()).isEqualTo(new Rating(3.0, 2));

    assertThat(deliver(tutor, hidden.hide()).hidden()).isTrue();
    assertThat(get(tutor).rating()).isEqualTo(new Rating(5.0, 1));
    assertThat(reviews(tutor).getValue().items()).containsExactly(kept);

    deliver(tutor, hidden.hide());
    deliver(tutor, hidden);
    assertThat(get(tutor).rating()).as("repeats of either version").isEqualTo(new Rating(5.0, 1));

    // Restarted from its events: the same.
    testKit.stop(tutor);
    assertThat(get(spawnTutor()).rating()).isEqualTo(new Rating(5.0, 1));
  }

  @Test
  void aReviewHiddenBeforeItArrivedIsNeverCounted() throws Exception {
    ActorRef<TutorEntity.Command> tutor = onlineTutor();
    deliver(tutor, review("s1", 1).hide());
    deliver(tutor, review("s1", 1));
    assertThat(get(tutor).rating()).isEqualTo(Rating.NONE);
    assertThat(reviews(tutor).getValue().items()).isEmpty();
  }

  @Test
  void aReviewAboutSomeoneElseOrAnUnknownTutorIsOnlyAcknowledged() throws Exception {
    ActorRef<TutorEntity.Command> tutor = onlineTutor();
    Review other = new Review("s9.s", "s9", Review.Side.STUDENT, "sam", "someone-else", 5, "", AT, false);
    assertThat(deliver(tutor, other).reviewId()).isEqualTo("s9.s");
    assertThat(get(tutor).rating()).isEqualTo(Rating.NONE);

    ActorRef<TutorEntity.Command> nobody = testKit.spawn(TutorEntity.create("nobody-" + UUID.randomUUID(), TestSupport.defaultRules(), SETTINGS, links, Clock.systemUTC()));
    nobody.tell(new ReceiveReview(review("s3", 5)));
    links.await("session:s3", SessionEntity.ReviewAcknowledged.class, a -> true);
    assertThat(Rejection.parse(reviews(nobody).getError().getMessage()).kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
  }
}
