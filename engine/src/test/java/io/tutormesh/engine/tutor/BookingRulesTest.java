package io.tutormesh.engine.tutor;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.tutor.BookingRules.BookedSlot;
import io.tutormesh.engine.schedule.ScheduleSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BookingRulesTest {

  private static final Instant NOW = Instant.parse("2026-11-28T09:10:00Z");
  private static final Instant NOON = Instant.parse("2026-11-28T12:00:00Z");
  private static final ScheduleSettings DEFAULTS = ScheduleSettings.fromConfig(ConfigFactory.defaultReference());
  /** The defaults without the buffer between lessons (its own test below). */
  private static final ScheduleSettings NO_BUFFER = DEFAULTS.withBuffer(Duration.ZERO);
  private static final ScheduleSettings BUFFERED = DEFAULTS.withBuffer(Duration.ofMinutes(15));

  private static Optional<Rejection> check(List<BookedSlot> calendar, Instant start, int minutes) {
    return BookingRules.check(calendar, false, true, start, minutes, NOW, NO_BUFFER);
  }

  private static BookedSlot lesson(Instant start, int minutes) {
    return new BookedSlot("s-" + start, "sam", start, start.plus(Duration.ofMinutes(minutes)), 4000);
  }

  @Test
  void theReferenceSettingsAreTheDocumentedOnes() {
    assertThat(DEFAULTS.slotStep()).isEqualTo(Duration.ofMinutes(30));
    assertThat(DEFAULTS.minNotice()).isEqualTo(Duration.ofHours(2));
    assertThat(DEFAULTS.buffer()).isEqualTo(Duration.ofMinutes(10));
    assertThat(DEFAULTS.horizon()).isEqualTo(Duration.ofDays(180));
    assertThat(DEFAULTS.minDurationMinutes()).isEqualTo(15);
    assertThat(DEFAULTS.maxDurationMinutes()).isEqualTo(180);
  }

  @Test
  void aFreeSlotOnTheGridFarEnoughAheadIsBookable() {
    assertThat(check(List.of(), NOON, 60)).isEmpty();
    assertThat(check(List.of(), NOON.plus(Duration.ofMinutes(30)), 15)).isEmpty();
  }

  @Test
  void pastTooSoonAndTooFarAreRefused() {
    assertThat(check(List.of(), Instant.parse("2026-11-28T09:00:00Z"), 60).orElseThrow().detail()).contains("past");
    assertThat(check(List.of(), Instant.parse("2026-11-28T11:00:00Z"), 60).orElseThrow().detail()).contains("ahead");
    assertThat(check(List.of(), NOON.plus(Duration.ofDays(181)), 60).orElseThrow().detail()).contains("days ahead");
  }

  @Test
  void aSlotTheScheduleDoesNotOfferIsRefused() {
    // Off the tutor's local grid or outside its hours: SlotExpansion offers no slot there.
    Rejection refused = BookingRules.check(List.of(), false, false, NOON, 60, NOW, NO_BUFFER).orElseThrow();
    assertThat(refused.kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(refused.detail()).contains("availability");
  }

  @Test
  void aDurationOutOf15To180IsInvalid() {
    assertThat(check(List.of(), NOON, 14).orElseThrow()).isEqualTo(Rejection.invalid("durationMinutes", "must be between 15 and 180"));
    assertThat(check(List.of(), NOON, 181).orElseThrow().field()).isEqualTo("durationMinutes");
    assertThat(check(List.of(), NOON, 180)).isEmpty();
  }

  @Test
  void anOverlapIsRefusedButBackToBackIsFine() {
    List<BookedSlot> calendar = List.of(lesson(NOON, 60));
    assertThat(check(calendar, NOON, 60)).isPresent();
    assertThat(check(calendar, NOON.plus(Duration.ofMinutes(30)), 60)).isPresent();
    assertThat(check(calendar, NOON.minus(Duration.ofMinutes(30)), 60)).isPresent();
    assertThat(check(calendar, NOON.minus(Duration.ofMinutes(30)), 30)).isEmpty();
    assertThat(check(calendar, NOON.plus(Duration.ofMinutes(60)), 60)).isEmpty();
  }

  @Test
  void theBufferKeepsFreeTimeAroundALesson() {
    List<BookedSlot> calendar = List.of(lesson(NOON, 60));
    assertThat(BookingRules.check(calendar, false, true, NOON.plus(Duration.ofMinutes(60)), 30, NOW, BUFFERED)).isPresent();
    assertThat(BookingRules.check(calendar, false, true, NOON.minus(Duration.ofMinutes(30)), 30, NOW, BUFFERED)).isPresent();
    assertThat(BookingRules.check(calendar, false, true, NOON.plus(Duration.ofMinutes(90)), 30, NOW, BUFFERED)).isEmpty();
  }

  @Test
  void aTutorBusyInAnInstantSessionCannotBeBookedWithinTheLongestOne() {
    assertThat(BookingRules.check(List.of(), true, true, NOON, 60, NOW, NO_BUFFER).orElseThrow().detail()).contains("instant session");
    assertThat(BookingRules.check(List.of(), true, true, NOW.plus(Duration.ofMinutes(180 + 20)), 60, NOW, NO_BUFFER)).isEmpty();
  }

  @Test
  void aBookedLessonNowOrSoonBlocksInstantReservations() {
    List<BookedSlot> calendar = List.of(lesson(NOON, 60));
    assertThat(BookingRules.blocksInstant(calendar, NOON.minus(Duration.ofMinutes(30)), 60, Duration.ZERO)).isTrue();
    assertThat(BookingRules.blocksInstant(calendar, NOON.plus(Duration.ofMinutes(30)), 15, Duration.ZERO)).as("in progress").isTrue();
    assertThat(BookingRules.blocksInstant(calendar, NOON.minus(Duration.ofMinutes(60)), 60, Duration.ZERO)).isFalse();
    assertThat(BookingRules.blocksInstant(calendar, NOON.plus(Duration.ofMinutes(60)), 60, Duration.ZERO)).isFalse();
  }

  @Test
  void pastLessonsLeaveTheCalendar() {
    BookedSlot past = lesson(NOON, 60);
    BookedSlot next = lesson(NOON.plus(Duration.ofDays(1)), 60);
    assertThat(BookingRules.withoutPast(List.of(past, next), NOON.plus(Duration.ofMinutes(60)))).containsExactly(next);
  }
}
