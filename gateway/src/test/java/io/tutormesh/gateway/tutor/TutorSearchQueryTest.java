package io.tutormesh.gateway.tutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.gateway.http.ProblemException;
import io.tutormesh.persistence.directory.DirectoryListing;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The search parameters, checked, the cursor, the filters and how a page is cut. No node needed. */
class TutorSearchQueryTest {

  private static final Catalog CATALOG = Catalog.fromConfig(ConfigFactory.load());
  private static final TutorSearchSettings SETTINGS = new TutorSearchSettings(20, 100, 2000, 200, 100, 4);

  private static TutorSearchQuery parse(String... pairs) {
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      params.put(pairs[i], pairs[i + 1]);
    }
    return TutorSearchQuery.parse(CATALOG, SETTINGS, params);
  }

  private static void assertBad(String field, String... pairs) {
    assertThatThrownBy(() -> parse(pairs))
        .as(String.join("&", pairs))
        .isInstanceOfSatisfying(ProblemException.class, e -> {
          assertThat(e.problem().status()).isEqualTo(400);
          assertThat(e.problem().field()).isEqualTo(field);
          assertThat(e.problem().detail()).contains(field);
        });
  }

  private static DirectoryListing listing(String id, List<String> levels, List<String> languages, long rate, double average, int count, boolean suspended) {
    return new DirectoryListing("math", id, "T " + id, List.of("math"), levels, languages, rate, "EUR", average, count, suspended);
  }

  @Test
  void onlyTheSubjectIsRequiredAndEmptyParametersCountAsAbsent() {
    assertThat(parse("subject", "math", "level", "", "language", "", "cursor", "", "limit", ""))
        .isEqualTo(new TutorSearchQuery("math", null, null, null, null, false, null, 20, null));
    assertThat(parse("subject", "math", "level", "high", "language", "fr", "maxRateCents", "0", "minRating", "4.5",
        "availableNow", "true", "availableAt", "2026-12-01T09:00:00Z", "limit", "100"))
        .isEqualTo(new TutorSearchQuery("math", "high", "fr", 0L, 4.5, true, Instant.parse("2026-12-01T09:00:00Z"), 100, null));
    assertThat(parse("subject", "math", "availableNow", "false").availableNow()).isFalse();
  }

  @Test
  void everyBadParameterIsA400NamingIt() {
    assertBad("subject");
    assertBad("subject", "subject", "");
    assertBad("subject", "subject", "alchemy");
    assertBad("level", "subject", "math", "level", "phd");
    assertBad("level", "subject", "latin", "level", "primary");
    assertBad("language", "subject", "math", "language", "xx");
    assertBad("language", "subject", "math", "language", "EN");
    assertBad("maxRateCents", "subject", "math", "maxRateCents", "-1");
    assertBad("maxRateCents", "subject", "math", "maxRateCents", "ten");
    assertBad("maxRateCents", "subject", "math", "maxRateCents", "1.5");
    assertBad("minRating", "subject", "math", "minRating", "5.1");
    assertBad("minRating", "subject", "math", "minRating", "-0.5");
    assertBad("minRating", "subject", "math", "minRating", "NaN");
    assertBad("minRating", "subject", "math", "minRating", "good");
    assertBad("availableNow", "subject", "math", "availableNow", "yes");
    assertBad("availableNow", "subject", "math", "availableNow", "TRUE");
    assertBad("availableAt", "subject", "math", "availableAt", "tomorrow");
    assertBad("availableAt", "subject", "math", "availableAt", "2026-12-01T09:00");
    assertBad("limit", "subject", "math", "limit", "0");
    assertBad("limit", "subject", "math", "limit", "101");
    assertBad("limit", "subject", "math", "limit", "many");
    assertBad("cursor", "subject", "math", "cursor", "not-a-cursor");
    assertBad("cursor", "subject", "math", "cursor", "!!!");
  }

  @Test
  void aCursorComesBackAsTheLastTutorIdAndATamperedOneIsRefused() {
    String cursor = SearchCursor.encode("math", "tutor-42");
    assertThat(cursor).matches("[A-Za-z0-9_-]+");
    assertThat(parse("subject", "math", "cursor", cursor).after()).isEqualTo("tutor-42");

    String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        new String(java.util.Base64.getUrlDecoder().decode(cursor)).replace("tutor-42", "tutor-43").getBytes());
    assertBad("cursor", "subject", "math", "cursor", forged);
    assertBad("cursor", "subject", "math", "cursor", cursor.substring(0, cursor.length() - 2));
    assertBad("cursor", "subject", "physics", "cursor", cursor);
  }

  @Test
  void theFiltersOfADirectoryRow() {
    TutorSearchQuery query = parse("subject", "math", "level", "high", "language", "fr", "maxRateCents", "3000", "minRating", "4");

    assertThat(query.matches(listing("a", List.of("high"), List.of("fr", "en"), 3000, 4.0, 2, false))).isTrue();
    assertThat(query.matches(listing("a", List.of("high"), List.of("fr"), 3000, 4.0, 2, true))).as("suspended").isFalse();
    assertThat(query.matches(listing("a", List.of("middle"), List.of("fr"), 3000, 4.0, 2, false))).as("level").isFalse();
    assertThat(query.matches(listing("a", List.of("high"), List.of("en"), 3000, 4.0, 2, false))).as("language").isFalse();
    assertThat(query.matches(listing("a", List.of("high"), List.of("fr"), 3001, 4.0, 2, false))).as("rate").isFalse();
    assertThat(query.matches(listing("a", List.of("high"), List.of("fr"), 3000, 3.99, 2, false))).as("rating").isFalse();
    assertThat(parse("subject", "math", "minRating", "0").matches(listing("a", List.of("high"), List.of("fr"), 3000, 0.0, 0, false)))
        .as("no reviews yet: no rating to compare").isFalse();
    assertThat(parse("subject", "math").matches(listing("a", List.of("high"), List.of("fr"), 3000, 0.0, 0, false))).isTrue();
  }

  @Test
  void aPageHoldsAtMostLimitMatchesAndTheNextStartsAfterWhatItCovered() {
    DirectoryListing a = listing("a", List.of("high"), List.of("fr"), 1, 0, 0, false);
    DirectoryListing b = listing("b", List.of("high"), List.of("fr"), 1, 0, 0, false);
    DirectoryListing c = listing("c", List.of("high"), List.of("fr"), 1, 0, 0, false);
    DirectoryListing d = listing("d", List.of("high"), List.of("fr"), 1, 0, 0, false);

    // More matches than the limit: the page ends at its last item.
    SearchPage full = SearchPage.of(List.of(hit(a), miss(b), hit(c), hit(d)), 2, 2000);
    assertThat(full.items()).containsExactly(a, c);
    assertThat(full.nextAfter()).isEqualTo("c");
    // The listing ended: no next page.
    SearchPage last = SearchPage.of(List.of(hit(a), miss(b)), 2, 2000);
    assertThat(last.items()).containsExactly(a);
    assertThat(last.nextAfter()).isNull();
    // The bound on work was reached first: the next page goes on after the last one looked at.
    SearchPage bounded = SearchPage.of(List.of(miss(a), hit(b), miss(c)), 2, 3);
    assertThat(bounded.items()).containsExactly(b);
    assertThat(bounded.nextAfter()).isEqualTo("c");
    assertThat(SearchPage.of(List.of(), 2, 3)).isEqualTo(new SearchPage(List.of(), null));
  }

  private static SearchPage.Checked hit(DirectoryListing listing) {
    return new SearchPage.Checked(listing, true);
  }

  private static SearchPage.Checked miss(DirectoryListing listing) {
    return new SearchPage.Checked(listing, false);
  }
}
