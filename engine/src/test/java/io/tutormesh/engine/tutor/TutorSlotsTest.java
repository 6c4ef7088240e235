package io.tutormesh.engine.tutor;

import static io.tutormesh.engine.TestSupport.validTutor;
import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.session.SessionEntity.SlotAnswer;
import io.tutormesh.engine.tutor.TutorEntity.Command;
import io.tutormesh.engine.tutor.TutorEntity.Event;
import io.tutormesh.engine.tutor.TutorEntity.Registered;
import io.tutormesh.engine.tutor.TutorEntity.ReleaseSlot;
import io.tutormesh.engine.tutor.TutorEntity.ReserveSlot;
import io.tutormesh.engine.tutor.TutorEntity.SlotReleased;
import io.tutormesh.engine.tutor.TutorEntity.SlotReserved;
import io.tutormesh.engine.tutor.TutorEntity.State;
import io.tutormesh.engine.tutor.TutorEntity.UpdateProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The tutor's calendar: the single writer of its booked slots. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TutorSlotsTest {

  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  private static final Instant NOON = Instant.parse("2026-11-28T12:00:00Z");
  private static final AtomicInteger IDS = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  private TestClock clock;
  private String tutorId;
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void setUp() {
    clock = new TestClock(T0);
    tutorId = "tutor-slots-" + IDS.incrementAndGet();
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(), TutorEntity.create(tutorId, TestSupport.defaultRules(), clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  /** Registers the tutor, available around the clock every day (UTC): only the calendar decides. */
  private void register() {
    kit.<org.apache.pekko.pattern.StatusReply<TutorEntity.TutorSummary>>runCommand(replyTo -> new UpdateProfile(validTutor(), replyTo));
    kit.<org.apache.pekko.pattern.StatusReply<TutorEntity.TutorSchedule>>runCommand(replyTo -> new TutorEntity.SetSchedule(ALL_DAY, replyTo));
  }

  static final io.tutormesh.engine.schedule.ScheduleDraft ALL_DAY = new io.tutormesh.engine.schedule.ScheduleDraft("UTC",
      java.util.stream.Stream.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
          .map(day -> new io.tutormesh.engine.schedule.ScheduleDraft.DraftRule(day, "00:00", "24:00")).toList(),
      List.of());

  @Test
  void aSlotOutsideTheTutorsScheduleIsRefused() {
    kit.<org.apache.pekko.pattern.StatusReply<TutorEntity.TutorSummary>>runCommand(replyTo -> new UpdateProfile(validTutor(), replyTo));
    // No schedule: nothing is bookable.
    assertThat(refusal(reserve("s-none", "sam", NOON, 60).reply()).detail()).contains("availability");

    var mornings = new io.tutormesh.engine.schedule.ScheduleDraft("Europe/Paris",
        List.of(new io.tutormesh.engine.schedule.ScheduleDraft.DraftRule("SAT", "09:00", "12:00")), List.of());
    kit.<org.apache.pekko.pattern.StatusReply<TutorEntity.TutorSchedule>>runCommand(replyTo -> new TutorEntity.SetSchedule(mornings, replyTo));
    // 2026-11-28 is a Saturday; 12:00 UTC is 13:00 in Paris: after the morning's hours.
    assertThat(refusal(reserve("s-late", "sam", NOON, 60).reply()).detail()).contains("availability");
    // 10:00 Paris = 09:00 UTC, but less than 2 h from T0 (09:00 UTC); next Saturday then.
    Instant nextSaturday = Instant.parse("2026-12-05T09:00:00Z");
    assertThat(reserve("s-ok", "sam", nextSaturday, 60).reply().reserved()).isTrue();
    assertThat(refusal(reserve("s-off-grid", "sam", nextSaturday.plus(java.time.Duration.ofMinutes(75)), 30).reply()).detail()).contains("grid");
  }

  private CommandResultWithReply<Command, Event, State, SlotAnswer> reserve(String sessionId, String studentId, Instant start, int minutes) {
    return kit.runCommand(replyTo -> new ReserveSlot(sessionId, studentId, "math", "university", start, minutes, replyTo));
  }

  private static Rejection refusal(SlotAnswer answer) {
    assertThat(answer.reserved()).isFalse();
    return Rejection.parse(answer.refusal());
  }

  @Test
  void aFreeSlotIsReservedAtTheTutorsRateAndAskingAgainAnswersTheSame() {
    register();
    var first = reserve("s1", "sam", NOON, 60);
    assertThat(first.reply()).isEqualTo(new SlotAnswer("s1", true, 4500, null));
    assertThat(first.events()).containsExactly(new SlotReserved(tutorId, "s1", "sam", NOON, NOON.plus(Duration.ofHours(1)), 4500, T0, "math", "university"));
    assertThat(((Registered) first.state()).calendar()).hasSize(1);

    var again = reserve("s1", "sam", NOON, 60);
    assertThat(again.reply()).isEqualTo(new SlotAnswer("s1", true, 4500, null));
    assertThat(again.hasNoEvents()).isTrue();
  }

  @Test
  void anOverlappingSlotOrOneWithinTheBufferIsRefused() {
    register();
    reserve("s1", "sam", NOON, 60);
    var overlap = reserve("s2", "max", NOON.plus(Duration.ofMinutes(30)), 60);
    assertThat(refusal(overlap.reply()).kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(overlap.hasNoEvents()).isTrue();

    // tutormesh.schedule.buffer = 10m: back to back is too close, the next slot after it is fine.
    assertThat(refusal(reserve("s3", "max", NOON.plus(Duration.ofMinutes(60)), 30).reply()).detail()).contains("another lesson");
    assertThat(reserve("s4", "max", NOON.plus(Duration.ofMinutes(90)), 30).reply().reserved()).isTrue();
  }

  @Test
  void aReleasedSlotCanBeBookedAgain() {
    register();
    reserve("s1", "sam", NOON, 60);
    var released = kit.runCommand(new ReleaseSlot("s1"));
    assertThat(released.events()).containsExactly(new SlotReleased(tutorId, "s1", T0));
    assertThat(kit.runCommand(new ReleaseSlot("s1")).hasNoEvents()).as("idempotent").isTrue();

    assertThat(reserve("s2", "max", NOON, 60).reply().reserved()).isTrue();
  }

  @Test
  void badSlotsAreRefusedWithTheirReason() {
    register();
    assertThat(refusal(reserve("s1", "sam", T0.minus(Duration.ofHours(1)), 60).reply()).detail()).contains("past");
    assertThat(refusal(reserve("s1", "sam", T0.plus(Duration.ofHours(1)), 60).reply()).detail()).contains("ahead");
    assertThat(refusal(reserve("s1", "sam", NOON.plus(Duration.ofMinutes(10)), 60).reply()).detail()).contains("grid");
    assertThat(refusal(reserve("s1", "sam", NOON, 10).reply()).field()).isEqualTo("durationMinutes");
    assertThat(refusal(reserve("s1", tutorId, NOON, 60).reply()).detail()).contains("themself");
    var notTaught = kit.<SlotAnswer>runCommand(replyTo -> new ReserveSlot("s1", "sam", "latin", "high", NOON, 60, replyTo));
    assertThat(refusal(notTaught.reply()).detail()).contains("does not teach");
    assertThat(notTaught.hasNoEvents()).isTrue();
  }

  @Test
  void anUnknownTutorAnswersNotFound() {
    assertThat(refusal(reserve("s1", "sam", NOON, 60).reply()).kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
  }

  @Test
  void lessonsThatEndedLeaveTheCalendarWhenTheNextIsBooked() {
    register();
    reserve("s1", "sam", NOON, 60);
    clock.advance(Duration.ofHours(4));
    var next = reserve("s2", "sam", NOON.plus(Duration.ofDays(1)), 60);
    assertThat(((Registered) next.state()).calendar()).extracting(BookingRules.BookedSlot::sessionId).containsExactly("s2");
  }

  @Test
  void theCalendarListsTheUpcomingLessonsByStart() {
    register();
    reserve("s2", "max", NOON.plus(Duration.ofDays(1)), 60);
    reserve("s1", "sam", NOON, 60);
    clock.advance(Duration.ofHours(2));
    var calendar = kit.<org.apache.pekko.pattern.StatusReply<TutorEntity.Calendar>>runCommand(TutorEntity.GetCalendar::new);
    assertThat(calendar.reply().getValue().bookings()).extracting(BookingRules.BookedSlot::sessionId).containsExactly("s1", "s2");
    clock.advance(Duration.ofHours(2));
    calendar = kit.runCommand(TutorEntity.GetCalendar::new);
    assertThat(calendar.reply().getValue().bookings()).extracting(BookingRules.BookedSlot::sessionId).containsExactly("s2");
  }

  @Test
  void theCalendarSurvivesARestart() {
    register();
    reserve("s1", "sam", NOON, 60);
    kit.restart();
    assertThat(refusal(reserve("s2", "max", NOON, 60).reply()).detail()).contains("another lesson");
  }

  @Test
  void aReleaseIsAcknowledgedOnceWrittenAndAgainWhenAskedAgainOrWhenNothingIsBooked() {
    register();
    reserve("s-rel", "sam", NOON, 60);
    var released = kit.<SessionEntity.SlotFreed>runCommand(replyTo -> new ReleaseSlot("s-rel", replyTo));
    assertThat(released.reply()).isEqualTo(new SessionEntity.SlotFreed("s-rel"));
    assertThat(released.events()).containsExactly(new TutorEntity.SlotReleased(tutorId, "s-rel", T0));
    assertThat(((Registered) released.state()).calendar()).isEmpty();

    var again = kit.<SessionEntity.SlotFreed>runCommand(replyTo -> new ReleaseSlot("s-rel", replyTo));
    assertThat(again.reply()).as("idempotent, still acknowledged").isEqualTo(new SessionEntity.SlotFreed("s-rel"));
    assertThat(again.hasNoEvents()).isTrue();

    var never = kit.<SessionEntity.SlotFreed>runCommand(replyTo -> new ReleaseSlot("never-booked", replyTo));
    assertThat(never.reply()).isEqualTo(new SessionEntity.SlotFreed("never-booked"));
    assertThat(never.hasNoEvents()).isTrue();
  }

  @Test
  void anUnknownTutorAcknowledgesAReleaseToo() {
    var released = kit.<SessionEntity.SlotFreed>runCommand(replyTo -> new ReleaseSlot("s-x", replyTo));
    assertThat(released.reply()).isEqualTo(new SessionEntity.SlotFreed("s-x"));
    assertThat(released.hasNoEvents()).isTrue();
  }

  @Test
  void aRescheduleMayOverlapTheLessonItReplacesAndKeepsItsRateButNotAnotherStudentsLesson() {
    register();
    reserve("old", "sam", NOON, 60);
    Instant later = NOON.plus(Duration.ofMinutes(30));
    var plain = reserve("other", "sam", later, 60);
    assertThat(refusal(plain.reply()).detail()).as("overlaps without replacing").contains("another lesson");

    var moved = kit.<SlotAnswer>runCommand(replyTo -> new ReserveSlot("new", "sam", "math", "university", later, 60, replyTo, "old"));
    assertThat(moved.reply()).isEqualTo(new SlotAnswer("new", true, 4500, null));
    assertThat(((Registered) moved.state()).calendar()).extracting(BookingRules.BookedSlot::sessionId).containsExactly("old", "new");

    var stolen = kit.<SlotAnswer>runCommand(replyTo -> new ReserveSlot("thief", "eve", "math", "university", later, 60, replyTo, "old"));
    assertThat(refusal(stolen.reply()).detail()).as("another student's lesson is not replaced").contains("another lesson");
  }
}
