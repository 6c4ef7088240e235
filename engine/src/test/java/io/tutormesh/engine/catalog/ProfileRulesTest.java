package io.tutormesh.engine.catalog;

import static io.tutormesh.engine.TestSupport.offer;
import static io.tutormesh.engine.TestSupport.studentAt;
import static io.tutormesh.engine.TestSupport.tutorCharging;
import static io.tutormesh.engine.TestSupport.tutorIn;
import static io.tutormesh.engine.TestSupport.tutorInZone;
import static io.tutormesh.engine.TestSupport.tutorNamed;
import static io.tutormesh.engine.TestSupport.tutorSpeaking;
import static io.tutormesh.engine.TestSupport.tutorTeaching;
import static io.tutormesh.engine.TestSupport.tutorWithBio;
import static io.tutormesh.engine.TestSupport.validStudent;
import static io.tutormesh.engine.TestSupport.validTutor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.common.Rejection.Kind;
import io.tutormesh.engine.student.StudentEntity.StudentProfile;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import io.tutormesh.engine.tutor.TutorEntity.TutorProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProfileRulesTest {

  private static final ProfileRules RULES = TestSupport.defaultRules();

  @Nested
  class FromConfig {

    @Test
    void defaultsComeFromReferenceConf() {
      assertThat(RULES.minRateCents()).isEqualTo(500);
      assertThat(RULES.maxRateCents()).isEqualTo(50_000);
      assertThat(RULES.maxDisplayName()).isEqualTo(100);
      assertThat(RULES.maxBio()).isEqualTo(2000);
      assertThat(RULES.maxSubjects()).isEqualTo(20);
      assertThat(RULES.maxLanguages()).isEqualTo(10);
      assertThat(RULES.catalog()).isEqualTo(Catalog.fromConfig(ConfigFactory.load()));
    }

    @Test
    void overridesAreRead() {
      ProfileRules rules = ProfileRules.fromConfig(ConfigFactory.parseString("""
          tutormesh.profile { min-rate-cents = 1000, max-rate-cents = 2000, max-display-name = 5
                              max-bio = 6, max-subjects = 1, max-languages = 2 }
          """).withFallback(ConfigFactory.load()));

      assertThat(rules).isEqualTo(new ProfileRules(RULES.catalog(), 1000, 2000, 5, 6, 1, 2));
    }

    @Test
    void missingProfileKeysFallBackToTheDocumentedDefaults() {
      com.typesafe.config.Config catalogOnly = ConfigFactory.parseString("""
          tutormesh.catalog { levels = [adult], subjects = [{ subject = math, levels = [adult] }] }
          tutormesh.money.currency = EUR
          """);

      ProfileRules rules = ProfileRules.fromConfig(catalogOnly);

      assertThat(rules.minRateCents()).isEqualTo(500);
      assertThat(rules.maxRateCents()).isEqualTo(50_000);
      assertThat(rules.maxDisplayName()).isEqualTo(100);
      assertThat(rules.maxBio()).isEqualTo(2000);
      assertThat(rules.maxSubjects()).isEqualTo(20);
      assertThat(rules.maxLanguages()).isEqualTo(10);
    }

    @Test
    void refusesInconsistentLimits() {
      assertThatThrownBy(() -> new ProfileRules(RULES.catalog(), 600, 500, 100, 2000, 20, 10))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new ProfileRules(RULES.catalog(), 500, 600, 0, 2000, 20, 10))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new ProfileRules(null, 500, 600, 100, 2000, 20, 10))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Tutor {

    @Test
    void acceptsAValidProfile() {
      assertThat(RULES.validate(validTutor())).isEmpty();
    }

    @Test
    void refusesAMissingProfile() {
      assertThat(RULES.validate((TutorProfile) null)).contains(Rejection.invalid(null, "a profile is required"));
    }

    // displayName

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t\n"})
    void refusesABlankDisplayName(String name) {
      assertInvalid(RULES.validate(tutorNamed(name)), "displayName");
    }

    @Test
    void refusesANullDisplayName() {
      assertInvalid(RULES.validate(tutorNamed(null)), "displayName");
    }

    @Test
    void acceptsADisplayNameOfExactlyTheMaximumOnceTrimmed() {
      assertThat(RULES.validate(tutorNamed("  " + "a".repeat(100) + "  "))).isEmpty();
    }

    @Test
    void refusesADisplayNameOverTheMaximum() {
      Optional<Rejection> rejection = RULES.validate(tutorNamed("a".repeat(101)));

      assertInvalid(rejection, "displayName");
      assertThat(rejection.get().detail()).contains("100");
    }

    // subjects

    @Test
    void refusesNullOrEmptySubjects() {
      assertInvalid(RULES.validate(tutorTeaching(null)), "subjects");
      assertInvalid(RULES.validate(tutorTeaching(List.of())), "subjects");
    }

    @Test
    void acceptsTheMaximumNumberOfSubjectsAndRefusesOneMore() {
      ProfileRules twoSubjects = new ProfileRules(RULES.catalog(), 500, 50_000, 100, 2000, 2, 10);
      List<SubjectOffer> two = List.of(offer("math", "high"), offer("physics", "high"));
      List<SubjectOffer> three = List.of(offer("math", "high"), offer("physics", "high"), offer("music", "adult"));

      assertThat(twoSubjects.validate(tutorTeaching(two))).isEmpty();
      assertInvalid(twoSubjects.validate(tutorTeaching(three)), "subjects");
    }

    @Test
    void refusesANullSubjectEntry() {
      assertInvalid(RULES.validate(tutorTeaching(Arrays.asList(offer("math", "high"), null))), "subjects[1]");
    }

    @Test
    void refusesAMissingSubjectName() {
      assertInvalid(RULES.validate(tutorTeaching(List.of(offer("math", "high"), offer(null, "high")))),
          "subjects[1].subject");
      assertInvalid(RULES.validate(tutorTeaching(List.of(offer(" ", "high")))), "subjects[0].subject");
    }

    @Test
    void refusesASubjectOutsideTheCatalogue() {
      Optional<Rejection> rejection =
          RULES.validate(tutorTeaching(List.of(offer("math", "high"), offer("astrology", "adult"))));

      assertInvalid(rejection, "subjects[1].subject");
      assertThat(rejection.get().detail()).contains("astrology");
    }

    @Test
    void subjectsAreCaseSensitive() {
      assertInvalid(RULES.validate(tutorTeaching(List.of(offer("Math", "high")))), "subjects[0].subject");
    }

    @Test
    void refusesADuplicateSubject() {
      assertInvalid(RULES.validate(tutorTeaching(List.of(offer("math", "high"), offer("math", "adult")))),
          "subjects[1].subject");
    }

    @Test
    void refusesNullOrEmptyLevels() {
      assertInvalid(RULES.validate(tutorTeaching(List.of(new SubjectOffer("math", null)))), "subjects[0].levels");
      assertInvalid(RULES.validate(tutorTeaching(List.of(new SubjectOffer("math", List.of())))), "subjects[0].levels");
    }

    @Test
    void refusesANullLevel() {
      SubjectOffer withNull = new SubjectOffer("math", Arrays.asList("high", null));

      assertInvalid(RULES.validate(tutorTeaching(List.of(withNull))), "subjects[0].levels[1]");
    }

    @Test
    void refusesALevelTheSubjectIsNotOfferedAt() {
      SubjectOffer programming = new SubjectOffer("programming", List.of("high", "university", "primary"));

      assertInvalid(RULES.validate(tutorTeaching(List.of(offer("math", "high"), programming))), "subjects[1].levels[2]");
    }

    @Test
    void refusesALevelOutsideTheCatalogue() {
      assertInvalid(RULES.validate(tutorTeaching(List.of(offer("math", "kindergarten")))), "subjects[0].levels[0]");
    }

    @Test
    void refusesADuplicateLevel() {
      SubjectOffer twice = new SubjectOffer("math", List.of("high", "adult", "high"));

      assertInvalid(RULES.validate(tutorTeaching(List.of(twice))), "subjects[0].levels[2]");
    }

    @Test
    void acceptsEverySubjectAtEveryLevelItIsOffered() {
      List<SubjectOffer> everything = RULES.catalog().subjects().stream()
          .map(entry -> new SubjectOffer(entry.subject(), entry.levels()))
          .toList();

      assertThat(RULES.validate(tutorTeaching(everything))).isEmpty();
    }

    // languages

    @Test
    void refusesNullOrEmptyLanguages() {
      assertInvalid(RULES.validate(tutorSpeaking(null)), "languages");
      assertInvalid(RULES.validate(tutorSpeaking(List.of())), "languages");
    }

    @Test
    void acceptsTheMaximumNumberOfLanguagesAndRefusesOneMore() {
      List<String> ten = List.of("en", "fr", "de", "es", "it", "pt", "nl", "sv", "pl", "ja");
      List<String> eleven = new ArrayList<>(ten);
      eleven.add("zh");

      assertThat(RULES.validate(tutorSpeaking(ten))).isEmpty();
      assertInvalid(RULES.validate(tutorSpeaking(eleven)), "languages");
    }

    @ParameterizedTest
    @ValueSource(strings = {"EN", "En", "eng", "english", "e", "xx", "en-GB", "en_US", " en", ""})
    void refusesAnythingButALowercaseIso6391Code(String language) {
      Optional<Rejection> rejection = RULES.validate(tutorSpeaking(List.of("fr", language)));

      assertInvalid(rejection, "languages[1]");
    }

    @Test
    void refusesANullLanguage() {
      assertInvalid(RULES.validate(tutorSpeaking(Arrays.asList("en", "fr", null))), "languages[2]");
    }

    @Test
    void refusesADuplicateLanguage() {
      assertInvalid(RULES.validate(tutorSpeaking(List.of("en", "fr", "en"))), "languages[2]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "fr", "zh", "ar", "sw", "la"})
    void acceptsIsoCodes(String language) {
      assertThat(RULES.validate(tutorSpeaking(List.of(language)))).isEmpty();
    }

    // rateCents

    @ParameterizedTest
    @ValueSource(longs = {500, 501, 4500, 49_999, 50_000})
    void acceptsARateWithinBounds(long rateCents) {
      assertThat(RULES.validate(tutorCharging(rateCents))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MIN_VALUE, -1, 0, 499, 50_001, Long.MAX_VALUE})
    void refusesARateOutOfBounds(long rateCents) {
      Optional<Rejection> rejection = RULES.validate(tutorCharging(rateCents));

      assertThat(rejection).contains(Rejection.invalid("rateCents", "must be between 500 and 50000"));
    }

    // currency

    @Test
    void acceptsThePlatformCurrency() {
      assertThat(RULES.validate(tutorIn(RULES.catalog().currency()))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"USD", "eur", "GBP", "EURO", "", " "})
    void refusesAnyOtherCurrency(String currency) {
      ProfileRules euro = rulesWithCurrency("EUR");

      assertInvalid(euro.validate(tutorIn(currency)), "currency");
    }

    @Test
    void refusesAMissingCurrency() {
      assertInvalid(RULES.validate(tutorIn(null)), "currency");
    }

    @Test
    void thePlatformCurrencyIsConfigurable() {
      ProfileRules dollars = rulesWithCurrency("USD");

      assertThat(dollars.validate(tutorIn("USD"))).isEmpty();
      assertInvalid(dollars.validate(tutorIn("EUR")), "currency");
    }

    // timezone

    @ParameterizedTest
    @ValueSource(strings = {"Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC", "Pacific/Auckland"})
    void acceptsIanaZones(String zone) {
      assertThat(RULES.validate(tutorInZone(zone))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "Europe/Atlantis", "europe/paris", "+02:00", "GMT+2", "CET+1", "Paris"})
    void refusesAnythingElseAsATimezone(String zone) {
      assertInvalid(RULES.validate(tutorInZone(zone)), "timezone");
    }

    @Test
    void refusesAMissingTimezone() {
      assertInvalid(RULES.validate(tutorInZone(null)), "timezone");
    }

    // bio

    @Test
    void theBioIsOptional() {
      assertThat(RULES.validate(tutorWithBio(null))).isEmpty();
      assertThat(RULES.validate(tutorWithBio(""))).isEmpty();
    }

    @Test
    void acceptsABioOfExactlyTheMaximumOnceTrimmed() {
      assertThat(RULES.validate(tutorWithBio(" " + "b".repeat(2000) + "\n"))).isEmpty();
    }

    @Test
    void refusesABioOverTheMaximum() {
      assertInvalid(RULES.validate(tutorWithBio("b".repeat(2001))), "bio");
    }

    // several errors

    @Test
    void reportsTheFirstBrokenRuleInFieldOrder() {
      TutorProfile p = validTutor();
      TutorProfile broken = new TutorProfile(p.displayName(), p.subjects(), List.of("EN"), 1, "USD", "Mars/Base", p.bio());

      assertInvalid(RULES.validate(broken), "languages[0]");
    }

    @Test
    void echoesHugeInputOnlyInPart() {
      String huge = "x".repeat(10_000);

      Optional<Rejection> rejection = RULES.validate(tutorTeaching(List.of(offer(huge, "adult"))));

      assertInvalid(rejection, "subjects[0].subject");
      assertThat(rejection.get().detail()).hasSizeLessThan(100);
    }
  }

  @Nested
  class Student {

    @Test
    void acceptsAValidProfile() {
      assertThat(RULES.validate(validStudent())).isEmpty();
    }

    @Test
    void refusesAMissingProfile() {
      assertThat(RULES.validate((StudentProfile) null)).contains(Rejection.invalid(null, "a profile is required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void refusesABlankDisplayName(String name) {
      StudentProfile s = validStudent();

      assertInvalid(RULES.validate(new StudentProfile(name, s.level(), s.languages(), s.timezone())), "displayName");
      assertInvalid(RULES.validate(new StudentProfile(null, s.level(), s.languages(), s.timezone())), "displayName");
    }

    @Test
    void refusesADisplayNameOverTheMaximum() {
      StudentProfile s = validStudent();

      assertThat(RULES.validate(new StudentProfile("g".repeat(100), s.level(), s.languages(), s.timezone()))).isEmpty();
      assertInvalid(RULES.validate(new StudentProfile("g".repeat(101), s.level(), s.languages(), s.timezone())),
          "displayName");
    }

    @ParameterizedTest
    @ValueSource(strings = {"primary", "middle", "high", "university", "adult"})
    void acceptsEveryCatalogueLevel(String level) {
      assertThat(RULES.validate(studentAt(level))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "kindergarten", "High", "phd"})
    void refusesAnyOtherLevel(String level) {
      assertInvalid(RULES.validate(studentAt(level)), "level");
    }

    @Test
    void refusesAMissingLevel() {
      assertInvalid(RULES.validate(studentAt(null)), "level");
    }

    @Test
    void checksLanguagesLikeForTutors() {
      StudentProfile s = validStudent();

      assertInvalid(RULES.validate(new StudentProfile(s.displayName(), s.level(), null, s.timezone())), "languages");
      assertInvalid(RULES.validate(new StudentProfile(s.displayName(), s.level(), List.of(), s.timezone())), "languages");
      assertInvalid(RULES.validate(new StudentProfile(s.displayName(), s.level(), List.of("en", "DE"), s.timezone())),
          "languages[1]");
      assertInvalid(RULES.validate(new StudentProfile(s.displayName(), s.level(), List.of("de", "de"), s.timezone())),
          "languages[1]");
      assertInvalid(RULES.validate(new StudentProfile(s.displayName(), s.level(), Collections.nCopies(11, "en"),
          s.timezone())), "languages");
    }

    @Test
    void checksTheTimezone() {
      StudentProfile s = validStudent();

      assertInvalid(RULES.validate(new StudentProfile(s.displayName(), s.level(), s.languages(), null)), "timezone");
      assertInvalid(RULES.validate(new StudentProfile(s.displayName(), s.level(), s.languages(), "Nowhere/Land")),
          "timezone");
    }
  }

  @ParameterizedTest
  @MethodSource("io.tutormesh.engine.TestSupport#everyKindOfBrokenTutor")
  void everyTutorRejectionIsInvalidWithAFieldAndADetail(TutorProfile profile, String field) {
    Optional<Rejection> rejection = RULES.validate(profile);

    assertInvalid(rejection, field);
  }

  @ParameterizedTest
  @MethodSource("io.tutormesh.engine.TestSupport#everyKindOfBrokenStudent")
  void everyStudentRejectionIsInvalidWithAFieldAndADetail(StudentProfile profile, String field) {
    assertInvalid(RULES.validate(profile), field);
  }

  // --- helpers ---

  static void assertInvalid(Optional<Rejection> rejection, String field) {
    assertThat(rejection).isPresent();
    assertThat(rejection.get().kind()).isEqualTo(Kind.INVALID);
    assertThat(rejection.get().field()).isEqualTo(field);
    assertThat(rejection.get().detail()).isNotBlank();
  }

  private static ProfileRules rulesWithCurrency(String currency) {
    Catalog c = RULES.catalog();
    return new ProfileRules(new Catalog(c.subjects(), c.levels(), currency), 500, 50_000, 100, 2000, 20, 10);
  }

  @Nested
  class ContactDetails {

    private TutorProfile tutorReachedAt(String email, String phone) {
      TutorProfile p = validTutor();
      return new TutorProfile(p.displayName(), p.subjects(), p.languages(), p.rateCents(), p.currency(), p.timezone(), p.bio(),
          email, phone);
    }

    private StudentProfile studentReachedAt(String email, String phone) {
      StudentProfile s = validStudent();
      return new StudentProfile(s.displayName(), s.level(), s.languages(), s.timezone(), email, phone);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada@example.com", "a.b+tag@mail.example.co.uk", "x_y-z@sub-domain.example.org", "  ada@example.com "})
    void validAddressesAreAccepted(String email) {
      assertThat(RULES.validate(tutorReachedAt(email, null))).isEmpty();
      assertThat(RULES.validate(studentReachedAt(email, null))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada", "ada@", "@example.com", "ada@example", "ada@@example.com", "a da@example.com",
        "ada@exa mple.com", "\"ada\"@example.com", "ada@example.com\r\nBcc: x@y.z", "ada@-example.com", "ada.@example.com",
        "<ada@example.com>", "ada@example..com"})
    void malformedAddressesAreRefusedNamingTheField(String email) {
      assertThat(RULES.validate(tutorReachedAt(email, null))).map(Rejection::field).contains("email");
      assertThat(RULES.validate(studentReachedAt(email, null))).map(Rejection::field).contains("email");
    }

    @Test
    void overlongAddressesAreRefused() {
      assertThat(RULES.validate(studentReachedAt("a".repeat(65) + "@example.com", null))).map(Rejection::field).contains("email");
      assertThat(RULES.validate(studentReachedAt("a@" + "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(60) + "." + "e".repeat(60) + ".com", null)))
          .map(Rejection::field).contains("email");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+33612345678", "+14155550123", "+4930123456", "+123456789012345"})
    void e164NumbersAreAccepted(String phone) {
      assertThat(RULES.validate(tutorReachedAt(null, phone))).isEmpty();
      assertThat(RULES.validate(studentReachedAt(null, phone))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0612345678", "+0612345678", "+33 6 12 34 56 78", "+1234", "+1234567890123456", "+33abc45678", "33612345678",
        "+33-612-345-678"})
    void otherNumbersAreRefusedNamingTheField(String phone) {
      assertThat(RULES.validate(tutorReachedAt(null, phone))).map(Rejection::field).contains("phone");
      assertThat(RULES.validate(studentReachedAt(null, phone))).map(Rejection::field).contains("phone");
    }

    @Test
    void blankMeansNoneAndIsStoredAsNull() {
      assertThat(RULES.validate(studentReachedAt("  ", ""))).isEmpty();
      StudentProfile stored = studentReachedAt(" ", " +33612345678 ").normalised();
      assertThat(stored.email()).isNull();
      assertThat(stored.phone()).isEqualTo("+33612345678");
      assertThat(tutorReachedAt(" ada@example.com ", "").normalised().email()).isEqualTo("ada@example.com");
      assertThat(tutorReachedAt(" ada@example.com ", "").normalised().phone()).isNull();
    }

    @Test
    void profilesWithoutContactDetailsStayValid() {
      assertThat(validTutor().email()).isNull();
      assertThat(validStudent().phone()).isNull();
      assertThat(RULES.validate(validTutor())).isEmpty();
    }
  }
}
