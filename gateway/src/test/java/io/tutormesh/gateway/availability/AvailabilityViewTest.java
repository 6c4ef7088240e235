package io.tutormesh.gateway.availability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.http.ProblemException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the availability feed: the query, the per-client view and the conflation. */
class AvailabilityViewTest {

  private static final Catalog CATALOG =
      new Catalog(
          List.of(new Catalog.SubjectLevels("math", List.of("high", "university")), new Catalog.SubjectLevels("latin", List.of("high"))),
          List.of("primary", "high", "university"),
          "EUR");

  static TutorCard card(String id, List<String> languages, String... mathLevels) {
    return new TutorCard(
        id, "Tutor " + id, List.of(new TutorEntity.SubjectOffer("math", List.of(mathLevels))), languages, 3000, "EUR", TutorEntity.Rating.NONE);
  }

  static AvailabilityEvent available(TutorCard card) {
    return new AvailabilityEvent.TutorAvailable("math", card);
  }

  static AvailabilityEvent unavailable(String id) {
    return new AvailabilityEvent.TutorUnavailable("math", id);
  }

  @Test
  void queryIsChecked() {
    assertThat(AvailabilityQuery.parse(CATALOG, "math", "", null)).isEqualTo(new AvailabilityQuery("math", null, null));
    assertThat(AvailabilityQuery.parse(CATALOG, "math", "fr", "high")).isEqualTo(new AvailabilityQuery("math", "fr", "high"));
    assertField(() -> AvailabilityQuery.parse(CATALOG, null, null, null), "subject");
    assertField(() -> AvailabilityQuery.parse(CATALOG, "", null, null), "subject");
    assertField(() -> AvailabilityQuery.parse(CATALOG, "alchemy", null, null), "subject");
    assertField(() -> AvailabilityQuery.parse(CATALOG, "math", "xx", null), "language");
    assertField(() -> AvailabilityQuery.parse(CATALOG, "math", "FR", null), "language");
    assertField(() -> AvailabilityQuery.parse(CATALOG, "math", null, "phd"), "level");
    assertField(() -> AvailabilityQuery.parse(CATALOG, "latin", null, "university"), "level");
  }

  private static void assertField(Runnable parse, String field) {
    assertThatThrownBy(parse::run)
        .isInstanceOfSatisfying(ProblemException.class, e -> {
          assertThat(e.problem().status()).isEqualTo(400);
          assertThat(e.problem().field()).isEqualTo(field);
        });
  }

  @Test
  void anAvailableThatChangesNothingIsNotRepeated() {
    TutorCard a = card("a", List.of("en"), "high");
    AvailabilityView view = new AvailabilityView(new AvailabilityQuery("math", null, null), List.of(a));
    assertThat(view.frames(available(a))).isEmpty();
    TutorCard dearer = new TutorCard("a", "Tutor a", a.subjects(), a.languages(), 4000, "EUR", TutorEntity.Rating.NONE);
    assertThat(view.frames(available(dearer))).containsExactly(AvailabilityFrames.available("math", dearer));
  }

  @Test
  void aResyncRepairsWhatWasLostAndIsSilentWhenNothingWas() {
    TutorCard a = card("a", List.of("en"), "high");
    TutorCard b = card("b", List.of("fr"), "high");
    AvailabilityView view = new AvailabilityView(new AvailabilityQuery("math", null, null), List.of(a));

    // The deltas "a left" and "b came" were lost: the pool's answer brings both.
    assertThat(view.resyncFrames(List.of(b)))
        .containsExactlyInAnyOrder(AvailabilityFrames.unavailable("math", "a"), AvailabilityFrames.available("math", b));
    assertThat(view.resyncFrames(List.of(b))).isEmpty();
  }

  @Test
  void unfilteredViewPassesChangesOfKnownTutorsOnly() {
    AvailabilityView view = new AvailabilityView(new AvailabilityQuery("math", null, null), List.of(card("a", List.of("en"), "high")));
    assertThat(view.frames(unavailable("a"))).containsExactly(AvailabilityFrames.unavailable("math", "a"));
    assertThat(view.frames(unavailable("a"))).as("already told").isEmpty();
    assertThat(view.frames(unavailable("never-seen"))).isEmpty();
    assertThat(view.frames(available(card("b", List.of("fr"), "university"))))
        .singleElement()
        .isInstanceOfSatisfying(AvailabilityFrames.Available.class, a -> {
          assertThat(a.type()).isEqualTo("available");
          assertThat(a.tutorId()).isEqualTo("b");
          assertThat(a.subject()).isEqualTo("math");
          assertThat(a.levels()).containsExactly("university");
          assertThat(a.subjects()).containsExactly("math");
          assertThat(a.rating().average()).isNull();
        });
    assertThat(view.frames(new AvailabilityEvent.TutorUnavailable("latin", "b"))).as("another subject").isEmpty();
  }

  @Test
  void filteredViewHidesOthersAndRetractsTutorsWhoStopMatching() {
    AvailabilityView view = new AvailabilityView(new AvailabilityQuery("math", "fr", "high"), List.of());
    assertThat(view.frames(available(card("en-only", List.of("en"), "high")))).isEmpty();
    assertThat(view.frames(available(card("uni-only", List.of("fr"), "university")))).isEmpty();
    assertThat(view.frames(available(card("fits", List.of("fr", "en"), "high")))).hasSize(1);
    assertThat(view.frames(available(card("fits", List.of("en"), "high"))))
        .as("stopped speaking French: gone for this client")
        .containsExactly(AvailabilityFrames.unavailable("math", "fits"));
    assertThat(view.frames(unavailable("fits"))).isEmpty();
    assertThat(view.frames(unavailable("en-only"))).isEmpty();
  }

  @Test
  void conflationKeepsTheLatestEventPerTutorInOrderOfChange() {
    LatestPerTutor batch =
        LatestPerTutor.of(available(card("a", List.of("en"), "high")))
            .add(available(card("b", List.of("en"), "high")))
            .add(unavailable("a"))
            .add(available(card("c", List.of("en"), "high")))
            .add(unavailable("b"));
    assertThat(batch.events()).containsExactly(unavailable("a"), available(card("c", List.of("en"), "high")), unavailable("b"));
  }

  @Test
  void framesAreOneEventWithOneDataLine() {
    String text = SseFrames.event(AvailabilityFrames.unavailable("math", "a")).utf8String();
    assertThat(text).isEqualTo("event: unavailable\ndata: {\"type\":\"unavailable\",\"tutorId\":\"a\",\"subject\":\"math\"}\n\n");
    assertThat(SseFrames.KEEP_ALIVE.utf8String()).startsWith(":").endsWith("\n\n");
  }
}
