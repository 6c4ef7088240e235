package io.tutormesh.engine.matching;

import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What matching and partners know of an available tutor: the public part of the profile and the
 * rating. Announced by the TutorEntity to the MatchPool of each of its subjects and to the
 * availability topic of each subject.
 */
public record TutorCard(
    String tutorId,
    String displayName,
    List<SubjectOffer> subjects,
    List<String> languages,
    long rateCents,
    String currency,
    Rating rating,
    Instant nextBookedStart) implements CborSerializable {

  /**
   * @param nextBookedStart when the tutor's next booked lesson starts (past: one is in progress),
   *     as its TutorEntity (the authority) last announced; null: none booked
   */
  public TutorCard {
    subjects = List.copyOf(subjects);
    languages = List.copyOf(languages);
  }

  public TutorCard(
      String tutorId, String displayName, List<SubjectOffer> subjects, List<String> languages, long rateCents, String currency, Rating rating) {
    this(tutorId, displayName, subjects, languages, rateCents, currency, rating, null);
  }

  /**
   * Whether an instant session of {@code durationMinutes} starting at {@code now} leaves the tutor
   * free for its next booked lesson: that lesson starts no earlier than now + duration + buffer.
   * Only a hint for the pools (the TutorEntity refuses the reservation anyway).
   */
  public boolean freeFor(Instant now, int durationMinutes, Duration buffer) {
    return nextBookedStart == null || freeUntil(now.plus(Duration.ofMinutes(durationMinutes)).plus(buffer));
  }

  /** Whether the tutor's next booked lesson (if any) starts no earlier than {@code end}; see {@link #freeFor}. */
  public boolean freeUntil(Instant end) {
    return nextBookedStart == null || !nextBookedStart.isBefore(end);
  }

  /** The card without the booking hint: what partners see (a booking is private to the tutor). */
  public TutorCard publicPart() {
    return nextBookedStart == null ? this : new TutorCard(tutorId, displayName, subjects, languages, rateCents, currency, rating);
  }

  /** The levels this tutor teaches `subject` at (empty if not taught). */
  public List<String> levelsFor(String subject) {
    return subjects.stream().filter(s -> s.subject().equals(subject)).findFirst().map(SubjectOffer::levels).orElse(List.of());
  }

  public List<String> subjectNames() {
    return subjects.stream().map(SubjectOffer::subject).toList();
  }

  public boolean teaches(String subject, String level) {
    return levelsFor(subject).contains(level);
  }

  public boolean speaks(String language) {
    return languages.contains(language);
  }
}
