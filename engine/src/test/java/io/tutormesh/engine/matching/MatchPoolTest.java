package io.tutormesh.engine.matching;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.matching.MatchPool.Available;
import io.tutormesh.engine.matching.MatchPool.CandidateQuery;
import io.tutormesh.engine.matching.MatchPool.Candidates;
import io.tutormesh.engine.matching.MatchPool.Command;
import io.tutormesh.engine.matching.MatchPool.FindCandidates;
import io.tutormesh.engine.matching.MatchPool.GetAvailable;
import io.tutormesh.engine.matching.MatchPool.OfferOutcome;
import io.tutormesh.engine.matching.MatchPool.Outcome;
import io.tutormesh.engine.matching.MatchPool.SessionMatched;
import io.tutormesh.engine.matching.MatchPool.TutorAvailable;
import io.tutormesh.engine.matching.MatchPool.TutorUnavailable;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pool spawned directly (no sharding) with a manual clock, moved only between round trips; the
 * sweep is triggered by hand with {@link MatchPool.Tick}. Every message is serialized on the way
 * (serialize-messages = on), so the protocol is also checked to travel as CBOR.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MatchPoolTest {

  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  private static final Rating GOOD = new Rating(4.5, 40);

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ConfigFactory.parseString("pekko.actor.serialize-messages = on")
          .withFallback(TestSupport.testKitConfig()))
      .build();

  private final MatchingSettings settings = MatchingSettings.fromConfig(ConfigFactory.load());
  private TestClock clock;
  private ActorRef<Command> pool;

  @BeforeEach
  void setUp() {
    clock = new TestClock(T0);
    pool = testKit.spawn(MatchPool.create("math", settings, clock));
  }

  @Test
  void theSettingsAreTheOnesTheseTestsAssume() {
    assertThat(settings.offerTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(settings.poolEntryTtl()).isEqualTo(Duration.ofSeconds(45));
    assertThat(MatchPool.sweepInterval(settings)).isEqualTo(Duration.ofSeconds(15));
  }

  // --- availability ---

  @Test
  void anAvailableTutorIsInThePoolAndLeavesWhenUnavailable() {
    pool.tell(new TutorAvailable(tutor("t-1")));
    pool.tell(new TutorAvailable(tutor("t-2")));
    assertThat(available(null, null)).containsExactly("t-1", "t-2");

    pool.tell(new TutorUnavailable("t-1"));
    pool.tell(new TutorUnavailable("t-unknown"));
    assertThat(available(null, null)).containsExactly("t-2");
  }

  @Test
  void aRepeatedTutorAvailableReplacesTheCard() {
    pool.tell(new TutorAvailable(tutor("t-1")));
    pool.tell(new TutorAvailable(card("t-1", mathAt("high"), List.of("en"), 9000, GOOD)));

    Available reply = getAvailable(null, null);
    assertThat(reply.tutors()).hasSize(1);
    assertThat(reply.tutors().get(0).rateCents()).isEqualTo(9000);
  }

  @Test
  void cardsForOtherSubjectsAreIgnored() {
    pool.tell(new TutorAvailable(card("t-physics", List.of(new SubjectOffer("physics", List.of("high"))), List.of("en"),
        3000, GOOD)));

    assertThat(available(null, null)).isEmpty();
    assertThat(find(query(10))).isEmpty();
  }

  @Test
  void aTutorWhoStopsTeachingTheSubjectLeavesThePool() {
    pool.tell(new TutorAvailable(tutor("t-1")));
    pool.tell(new TutorAvailable(card("t-1", List.of(new SubjectOffer("physics", List.of("high"))), List.of("en"), 3000,
        GOOD)));

    assertThat(available(null, null)).isEmpty();
  }

  // --- candidates: filters and ranking ---

  @Test
  void candidatesAreFilteredByLevelLanguageRateAndExclusion() {
    pool.tell(new TutorAvailable(card("t-level", mathAt("primary"), List.of("en"), 3000, GOOD)));
    pool.tell(new TutorAvailable(card("t-language", mathAt("high"), List.of("de"), 3000, GOOD)));
    pool.tell(new TutorAvailable(card("t-dear", mathAt("high"), List.of("en"), 5001, GOOD)));
    pool.tell(new TutorAvailable(card("t-excluded", mathAt("high"), List.of("en"), 3000, GOOD)));
    pool.tell(new TutorAvailable(card("t-fits", mathAt("high"), List.of("en", "de"), 5000, GOOD)));

    CandidateQuery query = new CandidateQuery("s-1", "student-1", "math", "high", "en", 5000, Set.of("t-excluded"), 10);
    assertThat(find(query)).containsExactly("t-fits");
  }

  @Test
  void candidatesComeInTheRankersOrderAtMostLimit() {
    List<TutorCard> cards = List.of(
        card("t-1", mathAt("high"), List.of("en"), 3000, new Rating(4.1, 30)),
        card("t-2", mathAt("high"), List.of("en"), 4500, new Rating(4.9, 300)),
        card("t-3", mathAt("high"), List.of("en"), 2000, Rating.NONE),
        card("t-4", mathAt("high"), List.of("en"), 3500, new Rating(5.0, 2)),
        card("t-5", mathAt("high"), List.of("en"), 1500, new Rating(3.2, 80)));
    cards.forEach(card -> pool.tell(new TutorAvailable(card)));
    List<Ranker.Candidate> fresh = cards.stream().map(card -> new Ranker.Candidate(card, Ranker.Stats.NONE, false))
        .toList();
    List<String> expected = new Ranker().rank(query(3), fresh, T0).stream().map(TutorCard::tutorId).toList();

    assertThat(expected).hasSize(3);
    assertThat(find(query(3))).containsExactlyElementsOf(expected);
  }

  @Test
  void aQueryForAnotherSubjectFindsNobody() {
    pool.tell(new TutorAvailable(tutor("t-1")));

    assertThat(find(new CandidateQuery("s-1", "student-1", "physics", "high", "en", 5000, Set.of(), 10))).isEmpty();
    assertThat(find(query(10))).containsExactly("t-1");
  }

  // --- outstanding offers ---

  @Test
  void aTutorHoldingAnOfferIsNotReturnedAgainUntilItsOutcome() {
    pool.tell(new TutorAvailable(tutor("t-a")));
    pool.tell(new TutorAvailable(tutor("t-b")));

    assertThat(find(query(1))).containsExactly("t-a");
    assertThat(find(query(10))).containsExactly("t-b");
    assertThat(find(query(10))).isEmpty();

    pool.tell(new OfferOutcome("t-a", Outcome.DECLINED));
    assertThat(find(query(10))).containsExactly("t-a");
  }

  @Test
  void anOfferMarkEndsWhenTheOfferTimeoutPasses() {
    pool.tell(new TutorAvailable(tutor("t-a")));
    assertThat(find(query(1))).containsExactly("t-a");

    advance(settings.offerTimeout().minusSeconds(1));
    assertThat(find(query(1))).isEmpty();

    advance(Duration.ofSeconds(1));
    assertThat(find(query(1))).containsExactly("t-a");
  }

  @Test
  void aTutorHoldingAnOfferIsStillListedAsAvailable() {
    pool.tell(new TutorAvailable(tutor("t-a")));
    assertThat(find(query(1))).containsExactly("t-a");

    assertThat(available(null, null)).containsExactly("t-a");
  }

  @Test
  void anOfferMarkSurvivesLeavingAndRejoiningThePool() {
    pool.tell(new TutorAvailable(tutor("t-a")));
    assertThat(find(query(1))).containsExactly("t-a");

    pool.tell(new TutorUnavailable("t-a"));
    pool.tell(new TutorAvailable(tutor("t-a")));
    assertThat(find(query(1))).isEmpty();
  }

  // --- stats fed back into the ranking ---

  @Test
  void anAcceptedOfferRaisesTheAcceptanceRate() {
    offerBothThenAcceptB();

    assertThat(find(query(10))).containsExactly("t-b", "t-a");
  }

  @Test
  void aWithdrawnOfferDoesNotCountAgainstTheAcceptanceRate() {
    pool.tell(new TutorAvailable(tutor("t-a")));
    pool.tell(new TutorAvailable(tutor("t-b")));
    assertThat(find(query(2))).containsExactly("t-a", "t-b");
    pool.tell(new OfferOutcome("t-a", Outcome.DECLINED));
    pool.tell(new OfferOutcome("t-b", Outcome.WITHDRAWN));

    // Offered at the same instant; t-a declined (1/3), t-b is back to the fresh 1/2.
    assertThat(find(query(10))).containsExactly("t-b", "t-a");
  }

  @Test
  void aDuplicateOutcomeIsCountedOnce() {
    pool.tell(new TutorAvailable(tutor("t-a")));
    pool.tell(new TutorAvailable(tutor("t-b")));
    assertThat(find(query(2))).containsExactly("t-a", "t-b");
    pool.tell(new OfferOutcome("t-a", Outcome.DECLINED));
    pool.tell(new OfferOutcome("t-b", Outcome.DECLINED));
    pool.tell(new OfferOutcome("t-b", Outcome.WITHDRAWN));

    // Had the second outcome counted, t-b would be back to a fresh 1/2 and rank above t-a's 1/3.
    assertThat(find(query(10))).containsExactly("t-a", "t-b");
  }

  @Test
  void statsSurviveLeavingAndRejoiningThePool() {
    offerBothThenAcceptB();

    pool.tell(new TutorUnavailable("t-b"));
    advance(Duration.ofMinutes(30));
    pool.tell(new TutorAvailable(tutor("t-a")));
    pool.tell(new TutorAvailable(tutor("t-b")));
    pool.tell(MatchPool.Tick.INSTANCE);
    assertThat(find(query(10))).containsExactly("t-b", "t-a");
  }

  @Test
  void statsOfATutorGoneForLongAreForgotten() {
    offerBothThenAcceptB();

    pool.tell(new TutorUnavailable("t-a"));
    pool.tell(new TutorUnavailable("t-b"));
    advance(MatchPool.STATS_RETENTION.plusMinutes(1));
    pool.tell(MatchPool.Tick.INSTANCE);
    pool.tell(new TutorAvailable(tutor("t-a")));
    pool.tell(new TutorAvailable(tutor("t-b")));
    // Both are fresh again: the tie-break by id decides.
    assertThat(find(query(10))).containsExactly("t-a", "t-b");
  }

  @Test
  void theLeastRecentlyOfferedTutorComesFirst() {
    pool.tell(new TutorAvailable(tutor("t-a")));
    pool.tell(new TutorAvailable(tutor("t-b")));
    assertThat(find(query(1))).containsExactly("t-a");
    pool.tell(new OfferOutcome("t-a", Outcome.EXPIRED));

    advance(Duration.ofSeconds(20));
    assertThat(find(query(10))).containsExactly("t-b", "t-a");
  }

  @Test
  void aReturningPairRanksFirstForThatStudentOnly() {
    pool.tell(new TutorAvailable(tutor("t-a")));
    pool.tell(new TutorAvailable(tutor("t-b")));
    pool.tell(new SessionMatched("t-b", "student-1"));

    assertThat(find(queryFor("student-2"))).containsExactly("t-a", "t-b");
    pool.tell(new OfferOutcome("t-a", Outcome.WITHDRAWN));
    pool.tell(new OfferOutcome("t-b", Outcome.WITHDRAWN));
    assertThat(find(queryFor("student-1"))).containsExactly("t-b", "t-a");
  }

  @Test
  void aReturningPairIsRaisedFromOutsideTheWaveIntoIt() {
    // t-z is rated lower and last by id: without history it does not make a wave of one.
    pool.tell(new TutorAvailable(tutor("t-a")));
    pool.tell(new TutorAvailable(card("t-z", mathAt("high"), List.of("en"), 3000, new Rating(3.5, 40))));
    for (int i = 0; i < 3; i++) {
      pool.tell(new SessionMatched("t-z", "student-1"));
    }

    assertThat(find(queryFor("student-1", 1))).containsExactly("t-z");
    pool.tell(new OfferOutcome("t-z", Outcome.WITHDRAWN));
    advance(Duration.ofDays(365));
    pool.tell(new TutorAvailable(tutor("t-a")));
    pool.tell(new TutorAvailable(card("t-z", mathAt("high"), List.of("en"), 3000, new Rating(3.5, 40))));
    assertThat(find(queryFor("student-2", 1))).containsExactly("t-a");
  }

  @Test
  void aReturningPairStillPassesEveryHardFilter() {
    pool.tell(new TutorAvailable(tutor("t-a")));
    pool.tell(new TutorAvailable(card("t-fr", mathAt("high"), List.of("fr"), 3000, GOOD)));
    pool.tell(new TutorAvailable(card("t-dear", mathAt("high"), List.of("en"), 9000, GOOD)));
    pool.tell(new TutorAvailable(card("t-primary", mathAt("primary"), List.of("en"), 3000, GOOD)));
    pool.tell(new TutorAvailable(tutor("t-held")));
    pool.tell(new TutorAvailable(tutor("t-excluded")));
    pool.tell(new TutorAvailable(tutor("t-gone")));
    for (String tutorId : List.of("t-fr", "t-dear", "t-primary", "t-held", "t-excluded", "t-gone", "t-never-here")) {
      pool.tell(new SessionMatched(tutorId, "student-1"));
    }
    assertThat(find(new CandidateQuery("s-0", "student-9", "math", "high", "en", 5000, Set.of("t-a", "t-excluded", "t-gone"), 1)))
        .containsExactly("t-held");
    pool.tell(new TutorUnavailable("t-gone"));

    assertThat(find(new CandidateQuery("s-1", "student-1", "math", "high", "en", 5000, Set.of("t-excluded"), 10)))
        .containsExactly("t-a");
  }

  // --- presence TTL ---

  @Test
  void anEntryWithoutHeartbeatIsDroppedAfterTheTtl() {
    pool.tell(new TutorAvailable(tutor("t-silent")));
    pool.tell(new TutorAvailable(tutor("t-alive")));
    advance(Duration.ofSeconds(30));
    pool.tell(new TutorAvailable(tutor("t-alive")));

    advance(Duration.ofSeconds(16));
    pool.tell(MatchPool.Tick.INSTANCE);

    assertThat(available(null, null)).containsExactly("t-alive");
    assertThat(find(query(10))).containsExactly("t-alive");
  }

  @Test
  void anEntryExactlyAtTheTtlIsKept() {
    pool.tell(new TutorAvailable(tutor("t-1")));
    advance(settings.poolEntryTtl());
    pool.tell(MatchPool.Tick.INSTANCE);

    assertThat(available(null, null)).containsExactly("t-1");
  }

  @Test
  void aStaleEntryIsNeverOfferedEvenBeforeTheSweep() {
    pool.tell(new TutorAvailable(tutor("t-1")));
    advance(settings.poolEntryTtl().plusSeconds(1));

    assertThat(find(query(10))).isEmpty();
    assertThat(available(null, null)).isEmpty();
  }

  @Test
  void aDroppedTutorComesBackWithItsNextHeartbeat() {
    pool.tell(new TutorAvailable(tutor("t-1")));
    advance(Duration.ofMinutes(5));
    pool.tell(MatchPool.Tick.INSTANCE);
    assertThat(available(null, null)).isEmpty();

    pool.tell(new TutorAvailable(tutor("t-1")));
    assertThat(available(null, null)).containsExactly("t-1");
  }

  // --- GetAvailable ---

  @Test
  void getAvailableFiltersByLanguageAndLevelSortedById() {
    pool.tell(new TutorAvailable(card("t-3", mathAt("high", "university"), List.of("en", "fr"), 3000, GOOD)));
    pool.tell(new TutorAvailable(card("t-1", mathAt("high"), List.of("fr"), 3000, GOOD)));
    pool.tell(new TutorAvailable(card("t-2", mathAt("primary"), List.of("en"), 3000, GOOD)));

    Available all = getAvailable(null, null);
    assertThat(all.subject()).isEqualTo("math");
    assertThat(ids(all.tutors())).containsExactly("t-1", "t-2", "t-3");
    assertThat(available("fr", null)).containsExactly("t-1", "t-3");
    assertThat(available(null, "high")).containsExactly("t-1", "t-3");
    assertThat(available("en", "high")).containsExactly("t-3");
    assertThat(available("en", "university")).containsExactly("t-3");
    assertThat(available("de", null)).isEmpty();
  }

  // --- serialization ---

  static Stream<CborSerializable> protocol() {
    return Stream.of(
        new TutorAvailable(tutor("t-1")),
        new TutorAvailable(card("t-2", mathAt("high"), List.of("en", "fr"), 2500, Rating.NONE)),
        new TutorUnavailable("t-1"),
        new OfferOutcome("t-1", Outcome.ACCEPTED),
        new SessionMatched("t-1", "student-1"),
        query(3),
        new Candidates(List.of(tutor("t-1"), tutor("t-2"))),
        new Available("math", List.of(tutor("t-1"))),
        MatchPool.Tick.INSTANCE);
  }

  @ParameterizedTest
  @MethodSource("protocol")
  void everyMessageTravelsAsJacksonCborAndComesBackEqual(CborSerializable message) {
    Serialization serialization = SerializationExtension.get(testKit.system());
    Serializer serializer = serialization.findSerializerFor(message);

    assertThat(serializer).isInstanceOf(JacksonCborSerializer.class);
    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    assertThat(serialization.deserialize(bytes, serializer.identifier(), manifest).get()).isEqualTo(message);
  }

  @Test
  void messagesWithReplyRefsAreVerifiedInTransitToo() {
    assertThat(testKit.system().settings().config().getBoolean("pekko.actor.serialize-messages")).isTrue();
  }

  // --- fixtures ---

  /** At T0: t-a and t-b (equal cards) both get an offer; t-a declines, t-b accepts. */
  private void offerBothThenAcceptB() {
    pool.tell(new TutorAvailable(tutor("t-a")));
    pool.tell(new TutorAvailable(tutor("t-b")));
    assertThat(find(query(2))).containsExactly("t-a", "t-b");
    pool.tell(new OfferOutcome("t-a", Outcome.DECLINED));
    pool.tell(new OfferOutcome("t-b", Outcome.ACCEPTED));
  }

  private static CandidateQuery query(int limit) {
    return new CandidateQuery("s-1", "student-1", "math", "high", "en", 5000, Set.of(), limit);
  }

  private static CandidateQuery queryFor(String studentId) {
    return queryFor(studentId, 10);
  }

  private static CandidateQuery queryFor(String studentId, int limit) {
    return new CandidateQuery("s-1", studentId, "math", "high", "en", 5000, Set.of(), limit);
  }

  private static List<SubjectOffer> mathAt(String... levels) {
    return List.of(new SubjectOffer("math", List.of(levels)), new SubjectOffer("physics", List.of("high")));
  }

  private static TutorCard tutor(String id) {
    return card(id, mathAt("high", "university"), List.of("en"), 3000, GOOD);
  }

  private static TutorCard card(String id, List<SubjectOffer> subjects, List<String> languages, long rateCents,
      Rating rating) {
    return new TutorCard(id, "Tutor " + id, subjects, languages, rateCents, "EUR", rating);
  }

  /**
   * Moves the clock once the pool has handled everything told so far (a round trip), so that no
   * earlier message reads the later time.
   */
  private void advance(Duration by) {
    getAvailable(null, null);
    clock.advance(by);
  }

  private List<String> find(CandidateQuery query) {
    TestProbe<Candidates> probe = testKit.createTestProbe();
    pool.tell(new FindCandidates(query, probe.getRef()));
    return ids(probe.receiveMessage().tutors());
  }

  private Available getAvailable(String language, String level) {
    TestProbe<Available> probe = testKit.createTestProbe();
    pool.tell(new GetAvailable(language, level, probe.getRef()));
    return probe.receiveMessage();
  }

  private List<String> available(String language, String level) {
    return ids(getAvailable(language, level).tutors());
  }

  private static List<String> ids(List<TutorCard> cards) {
    return cards.stream().map(TutorCard::tutorId).toList();
  }
}
