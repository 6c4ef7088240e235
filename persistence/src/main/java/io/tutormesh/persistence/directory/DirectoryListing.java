package io.tutormesh.persistence.directory;

import java.util.List;

/**
 * One tutor as tutor search shows it under one subject: the public part of the profile, the
 * levels of that subject, the rating and whether the tutor is suspended (suspended tutors are
 * filtered out by the search, never shown).
 */
public record DirectoryListing(
    String subject,
    String tutorId,
    String displayName,
    List<String> subjects,
    List<String> levels,
    List<String> languages,
    long rateCents,
    String currency,
    double ratingAverage,
    int ratingCount,
    boolean suspended) {

  public DirectoryListing {
    subjects = subjects == null ? List.of() : List.copyOf(subjects);
    levels = levels == null ? List.of() : List.copyOf(levels);
    languages = languages == null ? List.of() : List.copyOf(languages);
  }
}
