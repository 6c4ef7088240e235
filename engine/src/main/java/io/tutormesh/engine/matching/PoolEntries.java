package io.tutormesh.engine.matching;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tutors of one subject's pool, by id and also by (level, language): a request asks for one
 * level and one language, so it looks at the tutors who teach that level in that language only,
 * not at every tutor of the subject (the candidate scan is matching's hottest loop).
 *
 * <p>Not thread-safe: owned by one pool actor.
 */
final class PoolEntries {

  /** A tutor in the pool: the latest card (as a {@link Ranker.Listing}) and when presence last announced it. */
  record Entry(Ranker.Listing listing, Instant seenAt) {
    TutorCard card() {
      return listing.card();
    }

    String tutorId() {
      return listing.tutorId();
    }
  }

  private final String subject;
  private final Map<String, Entry> byTutor = new HashMap<>();
  /** level → language → tutor id → entry; holds exactly the entries of {@link #byTutor}. */
  private final Map<String, Map<String, Map<String, Entry>>> byLevelAndLanguage = new HashMap<>();

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

  /** Adds or replaces the tutor's entry; its listing must teach this pool's subject. */
  void put(Entry entry) {
    Entry previous = byTutor.put(entry.tutorId(), entry);
    if (previous != null && !previous.listing().equals(entry.listing())) {
      unindex(previous);
    }
    for (String level : levelsOf(entry)) {
      for (String language : entry.listing().languages()) {
        byLevelAndLanguage.computeIfAbsent(level, l -> new HashMap<>())
            .computeIfAbsent(language, l -> new HashMap<>())
            .put(entry.tutorId(), entry);
      }
    }
  }

  /** Removes the tutor; null if it was not in the pool. */
  Entry remove(String tutorId) {
    Entry removed = byTutor.remove(tutorId);
    if (removed != null) {
      unindex(removed);
    }
    return removed;
  }

  /** The entries of tutors who teach {@code level} in {@code language} (a live view: do not modify the pool while iterating). */
  Collection<Entry> teaching(String level, String language) {
    Map<String, Map<String, Entry>> byLanguage = byLevelAndLanguage.get(level);
    if (byLanguage == null) {
      return List.of();
    }
    Map<String, Entry> entries = byLanguage.get(language);
    return entries == null ? List.of() : entries.values();
  }

  private void unindex(Entry entry) {
    for (String level : levelsOf(entry)) {
      Map<String, Map<String, Entry>> byLanguage = byLevelAndLanguage.get(level);
      if (byLanguage == null) {
        continue;
      }
      for (String language : entry.listing().languages()) {
        Map<String, Entry> entries = byLanguage.get(language);
        if (entries != null && entries.remove(entry.tutorId()) != null && entries.isEmpty()) {
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
}
