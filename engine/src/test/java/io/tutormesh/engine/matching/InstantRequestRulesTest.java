package io.tutormesh.engine.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.common.Rejection.Kind;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InstantRequestRulesTest {

  private static final MatchingSettings SETTINGS = MatchingSettings.fromConfig(ConfigFactory.load());
  private static final InstantRequestRules RULES = new InstantRequestRules(TestSupport.defaultRules(), SETTINGS);

  private static InstantRequest valid() {
    return new InstantRequest("math", "university", "fr", 4000, 60);
  }

  @Test
  void theDefaultSettingsAreTheOnesTheseTestsAssume() {
    assertThat(SETTINGS.minDurationMinutes()).isEqualTo(15);
    assertThat(SETTINGS.maxDurationMinutes()).isEqualTo(180);
    assertThat(TestSupport.defaultRules().maxRateCents()).isEqualTo(50_000);
  }

  static Stream<InstantRequest> acceptedRequests() {
    return Stream.of(
        valid(),
        new InstantRequest("latin", "middle", "la", 1, 15),
        new InstantRequest("programming", "adult", "en", 50_000, 180),
        new InstantRequest("music", "primary", "zh", 2500, 45));
  }

  @ParameterizedTest
  @MethodSource("acceptedRequests")
  void aValidRequestIsAccepted(InstantRequest request) {
    assertThat(RULES.validate(request)).isEmpty();
  }

  static Stream<Arguments> rejectedRequests() {
    InstantRequest v = valid();
    return Stream.of(
        Arguments.of(new InstantRequest(null, v.level(), v.language(), v.maxRateCents(), v.durationMinutes()), "subject"),
        Arguments.of(new InstantRequest(" ", v.level(), v.language(), v.maxRateCents(), v.durationMinutes()), "subject"),
        Arguments.of(new InstantRequest("alchemy", v.level(), v.language(), v.maxRateCents(), v.durationMinutes()),
            "subject"),
        Arguments.of(new InstantRequest("Math", v.level(), v.language(), v.maxRateCents(), v.durationMinutes()), "subject"),
        Arguments.of(new InstantRequest(v.subject(), null, v.language(), v.maxRateCents(), v.durationMinutes()), "level"),
        Arguments.of(new InstantRequest(v.subject(), "doctorate", v.language(), v.maxRateCents(), v.durationMinutes()),
            "level"),
        Arguments.of(new InstantRequest("latin", "adult", v.language(), v.maxRateCents(), v.durationMinutes()), "level"),
        Arguments.of(new InstantRequest("programming", "primary", v.language(), v.maxRateCents(), v.durationMinutes()),
            "level"),
        Arguments.of(new InstantRequest(v.subject(), v.level(), null, v.maxRateCents(), v.durationMinutes()), "language"),
        Arguments.of(new InstantRequest(v.subject(), v.level(), "", v.maxRateCents(), v.durationMinutes()), "language"),
        Arguments.of(new InstantRequest(v.subject(), v.level(), "FR", v.maxRateCents(), v.durationMinutes()), "language"),
        Arguments.of(new InstantRequest(v.subject(), v.level(), "fra", v.maxRateCents(), v.durationMinutes()), "language"),
        Arguments.of(new InstantRequest(v.subject(), v.level(), "klingon", v.maxRateCents(), v.durationMinutes()),
            "language"),
        Arguments.of(new InstantRequest(v.subject(), v.level(), v.language(), 0, v.durationMinutes()), "maxRateCents"),
        Arguments.of(new InstantRequest(v.subject(), v.level(), v.language(), -100, v.durationMinutes()), "maxRateCents"),
        Arguments.of(new InstantRequest(v.subject(), v.level(), v.language(), 50_001, v.durationMinutes()),
            "maxRateCents"),
        Arguments.of(new InstantRequest(v.subject(), v.level(), v.language(), v.maxRateCents(), 14), "durationMinutes"),
        Arguments.of(new InstantRequest(v.subject(), v.level(), v.language(), v.maxRateCents(), 181), "durationMinutes"),
        Arguments.of(new InstantRequest(v.subject(), v.level(), v.language(), v.maxRateCents(), 0), "durationMinutes"),
        Arguments.of(new InstantRequest(v.subject(), v.level(), v.language(), v.maxRateCents(), -30), "durationMinutes"));
  }

  @ParameterizedTest
  @MethodSource("rejectedRequests")
  void eachBrokenRuleIsRejectedNamingItsField(InstantRequest request, String field) {
    Optional<Rejection> rejection = RULES.validate(request);

    assertThat(rejection).isPresent();
    assertThat(rejection.get().kind()).isEqualTo(Kind.INVALID);
    assertThat(rejection.get().field()).isEqualTo(field);
    assertThat(rejection.get().detail()).isNotBlank();
  }

  @Test
  void aMissingRequestIsRejected() {
    assertThat(RULES.validate(null)).contains(Rejection.invalid(null, "a request is required"));
  }

  @Test
  void theFirstBrokenRuleWins() {
    InstantRequest allWrong = new InstantRequest("alchemy", "doctorate", "XX", 0, 0);

    assertThat(RULES.validate(allWrong).map(Rejection::field)).contains("subject");
  }

  @Test
  void hugeInputIsCutShortInTheDetail() {
    Rejection rejection = RULES.validate(new InstantRequest("x".repeat(10_000), "high", "en", 100, 60)).orElseThrow();

    assertThat(rejection.detail()).hasSizeLessThan(100);
  }

  @Test
  void theDurationBoundsComeFromTheSettings() {
    MatchingSettings shortOnly = new MatchingSettings(SETTINGS.offerTimeout(), SETTINGS.requestTimeout(),
        SETTINGS.waveSize(), SETTINGS.retryInterval(), SETTINGS.poolEntryTtl(), SETTINGS.strikesBeforeAway(), 10, 30);
    InstantRequestRules rules = new InstantRequestRules(TestSupport.defaultRules(), shortOnly);

    assertThat(rules.validate(new InstantRequest("math", "high", "en", 100, 10))).isEmpty();
    assertThat(rules.validate(new InstantRequest("math", "high", "en", 100, 31)).map(Rejection::field))
        .contains("durationMinutes");
  }

  // --- the hold ---

  @Test
  void theHoldIsTheRateTimesTheDuration() {
    assertThat(io.tutormesh.engine.common.Money.priceCents(4000, 60)).isEqualTo(4000);
    assertThat(io.tutormesh.engine.common.Money.priceCents(4000, 90)).isEqualTo(6000);
    assertThat(io.tutormesh.engine.common.Money.priceCents(3000, 15)).isEqualTo(750);
    assertThat(io.tutormesh.engine.common.Money.priceCents(0, 60)).isZero();
  }

  @Test
  void theHoldIsRoundedUpToTheCent() {
    assertThat(io.tutormesh.engine.common.Money.priceCents(1, 15)).isEqualTo(1); // 0.25 cent
    assertThat(io.tutormesh.engine.common.Money.priceCents(4999, 45)).isEqualTo(3750); // 3749.25
    assertThat(io.tutormesh.engine.common.Money.priceCents(1001, 20)).isEqualTo(334); // 333.67
    assertThat(io.tutormesh.engine.common.Money.priceCents(50_000, 180)).isEqualTo(150_000);
  }

  @Test
  void theHoldRefusesNegativeInputAndOverflow() {
    assertThatThrownBy(() -> io.tutormesh.engine.common.Money.priceCents(-1, 60)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> io.tutormesh.engine.common.Money.priceCents(100, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> io.tutormesh.engine.common.Money.priceCents(Long.MAX_VALUE, 60)).isInstanceOf(ArithmeticException.class);
  }

  @Test
  void durationBoundsMustBeSane() {
    MatchingSettings inverted = new MatchingSettings(SETTINGS.offerTimeout(), SETTINGS.requestTimeout(),
        SETTINGS.waveSize(), SETTINGS.retryInterval(), SETTINGS.poolEntryTtl(), SETTINGS.strikesBeforeAway(), 60, 30);

    assertThatThrownBy(() -> new InstantRequestRules(TestSupport.defaultRules(), inverted))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
