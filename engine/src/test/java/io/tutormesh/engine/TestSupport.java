package io.tutormesh.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.catalog.ProfileRules;
import io.tutormesh.engine.student.StudentEntity.StudentProfile;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import io.tutormesh.engine.tutor.TutorEntity.TutorProfile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.params.provider.Arguments;

/** Shared fixtures: the test actor system's config, the default rules, valid profiles, a clock. */
public final class TestSupport {

  private TestSupport() {}

  /** The behavior testkit's in-memory journal, plus our serialization bindings, as the gateway uses them. */
  public static Config testKitConfig() {
    return ConfigFactory.parseResources("serialization.conf")
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /** The rules from the engine's reference.conf, in EUR whatever TUTORMESH_CURRENCY says. */
  public static ProfileRules defaultRules() {
    return ProfileRules.fromConfig(ConfigFactory.parseString("tutormesh.money.currency = EUR")
        .withFallback(ConfigFactory.load()));
  }

  public static TutorProfile validTutor() {
    return new TutorProfile(
        "Ada Lovelace",
        List.of(new SubjectOffer("math", List.of("high", "university")), new SubjectOffer("programming", List.of("adult"))),
        List.of("en", "fr"),
        4500,
        "EUR",
        "Europe/Paris",
        "Analytical engines and calculus.");
  }

  public static StudentProfile validStudent() {
    return new StudentProfile("Grace Hopper", "university", List.of("en"), "America/New_York");
  }

  /** One broken profile per rule, with the field the rejection must name; the entity tests reuse it. */
  public static Stream<Arguments> everyKindOfBrokenTutor() {
    TutorProfile p = validTutor();
    return Stream.of(
        Arguments.of(tutorNamed(" "), "displayName"),
        Arguments.of(tutorNamed("n".repeat(101)), "displayName"),
        Arguments.of(tutorTeaching(List.of()), "subjects"),
        Arguments.of(tutorTeaching(Collections.nCopies(21, offer("math", "high"))), "subjects"),
        Arguments.of(tutorTeaching(List.of(offer("math", "high"), offer("alchemy", "adult"))), "subjects[1].subject"),
        Arguments.of(tutorTeaching(List.of(offer("math", "high"), offer("math", "adult"))), "subjects[1].subject"),
        Arguments.of(tutorTeaching(List.of(new SubjectOffer("math", List.of()))), "subjects[0].levels"),
        Arguments.of(tutorTeaching(List.of(new SubjectOffer("latin", List.of("high", "university", "adult")))),
            "subjects[0].levels[2]"),
        Arguments.of(tutorSpeaking(List.of()), "languages"),
        Arguments.of(tutorSpeaking(List.of("en", "klingon")), "languages[1]"),
        Arguments.of(tutorSpeaking(List.of("en", "en")), "languages[1]"),
        Arguments.of(tutorCharging(499), "rateCents"),
        Arguments.of(tutorCharging(50_001), "rateCents"),
        Arguments.of(tutorIn("USD"), "currency"),
        Arguments.of(tutorInZone("Mars/Olympus_Mons"), "timezone"),
        Arguments.of(tutorInZone(null), "timezone"),
        Arguments.of(tutorWithBio("b".repeat(2001)), "bio"),
        Arguments.of(new TutorProfile(p.displayName(), null, p.languages(), p.rateCents(), p.currency(), p.timezone(),
            p.bio()), "subjects"),
        Arguments.of(new TutorProfile(p.displayName(), p.subjects(), p.languages(), p.rateCents(), p.currency(), p.timezone(),
            p.bio(), "ada@localhost", null), "email"),
        Arguments.of(new TutorProfile(p.displayName(), p.subjects(), p.languages(), p.rateCents(), p.currency(), p.timezone(),
            p.bio(), "ada@example.com", "06 12 34 56 78"), "phone"));
  }

  /** One broken profile per rule, with the field the rejection must name; the entity tests reuse it. */
  public static Stream<Arguments> everyKindOfBrokenStudent() {
    StudentProfile s = validStudent();
    return Stream.of(
        Arguments.of(new StudentProfile("", s.level(), s.languages(), s.timezone()), "displayName"),
        Arguments.of(new StudentProfile("n".repeat(101), s.level(), s.languages(), s.timezone()), "displayName"),
        Arguments.of(studentAt(null), "level"),
        Arguments.of(studentAt("doctorate"), "level"),
        Arguments.of(new StudentProfile(s.displayName(), s.level(), List.of(), s.timezone()), "languages"),
        Arguments.of(new StudentProfile(s.displayName(), s.level(), List.of("fr", "FR"), s.timezone()), "languages[1]"),
        Arguments.of(new StudentProfile(s.displayName(), s.level(), s.languages(), "Somewhere"), "timezone"),
        Arguments.of(new StudentProfile(s.displayName(), s.level(), s.languages(), s.timezone(), "grace at example.com", null), "email"),
        Arguments.of(new StudentProfile(s.displayName(), s.level(), s.languages(), s.timezone(), null, "+0123456789"), "phone"));
  }

  public static SubjectOffer offer(String subject, String level) {
    return new SubjectOffer(subject, List.of(level));
  }

  public static TutorProfile tutorNamed(String displayName) {
    TutorProfile p = validTutor();
    return new TutorProfile(displayName, p.subjects(), p.languages(), p.rateCents(), p.currency(), p.timezone(), p.bio());
  }

  public static TutorProfile tutorTeaching(List<SubjectOffer> subjects) {
    TutorProfile p = validTutor();
    return new TutorProfile(p.displayName(), subjects, p.languages(), p.rateCents(), p.currency(), p.timezone(), p.bio());
  }

  public static TutorProfile tutorSpeaking(List<String> languages) {
    TutorProfile p = validTutor();
    return new TutorProfile(p.displayName(), p.subjects(), languages, p.rateCents(), p.currency(), p.timezone(), p.bio());
  }

  public static TutorProfile tutorCharging(long rateCents) {
    TutorProfile p = validTutor();
    return new TutorProfile(p.displayName(), p.subjects(), p.languages(), rateCents, p.currency(), p.timezone(), p.bio());
  }

  public static TutorProfile tutorIn(String currency) {
    TutorProfile p = validTutor();
    return new TutorProfile(p.displayName(), p.subjects(), p.languages(), p.rateCents(), currency, p.timezone(), p.bio());
  }

  public static TutorProfile tutorInZone(String timezone) {
    TutorProfile p = validTutor();
    return new TutorProfile(p.displayName(), p.subjects(), p.languages(), p.rateCents(), p.currency(), timezone, p.bio());
  }

  public static TutorProfile tutorWithBio(String bio) {
    TutorProfile p = validTutor();
    return new TutorProfile(p.displayName(), p.subjects(), p.languages(), p.rateCents(), p.currency(), p.timezone(), bio);
  }

  public static StudentProfile studentAt(String level) {
    StudentProfile s = validStudent();
    return new StudentProfile(s.displayName(), level, s.languages(), s.timezone());
  }

  /** A clock that never moves on its own: tests set or advance it. */
  public static final class TestClock extends Clock {
    private final AtomicReference<Instant> now;

    public TestClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    public Instant advance(Duration by) {
      return now.updateAndGet(instant -> instant.plus(by));
    }

    public void set(Instant at) {
      now.set(at);
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a test clock is always UTC");
    }
  }
}
