package io.tutormesh.engine.matching;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tutors of one subject's pool, by id and also by (level, language): a request asks for one
 * level and one language, so it looks at the tutors who teach that level in that language only,
 * not at every tutor of the subject (the candidate scan is matching's hottest loop). Each bucket
 * is an array, so the scan walks it without hashing.
 *
 * <p>Also keeps each tutor's {@link TutorStats}, which outlive the entry: they survive a
 * remove/put cycle and are forgotten only by {@link #forgetStatsIdleSince} once the tutor has been
 * out of the pool long enough. Every entry in the pool references its tutor's stats object (the
 * very one kept here), so the scan reads them without a lookup; stats are never forgotten while
 * their tutor has an entry, so no live entry holds forgotten stats.
 *
 * <p>Not thread-safe: owned by one pool actor.
 */
final class PoolEntries {

  /**
   * A tutor in the pool: the latest card (as a {@link Ranker.Listing}), when presence last announced
   * it, and the tutor's stats (attached by {@link #put}: null only on an entry not yet put). What the
   * candidate scan reads of the card is copied into primitive fields, so that the scan touches the
   * entry and its stats and nothing else; a heartbeat that brings the same card only moves
   * {@link #seenAtMillis} (see {@link #put}).
   */
  static final class Entry implements Ranker.Scorable {
    private final Ranker.Listing listing;
    private final TutorCard card;
    private final TutorStats stats;
    private final long rateCents;
    private final double ratingAverage;
    private final int ratingCount;
    /** The start of the tutor's next booked lesson, {@link Long#MAX_VALUE} without one. */
    private final long busyFromMillis;
    private long seenAtMillis;

    /** An entry to {@link #put}; the pool attaches the tutor's stats. */
    Entry(Ranker.Listing listing, Instant seenAt) {
      this(listing, seenAt.toEpochMilli(), null);
    }

    private Entry(Ranker.Listing listing, long seenAtMillis, TutorStats stats) {
      this.listing = listing;
      this.card = listing.card();
      this.stats = stats;
      this.rateCents = card.rateCents();
      this.ratingAverage = card.rating() == null ? 0.0 : card.rating().average();
      this.ratingCount = card.rating() == null ? 0 : card.rating().count();
      this.busyFromMillis = card.nextBookedStart() == null ? Long.MAX_VALUE : card.nextBookedStart().toEpochMilli();
      this.seenAtMillis = seenAtMillis;
    }

    Ranker.Listing listing() {
      return listing;
    }

    @Override
    public TutorCard card() {
      return card;
    }

    String tutorId() {
      return card.tutorId();
    }

    TutorStats stats() {
      return stats;
    }

    Instant seenAt() {
      return Instant.ofEpochMilli(seenAtMillis);
    }

    /** Whether presence announced the tutor at or after {@code sinceMillis}. */
    boolean seenSince(long sinceMillis) {
      return seenAtMillis >= sinceMillis;
    }

    /** Whether the tutor's next booked lesson (if any) starts no earlier than {@code endMillis} ({@link TutorCard#freeUntil}). */
    boolean freeUntil(long endMillis) {
      return busyFromMillis >= endMillis;
    }

    @Override
    public long rateCents() {
      return rateCents;
    }

    @Override
    public double ratingAverage() {
      return ratingAverage;
    }

    @Override
    public int ratingCount() {
      return ratingCount;
    }

    @Override
    public long lastOfferedAtMillis() {
      return stats.lastOfferedAtMillis();
    }

    @Override
    public int offersSent() {
      return stats.offersSent();
    }

    @Override
    public int offersAccepted() {
      return stats.offersAccepted();
    }
  }

  private final String subject;
  private final Map<String, Entry> byTutor = new HashMap<>();
  /** level → language → bucket; holds exactly the entries of {@link #byTutor}. */
  private final Map<String, Map<String, Bucket>> byLevelAndLanguage = new HashMap<>();
  /** Every tutor in the pool, and those that left it but are not forgotten yet. */
  private final Map<String, TutorStats> stats = new HashMap<>();

  PoolEntries(String subject) {
    this.subject = subject;
  }

  Entry get(String tutorId) {
    return byTutor.get(tutorId);
  }

  boolean contains(String tutorId) {
    return byTutor.containsKey(tutorId);
  }

  Collection<Entry> all() {
    return byTutor.values();
  }

  /**
   * Adds or replaces the tutor's entry (its listing must teach this pool's subject), attached to the
   * tutor's stats (those it had, else new ones) which count it active at the entry's time. Returns
   * the entry as stored: for the listing already stored (a heartbeat), the stored entry, with only
   * its time moved, so that a heartbeat writes no reference anywhere in the pool.
   */
  Entry put(Entry entry) {
    Entry previous = byTutor.get(entry.tutorId());
    if (previous != null && (previous.listing == entry.listing || previous.listing.equals(entry.listing))) {
      previous.seenAtMillis = entry.seenAtMillis;
      previous.stats.touch(entry.seenAt());
      return previous;
    }
    TutorStats tutor = statsOf(entry.tutorId(), entry.seenAt());
    Entry attached = entry.stats == tutor ? entry : new Entry(entry.listing, entry.seenAtMillis, tutor);
    byTutor.put(attached.tutorId(), attached);
    if (previous != null) {
      unindex(previous);
    }
    for (String level : levelsOf(attached)) {
      for (String language : attached.listing().languages()) {
        byLevelAndLanguage.computeIfAbsent(level, l -> new HashMap<>())
            .computeIfAbsent(language, l -> new Bucket())
            .put(attached);
      }
    }
    return attached;
  }

  /** Removes the tutor (its stats stay); null if it was not in the pool. */
  Entry remove(String tutorId) {
    Entry removed = byTutor.remove(tutorId);
    if (removed != null) {
      unindex(removed);
    }
    return removed;
  }

  /**
   * The entries of tutors who teach {@code level} in {@code language}: the index guarantees the
   * subject, level and language, so a scan need not check them again (a live read-only view: do
   * not modify the pool while iterating).
   */
  List<Entry> teaching(String level, String language) {
    Map<String, Bucket> byLanguage = byLevelAndLanguage.get(level);
    if (byLanguage == null) {
      return List.of();
    }
    Bucket bucket = byLanguage.get(language);
    return bucket == null ? List.of() : bucket.view;
  }

  /** The tutor's stats, null if the pool has none (never in the pool, or forgotten, and no news since). */
  TutorStats stats(String tutorId) {
    return stats.get(tutorId);
  }

  /** The tutor's stats, created if needed, counted active at {@code now}. */
  TutorStats statsOf(String tutorId, Instant now) {
    TutorStats tutor = stats.computeIfAbsent(tutorId, id -> new TutorStats(now));
    tutor.touch(now);
    return tutor;
  }

  /** Counts the tutor active at {@code now} if the pool has stats for it (creates none). */
  void touch(String tutorId, Instant now) {
    TutorStats tutor = stats.get(tutorId);
    if (tutor != null) {
      tutor.touch(now);
    }
  }

  /** Forgets the stats of tutors out of the pool and idle since {@code instant}; never those of a tutor in the pool. */
  void forgetStatsIdleSince(Instant instant) {
    stats.entrySet().removeIf(e -> !byTutor.containsKey(e.getKey()) && e.getValue().isIdleSince(instant));
  }

  private void unindex(Entry entry) {
    for (String level : levelsOf(entry)) {
      Map<String, Bucket> byLanguage = byLevelAndLanguage.get(level);
      if (byLanguage == null) {
        continue;
      }
      for (String language : entry.listing().languages()) {
        Bucket bucket = byLanguage.get(language);
        if (bucket != null && bucket.remove(entry.tutorId()) && bucket.isEmpty()) {
          byLanguage.remove(language);
        }
      }
      if (byLanguage.isEmpty()) {
        byLevelAndLanguage.remove(level);
      }
    }
  }

  private Set<String> levelsOf(Entry entry) {
    return entry.listing().levelsBySubject().getOrDefault(subject, Set.of());
  }

  /**
   * The entries of one (level, language) in an array, for the scan, plus each tutor's index in it,
   * so that replacing an entry is in place and removing one is a swap with the last (order is of
   * no importance: the ranker breaks ties by tutor id).
   */
  private static final class Bucket {
    private final List<Entry> entries = new ArrayList<>();
    private final List<Entry> view = Collections.unmodifiableList(entries);
    private final Map<String, Integer> indexOf = new HashMap<>();

    void put(Entry entry) {
      Integer index = indexOf.putIfAbsent(entry.tutorId(), entries.size());
      if (index == null) {
        entries.add(entry);
      } else {
        entries.set(index, entry);
      }
    }

    boolean remove(String tutorId) {
      Integer index = indexOf.remove(tutorId);
      if (index == null) {
        return false;
      }
      Entry last = entries.remove(entries.size() - 1);
      if (index < entries.size()) {
        entries.set(index, last);
        indexOf.put(last.tutorId(), index);
      }
      return true;
    }

    boolean isEmpty() {
      return entries.isEmpty();
    }
  }
}
