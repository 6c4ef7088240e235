package io.tutormesh.engine.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tutormesh.engine.matching.MatchPool.CandidateQuery;
import io.tutormesh.engine.matching.Ranker.Candidate;
import io.tutormesh.engine.matching.Ranker.Stats;
import io.tutormesh.engine.matching.Ranker.Weights;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each factor alone decides the order when all else is equal. The tutor expected first always has
 * the later id, so that the tie-break by id cannot produce the expected order by accident.
 */
class RankerTest {

  private static final Instant NOW = Instant.parse("2026-11-28T09:00:00Z");
  private static final Rating GOOD = new Rating(4.5, 40);
  private static final Ranker RANKER = new Ranker();

  // --- hard filters ---

  @Test
  void aTutorWhoDoesNotTeachTheSubjectAtTheLevelIsFilteredOut() {
    Candidate otherLevel = plain(card("t-1", List.of(new SubjectOffer("math", List.of("university"))), List.of("en"),
        3000, GOOD));
    Candidate otherSubject = plain(card("t-2", List.of(new SubjectOffer("physics", List.of("high"))), List.of("en"),
        3000, GOOD));
    Candidate fits = plain(tutor("t-3"));

    assertThat(ids(rank(query(), otherLevel, otherSubject, fits))).containsExactly("t-3");
  }

  @Test
  void aTutorWhoDoesNotSpeakTheLanguageIsFilteredOut() {
    Candidate french = plain(card("t-1", mathHigh(), List.of("fr"), 3000, GOOD));
    Candidate both = plain(card("t-2", mathHigh(), List.of("fr", "en"), 3000, GOOD));

    assertThat(ids(rank(query(), french, both))).containsExactly("t-2");
  }

  @Test
  void aTutorAboveTheStudentsMaximumRateIsFilteredOutOneAtTheMaximumIsNot() {
    Candidate above = plain(card("t-1", mathHigh(), List.of("en"), 5001, GOOD));
    Candidate atMax = plain(card("t-2", mathHigh(), List.of("en"), 5000, GOOD));

    assertThat(ids(rank(query(), above, atMax))).containsExactly("t-2");
  }

  @Test
  void anExcludedTutorIsFilteredOut() {
    CandidateQuery query = new CandidateQuery("s-1", "student-1", "math", "high", "en", 5000, Set.of("t-1"), 10);

    assertThat(ids(rank(query, plain(tutor("t-1")), plain(tutor("t-2"))))).containsExactly("t-2");
  }

  @Test
  void aNullExcludeMeansNobodyIsExcluded() {
    CandidateQuery query = new CandidateQuery("s-1", "student-1", "math", "high", "en", 5000, null, 10);

    assertThat(ids(rank(query, plain(tutor("t-1"))))).containsExactly("t-1");
  }

  @Test
  void aTutorHoldingAnOutstandingOfferIsFilteredOut() {
    Candidate holding = new Candidate(tutor("t-1"), Stats.NONE, true);

    assertThat(ids(rank(query(), holding, plain(tutor("t-2"))))).containsExactly("t-2");
    assertThat(Ranker.eligible(query(), holding)).isFalse();
  }

  @Test
  void theNarrowFilterChecksOnlyBudgetAndExclusionsTheIndexGuaranteesTheRest() {
    CandidateQuery query = new CandidateQuery("s-1", "student-1", "math", "high", "en", 5000, Set.of("t-excluded"), 10);
    Ranker.Listing otherEverything = Ranker.Listing.of(card("t-1", List.of(new SubjectOffer("physics", List.of("adult"))),
        List.of("fr"), 5000, GOOD));

    assertThat(otherEverything.fits(query)).as("the full filter checks subject, level, language").isFalse();
    assertThat(otherEverything.fitsBudgetAndExclusions(query)).as("the narrow one leaves them to the index").isTrue();
    assertThat(Ranker.Listing.of(card("t-2", mathHigh(), List.of("en"), 5001, GOOD)).fitsBudgetAndExclusions(query))
        .isFalse();
    assertThat(Ranker.Listing.of(tutor("t-excluded")).fitsBudgetAndExclusions(query)).isFalse();
    assertThat(Ranker.Listing.of(tutor("t-excluded"))
        .fitsBudgetAndExclusions(new CandidateQuery("s-1", "student-1", "math", "high", "en", 5000, null, 10))).isTrue();
    assertThat(Ranker.Listing.of(tutor("t-3")).fitsBudgetAndExclusions(query)).isTrue();
  }

  @Test
  void aScanOfPrimitivesRanksLikeAddingTheStatsAsARecord() {
    Stats offeredOften = new Stats(NOW.minus(Duration.ofMinutes(3)), 7, 2, 0);
    Stats returning = new Stats(null, 0, 0, 2);
    Ranker.Selection asRecords = RANKER.select(query(), NOW);
    Ranker.Selection oneByOne = RANKER.select(query(), NOW);
    List<TutorCard> cards = List.of(tutor("t-a"), tutor("t-b"), tutor("t-c"));
    List<Stats> stats = List.of(offeredOften, returning, Stats.NONE);
    for (int i = 0; i < cards.size(); i++) {
      Stats s = stats.get(i);
      asRecords.add(cards.get(i), s);
      oneByOne.add(scorable(cards.get(i), s), s.pastSessionsWithStudent());
    }

    assertThat(ids(oneByOne.best())).containsExactly("t-b", "t-c", "t-a").isEqualTo(ids(asRecords.best()));
  }

  @Test
  void aFullSelectionKeepsTheBestAndBreaksTiesByIdWhateverTheOrderOfArrival() {
    CandidateQuery two = new CandidateQuery("s-1", "student-1", "math", "high", "en", 5000, Set.of(), 2);
    Ranker.Selection selection = RANKER.select(two, NOW);
    for (String id : List.of("t-d", "t-b", "t-c", "t-a")) {
      selection.add(tutor(id), Stats.NONE);
    }

    assertThat(ids(selection.best())).containsExactly("t-a", "t-b");
  }

  @Test
  void atMostLimitTutorsAreReturnedTheBestOnes() {
    CandidateQuery two = new CandidateQuery("s-1", "student-1", "math", "high", "en", 5000, Set.of(), 2);
    Candidate best = plain(card("t-1", mathHigh(), List.of("en"), 3000, new Rating(4.9, 100)));
    Candidate second = plain(card("t-2", mathHigh(), List.of("en"), 3000, new Rating(4.5, 100)));
    Candidate third = plain(card("t-3", mathHigh(), List.of("en"), 3000, new Rating(4.0, 100)));

    assertThat(ids(rank(two, third, second, best))).containsExactly("t-1", "t-2");
  }

  @Test
  void aLimitOfZeroReturnsNobody() {
    CandidateQuery none = new CandidateQuery("s-1", "student-1", "math", "high", "en", 5000, Set.of(), 0);

    assertThat(rank(none, plain(tutor("t-1")))).isEmpty();
  }

  // --- rating ---

  @Test
  void aHigherRatingRanksHigher() {
    Candidate lower = plain(card("a-lower", mathHigh(), List.of("en"), 3000, new Rating(4.2, 50)));
    Candidate higher = plain(card("z-higher", mathHigh(), List.of("en"), 3000, new Rating(4.7, 50)));

    assertThat(ids(rank(query(), lower, higher))).containsExactly("z-higher", "a-lower");
  }

  @Test
  void fiveStarsFromOneReviewDoNotBeat4Point8From200() {
    Candidate lucky = plain(card("a-lucky", mathHigh(), List.of("en"), 3000, new Rating(5.0, 1)));
    Candidate proven = plain(card("z-proven", mathHigh(), List.of("en"), 3000, new Rating(4.8, 200)));

    assertThat(ids(rank(query(), lucky, proven))).containsExactly("z-proven", "a-lucky");
  }

  @Test
  void aTutorWithoutReviewsGetsThePrior() {
    Candidate poor = plain(card("a-poor", mathHigh(), List.of("en"), 3000, new Rating(3.0, 50)));
    Candidate fresh = plain(card("m-new", mathHigh(), List.of("en"), 3000, Rating.NONE));
    Candidate good = plain(card("z-good", mathHigh(), List.of("en"), 3000, new Rating(4.6, 50)));

    assertThat(RANKER.bayesianAverage(Rating.NONE)).isEqualTo(Ranker.Curves.DEFAULT.priorAverage());
    assertThat(RANKER.bayesianAverage(new Rating(5.0, 1))).isCloseTo((10 * 4.0 + 5.0) / 11, within(1e-9));
    assertThat(ids(rank(query(), poor, fresh, good))).containsExactly("z-good", "m-new", "a-poor");
  }

  // --- price ---

  @Test
  void aCheaperTutorRanksHigher() {
    Candidate dear = plain(card("a-dear", mathHigh(), List.of("en"), 4500, GOOD));
    Candidate cheap = plain(card("z-cheap", mathHigh(), List.of("en"), 2500, GOOD));

    assertThat(ids(rank(query(), dear, cheap))).containsExactly("z-cheap", "a-dear");
  }

  @Test
  void priceCountsLessThanRating() {
    Candidate cheapButWeak = plain(card("a-cheap", mathHigh(), List.of("en"), 1000, new Rating(3.8, 100)));
    Candidate dearButStrong = plain(card("z-strong", mathHigh(), List.of("en"), 5000, new Rating(4.8, 100)));

    assertThat(ids(rank(query(), cheapButWeak, dearButStrong))).containsExactly("z-strong", "a-cheap");
  }

  // --- history with this student ---

  @Test
  void aReturningPairRanksHigher() {
    Candidate stranger = plain(tutor("a-stranger"));
    Candidate known = new Candidate(tutor("z-known"), new Stats(null, 0, 0, 2), false);

    assertThat(ids(rank(query(), stranger, known))).containsExactly("z-known", "a-stranger");
  }

  @Test
  void moreSessionsTogetherRankHigherWithDiminishingReturns() {
    Candidate once = new Candidate(tutor("a-once"), new Stats(null, 0, 0, 1), false);
    Candidate often = new Candidate(tutor("z-often"), new Stats(null, 0, 0, 5), false);

    assertThat(ids(rank(query(), once, often))).containsExactly("z-often", "a-once");
    assertThat(Ranker.historyFactor(1)).isEqualTo(0.5);
    assertThat(Ranker.historyFactor(5) - Ranker.historyFactor(4)).isLessThan(Ranker.historyFactor(1));
  }

  // --- fairness ---

  @Test
  void aTutorNeverOfferedRanksAboveOneOfferedLongAgo() {
    Candidate offeredLongAgo = new Candidate(tutor("a-offered"), new Stats(NOW.minus(Duration.ofDays(7)), 0, 0, 0),
        false);
    Candidate never = plain(tutor("z-never"));

    assertThat(ids(rank(query(), offeredLongAgo, never))).containsExactly("z-never", "a-offered");
  }

  @Test
  void theLeastRecentlyOfferedTutorRanksHigher() {
    // Same counts (so the same acceptance rate); only the time of the last offer differs.
    Candidate recent = new Candidate(tutor("a-recent"), new Stats(NOW.minusSeconds(30), 4, 2, 0), false);
    Candidate earlier = new Candidate(tutor("m-earlier"), new Stats(NOW.minus(Duration.ofMinutes(5)), 4, 2, 0), false);
    Candidate longAgo = new Candidate(tutor("z-long-ago"), new Stats(NOW.minus(Duration.ofHours(2)), 4, 2, 0), false);

    assertThat(ids(rank(query(), recent, earlier, longAgo))).containsExactly("z-long-ago", "m-earlier", "a-recent");
  }

  // --- acceptance rate ---

  @Test
  void aHigherAcceptanceRateRanksHigher() {
    Instant at = NOW.minus(Duration.ofHours(1));
    Candidate declines = new Candidate(tutor("a-declines"), new Stats(at, 10, 1, 0), false);
    Candidate accepts = new Candidate(tutor("z-accepts"), new Stats(at, 10, 9, 0), false);

    assertThat(ids(rank(query(), declines, accepts))).containsExactly("z-accepts", "a-declines");
  }

  @Test
  void theAcceptanceRateIsSmoothed() {
    assertThat(Ranker.acceptanceFactor(0, 0)).isEqualTo(0.5);
    assertThat(Ranker.acceptanceFactor(1, 1)).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(Ranker.acceptanceFactor(10, 8)).isEqualTo(0.75);
    assertThat(Ranker.acceptanceFactor(3, 0)).isEqualTo(0.2);

    Instant at = NOW.minus(Duration.ofHours(1));
    Candidate oneOfOne = new Candidate(tutor("a-one-of-one"), new Stats(at, 1, 1, 0), false);
    Candidate eightOfTen = new Candidate(tutor("z-eight-of-ten"), new Stats(at, 10, 8, 0), false);
    assertThat(ids(rank(query(), oneOfOne, eightOfTen))).containsExactly("z-eight-of-ten", "a-one-of-one");
  }

  // --- tie-break and combination ---

  @Test
  void equalScoresAreOrderedByTutorId() {
    assertThat(ids(rank(query(), plain(tutor("t-c")), plain(tutor("t-a")), plain(tutor("t-b")))))
        .containsExactly("t-a", "t-b", "t-c");
  }

  @Test
  void theFactorsCombineByTheirWeights() {
    // A star just offered a request, a solid tutor never offered one, a returning tutor with a
    // middling record, and a newcomer. Scores with the default weights (see Ranker.Weights):
    //   star      0.40*0.946 + 0.10*0.2 + 0          + 0.20*0.091 + 0.15*0.75 = 0.529
    //   solid     0.40*0.824 + 0.10*0.3 + 0          + 0.20*1     + 0.15*0.5  = 0.634
    //   returning 0.40*0.799 + 0.10*0.4 + 0.15*0.75  + 0.20*0.75  + 0.15*0.5  = 0.697
    //   newcomer  0.40*0.750 + 0.10*0.5 + 0          + 0.20*1     + 0.15*0.5  = 0.625
    Candidate star = new Candidate(card("t-star", mathHigh(), List.of("en"), 4000, new Rating(4.8, 500)),
        new Stats(NOW.minus(Duration.ofMinutes(1)), 10, 8, 0), false);
    Candidate solid = plain(card("t-solid", mathHigh(), List.of("en"), 3500, new Rating(4.3, 500)));
    Candidate returning = new Candidate(card("t-returning", mathHigh(), List.of("en"), 3000, new Rating(4.2, 500)),
        new Stats(NOW.minus(Duration.ofMinutes(30)), 0, 0, 3), false);
    Candidate newcomer = plain(card("t-newcomer", mathHigh(), List.of("en"), 2500, Rating.NONE));

    assertThat(ids(rank(query(), star, solid, returning, newcomer)))
        .containsExactly("t-returning", "t-solid", "t-newcomer", "t-star");
    assertThat(RANKER.score(query(), returning, NOW)).isCloseTo(0.697, within(1e-3));
  }

  @Test
  void customWeightsChangeTheOrder() {
    Ranker priceOnly = new Ranker(new Weights(0, 1, 0, 0, 0));
    Candidate strongButDear = plain(card("t-1", mathHigh(), List.of("en"), 4900, new Rating(5.0, 500)));
    Candidate weakButCheap = plain(card("t-2", mathHigh(), List.of("en"), 1000, new Rating(2.0, 500)));

    assertThat(ids(priceOnly.rank(query(), List.of(strongButDear, weakButCheap), NOW))).containsExactly("t-2", "t-1");
    assertThat(ids(RANKER.rank(query(), List.of(strongButDear, weakButCheap), NOW))).containsExactly("t-1", "t-2");
  }

  @Test
  void weightsAndCurvesMustBeSane() {
    assertThatThrownBy(() -> new Weights(-0.1, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Weights(Double.NaN, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ranker.Curves(0.5, 10, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ranker.Curves(4.0, 0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ranker.Curves(4.0, 10, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  // --- fixtures ---

  private static CandidateQuery query() {
    return new CandidateQuery("s-1", "student-1", "math", "high", "en", 5000, Set.of(), 10);
  }

  private static List<SubjectOffer> mathHigh() {
    return List.of(new SubjectOffer("math", List.of("high", "university")));
  }

  private static TutorCard tutor(String id) {
    return card(id, mathHigh(), List.of("en"), 3000, GOOD);
  }

  static TutorCard card(String id, List<SubjectOffer> subjects, List<String> languages, long rateCents, Rating rating) {
    return new TutorCard(id, "Tutor " + id, subjects, languages, rateCents, "EUR", rating);
  }

  /** The card and stats as a pool's scan presents them. */
  private static Ranker.Scorable scorable(TutorCard card, Stats stats) {
    return new Ranker.Scorable() {
      @Override
      public TutorCard card() {
        return card;
      }

      @Override
      public long rateCents() {
        return card.rateCents();
      }

      @Override
      public double ratingAverage() {
        return card.rating().average();
      }

      @Override
      public int ratingCount() {
        return card.rating().count();
      }

      @Override
      public long lastOfferedAtMillis() {
        return stats.lastOfferedAt() == null ? Ranker.NEVER : stats.lastOfferedAt().toEpochMilli();
      }

      @Override
      public int offersSent() {
        return stats.offersSent();
      }

      @Override
      public int offersAccepted() {
        return stats.offersAccepted();
      }
    };
  }

  private static Candidate plain(TutorCard card) {
    return new Candidate(card, Stats.NONE, false);
  }

  private static List<TutorCard> rank(CandidateQuery query, Candidate... candidates) {
    return RANKER.rank(query, List.of(candidates), NOW);
  }

  private static List<String> ids(List<TutorCard> cards) {
    return cards.stream().map(TutorCard::tutorId).toList();
  }
}
