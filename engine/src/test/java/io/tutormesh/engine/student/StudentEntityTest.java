package io.tutormesh.engine.student;

import static io.tutormesh.engine.TestSupport.studentAt;
import static io.tutormesh.engine.TestSupport.validStudent;
import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.catalog.ProfileRules;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.common.Rejection.Kind;
import io.tutormesh.engine.student.StudentEntity.Command;
import io.tutormesh.engine.student.StudentEntity.Event;
import io.tutormesh.engine.student.StudentEntity.GetStudent;
import io.tutormesh.engine.student.StudentEntity.Registered;
import io.tutormesh.engine.student.StudentEntity.State;
import io.tutormesh.engine.student.StudentEntity.StudentProfile;
import io.tutormesh.engine.student.StudentEntity.StudentProfileUpdated;
import io.tutormesh.engine.student.StudentEntity.StudentRegistered;
import io.tutormesh.engine.student.StudentEntity.StudentSummary;
import io.tutormesh.engine.student.StudentEntity.Unregistered;
import io.tutormesh.engine.student.StudentEntity.UpdateProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudentEntityTest {

  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  private static final ProfileRules RULES = TestSupport.defaultRules();
  private static final AtomicInteger IDS = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  private TestClock clock;
  private String studentId;
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void setUp() {
    clock = new TestClock(T0);
    studentId = "student-" + IDS.incrementAndGet();
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(), StudentEntity.create(studentId, RULES, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  // --- registration ---

  @Test
  void theFirstValidProfileRegistersTheStudent() {
    CommandResultWithReply<Command, Event, State, StatusReply<StudentSummary>> result = update(validStudent());

    assertThat(result.reply().getValue()).isEqualTo(new StudentSummary(studentId, validStudent(), T0, T0));
    assertThat(result.events()).containsExactly(new StudentRegistered(studentId, validStudent(), T0));
    assertThat(result.state()).isEqualTo(new Registered(validStudent(), T0, T0));
  }

  @Test
  void theStoredProfileHasItsDisplayNameTrimmed() {
    StudentProfile s = validStudent();

    CommandResultWithReply<Command, Event, State, StatusReply<StudentSummary>> result =
        update(new StudentProfile(" Grace Hopper\n", s.level(), s.languages(), s.timezone()));

    assertThat(result.reply().getValue().profile()).isEqualTo(validStudent());
    assertThat(result.eventOfType(StudentRegistered.class).profile()).isEqualTo(validStudent());
  }

  // --- updates ---

  @Test
  void aChangedProfileIsUpdated() {
    update(validStudent());
    Instant t1 = clock.advance(Duration.ofDays(30));

    CommandResultWithReply<Command, Event, State, StatusReply<StudentSummary>> result = update(studentAt("adult"));

    assertThat(result.reply().getValue()).isEqualTo(new StudentSummary(studentId, studentAt("adult"), T0, t1));
    assertThat(result.events()).containsExactly(new StudentProfileUpdated(studentId, studentAt("adult"), t1));
    assertThat(result.state()).isEqualTo(new Registered(studentAt("adult"), T0, t1));
  }

  @Test
  void anIdenticalProfilePersistsNothingAndAnswersTheCurrentSummary() {
    update(validStudent());
    clock.advance(Duration.ofHours(1));
    StudentProfile s = validStudent();

    CommandResultWithReply<Command, Event, State, StatusReply<StudentSummary>> result =
        update(new StudentProfile("  Grace Hopper ", s.level(), List.copyOf(s.languages()), s.timezone()));

    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().getValue()).isEqualTo(new StudentSummary(studentId, validStudent(), T0, T0));
    assertThat(result.state()).isEqualTo(new Registered(validStudent(), T0, T0));
  }

  // --- rejections ---

  @ParameterizedTest
  @MethodSource("io.tutormesh.engine.TestSupport#everyKindOfBrokenStudent")
  void anInvalidFirstProfileRegistersNothing(StudentProfile broken, String field) {
    CommandResultWithReply<Command, Event, State, StatusReply<StudentSummary>> result = update(broken);

    assertRejected(result, Kind.INVALID, field);
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.state()).isEqualTo(new Unregistered());
    assertThat(kit.restart().state()).isEqualTo(new Unregistered());
  }

  @ParameterizedTest
  @MethodSource("io.tutormesh.engine.TestSupport#everyKindOfBrokenStudent")
  void anInvalidUpdatePersistsNothingAndKeepsTheProfile(StudentProfile broken, String field) {
    update(validStudent());
    State before = kit.getState();
    clock.advance(Duration.ofHours(1));

    CommandResultWithReply<Command, Event, State, StatusReply<StudentSummary>> result = update(broken);

    assertRejected(result, Kind.INVALID, field);
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.state()).isEqualTo(before);
    assertThat(kit.restart().state()).isEqualTo(before);
  }

  @Test
  void aMissingProfileIsRejected() {
    CommandResultWithReply<Command, Event, State, StatusReply<StudentSummary>> result = update(null);

    assertThat(Rejection.parse(result.reply().getError().getMessage()))
        .isEqualTo(Rejection.invalid(null, "a profile is required"));
    assertThat(result.hasNoEvents()).isTrue();
  }

  // --- queries ---

  @Test
  void anUnknownStudentIsNotFound() {
    CommandResultWithReply<Command, Event, State, StatusReply<StudentSummary>> result = get();

    assertRefusedAsUnknown(result);
  }

  @Test
  void aKnownStudentAnswersItsSummary() {
    update(validStudent());
    clock.advance(Duration.ofDays(1));

    CommandResultWithReply<Command, Event, State, StatusReply<StudentSummary>> result = get();

    assertThat(result.reply().getValue()).isEqualTo(new StudentSummary(studentId, validStudent(), T0, T0));
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void anUnknownStudentHasNoContactAndNothingIsPersisted() {
    CommandResultWithReply<Command, Event, State, StatusReply<StudentEntity.ContactDetails>> result =
        kit.runCommand(StudentEntity.GetContact::new);

    assertRefusedAsUnknown(result);
  }

  @Test
  void aKnownStudentAnswersJustItsContactDetails() {
    StudentProfile s = validStudent();
    update(new StudentProfile(s.displayName(), s.level(), s.languages(), s.timezone(), "grace@example.com", "+14155550123"));

    CommandResultWithReply<Command, Event, State, StatusReply<StudentEntity.ContactDetails>> result =
        kit.runCommand(StudentEntity.GetContact::new);

    assertThat(result.reply().getValue()).isEqualTo(new StudentEntity.ContactDetails(studentId, "grace@example.com", "+14155550123"));
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void aStudentWithoutContactDetailsAnswersThemEmpty() {
    update(validStudent());

    assertThat(kit.runCommand(StudentEntity.GetContact::new).reply().getValue())
        .isEqualTo(new StudentEntity.ContactDetails(studentId, null, null));
  }

  // --- recovery ---

  @Test
  void aRestartedStudentRecoversItsState() {
    update(validStudent());
    Instant t1 = clock.advance(Duration.ofHours(2));
    update(studentAt("high"));
    State before = kit.getState();

    State recovered = kit.restart().state();

    assertThat(recovered).isEqualTo(before);
    assertThat(recovered).isEqualTo(new Registered(studentAt("high"), T0, t1));
    assertThat(get().reply().getValue()).isEqualTo(new StudentSummary(studentId, studentAt("high"), T0, t1));
  }

  @Test
  void aSnapshotIsTakenEveryHundredEventsAndRecoveryUsesIt() {
    update(validStudent());
    List<String> levels = List.of("primary", "middle", "high", "adult");
    for (int i = 1; i < 101; i++) {
      clock.advance(Duration.ofSeconds(1));
      update(studentAt(levels.get(i % levels.size())));
    }
    State before = kit.getState();

    assertThat(kit.snapshotTestKit().get().persistedInStorage("Student|" + studentId)).hasSize(1);
    assertThat(kit.restart().state()).isEqualTo(before);
  }

  // --- tags and key ---

  @Test
  void eventsAreTaggedIntoFourSlices() {
    assertThat(StudentEntity.tagFor(studentId)).isEqualTo("student-" + Math.abs(studentId.hashCode() % 4));
    assertThat(List.of("a", "b", "c", "d", "e", "f", "student-1").stream().map(StudentEntity::tagFor))
        .allMatch(StudentEntity.TAGS::contains);
    assertThat(StudentEntity.TAGS).hasSize(StudentEntity.TAG_COUNT);
  }

  @Test
  void theEntityKeyIsStudent() {
    assertThat(StudentEntity.ENTITY_KEY.name()).isEqualTo("Student");
  }

  // --- helpers ---

  private CommandResultWithReply<Command, Event, State, StatusReply<StudentSummary>> update(StudentProfile profile) {
    return kit.runCommand(replyTo -> new UpdateProfile(profile, replyTo));
  }

  private CommandResultWithReply<Command, Event, State, StatusReply<StudentSummary>> get() {
    return kit.runCommand(GetStudent::new);
  }

  private static void assertRejected(
      CommandResultWithReply<Command, Event, State, StatusReply<StudentSummary>> result, Kind kind, String field) {
    assertThat(result.reply().isError()).isTrue();
    Rejection rejection = Rejection.parse(result.reply().getError().getMessage());
    assertThat(rejection.kind()).isEqualTo(kind);
    assertThat(rejection.field()).isEqualTo(field);
    assertThat(rejection.detail()).isNotBlank();
  }

  /** What a query to a student that never registered answers: not found, nothing written. */
  private void assertRefusedAsUnknown(CommandResultWithReply<Command, Event, State, ? extends StatusReply<?>> result) {
    assertThat(result.reply().isError()).isTrue();
    assertThat(Rejection.parse(result.reply().getError().getMessage()))
        .isEqualTo(Rejection.notFound("student " + studentId + " not found"));
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.state()).isEqualTo(new Unregistered());
  }
}
