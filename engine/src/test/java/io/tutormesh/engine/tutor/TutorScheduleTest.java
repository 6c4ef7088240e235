package io.tutormesh.engine.tutor;

import static io.tutormesh.engine.TestSupport.validTutor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.schedule.Schedule;
import io.tutormesh.engine.schedule.ScheduleDraft;
import io.tutormesh.engine.schedule.ScheduleDraft.DraftException;
import io.tutormesh.engine.schedule.ScheduleDraft.DraftRule;
import io.tutormesh.engine.schedule.ScheduleException;
import io.tutormesh.engine.schedule.TimeRange;
import io.tutormesh.engine.tutor.TutorEntity.BookableSlots;
import io.tutormesh.engine.tutor.TutorEntity.Command;
import io.tutormesh.engine.tutor.TutorEntity.Event;
import io.tutormesh.engine.tutor.TutorEntity.GetSchedule;
import io.tutormesh.engine.tutor.TutorEntity.GetSlots;
import io.tutormesh.engine.tutor.TutorEntity.Registered;
import io.tutormesh.engine.tutor.TutorEntity.ScheduleSet;
import io.tutormesh.engine.tutor.TutorEntity.SetSchedule;
import io.tutormesh.engine.tutor.TutorEntity.State;
import io.tutormesh.engine.tutor.TutorEntity.TutorSchedule;
import io.tutormesh.engine.tutor.TutorEntity.UpdateProfile;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The schedule in the TutorEntity: set (checked first), read, recovered, and the slots it gives. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TutorScheduleTest {

  /** A Saturday. */
  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  private static final AtomicInteger IDS = new AtomicInteger();

  private static final ScheduleDraft EVERY_DAY = new ScheduleDraft("UTC",
      List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN").stream().map(d -> new DraftRule(d, "00:00", "24:00")).toList(),
      List.of());
  private static final ScheduleDraft PARIS = new ScheduleDraft("Europe/Paris",
      List.of(new DraftRule("MON", "09:00", "12:30")),
      List.of(new DraftException("2026-12-07", null, null, false)));

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  private TestClock clock;
  private String tutorId;
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void setUp() {
    clock = new TestClock(T0);
    tutorId = "tutor-s" + IDS.incrementAndGet();
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(), TutorEntity.create(tutorId, TestSupport.defaultRules(), clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private void register() {
    kit.<StatusReply<TutorEntity.TutorSummary>>runCommand(replyTo -> new UpdateProfile(validTutor(), replyTo));
  }

  private CommandResultWithReply<Command, Event, State, StatusReply<TutorSchedule>> set(ScheduleDraft draft) {
    return kit.runCommand(replyTo -> new SetSchedule(draft, replyTo));
  }

  private StatusReply<BookableSlots> slots(Instant from, Instant to, Integer minutes) {
    return kit.<StatusReply<BookableSlots>>runCommand(replyTo -> new GetSlots(from, to, minutes, replyTo)).reply();
  }

  private static Schedule parisSchedule() {
    return new Schedule("Europe/Paris",
        List.of(new io.tutormesh.engine.schedule.WeeklyRule(DayOfWeek.MONDAY, LocalTime.of(9, 0), LocalTime.of(12, 30))),
        List.of(new ScheduleException.DayOff(LocalDate.parse("2026-12-07"))));
  }

  @Test
  void aValidScheduleIsPersistedAndAnswered() {
    register();

    CommandResultWithReply<Command, Event, State, StatusReply<TutorSchedule>> result = set(PARIS);

    assertThat(result.reply().getValue()).isEqualTo(new TutorSchedule(tutorId, parisSchedule(), T0));
    assertThat(result.events()).containsExactly(new ScheduleSet(tutorId, parisSchedule(), T0));
    assertThat(result.stateOfType(Registered.class).schedule()).isEqualTo(parisSchedule());
    assertThat(kit.restart().state()).isEqualTo(result.state());
    assertThat(kit.<StatusReply<TutorSchedule>>runCommand(GetSchedule::new).reply().getValue())
        .isEqualTo(new TutorSchedule(tutorId, parisSchedule(), T0));
  }

  @Test
  void theSameScheduleAgainPersistsNothing() {
    register();
    set(PARIS);
    clock.advance(Duration.ofHours(1));

    CommandResultWithReply<Command, Event, State, StatusReply<TutorSchedule>> result = set(PARIS);

    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().getValue().updatedAt()).isEqualTo(T0);
  }

  @Test
  void aBrokenScheduleIsRefusedAndNothingChanges() {
    register();
    set(PARIS);
    State before = kit.getState();

    for (ScheduleDraft broken : List.of(
        new ScheduleDraft("Nowhere/Atlantis", PARIS.weekly(), List.of()),
        new ScheduleDraft("UTC", List.of(new DraftRule("MON", "25:00", "26:00")), List.of()),
        new ScheduleDraft("UTC", List.of(new DraftRule("MON", "12:00", "09:00")), List.of()),
        new ScheduleDraft("UTC", List.of(new DraftRule("MON", "09:00", "12:00"), new DraftRule("MON", "11:00", "13:00")), List.of()))) {
      CommandResultWithReply<Command, Event, State, StatusReply<TutorSchedule>> result = set(broken);

      assertThat(result.reply().isError()).as(broken.toString()).isTrue();
      assertThat(Rejection.parse(result.reply().getError().getMessage()).kind()).isEqualTo(Rejection.Kind.INVALID);
      assertThat(result.hasNoEvents()).isTrue();
      assertThat(result.state()).isEqualTo(before);
    }
    assertThat(kit.restart().state()).isEqualTo(before);
  }

  @Test
  void anUnknownTutorHasNoScheduleAndNoSlots() {
    CommandResultWithReply<Command, Event, State, StatusReply<TutorSchedule>> result = set(PARIS);

    assertThat(Rejection.parse(result.reply().getError().getMessage()).kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(slots(null, null, null).isError()).isTrue();
  }

  @Test
  void aTutorWithoutScheduleHasNoSlots() {
    register();

    assertThat(kit.<StatusReply<TutorSchedule>>runCommand(GetSchedule::new).reply().getValue().schedule()).isNull();
    assertThat(slots(null, null, null).getValue().slots()).isEmpty();
  }

  @Test
  void slotsComeFromTheScheduleWithTheDefaultsOfTheQuery() {
    register();
    set(PARIS);

    BookableSlots answer = slots(null, null, null).getValue();

    assertThat(answer.from()).isEqualTo(T0);
    assertThat(answer.to()).isEqualTo(T0.plus(Duration.ofDays(7)));
    assertThat(answer.durationMinutes()).isEqualTo(60);
    // Monday 2026-11-30, 09:00-12:30 CET (08:00Z-11:30Z): 60-minute slots from 08:00Z to 10:30Z.
    assertThat(answer.slots()).extracting(TimeRange::start).containsExactly(
        Instant.parse("2026-11-30T08:00:00Z"), Instant.parse("2026-11-30T08:30:00Z"), Instant.parse("2026-11-30T09:00:00Z"),
        Instant.parse("2026-11-30T09:30:00Z"), Instant.parse("2026-11-30T10:00:00Z"), Instant.parse("2026-11-30T10:30:00Z"));
    // The day off on Monday 2026-12-07 leaves that week empty.
    assertThat(slots(T0.plus(Duration.ofDays(7)), T0.plus(Duration.ofDays(14)), 30).getValue().slots()).isEmpty();
  }

  @Test
  void aBadSlotsQueryIsRefused() {
    register();
    set(PARIS);

    assertThat(Rejection.parse(slots(T0, T0.plus(Duration.ofDays(1)), 10).getError().getMessage()).field()).isEqualTo("durationMinutes");
    assertThat(Rejection.parse(slots(T0, T0.minusSeconds(1), 60).getError().getMessage()).field()).isEqualTo("to");
    assertThat(Rejection.parse(slots(T0, T0.plus(Duration.ofDays(40)), 60).getError().getMessage()).field()).isEqualTo("to");
    assertThat(Rejection.parse(slots(Instant.MAX, null, 60).getError().getMessage()).field()).isEqualTo("from");
    assertThat(Rejection.parse(slots(null, Instant.MIN, 60).getError().getMessage()).field()).isEqualTo("to");
    assertThat(slots(null, null, null).isSuccess()).as("the entity goes on").isTrue();
  }

  @Test
  void aSuspendedTutorHasNoSlots() {
    register();
    set(EVERY_DAY);
    assertThat(slots(null, null, null).getValue().slots()).isNotEmpty();

    kit.<StatusReply<TutorEntity.TutorSummary>>runCommand(replyTo -> new TutorEntity.Suspend("test", replyTo));

    assertThat(slots(null, null, null).getValue().slots()).isEmpty();
  }

  @Test
  void aLiveSessionKeepsTheTutorBusy() {
    register();
    set(EVERY_DAY);
    Instant to = T0.plus(Duration.ofHours(6));
    assertThat(slots(T0, to, 60).getValue().slots().get(0).start()).isEqualTo(T0.plus(Duration.ofHours(2)));

    var socket = testKit.<TutorEntity.Notification>createTestProbe();
    kit.<StatusReply<TutorEntity.PresenceState>>runCommand(replyTo -> new TutorEntity.Connect("c1", socket.getRef(), replyTo));
    kit.<StatusReply<org.apache.pekko.Done>>runCommand(replyTo -> new TutorEntity.Reserve("session-1", "student-1", replyTo));

    // busy for the longest lesson (3 h) from now, plus the 10-minute buffer: 12:10, so 12:30 first
    assertThat(slots(T0, to, 60).getValue().slots().get(0).start()).isEqualTo(Instant.parse("2026-11-28T12:30:00Z"));
  }

  @Test
  void aSnapshotWrittenBeforeSchedulesExistedStillReads() throws Exception {
    Registered older = new Registered(validTutor(), TutorEntity.Rating.NONE, T0, T0);
    Serialization serialization = SerializationExtension.get(testKit.system());
    ObjectMapper cbor = JacksonObjectMapperProvider.get(testKit.system()).getOrCreate("jackson-cbor", Optional.empty());
    ObjectNode tree = cbor.valueToTree(older);
    assertThat(tree.has("schedule")).isTrue();
    tree.remove(List.of("schedule", "scheduleUpdatedAt"));

    var serializer = serialization.findSerializerFor(older);
    Object read = serialization.deserialize(cbor.writeValueAsBytes(tree), serializer.identifier(), Serializers.manifestFor(serializer, older)).get();

    assertThat(read).isEqualTo(older);
  }

  @Test
  void theRepliesTravelAsCbor() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    for (Object message : List.of(
        new TutorSchedule(tutorId, parisSchedule(), T0),
        new TutorSchedule(tutorId, null, null),
        new BookableSlots(tutorId, T0, T0.plusSeconds(3600), 60, List.of(new TimeRange(T0, T0.plusSeconds(3600)))))) {
      var serializer = serialization.findSerializerFor(message);
      byte[] bytes = serialization.serialize(message).get();
      assertThat(serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message)).get()).isEqualTo(message);
    }
  }
}
