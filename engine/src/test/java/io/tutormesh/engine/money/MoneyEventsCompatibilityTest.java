package io.tutormesh.engine.money;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.BookingRules;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Events and snapshots written before the money fields existed still read: each value is written
 * as Jackson CBOR without its new fields (as the journal holds it) and read back through Pekko's
 * serializer as "nothing held".
 */
class MoneyEventsCompatibilityTest {

  private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");
  private static final InstantRequest REQUEST = new InstantRequest("math", "high", "fr", 5000, 60);

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(TestSupport.testKitConfig());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static Stream<Arguments> olderValues() {
    return Stream.of(
        Arguments.of(new StudentEntity.InstantRequestOpened("s1", "sess-1", REQUEST, AT), List.of("holdCents")),
        Arguments.of(new StudentEntity.InstantRequestClosed("s1", "sess-1", AT), List.of("hold", "holdCents")),
        Arguments.of(new StudentEntity.TopUpSettled("s1", "t1", io.tutormesh.engine.money.ProviderResult.succeeded("ref-1"), AT), List.of("terms")),
        Arguments.of(new SessionEntity.InstantRequested("sess-1", "s1", REQUEST, "EUR", AT), List.of("holdCents")),
        Arguments.of(new SessionEntity.TutorMatched("sess-1", "ada", "o1", 4000, AT), List.of("escrowCents")),
        // A match written before it carried the request's student and time: the projections read them from the first event.
        Arguments.of(new SessionEntity.TutorMatched("sess-1", "ada", "o1", 4000, AT, 4000L), List.of("studentId", "requestedAt")),
        Arguments.of(new SessionEntity.TutorMatched("sess-1", "ada", "o1", 4000, AT), List.of("escrowCents", "studentId", "requestedAt")),
        Arguments.of(new SessionEntity.SessionCompleted("sess-1", "s1", AT), List.of("releasedCents")),
        Arguments.of(new Wallet(250, Map.of("sess-1", 5000L), Map.of(), List.of()), List.of("escrowed", "charged")),
        // Earnings snapshotted before credits were folded: nothing folded.
        Arguments.of(new Earnings(Map.of(), 1200), List.of("folded")),
        Arguments.of(new TutorEntity.Registered(TestSupport.validTutor(), TutorEntity.Rating.NONE, AT, AT), List.of("earnings")),
        // A tutor snapshot written before tutor plans existed: no subscription.
        Arguments.of(new TutorEntity.Registered(TestSupport.validTutor(), TutorEntity.Rating.NONE, AT, AT), List.of("subscription")),
        Arguments.of(new TutorEntity.Registered(TestSupport.validTutor(), TutorEntity.Rating.NONE, AT, AT), List.of("earnings", "calendar")),
        Arguments.of(new SessionEntity.SessionCancelled("sess-1", "s1", AT), List.of("releasedCents")),
        Arguments.of(new SessionEntity.Info("sess-1", "s1", REQUEST, "EUR", AT, 6000), List.of("start")),
        // Profiles (in registrations, updates, snapshots) written before contact details existed.
        Arguments.of(TestSupport.validTutor(), List.of("email", "phone")),
        Arguments.of(TestSupport.validStudent(), List.of("email", "phone")),
        // Written before students kept their lessons, slots their subject, and reschedules existed.
        Arguments.of(new StudentEntity.BookingHoldPlaced("s1", "sess-1", 4000, AT), List.of("lesson")),
        Arguments.of(new StudentEntity.Registered(TestSupport.validStudent(), AT, AT), List.of("lessons")),
        Arguments.of(new TutorEntity.SlotReserved("t1", "sess-1", "s1", AT, AT.plusSeconds(3600), 4000, AT), List.of("subject", "level")),
        Arguments.of(new BookingRules.BookedSlot("sess-1", "s1", AT, AT.plusSeconds(3600), 4000), List.of("subject", "level")),
        Arguments.of(new SessionEntity.TimelineEntry(AT, SessionEntity.Status.BOOKED), List.of("rescheduledFrom", "rescheduledTo")),
        Arguments.of(new SessionEntity.Booking(new SessionEntity.Info("sess-1", "s1", REQUEST, "EUR", AT, 0, AT), "t1", AT, List.of()),
            List.of("replacing", "rescheduledBy")),
        Arguments.of(new MatchPool.CandidateQuery("sess-1", "s1", "math", "high", "en", 5000, java.util.Set.of(), 3), List.of("durationMinutes")),
        Arguments.of(new TutorCard("t1", "Ada", List.of(), List.of("en"), 4000, "EUR", TutorEntity.Rating.NONE), List.of("nextBookedStart")),
        // A tutor's review event written before it carried the resulting rating (tutor search).
        Arguments.of(new TutorEntity.ReviewReceived("ada", new io.tutormesh.engine.review.Review(
            "sess-1.s", "sess-1", io.tutormesh.engine.review.Review.Side.STUDENT, "sam", "ada", 4, "clear", AT, false), AT), List.of("rating")));
  }

  /** An ended session from before acknowledged slot releases: its slot is released (once more), it was not rescheduled. */
  @org.junit.jupiter.api.Test
  void anEndedSessionWithoutTheNewFieldsReleasesItsSlotAgain() throws Exception {
    SessionEntity.Info booked = new SessionEntity.Info("sess-1", "s1", REQUEST, "EUR", AT, 4000, AT.plusSeconds(3600));
    SessionEntity.Ended ended = new SessionEntity.Ended(booked, SessionEntity.Status.CANCELLED, "t1", 4000,
        List.of(new SessionEntity.TimelineEntry(AT, SessionEntity.Status.CANCELLED)), new io.tutormesh.engine.room.Room(),
        SessionEntity.Escrow.NONE, true, io.tutormesh.engine.review.ReviewLog.NONE, true, new SessionEntity.Rescheduled("sess-2", AT, "s1"));
    Serialization serialization = SerializationExtension.get(testKit.system());
    ObjectMapper cbor = JacksonObjectMapperProvider.get(testKit.system()).getOrCreate("jackson-cbor", Optional.empty());
    ObjectNode tree = cbor.valueToTree(ended);
    assertThat(tree.has("slotFreed")).isTrue();
    tree.remove(List.of("slotFreed", "rescheduled"));
    var serializer = serialization.findSerializerFor(ended);
    var read = (SessionEntity.Ended) serialization.deserialize(cbor.writeValueAsBytes(tree), serializer.identifier(),
        Serializers.manifestFor(serializer, ended)).get();
    assertThat(read.slotFreed()).isFalse();
    assertThat(read.rescheduled()).isNull();
    assertThat(read.needsSlotRelease()).isTrue();
    assertThat(read.info()).isEqualTo(booked);
  }

  @ParameterizedTest
  @MethodSource("olderValues")
  void readsWithoutItsNewFields(CborSerializable value, List<String> newFields) throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    ObjectMapper cbor = JacksonObjectMapperProvider.get(testKit.system()).getOrCreate("jackson-cbor", Optional.empty());
    ObjectNode tree = cbor.valueToTree(value);
    newFields.forEach(field -> assertThat(tree.has(field)).as(field).isTrue());
    tree.remove(newFields);
    byte[] older = cbor.writeValueAsBytes(tree);

    var serializer = serialization.findSerializerFor(value);
    Object read = serialization.deserialize(older, serializer.identifier(), Serializers.manifestFor(serializer, value)).get();

    assertThat(read).isEqualTo(value);
  }
}
