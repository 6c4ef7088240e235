package io.tutormesh.persistence.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.review.Review;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How each directory event changes a tutor's entry, and which rows it leads to. */
class DirectoryEntryTest {

  private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");
  private static final Review REVIEW = new Review("s1.s", "s1", Review.Side.STUDENT, "sam", "ada", 4, "ok", AT, false);

  private static TutorEntity.TutorProfile profile(String name, long rate, TutorEntity.SubjectOffer... subjects) {
    return new TutorEntity.TutorProfile(name, List.of(subjects), List.of("fr", "en"), rate, "EUR", "Europe/Paris", "bio");
  }

  private static TutorEntity.SubjectOffer offer(String subject, String... levels) {
    return new TutorEntity.SubjectOffer(subject, List.of(levels));
  }

  @Test
  void aProfileListsTheTutorUnderEachSubjectWithThatSubjectsLevels() {
    DirectoryEntry entry = DirectoryEntry.unknown("ada")
        .apply(new TutorEntity.TutorRegistered("ada", profile("Ada", 4000, offer("math", "high"), offer("physics", "university")), AT));

    assertThat(entry.listings()).containsExactly(
        new DirectoryListing("math", "ada", "Ada", List.of("math", "physics"), List.of("high"), List.of("fr", "en"), 4000, "EUR", 0.0, 0, false),
        new DirectoryListing("physics", "ada", "Ada", List.of("math", "physics"), List.of("university"), List.of("fr", "en"), 4000, "EUR", 0.0, 0, false));
    assertThat(entry.droppedSince(DirectoryEntry.unknown("ada"))).isEmpty();
  }

  @Test
  void aDroppedSubjectIsNamedAndTheRatingAndSuspensionSurviveAProfileUpdate() {
    DirectoryEntry before = DirectoryEntry.unknown("ada")
        .apply(new TutorEntity.TutorRegistered("ada", profile("Ada", 4000, offer("math", "high"), offer("physics", "high")), AT))
        .apply(new TutorEntity.ReviewReceived("ada", REVIEW, AT, new TutorEntity.Rating(4.0, 1)))
        .apply(new TutorEntity.TutorSuspended("ada", "spam", AT));

    DirectoryEntry after = before.apply(new TutorEntity.TutorProfileUpdated("ada", profile("Ada L.", 3000, offer("physics", "adult")), AT));

    assertThat(after.droppedSince(before)).containsExactly("math");
    assertThat(after.listings()).containsExactly(
        new DirectoryListing("physics", "ada", "Ada L.", List.of("physics"), List.of("adult"), List.of("fr", "en"), 3000, "EUR", 4.0, 1, true));
    assertThat(after.apply(new TutorEntity.TutorReinstated("ada", AT)).suspended()).isFalse();
  }

  @Test
  void aReviewWithoutItsResultingRatingAndOtherEventsChangeNothing() {
    DirectoryEntry entry = DirectoryEntry.unknown("ada")
        .apply(new TutorEntity.TutorRegistered("ada", profile("Ada", 4000, offer("math", "high")), AT));

    assertThat(entry.apply(new TutorEntity.ReviewReceived("ada", REVIEW, AT))).isEqualTo(entry);
    assertThat(entry.apply(new TutorEntity.TutorReserved("ada", "s1", "sam", AT))).isEqualTo(entry);
  }
}
