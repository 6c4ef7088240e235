package io.tutormesh.engine.common;

import static io.tutormesh.engine.TestSupport.validStudent;
import static io.tutormesh.engine.TestSupport.validTutor;
import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.money.Earnings;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.Subscription;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** serialization.conf binds our marker to Jackson CBOR, and the replies (not checked by the behavior testkit) survive it. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SerializationBindingTest {

  private static final Instant AT = Instant.parse("2026-11-28T09:00:00.123456Z");

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  static Stream<CborSerializable> messages() {
    return Stream.of(
        Rejection.invalid("subjects[0].levels[1]", "a | b"),
        new TutorEntity.TutorSummary("t1", validTutor(), new TutorEntity.Rating(4.25, 8), TutorEntity.Presence.OFFLINE,
            AT, AT),
        new TutorEntity.TutorSummary("t1", TestSupport.tutorWithBio(null), TutorEntity.Rating.NONE,
            TutorEntity.Presence.ONLINE, AT, AT),
        new TutorEntity.TutorRegistered("t1", validTutor(), AT),
        new TutorEntity.Unregistered(),
        new StudentEntity.StudentSummary("s1", validStudent(), AT, AT),
        new StudentEntity.StudentProfileUpdated("s1", validStudent(), AT),
        new StudentEntity.StudentProfileUpdated("s1", new StudentEntity.StudentProfile("Grace", "university", java.util.List.of("en"),
            "UTC", "grace@example.com", "+14155550123"), AT),
        new TutorEntity.TutorProfileUpdated("t1", new TutorEntity.TutorProfile(validTutor().displayName(), validTutor().subjects(),
            validTutor().languages(), 4500, "EUR", "UTC", null, "ada@example.com", "+33612345678"), AT),
        new StudentEntity.Unregistered(),
        new StudentEntity.ContactDetails("s1", "grace@example.com", "+14155550123"),
        new StudentEntity.ContactDetails("s1", null, null),
        new TutorEntity.ContactDetails("t1", "ada@example.com", null),
        new TutorEntity.SubscriptionView("t1", null),
        new TutorEntity.SubscriptionView("t1", Subscription.started("sub-1", "pro", "pm_card_ok", 2900, AT)
            .settled(1, ProviderResult.succeeded("ch_1"), Duration.ofDays(30), AT)),
        new TutorEntity.EarningsSummary("t1", Earnings.NONE, "EUR", AT, "pro", 28),
        new TutorEntity.EarningsSummary("t1", Earnings.NONE, "EUR", AT),
        new TutorEntity.SlotReserved("t1", "sess-1", "s1", AT, AT.plusSeconds(3600), 4000, AT),
        new TutorEntity.SlotReleased("t1", "sess-1", AT),
        new StudentEntity.BookingHoldPlaced("s1", "sess-1", 4000, AT),
        new SessionEntity.BookingRequested("sess-1", "s1", "t1",
            new InstantRequest("math", "high", null, 0, 60), "EUR", AT, AT.plusSeconds(5), AT),
        new SessionEntity.SessionBooked("sess-1", "t1", 4000, 4000, AT),
        new SessionEntity.TutorMatched("sess-1", "t1", "o1", 4000, AT, 4000L, "s1", AT.minusSeconds(20)),
        new SessionEntity.BookingFailed("sess-1", Rejection.conflict("taken").toMessage(), true, AT),
        new SessionEntity.SessionCancelled("sess-1", "s1", AT, 2000L),
        new SessionEntity.SlotAnswer("sess-1", false, 0, Rejection.conflict("taken").toMessage()),
        new SessionEntity.BookingHoldAnswer("sess-1", true, 4000, null),
        new TutorEntity.SlotReserved("t1", "sess-1", "s1", AT, AT.plusSeconds(3600), 4000, AT, "math", "high"),
        new StudentEntity.BookingHoldPlaced("s1", "sess-1", 4000, AT,
            new StudentEntity.BookedLesson("sess-1", "t1", "math", "high", AT, AT.plusSeconds(3600))),
        new StudentEntity.BookingHoldMoved("s1", "sess-1", 4000,
            new StudentEntity.BookedLesson("sess-2", "t1", "math", "high", AT, AT.plusSeconds(3600)), AT),
        new StudentEntity.Bookings("s1", List.of(new StudentEntity.BookedLesson("sess-2", "t1", "math", "high", AT, AT.plusSeconds(3600)))),
        new SessionEntity.SlotFreed("sess-1"),
        new SessionEntity.TutorSlotFreed("sess-1", AT),
        new SessionEntity.RescheduleRequested("sess-2", "sess-1", "s1", "s1", "t1",
            new InstantRequest("math", "high", null, 0, 60), "EUR", AT, AT.plusSeconds(5), AT),
        new SessionEntity.SessionRescheduled("sess-1", "sess-2", "s1", AT, AT),
        new SessionEntity.HandOverAnswer("sess-2", true, 4000, 4000, null),
        new SessionEntity.TimelineEntry(AT, SessionEntity.Status.CANCELLED, null, "sess-2"),
        new SessionEntity.Rescheduled("sess-2", AT, "s1"),
        new MatchPool.CandidateQuery("sess-1", "s1", "math", "high", "en", 5000, java.util.Set.of(), 3, 60),
        new TutorCard("t1", "Ada", List.of(new TutorEntity.SubjectOffer("math", List.of("high"))), List.of("en"), 4000, "EUR",
            TutorEntity.Rating.NONE, AT));
  }

  @ParameterizedTest
  @MethodSource("messages")
  void everyMessageTravelsAsJacksonCborAndComesBackEqual(CborSerializable message) throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());

    assertThat(serialization.findSerializerFor(message)).isInstanceOf(JacksonCborSerializer.class);

    byte[] bytes = serialization.serialize(message).get();
    int id = serialization.findSerializerFor(message).identifier();
    String manifest = Serializers.manifestFor(serialization.findSerializerFor(message), message);
    assertThat(serialization.deserialize(bytes, id, manifest).get()).isEqualTo(message);
  }
}
