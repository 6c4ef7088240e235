package io.tutormesh.engine.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.matching.PoolEntries.Entry;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolEntriesTest {

  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  private static final Rating GOOD = new Rating(4.5, 40);

  private final PoolEntries pool = new PoolEntries("math");

  @Test
  void aRequestSeesOnlyTheTutorsOfItsLevelAndLanguage() {
    pool.put(entry("ana", List.of("high", "university"), List.of("en", "fr"), T0));
    pool.put(entry("ben", List.of("high"), List.of("en"), T0));
    pool.put(entry("cat", List.of("primary"), List.of("fr"), T0));

    assertThat(ids(pool.teaching("high", "en"))).containsExactlyInAnyOrder("ana", "ben");
    assertThat(ids(pool.teaching("university", "fr"))).containsExactly("ana");
    assertThat(ids(pool.teaching("primary", "fr"))).containsExactly("cat");
    assertThat(pool.teaching("primary", "en")).isEmpty();
    assertThat(pool.teaching("adult", "en")).isEmpty();
    assertThat(pool.all()).hasSize(3);
  }

  @Test
  void levelsOfOtherSubjectsDoNotCount() {
    TutorCard card = new TutorCard("dan", "Tutor dan",
        List.of(new SubjectOffer("math", List.of("high")), new SubjectOffer("physics", List.of("university"))),
        List.of("en"), 3000, "EUR", GOOD);
    pool.put(new Entry(Ranker.Listing.of(card), T0));

    assertThat(ids(pool.teaching("high", "en"))).containsExactly("dan");
    assertThat(pool.teaching("university", "en")).isEmpty();
  }

  @Test
  void aNewCardMovesTheTutorAndAHeartbeatRefreshesTheEntryInPlace() {
    pool.put(entry("ana", List.of("high"), List.of("en"), T0));
    pool.put(entry("ana", List.of("university"), List.of("fr"), T0.plusSeconds(20)));

    assertThat(pool.teaching("high", "en")).isEmpty();
    assertThat(pool.teaching("university", "fr")).extracting(Entry::seenAt).containsExactly(T0.plusSeconds(20));

    Entry known = pool.get("ana");
    pool.put(new Entry(known.listing(), T0.plusSeconds(40)));

    assertThat(pool.teaching("university", "fr")).extracting(Entry::seenAt).containsExactly(T0.plusSeconds(40));
    assertThat(pool.all()).hasSize(1);
  }

  @Test
  void removingATutorEmptiesItsBuckets() {
    pool.put(entry("ana", List.of("high", "university"), List.of("en", "fr"), T0));
    pool.put(entry("ben", List.of("high"), List.of("en"), T0));

    assertThat(pool.remove("ana")).isNotNull();
    assertThat(pool.remove("ana")).isNull();
    assertThat(pool.remove("nobody")).isNull();

    assertThat(ids(pool.teaching("high", "en"))).containsExactly("ben");
    assertThat(pool.teaching("university", "fr")).isEmpty();
    assertThat(pool.contains("ana")).isFalse();
    assertThat(pool.contains("ben")).isTrue();
  }

  private static Entry entry(String id, List<String> levels, List<String> languages, Instant seenAt) {
    TutorCard card = new TutorCard(id, "Tutor " + id, List.of(new SubjectOffer("math", levels)), languages, 3000, "EUR", GOOD);
    return new Entry(Ranker.Listing.of(card), seenAt);
  }

  private static List<String> ids(Collection<Entry> entries) {
    return entries.stream().map(Entry::tutorId).toList();
  }
}
