package io.tutormesh.engine.matching;

import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
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
    Rating rating) implements CborSerializable {

  public TutorCard {
    subjects = List.copyOf(subjects);
    languages = List.copyOf(languages);
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
