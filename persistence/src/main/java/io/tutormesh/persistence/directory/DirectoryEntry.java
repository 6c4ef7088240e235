package io.tutormesh.persistence.directory;

import io.tutormesh.engine.tutor.TutorEntity;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What tutor search knows of one tutor, and how each of the tutor's directory events ({@link
 * TutorEntity#changesDirectory}) changes it. Pure: the projection loads the entry, applies the
 * event and writes the result (and deletes the rows of the subjects the tutor dropped).
 *
 * @param subjects the profile's subjects with their levels, in the profile's order (empty before
 *     the profile is known)
 */
public record DirectoryEntry(
    String tutorId,
    String displayName,
    List<TutorEntity.SubjectOffer> subjects,
    List<String> languages,
    long rateCents,
    String currency,
    double ratingAverage,
    int ratingCount,
    boolean suspended) {

  public DirectoryEntry {
    subjects = subjects == null ? List.of() : List.copyOf(subjects);
    languages = languages == null ? List.of() : List.copyOf(languages);
  }

  /** A tutor the directory has not seen yet. */
  public static DirectoryEntry unknown(String tutorId) {
    return new DirectoryEntry(tutorId, null, List.of(), List.of(), 0, null, 0.0, 0, false);
  }

  /** The entry after {@code event}; the same entry for an event that does not change the directory. */
  public DirectoryEntry apply(TutorEntity.Event event) {
    if (event instanceof TutorEntity.TutorRegistered registered) {
      return withProfile(registered.profile());
    }
    if (event instanceof TutorEntity.TutorProfileUpdated updated) {
      return withProfile(updated.profile());
    }
    if (event instanceof TutorEntity.TutorSuspended) {
      return new DirectoryEntry(tutorId, displayName, subjects, languages, rateCents, currency, ratingAverage, ratingCount, true);
    }
    if (event instanceof TutorEntity.TutorReinstated) {
      return new DirectoryEntry(tutorId, displayName, subjects, languages, rateCents, currency, ratingAverage, ratingCount, false);
    }
    if (event instanceof TutorEntity.ReviewReceived reviewed && reviewed.rating() != null) {
      TutorEntity.Rating rating = reviewed.rating();
      return new DirectoryEntry(tutorId, displayName, subjects, languages, rateCents, currency, rating.average(), rating.count(), suspended);
    }
    return this;
  }

  private DirectoryEntry withProfile(TutorEntity.TutorProfile profile) {
    return new DirectoryEntry(tutorId, profile.displayName(), profile.subjects(), profile.languages(),
        profile.rateCents(), profile.currency(), ratingAverage, ratingCount, suspended);
  }

  public List<String> subjectNames() {
    return subjects.stream().map(TutorEntity.SubjectOffer::subject).toList();
  }

  /** The subjects {@code before} listed that this entry no longer does: their rows go. */
  public Set<String> droppedSince(DirectoryEntry before) {
    Set<String> dropped = new LinkedHashSet<>(before.subjectNames());
    dropped.removeAll(subjectNames());
    return dropped;
  }

  /** This tutor's row under each of its subjects. */
  public List<DirectoryListing> listings() {
    return subjects.stream()
        .map(offer -> new DirectoryListing(offer.subject(), tutorId, displayName, subjectNames(), offer.levels(), languages,
            rateCents, currency, ratingAverage, ratingCount, suspended))
        .toList();
  }
}
