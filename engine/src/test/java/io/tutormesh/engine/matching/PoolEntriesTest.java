package io.tutormesh.engine.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.matching.PoolEntries.Entry;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import java.time.Duration;
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
    assertThat(pool.put(new Entry(known.listing(), T0.plusSeconds(40)))).as("refreshed in place").isSameAs(known);

    assertThat(pool.teaching("university", "fr")).containsExactly(known);
    assertThat(known.seenAt()).isEqualTo(T0.plusSeconds(40));
    assertThat(pool.stats("ana").isIdleSince(T0.plusSeconds(40))).as("the heartbeat counts as activity").isFalse();
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

  @Test
  void removingFromTheMiddleOfABucketKeepsTheOthersAndTheirPlaces() {
    for (String id : List.of("ana", "ben", "cat", "dan")) {
      pool.put(entry(id, List.of("high"), List.of("en"), T0));
    }

    pool.remove("ben");
    pool.put(entry("cat", List.of("high"), List.of("en"), T0.plusSeconds(20)));
    pool.remove("dan");
    pool.put(entry("eve", List.of("high"), List.of("en"), T0));

    assertThat(ids(pool.teaching("high", "en"))).containsExactlyInAnyOrder("ana", "cat", "eve");
    assertThat(pool.teaching("high", "en")).filteredOn(e -> e.tutorId().equals("cat"))
        .extracting(Entry::seenAt).containsExactly(T0.plusSeconds(20));
    for (String id : List.of("ana", "cat", "eve")) {
      pool.remove(id);
    }
    assertThat(pool.teaching("high", "en")).isEmpty();
    assertThat(pool.all()).isEmpty();
  }

  // --- stats attached to the entries ---

  @Test
  void everyEntryCarriesTheStatsKeptForItsTutorInEveryBucket() {
    Entry put = pool.put(entry("ana", List.of("high", "university"), List.of("en", "fr"), T0));

    assertThat(put.stats()).isNotNull().isSameAs(pool.stats("ana")).isSameAs(pool.get("ana").stats());
    assertThat(pool.teaching("high", "en")).extracting(Entry::stats).containsExactly(put.stats());
    assertThat(pool.teaching("university", "fr")).extracting(Entry::stats).containsExactly(put.stats());
    assertThat(pool.stats("nobody")).isNull();
  }

  @Test
  void aHeartbeatANewCardAndARejoinKeepTheSameStats() {
    TutorStats stats = pool.put(entry("ana", List.of("high"), List.of("en"), T0)).stats();
    stats.offered(T0, T0.plusSeconds(15));

    pool.put(new Entry(pool.get("ana").listing(), T0.plusSeconds(20)));
    assertThat(pool.get("ana").stats()).isSameAs(stats);

    pool.put(entry("ana", List.of("university"), List.of("fr"), T0.plusSeconds(40)));
    assertThat(pool.teaching("university", "fr")).extracting(Entry::stats).containsExactly(stats);

    pool.remove("ana");
    assertThat(pool.stats("ana")).isSameAs(stats);
    pool.put(entry("ana", List.of("high"), List.of("en"), T0.plusSeconds(60)));
    assertThat(pool.teaching("high", "en")).extracting(Entry::stats).containsExactly(stats);
    assertThat(stats.offersSent()).isEqualTo(1);
  }

  @Test
  void statsOfATutorInThePoolAreNeverForgottenThoseOfOneGoneAndIdleAre() {
    pool.put(entry("ana", List.of("high"), List.of("en"), T0));
    TutorStats bens = pool.put(entry("ben", List.of("high"), List.of("en"), T0)).stats();
    pool.remove("ben");
    pool.touch("ben", T0.plusSeconds(10));

    pool.forgetStatsIdleSince(T0.plusSeconds(5));
    assertThat(pool.stats("ben")).as("active after the cut").isSameAs(bens);

    pool.forgetStatsIdleSince(T0.plus(Duration.ofDays(2)));
    assertThat(pool.stats("ana")).as("still in the pool").isNotNull().isSameAs(pool.get("ana").stats());
    assertThat(pool.stats("ben")).isNull();

    Entry back = pool.put(entry("ben", List.of("high"), List.of("en"), T0.plus(Duration.ofDays(3))));
    assertThat(back.stats()).isNotSameAs(bens).isSameAs(pool.stats("ben"));
    assertThat(back.stats().offersSent()).isZero();
    assertThat(pool.teaching("high", "en")).extracting(Entry::stats)
        .containsExactlyInAnyOrder(pool.stats("ana"), back.stats());
  }

  @Test
  void statsCanExistBeforeTheTutorJoinsAndAreThenAttached() {
    TutorStats early = pool.statsOf("ana", T0);
    early.offered(T0, T0.plusSeconds(15));

    assertThat(pool.put(entry("ana", List.of("high"), List.of("en"), T0.plusSeconds(5))).stats()).isSameAs(early);
    assertThat(pool.get("ana").offersSent()).isEqualTo(1);
  }

  @Test
  void theScanReadsTheCardThroughTheEntry() {
    TutorCard booked = new TutorCard("eve", "Tutor eve", List.of(new SubjectOffer("math", List.of("high"))), List.of("en"),
        4200, "EUR", GOOD, T0.plusSeconds(3600));
    Entry eve = pool.put(new Entry(Ranker.Listing.of(booked), T0));
    Entry ana = pool.put(entry("ana", List.of("high"), List.of("en"), T0));

    assertThat(eve.rateCents()).isEqualTo(4200);
    assertThat(eve.ratingAverage()).isEqualTo(4.5);
    assertThat(eve.ratingCount()).isEqualTo(40);
    assertThat(eve.freeUntil(T0.plusSeconds(3600).toEpochMilli())).isTrue();
    assertThat(eve.freeUntil(T0.plusSeconds(3601).toEpochMilli())).isFalse();
    assertThat(ana.freeUntil(Long.MAX_VALUE)).as("nothing booked").isTrue();
    assertThat(ana.seenSince(T0.toEpochMilli())).isTrue();
    assertThat(ana.seenSince(T0.toEpochMilli() + 1)).isFalse();
    assertThat(ana.lastOfferedAtMillis()).isEqualTo(Ranker.NEVER);
    ana.stats().offered(T0.plusSeconds(2), T0.plusSeconds(17));
    assertThat(ana.lastOfferedAtMillis()).isEqualTo(T0.plusSeconds(2).toEpochMilli());
    assertThat(ana.offersSent()).isEqualTo(1);
  }

  private static Entry entry(String id, List<String> levels, List<String> languages, Instant seenAt) {
    TutorCard card = new TutorCard(id, "Tutor " + id, List.of(new SubjectOffer("math", levels)), languages, 3000, "EUR", GOOD);
    return new Entry(Ranker.Listing.of(card), seenAt);
  }

  private static List<String> ids(Collection<Entry> entries) {
    return entries.stream().map(Entry::tutorId).toList();
  }
}
