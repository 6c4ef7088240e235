package io.tutormesh.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.availability.AvailabilityFrames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvailabilitySubscriptionsTest {

  static TutorCard card(String id, String language, long rateCents, String... mathLevels) {
    return new TutorCard(
        id, "Tutor " + id, List.of(new TutorEntity.SubjectOffer("math", List.of(mathLevels)), new TutorEntity.SubjectOffer("physics", List.of("high"))),
        List.of(language), rateCents, "EUR", TutorEntity.Rating.NONE);
  }

  static AvailabilityEvent up(TutorCard card) {
    return new AvailabilityEvent.TutorAvailable("math", card);
  }

  static AvailabilityEvent down(String tutorId) {
    return new AvailabilityEvent.TutorUnavailable("math", tutorId);
  }

  private static List<Object> drain(AvailabilitySubscriptions subs) {
    List<Object> frames = new ArrayList<>();
    for (Object frame = subs.nextDelta(); frame != null; frame = subs.nextDelta()) {
      frames.add(frame);
    }
    return frames;
  }

  @Test
  void deltasWaitForTheSnapshotAndAreConflatedPerTutor() {
    AvailabilitySubscriptions subs = new AvailabilitySubscriptions(20);
    long generation = subs.subscribe("math", null, null).orElseThrow().generation();
    TutorCard a = card("a", "en", 3000, "high");
    for (int i = 0; i < 1000; i++) {
      subs.onEvent(i % 2 == 0 ? up(card("a", "en", 3000 + i, "high")) : down("a"));
    }
    subs.onEvent(up(a));
    assertThat(subs.nextDelta()).as("nothing before the snapshot").isNull();
    assertThat(subs.pendingCount()).as("one pending event per tutor, whatever the rate").isEqualTo(1);

    AvailabilityFrames.Snapshot snapshot = subs.onSnapshot("math", generation, List.of()).orElseThrow();
    assertThat(snapshot.tutors()).isEmpty();
    assertThat(drain(subs)).containsExactly(AvailabilityFrames.available("math", a));
  }

  @Test
  void aResyncSendsWhatTheClientMissedAndOnlyThat() {
    AvailabilitySubscriptions subs = new AvailabilitySubscriptions(20);
    long generation = subs.subscribe("math", null, null).orElseThrow().generation();
    TutorCard a = card("a", "en", 3000, "high");
    TutorCard b = card("b", "en", 3000, "high");
    subs.onSnapshot("math", generation, List.of(a));
    assertThat(subs.live()).extracting(l -> l.query().subject()).containsExactly("math");

    subs.onResync("math", generation, List.of(a, b));

    assertThat(drain(subs)).containsExactly(AvailabilityFrames.available("math", b));
    subs.onResync("math", generation, List.of(b));
    assertThat(drain(subs)).containsExactly(AvailabilityFrames.unavailable("math", "a"));
    subs.onResync("math", generation - 1, List.of());
    assertThat(drain(subs)).as("an answer for an older subscription is ignored").isEmpty();
  }

  @Test
  void filtersApplyAndUnavailableIsSaidOnlyAboutTutorsShown() {
    AvailabilitySubscriptions subs = new AvailabilitySubscriptions(20);
    long generation = subs.subscribe("math", "fr", "university").orElseThrow().generation();
    TutorCard frUni = card("fr-uni", "fr", 3000, "high", "university");
    TutorCard frHigh = card("fr-high", "fr", 3000, "high");
    TutorCard enUni = card("en-uni", "en", 3000, "university");
    AvailabilityFrames.Snapshot snapshot = subs.onSnapshot("math", generation, List.of(frUni, frHigh, enUni)).orElseThrow();
    assertThat(snapshot.tutors()).extracting(AvailabilityFrames.TutorEntry::tutorId).containsExactly("fr-uni");
    assertThat(snapshot.tutors().get(0).levels()).containsExactly("high", "university");
    assertThat(snapshot.tutors().get(0).subjects()).containsExactly("math", "physics");
    assertThat(snapshot.tutors().get(0).rating()).isEqualTo(new AvailabilityFrames.Rating(null, 0));

    subs.onEvent(down("fr-high"));
    subs.onEvent(up(enUni));
    subs.onEvent(down("fr-uni"));
    assertThat(drain(subs)).containsExactly(AvailabilityFrames.unavailable("math", "fr-uni"));

    subs.onEvent(up(frUni));
    assertThat(drain(subs)).containsExactly(AvailabilityFrames.available("math", frUni));
    // The tutor stops teaching at university: for this subscription it is no longer available.
    subs.onEvent(up(card("fr-uni", "fr", 3000, "high")));
    assertThat(drain(subs)).containsExactly(AvailabilityFrames.unavailable("math", "fr-uni"));
  }

  @Test
  void resubscribingReplacesTheFiltersAndWaitsForTheNewSnapshot() {
    AvailabilitySubscriptions subs = new AvailabilitySubscriptions(20);
    AvailabilitySubscriptions.Subscribed first = subs.subscribe("math", "fr", null).orElseThrow();
    assertThat(first.isNew()).isTrue();
    AvailabilitySubscriptions.Subscribed second = subs.subscribe("math", "en", null).orElseThrow();
    assertThat(second.isNew()).isFalse();

    TutorCard en = card("en", "en", 3000, "high");
    assertThat(subs.onSnapshot("math", first.generation(), List.of(en))).as("an answer for the old filters").isEmpty();
    subs.onEvent(up(en));
    assertThat(subs.nextDelta()).isNull();
    assertThat(subs.onSnapshot("math", second.generation(), List.of(en)).orElseThrow().tutors()).hasSize(1);
    assertThat(drain(subs)).as("the snapshot already shows en as it is").isEmpty();
    TutorCard dearer = card("en", "en", 3500, "high");
    subs.onEvent(up(dearer));
    assertThat(drain(subs)).containsExactly(AvailabilityFrames.available("math", dearer));
  }

  @Test
  void subscriptionsAreBoundedAndUnsubscribingDropsPendingDeltas() {
    AvailabilitySubscriptions subs = new AvailabilitySubscriptions(2);
    long generation = subs.subscribe("math", null, null).orElseThrow().generation();
    subs.subscribe("physics", null, null).orElseThrow();
    assertThat(subs.subscribe("chemistry", null, null)).isEmpty();
    assertThat(subs.subscribe("physics", "en", null)).as("re-subscribing is not one more").isPresent();

    subs.onSnapshot("math", generation, List.of());
    subs.onEvent(up(card("a", "en", 3000, "high")));
    assertThat(subs.unsubscribe("math")).isTrue();
    assertThat(subs.unsubscribe("math")).isFalse();
    assertThat(subs.pendingCount()).isZero();
    assertThat(subs.subscribe("chemistry", null, null)).isPresent();
    assertThat(subs.subjects()).containsExactlyInAnyOrder("physics", "chemistry");
  }
}
