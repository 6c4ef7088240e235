package io.tutormesh.engine.tutor;

import static io.tutormesh.engine.TestSupport.tutorWithBio;
import static io.tutormesh.engine.TestSupport.validTutor;
import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.catalog.ProfileRules;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.common.Rejection.Kind;
import io.tutormesh.engine.tutor.TutorEntity.Command;
import io.tutormesh.engine.tutor.TutorEntity.Event;
import io.tutormesh.engine.tutor.TutorEntity.GetTutor;
import io.tutormesh.engine.tutor.TutorEntity.Presence;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.Registered;
import io.tutormesh.engine.tutor.TutorEntity.State;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import io.tutormesh.engine.tutor.TutorEntity.TutorProfile;
import io.tutormesh.engine.tutor.TutorEntity.TutorProfileUpdated;
import io.tutormesh.engine.tutor.TutorEntity.TutorRegistered;
import io.tutormesh.engine.tutor.TutorEntity.TutorSummary;
import io.tutormesh.engine.tutor.TutorEntity.Unregistered;
import io.tutormesh.engine.tutor.TutorEntity.UpdateProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
class TutorEntityTest {

  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  private static final ProfileRules RULES = TestSupport.defaultRules();
  private static final AtomicInteger IDS = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  private TestClock clock;
  private String tutorId;
  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void setUp() {
    clock = new TestClock(T0);
    tutorId = "tutor-" + IDS.incrementAndGet();
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(), TutorEntity.create(tutorId, RULES, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  // --- registration ---

  @Test
  void theFirstValidProfileRegistersTheTutor() {
    CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result = update(validTutor());

    TutorSummary expected = new TutorSummary(tutorId, validTutor(), Rating.NONE, Presence.OFFLINE, T0, T0);
    assertThat(result.reply().isSuccess()).isTrue();
    assertThat(result.reply().getValue()).isEqualTo(expected);
    assertThat(result.events()).containsExactly(new TutorRegistered(tutorId, validTutor(), T0));
    assertThat(result.state()).isEqualTo(new Registered(validTutor(), Rating.NONE, T0, T0));
  }

  @Test
  void theStoredProfileHasItsDisplayNameAndBioTrimmed() {
    TutorProfile p = validTutor();
    TutorProfile padded = new TutorProfile("  Ada Lovelace \t", p.subjects(), p.languages(), p.rateCents(),
        p.currency(), p.timezone(), "\n Analytical engines and calculus.  ");

    CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result = update(padded);

    assertThat(result.reply().getValue().profile()).isEqualTo(validTutor());
    assertThat(result.eventOfType(TutorRegistered.class).profile()).isEqualTo(validTutor());
  }

  @Test
  void aTutorWithoutBioIsFine() {
    CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result = update(tutorWithBio(null));

    assertThat(result.reply().getValue().profile().bio()).isNull();
    assertThat(result.stateOfType(Registered.class).profile()).isEqualTo(tutorWithBio(null));
  }

  @Test
  void theStoredProfileDoesNotChangeWhenTheSendersListsDo() {
    List<String> languages = new ArrayList<>(List.of("en"));
    List<SubjectOffer> subjects = new ArrayList<>(List.of(new SubjectOffer("math", List.of("high"))));
    TutorProfile p = validTutor();

    update(new TutorProfile(p.displayName(), subjects, languages, p.rateCents(), p.currency(), p.timezone(), p.bio()));
    languages.add("fr");
    subjects.clear();

    TutorProfile stored = kit.getState() instanceof Registered registered ? registered.profile() : null;
    assertThat(stored).isNotNull();
    assertThat(stored.languages()).containsExactly("en");
    assertThat(stored.subjects()).hasSize(1);
  }

  // --- updates ---

  @Test
  void aChangedProfileIsUpdated() {
    update(validTutor());
    Instant t1 = clock.advance(Duration.ofHours(1));
    TutorProfile raised = TestSupport.tutorCharging(6000);

    CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result = update(raised);

    assertThat(result.reply().getValue())
        .isEqualTo(new TutorSummary(tutorId, raised, Rating.NONE, Presence.OFFLINE, T0, t1));
    assertThat(result.events()).containsExactly(new TutorProfileUpdated(tutorId, raised, t1));
    assertThat(result.state()).isEqualTo(new Registered(raised, Rating.NONE, T0, t1));
  }

  @Test
  void anIdenticalProfilePersistsNothingAndAnswersTheCurrentSummary() {
    update(validTutor());
    clock.advance(Duration.ofHours(1));

    CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result = update(validTutor());

    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().getValue())
        .isEqualTo(new TutorSummary(tutorId, validTutor(), Rating.NONE, Presence.OFFLINE, T0, T0));
    assertThat(result.state()).isEqualTo(new Registered(validTutor(), Rating.NONE, T0, T0));
  }

  @Test
  void aProfileThatOnlyDiffersInSurroundingWhitespaceIsIdentical() {
    update(validTutor());
    clock.advance(Duration.ofMinutes(5));

    CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result =
        update(TestSupport.tutorNamed("   Ada Lovelace   "));

    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().getValue().updatedAt()).isEqualTo(T0);
  }

  // --- rejections ---

  @ParameterizedTest
  @MethodSource("io.tutormesh.engine.TestSupport#everyKindOfBrokenTutor")
  void anInvalidFirstProfileRegistersNothing(TutorProfile broken, String field) {
    CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result = update(broken);

    assertRejected(result, Kind.INVALID, field);
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.state()).isEqualTo(new Unregistered());
    assertThat(kit.restart().state()).isEqualTo(new Unregistered());
  }

  @ParameterizedTest
  @MethodSource("io.tutormesh.engine.TestSupport#everyKindOfBrokenTutor")
  void anInvalidUpdatePersistsNothingAndKeepsTheProfile(TutorProfile broken, String field) {
    update(validTutor());
    State before = kit.getState();
    clock.advance(Duration.ofHours(1));

    CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result = update(broken);

    assertRejected(result, Kind.INVALID, field);
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.state()).isEqualTo(before);
    assertThat(kit.restart().state()).isEqualTo(before);
  }

  @Test
  void aMissingProfileIsRejected() {
    CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result = update(null);

    assertThat(result.reply().isError()).isTrue();
    assertThat(Rejection.parse(result.reply().getError().getMessage()))
        .isEqualTo(Rejection.invalid(null, "a profile is required"));
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void theRejectionNamesTheFieldAndSaysWhatIsWrong() {
    CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result =
        update(TestSupport.tutorCharging(100));

    assertThat(result.reply().getError().getMessage()).isEqualTo("INVALID|rateCents|must be between 500 and 50000");
  }

  // --- queries ---

  @Test
  void anUnknownTutorIsNotFound() {
    CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result = get();

    assertRefusedAsUnknown(result);
  }

  @Test
  void aKnownTutorAnswersItsSummary() {
    update(validTutor());
    clock.advance(Duration.ofDays(1));

    CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result = get();

    assertThat(result.reply().getValue())
        .isEqualTo(new TutorSummary(tutorId, validTutor(), Rating.NONE, Presence.OFFLINE, T0, T0));
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void anUnknownTutorHasNoContactAndNothingIsPersisted() {
    CommandResultWithReply<Command, Event, State, StatusReply<TutorEntity.ContactDetails>> result =
        kit.runCommand(TutorEntity.GetContact::new);

    assertRefusedAsUnknown(result);
  }

  @Test
  void aKnownTutorAnswersJustItsContactDetails() {
    TutorProfile p = validTutor();
    update(new TutorProfile(p.displayName(), p.subjects(), p.languages(), p.rateCents(), p.currency(), p.timezone(), p.bio(),
        "ada@example.com", "+33612345678"));

    CommandResultWithReply<Command, Event, State, StatusReply<TutorEntity.ContactDetails>> result =
        kit.runCommand(TutorEntity.GetContact::new);

    assertThat(result.reply().getValue()).isEqualTo(new TutorEntity.ContactDetails(tutorId, "ada@example.com", "+33612345678"));
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void aTutorWithoutContactDetailsAnswersThemEmpty() {
    update(validTutor());

    assertThat(kit.runCommand(TutorEntity.GetContact::new).reply().getValue())
        .isEqualTo(new TutorEntity.ContactDetails(tutorId, null, null));
  }

  // --- recovery ---

  @Test
  void aRestartedTutorRecoversItsState() {
    update(validTutor());
    Instant t1 = clock.advance(Duration.ofHours(2));
    update(TestSupport.tutorCharging(7000));
    State before = kit.getState();

    State recovered = kit.restart().state();

    assertThat(recovered).isEqualTo(before);
    assertThat(recovered).isEqualTo(new Registered(TestSupport.tutorCharging(7000), Rating.NONE, T0, t1));
    assertThat(get().reply().getValue())
        .isEqualTo(new TutorSummary(tutorId, TestSupport.tutorCharging(7000), Rating.NONE, Presence.OFFLINE, T0, t1));
  }

  @Test
  void aSnapshotIsTakenEveryHundredEventsAndRecoveryUsesIt() {
    update(validTutor());
    for (int i = 1; i < 105; i++) {
      clock.advance(Duration.ofSeconds(1));
      update(TestSupport.tutorCharging(1000 + i));
    }
    State before = kit.getState();

    assertThat(kit.snapshotTestKit()).isPresent();
    assertThat(kit.snapshotTestKit().get().persistedInStorage("Tutor|" + tutorId)).hasSize(1);
    assertThat(kit.restart().state()).isEqualTo(before);
  }

  // --- tags ---

  @Test
  void eventsAreTaggedIntoFourSlices() {
    assertThat(TutorEntity.tagFor(tutorId)).isEqualTo("tutor-" + Math.abs(tutorId.hashCode() % 4));
    assertThat(List.of("a", "b", "c", "d", "e", "f", "tutor-1", "x_y-z").stream().map(TutorEntity::tagFor))
        .allMatch(TutorEntity.TAGS::contains);
    assertThat(TutorEntity.TAGS).hasSize(TutorEntity.TAG_COUNT);
  }

  @Test
  void onlyMoneyAndDirectoryEventsAreTagged() {
    String directoryTag = TutorEntity.directoryTagFor(tutorId);
    assertThat(directoryTag).isEqualTo("tutor-directory-" + Math.abs(tutorId.hashCode() % 4));
    assertThat(TutorEntity.DIRECTORY_TAGS).contains(directoryTag).hasSize(TutorEntity.TAG_COUNT);
    assertThat(TutorEntity.tagsOf(new TutorRegistered(tutorId, validTutor(), T0))).containsExactly(directoryTag);
    assertThat(TutorEntity.tagsOf(new TutorProfileUpdated(tutorId, validTutor(), T0))).containsExactly(directoryTag);
    assertThat(TutorEntity.tagsOf(new TutorEntity.TutorSuspended(tutorId, "spam", T0))).containsExactly(directoryTag);
    assertThat(TutorEntity.tagsOf(new TutorEntity.TutorReinstated(tutorId, T0))).containsExactly(directoryTag);
    assertThat(TutorEntity.tagsOf(new TutorEntity.TutorReserved(tutorId, "sess-1", "s1", T0))).isEmpty();
    assertThat(TutorEntity.tagsOf(new TutorEntity.TutorReleased(tutorId, "sess-1", T0))).isEmpty();
    assertThat(TutorEntity.tagsOf(new TutorEntity.SlotReleased(tutorId, "sess-1", T0))).isEmpty();
  }

  @Test
  void aReviewEventCarriesTheRatingItResultsIn() {
    update(validTutor());
    var first = new io.tutormesh.engine.review.Review("s1.s", "s1", io.tutormesh.engine.review.Review.Side.STUDENT, "sam", tutorId, 5, "ok", T0, false);
    var second = new io.tutormesh.engine.review.Review("s2.s", "s2", io.tutormesh.engine.review.Review.Side.STUDENT, "sam", tutorId, 2, "meh", T0, false);

    var one = kit.runCommand(new TutorEntity.ReceiveReview(first));
    var two = kit.runCommand(new TutorEntity.ReceiveReview(second));

    assertThat(one.events()).containsExactly(new TutorEntity.ReviewReceived(tutorId, first, T0, new Rating(5.0, 1)));
    assertThat(two.events()).containsExactly(new TutorEntity.ReviewReceived(tutorId, second, T0, new Rating(3.5, 2)));
    assertThat(((Registered) two.state()).rating()).isEqualTo(new Rating(3.5, 2));
  }

  @Test
  void theEntityKeyIsTutor() {
    assertThat(TutorEntity.ENTITY_KEY.name()).isEqualTo("Tutor");
  }

  @Test
  void aRatingWithoutReviewsAveragesZero() {
    assertThat(new Rating(4.5, 0)).isEqualTo(Rating.NONE);
    assertThat(new Rating(4.5, 2).average()).isEqualTo(4.5);
  }

  // --- helpers ---

  private CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> update(TutorProfile profile) {
    return kit.runCommand(replyTo -> new UpdateProfile(profile, replyTo));
  }

  private CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> get() {
    return kit.runCommand(GetTutor::new);
  }

  private static void assertRejected(
      CommandResultWithReply<Command, Event, State, StatusReply<TutorSummary>> result, Kind kind, String field) {
    assertThat(result.reply().isError()).isTrue();
    Rejection rejection = Rejection.parse(result.reply().getError().getMessage());
    assertThat(rejection.kind()).isEqualTo(kind);
    assertThat(rejection.field()).isEqualTo(field);
    assertThat(rejection.detail()).isNotBlank();
  }

  /** What a query to a tutor that never registered answers: not found, nothing written. */
  private void assertRefusedAsUnknown(CommandResultWithReply<Command, Event, State, ? extends StatusReply<?>> result) {
    assertThat(result.reply().isError()).isTrue();
    assertThat(Rejection.parse(result.reply().getError().getMessage()))
        .isEqualTo(Rejection.notFound("tutor " + tutorId + " not found"));
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.state()).isEqualTo(new Unregistered());
  }
}
