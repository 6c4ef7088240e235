package io.tutormesh.engine.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.room.Room;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The review messages, events and states travel as Jackson CBOR and come back equal; states and
 * replies written before reviews existed (without their new fields) still read, as "no reviews".
 */
class ReviewSerializationTest {

  private static final Instant AT = Instant.parse("2026-11-28T10:00:00.123456Z");
  private static final Review REVIEW = new Review("sess-1.s", "sess-1", Review.Side.STUDENT, "sam", "ada", 4, "clear", AT, false);
  private static final ReceivedReviews RECEIVED = ReceivedReviews.NONE.apply(REVIEW, 20, 500);

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(TestSupport.testKitConfig());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static Stream<CborSerializable> messages() {
    return Stream.of(
        new SessionEntity.ReviewSubmitted("sess-1", REVIEW, AT),
        new SessionEntity.ReviewHidden("sess-1", "sess-1.s", "root", AT),
        new SessionEntity.ReviewDelivered("sess-1", "sess-1.s", true, AT),
        new SessionEntity.ReviewAcknowledged("sess-1", "sess-1.s", false),
        new SessionEntity.ReviewReceipt("sess-1", "sess-1.s", false),
        new TutorEntity.ReceiveReview(REVIEW.hide()),
        new TutorEntity.ReviewReceived("ada", REVIEW, AT),
        new TutorEntity.ReviewReceived("ada", REVIEW, AT, new TutorEntity.Rating(4.0, 1)),
        new StudentEntity.ReceiveReview(REVIEW),
        new StudentEntity.ReviewReceived("sam", REVIEW, AT),
        ReviewList.of("ada", RECEIVED),
        ReviewLog.NONE.written(REVIEW).hidden("sess-1.s"),
        RECEIVED,
        new TutorEntity.TutorSummary("ada", TestSupport.validTutor(), new TutorEntity.Rating(4.0, 1), TutorEntity.Presence.ONLINE, AT, AT, List.of(REVIEW)),
        new StudentEntity.StudentSummary("sam", TestSupport.validStudent(), AT, AT, new RatingAggregate(4, 1), List.of(REVIEW)),
        new StudentEntity.Registered(TestSupport.validStudent(), AT, AT, null, null, null, null, null, null, RECEIVED, List.of()));
  }

  @ParameterizedTest
  @MethodSource("messages")
  void everyReviewMessageTravelsAsJacksonCborAndComesBackEqual(CborSerializable message) throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    assertThat(serialization.findSerializerFor(message)).isInstanceOf(JacksonCborSerializer.class);
    assertThat(roundTrip(message, List.of())).isEqualTo(message);
  }

  static Stream<Arguments> olderValues() {
    return Stream.of(
        Arguments.of(new TutorEntity.Registered(TestSupport.validTutor(), TutorEntity.Rating.NONE, AT, AT), List.of("reviews")),
        Arguments.of(new StudentEntity.Registered(TestSupport.validStudent(), AT, AT), List.of("reviews")),
        Arguments.of(new TutorEntity.TutorSummary("ada", TestSupport.validTutor(), TutorEntity.Rating.NONE, TutorEntity.Presence.OFFLINE, AT, AT),
            List.of("reviews")),
        Arguments.of(new StudentEntity.StudentSummary("sam", TestSupport.validStudent(), AT, AT), List.of("rating", "reviews")));
  }

  @ParameterizedTest
  @MethodSource("olderValues")
  void readsWithoutItsNewFields(CborSerializable value, List<String> newFields) throws Exception {
    assertThat(roundTrip(value, newFields)).isEqualTo(value);
  }

  @Test
  void anEndedSessionSnapshottedBeforeReviewsExistedHasNone() throws Exception {
    SessionEntity.Info info = new SessionEntity.Info("sess-1", "sam", new InstantRequest("math", "high", "fr", 5000, 60), "EUR", AT, 5000);
    SessionEntity.Ended ended = new SessionEntity.Ended(info, SessionEntity.Status.COMPLETED, "ada", 4000, List.of(), new Room(),
        SessionEntity.Escrow.NONE, true, ReviewLog.NONE.written(REVIEW), false, null);
    SessionEntity.SessionSnapshot snapshot = new SessionEntity.SessionSnapshot(ended, null);

    SessionEntity.Ended now = (SessionEntity.Ended) ((SessionEntity.SessionSnapshot) roundTrip(snapshot, List.of())).state();
    assertThat(now.reviews()).isEqualTo(ended.reviews());

    ObjectMapper cbor = mapper();
    ObjectNode tree = cbor.valueToTree(snapshot);
    assertThat(((ObjectNode) tree.get("state")).remove("reviews")).isNotNull();
    SessionEntity.SessionSnapshot older = (SessionEntity.SessionSnapshot) read(cbor.writeValueAsBytes(tree), snapshot);
    assertThat(((SessionEntity.Ended) older.state()).reviews()).isEqualTo(ReviewLog.NONE);
    assertThat(((SessionEntity.Ended) older.state()).wasCompleted()).isFalse();
  }

  private static ObjectMapper mapper() {
    return JacksonObjectMapperProvider.get(testKit.system()).getOrCreate("jackson-cbor", Optional.empty());
  }

  private static Object roundTrip(CborSerializable value, List<String> withoutFields) throws Exception {
    ObjectMapper cbor = mapper();
    ObjectNode tree = cbor.valueToTree(value);
    withoutFields.forEach(field -> assertThat(tree.has(field)).as(field).isTrue());
    tree.remove(withoutFields);
    return read(cbor.writeValueAsBytes(tree), value);
  }

  private static Object read(byte[] bytes, Object like) {
    Serialization serialization = SerializationExtension.get(testKit.system());
    var serializer = serialization.findSerializerFor(like);
    return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, like)).get();
  }
}
