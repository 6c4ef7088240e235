package io.tutormesh.engine.matching;

import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.matching.PoolEntries.Entry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The live index of AVAILABLE tutors of one subject (sharded, entity id = subject, volatile). Fed
 * by tutor presence; answers ranked candidates for an instant request. Never the authority: the
 * TutorEntity confirms a reservation. After a failover it starts empty and is rebuilt from the
 * tutors' presence heartbeats; an entry that is not refreshed within `tutormesh.matching.pool-entry-ttl`
 * is dropped, so a crashed node never leaves ghosts.
 *
 * <p>Ranking is the {@link Ranker}'s; the pool keeps, apart from the entries, the volatile stats
 * it feeds ({@link TutorStats}: last offer, offers sent and accepted, and the outstanding-offer
 * marks, in {@link PoolEntries}) and the sessions per student and tutor ({@link PairHistory}).
 * Stats survive a TutorUnavailable/TutorAvailable cycle. Memory stays bounded: a tutor's stats are
 * forgotten {@link #STATS_RETENTION} after it left the pool, a student's past tutors as long
 * after the student's last match here, and at most {@link #MAX_STUDENTS} students with
 * {@link #MAX_TUTORS_PER_STUDENT} past tutors each are kept (least recently matched
 * dropped first). An offer mark ends with its {@link OfferOutcome} or at {@code offer-timeout}
 * after the offer, whichever comes first; outcomes carry no offer id, so an outcome without a
 * mark (a duplicate) is ignored. The acceptance rate counts the offers a tutor answered:
 * ACCEPTED, DECLINED and EXPIRED; a WITHDRAWN offer is taken back from {@code offersSent} (the
 * fairness clock still counts it as an offer).
 */
public final class MatchPool {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "MatchPool");

  private MatchPool() {}

  public sealed interface Command extends CborSerializable {}

  /** Adds or refreshes a tutor (idempotent; sent on every presence heartbeat while ONLINE). */
  public record TutorAvailable(TutorCard card) implements Command {}

  /** The tutor is no longer available (BUSY, AWAY, OFFLINE, suspended). Idempotent. */
  public record TutorUnavailable(String tutorId) implements Command {}

  /**
   * Ranked candidates for a request, best first, at most `limit`, never one in `exclude`, never
   * one that holds another outstanding offer. The tutors returned are marked as holding an
   * offer until an {@link OfferOutcome} arrives or the offer timeout passes.
   */
  public record FindCandidates(CandidateQuery query, ActorRef<Candidates> replyTo) implements Command {}

  public record CandidateQuery(
      String sessionId,
      String studentId,
      String subject,
      String level,
      String language,
      long maxRateCents,
      Set<String> exclude,
      int limit,
      int durationMinutes) implements CborSerializable {

    /**
     * @param durationMinutes the instant session's length: a tutor whose next booked lesson starts
     *     before now + this + the booking buffer is skipped ({@link TutorCard#freeFor}); 0: only a
     *     lesson in progress or within the buffer skips it
     */
    public CandidateQuery(
        String sessionId, String studentId, String subject, String level, String language, long maxRateCents, Set<String> exclude, int limit) {
      this(sessionId, studentId, subject, level, language, maxRateCents, exclude, limit, 0);
    }
  }

  public record Candidates(List<TutorCard> tutors) implements CborSerializable {}

  public enum Outcome { ACCEPTED, DECLINED, EXPIRED, WITHDRAWN }

  /** How an offer ended: frees the tutor for other offers and feeds the acceptance rate. */
  public record OfferOutcome(String tutorId, Outcome outcome) implements Command {}

  /** A session matched this tutor with this student (history: "past sessions with this student"). */
  public record SessionMatched(String tutorId, String studentId) implements Command {}

  /** The available tutors, filtered by language and level when given (null = any). */
  public record GetAvailable(String language, String level, ActorRef<Available> replyTo) implements Command {}

  public record Available(String subject, List<TutorCard> tutors) implements CborSerializable {}

  /**
   * The periodic sweep: drops entries not refreshed within the pool entry TTL and the stats of
   * tutors gone for longer than {@link #STATS_RETENTION}. Package-private so that tests can sweep
   * by hand with a test clock; never sent across the network.
   */
  enum Tick implements Command {
    INSTANCE
  }

  /**
   * How long the pool remembers offers, accepts and past students of a tutor who left it (so that
   * stats survive a BUSY session or a short break, but not forever): one working day.
   */
  static final Duration STATS_RETENTION = Duration.ofHours(24);

  /** Past tutors remembered per student, least recently matched dropped first. */
  static final int MAX_TUTORS_PER_STUDENT = 100;

  /**
   * Students whose past tutors a pool remembers, least recently matched dropped first (besides
   * those without a match for {@link #STATS_RETENTION}).
   */
  static final int MAX_STUDENTS = 50_000;

  /** Starts the sharded pools on this node. */
  public static void init(ActorSystem<?> system) {
    MatchingSettings settings = MatchingSettings.fromConfig(system.settings().config());
    Duration buffer = io.tutormesh.engine.schedule.ScheduleSettings.fromConfig(system.settings().config()).buffer();
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), settings, buffer, Clock.systemUTC())));
  }

  /** The pool of one subject. */
  public static Behavior<Command> create(String subject, MatchingSettings settings) {
    return create(subject, settings, Clock.systemUTC());
  }

  /** The pool of one subject, reading time from {@code clock} (tests pass a manual one). */
  public static Behavior<Command> create(String subject, MatchingSettings settings, Clock clock) {
    return create(subject, settings, Duration.ZERO, clock);
  }

  /** @param bookingBuffer {@code tutormesh.schedule.buffer}: kept free before a tutor's booked lesson */
  public static Behavior<Command> create(String subject, MatchingSettings settings, Duration bookingBuffer, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Pool(ctx, timers, subject, settings, bookingBuffer, clock)));
  }

  /** Sweeps three times per TTL, so that a stale entry lives at most a third of a TTL too long. */
  static Duration sweepInterval(MatchingSettings settings) {
    return Duration.ofMillis(Math.max(1, settings.poolEntryTtl().toMillis() / 3));
  }

  /**
   * Its handlers return {@code Behaviors.same()}, not {@code this}: under {@code withTimers}, Pekko
   * wraps a returned behavior in a new timer interceptor for every message.
   */
  private static final class Pool extends AbstractBehavior<Command> {

    private final String subject;
    private final MatchingSettings settings;
    private final Duration bookingBuffer;
    private final Clock clock;
    private final Ranker ranker = new Ranker();
    /** The entries and the stats of the tutors (see {@link PoolEntries}). */
    private final PoolEntries entries;
    private final PairHistory history = new PairHistory(MAX_STUDENTS, MAX_TUTORS_PER_STUDENT);

    private Pool(ActorContext<Command> context, TimerScheduler<Command> timers, String subject,
        MatchingSettings settings, Duration bookingBuffer, Clock clock) {
      super(context);
      this.subject = subject;
      this.entries = new PoolEntries(subject);
      this.settings = settings;
      this.bookingBuffer = bookingBuffer;
      this.clock = clock;
      timers.startTimerWithFixedDelay(Tick.INSTANCE, sweepInterval(settings));
    }

    @Override
    public Receive<Command> createReceive() {
      return newReceiveBuilder()
          .onMessage(TutorAvailable.class, this::onTutorAvailable)
          .onMessage(TutorUnavailable.class, this::onTutorUnavailable)
          .onMessage(FindCandidates.class, this::onFindCandidates)
          .onMessage(OfferOutcome.class, this::onOfferOutcome)
          .onMessage(SessionMatched.class, this::onSessionMatched)
          .onMessage(GetAvailable.class, this::onGetAvailable)
          .onMessageEquals(Tick.INSTANCE, this::onTick)
          .build();
    }

    private Behavior<Command> onTutorAvailable(TutorAvailable command) {
      TutorCard card = command.card();
      if (card == null || card.tutorId() == null) {
        getContext().getLog().warn("Ignoring TutorAvailable without a card or tutor id in pool {}", subject);
        return Behaviors.same();
      }
      Entry known = entries.get(card.tutorId());
      // A heartbeat re-announces the same card: keep its listing rather than build it again.
      Ranker.Listing listing = known != null && (known.card() == card || known.card().equals(card)) ? known.listing() : Ranker.Listing.of(card);
      if (!listing.teachesSubject(subject)) {
        // Routed here by mistake, or the tutor stopped teaching this subject: not (or no longer) ours.
        if (entries.remove(card.tutorId()) != null) {
          entries.touch(card.tutorId(), clock.instant());
        }
        return Behaviors.same();
      }
      entries.put(new Entry(listing, clock.instant()));
      return Behaviors.same();
    }

    private Behavior<Command> onTutorUnavailable(TutorUnavailable command) {
      if (entries.remove(command.tutorId()) != null) {
        entries.touch(command.tutorId(), clock.instant());
      }
      return Behaviors.same();
    }

    private Behavior<Command> onFindCandidates(FindCandidates command) {
      CandidateQuery query = command.query();
      if (query == null || !subject.equals(query.subject())) {
        getContext().getLog().warn("Pool {} got a query for another subject: {}", subject, query);
        command.replyTo().tell(new Candidates(List.of()));
        return Behaviors.same();
      }
      Instant now = clock.instant();
      Offerable offerable = new Offerable(query, now);
      // One pass over the tutors of this level and language per request, so it is a plain loop: no
      // stream, no lookup and no object per tutor, and nothing read beyond each entry and its stats
      // (this is the hottest loop of matching). The index guarantees subject, level and language.
      // The student's history is left out of the pass and applied to the student's past tutors
      // after it, which ends with the same selection (Selection#replace).
      Ranker.Selection selection = ranker.select(query, now);
      for (Entry entry : entries.teaching(query.level(), query.language())) {
        if (offerable.test(entry)) {
          selection.add(entry, 0);
        }
      }
      for (Map.Entry<String, Integer> past : history.tutorsOf(query.studentId()).entrySet()) {
        Entry entry = entries.get(past.getKey());
        if (entry != null && entry.listing().fits(query) && offerable.test(entry)) {
          selection.replace(entry, past.getValue());
        }
      }
      List<TutorCard> chosen = selection.best();
      Instant heldUntil = now.plus(settings.offerTimeout());
      for (TutorCard card : chosen) {
        entries.statsOf(card.tutorId(), now).offered(now, heldUntil);
      }
      command.replyTo().tell(new Candidates(chosen));
      return Behaviors.same();
    }

    /**
     * The hard filters of one query that the index does not answer: heard from within the TTL,
     * within budget and not excluded, free for the session's length, not holding another offer.
     */
    private final class Offerable {
      private final CandidateQuery query;
      private final long nowMillis;
      private final long seenSinceMillis;
      private final long mustBeFreeUntilMillis;

      Offerable(CandidateQuery query, Instant now) {
        this.query = query;
        this.nowMillis = now.toEpochMilli();
        this.seenSinceMillis = nowMillis - settings.poolEntryTtl().toMillis();
        this.mustBeFreeUntilMillis = now.plus(Duration.ofMinutes(query.durationMinutes())).plus(bookingBuffer).toEpochMilli();
      }

      boolean test(Entry entry) {
        return entry.seenSince(seenSinceMillis)
            && entry.rateCents() <= query.maxRateCents()
            && entry.freeUntil(mustBeFreeUntilMillis)
            && !entry.stats().holdsOffer(nowMillis)
            && (query.exclude() == null || query.exclude().isEmpty() || !query.exclude().contains(entry.tutorId()));
      }
    }

    private Behavior<Command> onOfferOutcome(OfferOutcome command) {
      TutorStats tutor = entries.stats(command.tutorId());
      if (tutor != null) {
        // Ignored without an outstanding offer: not one this pool handed out, or already counted.
        tutor.answered(command.outcome(), clock.instant());
      }
      return Behaviors.same();
    }

    private Behavior<Command> onSessionMatched(SessionMatched command) {
      if (command.tutorId() == null || command.studentId() == null) {
        return Behaviors.same();
      }
      Instant now = clock.instant();
      entries.touch(command.tutorId(), now);
      history.matched(command.studentId(), command.tutorId(), now);
      return Behaviors.same();
    }

    private Behavior<Command> onGetAvailable(GetAvailable command) {
      List<TutorCard> tutors = live(clock.instant())
          .map(entry -> entry.card().publicPart())
          .filter(card -> command.language() == null || card.speaks(command.language()))
          .filter(card -> command.level() == null || card.teaches(subject, command.level()))
          .sorted(Comparator.comparing(TutorCard::tutorId))
          .toList();
      command.replyTo().tell(new Available(subject, tutors));
      return Behaviors.same();
    }

    private Behavior<Command> onTick() {
      Instant now = clock.instant();
      long seenSince = now.minus(settings.poolEntryTtl()).toEpochMilli();
      List<String> stale = entries.all().stream().filter(entry -> !entry.seenSince(seenSince))
          .map(entry -> entry.card().tutorId()).toList();
      for (String tutorId : stale) {
        entries.remove(tutorId);
        entries.touch(tutorId, now);
      }
      if (!stale.isEmpty()) {
        getContext().getLog().debug("Pool {} dropped {} tutors without a heartbeat: {}", subject, stale.size(), stale);
      }
      entries.forgetStatsIdleSince(now.minus(STATS_RETENTION));
      history.forgetIdleSince(now.minus(STATS_RETENTION));
      return Behaviors.same();
    }

    /** The entries a heartbeat refreshed within the TTL (a stale one may wait for the next sweep). */
    private Stream<Entry> live(Instant now) {
      long seenSince = now.minus(settings.poolEntryTtl()).toEpochMilli();
      return entries.all().stream().filter(entry -> entry.seenSince(seenSince));
    }
  }
}
