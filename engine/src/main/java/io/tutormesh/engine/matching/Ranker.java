package io.tutormesh.engine.matching;

import io.tutormesh.engine.matching.MatchPool.CandidateQuery;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Ranks the tutors of a pool for one instant request: pure, no actor in sight. A candidate first
 * passes the hard filters ({@link #eligible}); the eligible ones are sorted by {@link #score},
 * best first, ties broken by tutor id, and cut to the query's limit.
 *
 * <p>The score is a weighted sum of five factors, each normalised to [0, 1] so that the weights
 * alone say how much a factor matters:
 *
 * <ul>
 *   <li><b>rating</b>: the Bayesian average {@code (priorReviews * priorAverage + count * average)
 *       / (priorReviews + count)}, mapped from the 1..5 star scale to [0, 1]. A tutor without
 *       reviews gets the prior; 5.0 from one review does not beat 4.8 from two hundred.
 *   <li><b>price</b>: {@code 1 - rate / maxRate}: cheaper relative to what the student accepts
 *       ranks higher.
 *   <li><b>history</b>: {@code n / (n + 1)} for n past sessions with this student: a returning
 *       pair ranks higher, with diminishing returns.
 *   <li><b>fairness</b>: 1 for a tutor never offered anything, else {@code e / (e + halfLife)} for
 *       the time e since the last offer: least recently offered first, so offers spread out.
 *   <li><b>acceptance</b>: the smoothed rate {@code (accepted + 1) / (sent + 2)}; a tutor without
 *       history gets 0.5.
 * </ul>
 */
public final class Ranker {

  /**
   * How much each factor counts; any non-negative values (they need not sum to 1).
   *
   * @param rating review quality, the main signal that the student will be well served
   * @param price how cheap the tutor is relative to the student's maximum; kept mild because every
   *     candidate already fits the budget
   * @param history past sessions with this student (students rebook tutors they liked)
   * @param fairness time since the tutor was last offered a request, so that work spreads out and
   *     nobody is offered request after request while others wait
   * @param acceptance how often the tutor accepts offers: a likely accept means a quick match
   */
  public record Weights(double rating, double price, double history, double fairness, double acceptance) {

    /** Rating first, then fairness, then the two predictors of a quick good match, price last. */
    public static final Weights DEFAULT = new Weights(0.40, 0.10, 0.15, 0.20, 0.15);

    public Weights {
      for (double weight : new double[] {rating, price, history, fairness, acceptance}) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
          throw new IllegalArgumentException("weights must be finite and non-negative");
        }
      }
    }
  }

  /**
   * The shape of the rating and fairness curves.
   *
   * @param priorAverage the rating assumed for a tutor without reviews (1..5)
   * @param priorReviews how many reviews that assumption is worth: the more, the longer a tutor
   *     needs real reviews to move away from the prior
   * @param fairnessHalfLife the time since the last offer at which the fairness factor reaches 0.5
   */
  public record Curves(double priorAverage, int priorReviews, Duration fairnessHalfLife) {

    /** A new tutor starts as a solid 4.0 worth ten reviews; fairness is half-restored after ten minutes. */
    public static final Curves DEFAULT = new Curves(4.0, 10, Duration.ofMinutes(10));

    public Curves {
      if (!(priorAverage >= MIN_STARS && priorAverage <= MAX_STARS)) {
        throw new IllegalArgumentException("priorAverage must be between 1 and 5");
      }
      if (priorReviews < 1) {
        throw new IllegalArgumentException("priorReviews must be at least 1");
      }
      if (fairnessHalfLife == null || fairnessHalfLife.isNegative() || fairnessHalfLife.isZero()) {
        throw new IllegalArgumentException("fairnessHalfLife must be positive");
      }
    }
  }

  /**
   * What the pool remembers of a tutor, apart from the card.
   *
   * @param lastOfferedAt when the pool last returned this tutor as a candidate, null if never
   * @param offersSent how many times it did
   * @param offersAccepted how many of those offers the tutor accepted
   * @param pastSessionsWithStudent sessions matched between this tutor and the requesting student
   */
  public record Stats(Instant lastOfferedAt, int offersSent, int offersAccepted, int pastSessionsWithStudent) {
    public static final Stats NONE = new Stats(null, 0, 0, 0);
  }

  /** One tutor of the pool as the ranker sees it. */
  public record Candidate(TutorCard card, Stats stats, boolean holdsOffer) {
    public Candidate {
      Objects.requireNonNull(card, "card");
      stats = stats == null ? Stats.NONE : stats;
    }

    public String tutorId() {
      return card.tutorId();
    }
  }

  private static final double MIN_STARS = 1.0;
  private static final double MAX_STARS = 5.0;

  private final Weights weights;
  private final Curves curves;
  private final long fairnessHalfLifeMillis;

  public Ranker() {
    this(Weights.DEFAULT, Curves.DEFAULT);
  }

  public Ranker(Weights weights) {
    this(weights, Curves.DEFAULT);
  }

  public Ranker(Weights weights, Curves curves) {
    this.weights = Objects.requireNonNull(weights, "weights");
    this.curves = Objects.requireNonNull(curves, "curves");
    this.fairnessHalfLifeMillis = curves.fairnessHalfLife().toMillis();
  }

  /**
   * A tutor's card with what the hard filters read of it as sets, built once when the tutor joins
   * a pool (and again only when its card changes), so that a query costs a few hash lookups per
   * tutor instead of list scans.
   */
  public record Listing(TutorCard card, Map<String, Set<String>> levelsBySubject, Set<String> languages) {

    public static Listing of(TutorCard card) {
      Map<String, Set<String>> levels = new HashMap<>();
      for (SubjectOffer offer : card.subjects()) {
        levels.put(offer.subject(), Set.copyOf(offer.levels()));
      }
      return new Listing(card, Map.copyOf(levels), Set.copyOf(card.languages()));
    }

    public String tutorId() {
      return card.tutorId();
    }

    public boolean teachesSubject(String subject) {
      return levelsBySubject.containsKey(subject);
    }

    /**
     * The hard filters that depend on the card alone: teaches the subject at the level, speaks the
     * language, charges at most the student's maximum, is not excluded.
     */
    public boolean fits(CandidateQuery query) {
      Set<String> levels = levelsBySubject.get(query.subject());
      return levels != null
          && levels.contains(query.level())
          && languages.contains(query.language())
          && fitsBudgetAndExclusions(query);
    }

    /**
     * The card's hard filters that an index by (subject, level, language) cannot answer: charges at
     * most the student's maximum and is not excluded. Only for a tutor already known to teach the
     * query's subject at its level in its language (as the pool's index guarantees); otherwise use
     * {@link #fits}.
     */
    public boolean fitsBudgetAndExclusions(CandidateQuery query) {
      return card.rateCents() <= query.maxRateCents()
          && (query.exclude() == null || query.exclude().isEmpty() || !query.exclude().contains(card.tutorId()));
    }
  }

  /**
   * The eligible candidates, best first, at most {@code query.limit()} of them. Keeps only the
   * best {@code limit} while scanning (a bounded heap), so a large pool costs one pass.
   */
  public List<TutorCard> rank(CandidateQuery query, Collection<Candidate> candidates, Instant now) {
    Selection selection = select(query, now);
    for (Candidate candidate : candidates) {
      if (eligible(query, candidate)) {
        selection.add(candidate.card(), candidate.stats());
      }
    }
    return selection.best();
  }

  /** An empty selection for one query: feed it the eligible tutors, then take the {@link Selection#best}. */
  public Selection select(CandidateQuery query, Instant now) {
    return new Selection(query, now);
  }

  /**
   * A tutor as a pool's candidate scan sees it: what the score reads, as primitives on (at most) the
   * pool's own objects, so that scoring every tutor of a large pool follows no further reference.
   */
  interface Scorable {
    TutorCard card();

    long rateCents();

    /** The card's {@link Rating#average()} (0 without reviews). */
    double ratingAverage();

    /** The card's {@link Rating#count()}. */
    int ratingCount();

    /** Epoch millis of the last offer, {@link #NEVER} if none. */
    long lastOfferedAtMillis();

    int offersSent();

    int offersAccepted();
  }

  /** {@link Scorable#lastOfferedAtMillis} of a tutor never offered anything. */
  static final long NEVER = Long.MIN_VALUE;

  /** The best {@code query.limit()} tutors seen so far, in a bounded heap whose head is the worst kept. */
  public final class Selection {
    private final CandidateQuery query;
    private final long nowMillis;
    private final PriorityQueue<Scored> kept;

    private Selection(CandidateQuery query, Instant now) {
      this.query = query;
      this.nowMillis = now.toEpochMilli();
      this.kept = new PriorityQueue<>(Math.min(Math.max(query.limit(), 0), 64) + 1, BEST_FIRST.reversed());
    }

    /** Considers a tutor that passed the hard filters ({@link #eligible}; the caller checked). */
    public void add(TutorCard card, Stats stats) {
      keep(card, Ranker.this.score(query, card, stats, nowMillis));
    }

    /**
     * The same as {@link #add(TutorCard, Stats)} for a pool's scan: allocates nothing for a tutor
     * that is not kept.
     */
    void add(Scorable tutor, int pastSessionsWithStudent) {
      if (query.limit() > 0) {
        keep(tutor.card(), score(tutor, pastSessionsWithStudent));
      }
    }

    /**
     * Considers the tutor again with {@code pastSessionsWithStudent}, replacing the score it is kept
     * with, if any. A scan can leave the history out (0 for everyone, so that it looks up nothing
     * per tutor) and then replace the student's past tutors: their score only goes up, so the
     * selection ends the same as with the history in the scan.
     */
    void replace(Scorable tutor, int pastSessionsWithStudent) {
      if (query.limit() > 0) {
        String tutorId = tutor.card().tutorId();
        kept.removeIf(scored -> scored.card().tutorId().equals(tutorId));
        keep(tutor.card(), score(tutor, pastSessionsWithStudent));
      }
    }

    private double score(Scorable tutor, int pastSessionsWithStudent) {
      return Ranker.this.score(query, tutor.rateCents(), tutor.ratingAverage(), tutor.ratingCount(),
          tutor.lastOfferedAtMillis(), tutor.offersSent(), tutor.offersAccepted(), pastSessionsWithStudent, nowMillis);
    }

    private void keep(TutorCard card, double score) {
      int limit = query.limit();
      if (limit <= 0) {
        return;
      }
      if (kept.size() < limit) {
        kept.add(new Scored(card, score));
      } else if (ranksBefore(score, card, kept.peek())) {
        kept.poll();
        kept.add(new Scored(card, score));
      }
    }

    /** The tutors kept, best first. */
    public List<TutorCard> best() {
      List<Scored> ranked = new ArrayList<>(kept);
      ranked.sort(BEST_FIRST);
      List<TutorCard> cards = new ArrayList<>(ranked.size());
      for (Scored scored : ranked) {
        cards.add(scored.card());
      }
      return List.copyOf(cards);
    }
  }

  private record Scored(TutorCard card, double score) {}

  private static final Comparator<Scored> BEST_FIRST = Comparator.comparingDouble(Scored::score).reversed()
      .thenComparing(scored -> scored.card().tutorId());

  /** {@code BEST_FIRST.compare(new Scored(card, score), other) < 0}, without building the Scored. */
  private static boolean ranksBefore(double score, TutorCard card, Scored other) {
    int byScore = Double.compare(other.score(), score);
    return byScore < 0 || (byScore == 0 && card.tutorId().compareTo(other.card().tutorId()) < 0);
  }

  /**
   * The hard filters: those of the card ({@link Listing#fits}) and not holding another outstanding
   * offer.
   */
  public static boolean eligible(CandidateQuery query, Candidate candidate) {
    return !candidate.holdsOffer() && Listing.of(candidate.card()).fits(query);
  }

  /** The weighted sum of the factors; higher is better. */
  public double score(CandidateQuery query, Candidate candidate, Instant now) {
    return score(query, candidate.card(), candidate.stats(), now.toEpochMilli());
  }

  private double score(CandidateQuery query, TutorCard card, Stats stats, long nowMillis) {
    Rating rating = card.rating();
    return score(query, card.rateCents(), rating == null ? 0.0 : rating.average(), rating == null ? 0 : rating.count(),
        millis(stats.lastOfferedAt()), stats.offersSent(), stats.offersAccepted(), stats.pastSessionsWithStudent(), nowMillis);
  }

  private double score(CandidateQuery query, long rateCents, double ratingAverage, int ratingCount, long lastOfferedAtMillis,
      int offersSent, int offersAccepted, int pastSessionsWithStudent, long nowMillis) {
    return weights.rating() * ratingFactor(ratingAverage, ratingCount)
        + weights.price() * priceFactor(rateCents, query.maxRateCents())
        + weights.history() * historyFactor(pastSessionsWithStudent)
        + weights.fairness() * fairnessFactor(lastOfferedAtMillis, nowMillis)
        + weights.acceptance() * acceptanceFactor(offersSent, offersAccepted);
  }

  private static long millis(Instant instant) {
    return instant == null ? NEVER : instant.toEpochMilli();
  }

  /** The Bayesian average rating on the 1..5 scale. */
  public double bayesianAverage(Rating rating) {
    return rating == null ? bayesianAverage(0.0, 0) : bayesianAverage(rating.average(), rating.count());
  }

  private double bayesianAverage(double average, int count) {
    int n = Math.max(0, count);
    double sum = n == 0 ? 0.0 : n * average;
    return (curves.priorReviews() * curves.priorAverage() + sum) / (curves.priorReviews() + n);
  }

  double ratingFactor(Rating rating) {
    return rating == null ? ratingFactor(0.0, 0) : ratingFactor(rating.average(), rating.count());
  }

  private double ratingFactor(double average, int count) {
    return clamp((bayesianAverage(average, count) - MIN_STARS) / (MAX_STARS - MIN_STARS));
  }

  static double priceFactor(long rateCents, long maxRateCents) {
    if (maxRateCents <= 0) {
      return 0.0;
    }
    return clamp(1.0 - (double) rateCents / maxRateCents);
  }

  static double historyFactor(int pastSessions) {
    int n = Math.max(0, pastSessions);
    return n / (n + 1.0);
  }

  double fairnessFactor(Instant lastOfferedAt, Instant now) {
    return fairnessFactor(millis(lastOfferedAt), now.toEpochMilli());
  }

  private double fairnessFactor(long lastOfferedAtMillis, long nowMillis) {
    if (lastOfferedAtMillis == NEVER) {
      return 1.0;
    }
    double elapsed = Math.max(0L, nowMillis - lastOfferedAtMillis);
    return elapsed / (elapsed + fairnessHalfLifeMillis);
  }

  static double acceptanceFactor(int sent, int accepted) {
    int s = Math.max(0, sent);
    int a = Math.max(0, Math.min(accepted, s));
    return (a + 1.0) / (s + 2.0);
  }

  private static double clamp(double value) {
    return Math.max(0.0, Math.min(1.0, value));
  }
}
