package io.tutormesh.engine.matching;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.matching.MatchPool.CandidateQuery;
import io.tutormesh.engine.matching.MatchPool.Candidates;
import io.tutormesh.engine.matching.MatchPool.FindCandidates;
import io.tutormesh.engine.matching.MatchPool.TutorAvailable;
import io.tutormesh.engine.tutor.BookingRules;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Instant matching skips a tutor whose next booked lesson starts before now + the request's
 * duration + the booking buffer (the TutorEntity would refuse the reservation anyway): the pure
 * filter on the card, the next start the TutorEntity puts on it, and the pool applying it.
 */
class BookedTutorFilterTest {

  private static final Instant NOW = Instant.parse("2026-11-28T09:00:00Z");
  private static final Duration BUFFER = Duration.ofMinutes(10);

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(TestSupport.testKitConfig()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static TutorCard card(String id, Instant nextBookedStart) {
    return new TutorCard(id, "T " + id, List.of(new SubjectOffer("math", List.of("high"))), List.of("en"), 3000, "EUR",
        new Rating(4.5, 10), nextBookedStart);
  }

  @Test
  void aTutorIsFreeUnlessItsNextLessonStartsBeforeNowPlusDurationPlusBuffer() {
    assertThat(card("none", null).freeFor(NOW, 60, BUFFER)).isTrue();
    assertThat(card("edge", NOW.plus(Duration.ofMinutes(70))).freeFor(NOW, 60, BUFFER)).as("exactly at the edge").isTrue();
    assertThat(card("later", NOW.plus(Duration.ofHours(3))).freeFor(NOW, 60, BUFFER)).isTrue();
    assertThat(card("soon", NOW.plus(Duration.ofMinutes(69))).freeFor(NOW, 60, BUFFER)).isFalse();
    assertThat(card("in-progress", NOW.minus(Duration.ofMinutes(5))).freeFor(NOW, 60, BUFFER)).isFalse();
    assertThat(card("short", NOW.plus(Duration.ofMinutes(40))).freeFor(NOW, 30, BUFFER)).as("a shorter request fits").isTrue();
  }

  @Test
  void theNextStartIsTheEarliestLessonNotEndedYet() {
    List<BookingRules.BookedSlot> calendar = List.of(
        new BookingRules.BookedSlot("past", "s", NOW.minus(Duration.ofHours(2)), NOW.minus(Duration.ofHours(1)), 3000),
        new BookingRules.BookedSlot("later", "s", NOW.plus(Duration.ofHours(5)), NOW.plus(Duration.ofHours(6)), 3000),
        new BookingRules.BookedSlot("next", "s", NOW.plus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(2)), 3000));
    assertThat(BookingRules.nextStart(calendar, NOW)).isEqualTo(NOW.plus(Duration.ofHours(1)));
    assertThat(BookingRules.nextStart(List.of(), NOW)).isNull();
  }

  @Test
  void partnersNeverSeeTheBookingHint() {
    assertThat(card("t", NOW).publicPart().nextBookedStart()).isNull();
    assertThat(card("t", NOW).publicPart()).isEqualTo(card("t", null));
  }

  @Test
  void thePoolDoesNotOfferARequestToATutorWhoseLessonStartsTooSoon() {
    assertThat(find(60)).containsExactlyInAnyOrder("free", "booked-later");
    assertThat(find(30)).as("a 30-minute lesson ends 10 minutes (the buffer) before the one booked in 50 minutes")
        .containsExactlyInAnyOrder("free", "booked-soon", "booked-later");
  }

  /** A fresh pool (an offered tutor holds its offer in the pool) of three tutors, asked for a lesson of {@code minutes}. */
  private static List<String> find(int minutes) {
    MatchingSettings settings = MatchingSettings.fromConfig(ConfigFactory.load());
    ActorRef<MatchPool.Command> pool = testKit.spawn(MatchPool.create("math", settings, BUFFER, new TestClock(NOW)));
    pool.tell(new TutorAvailable(card("free", null)));
    pool.tell(new TutorAvailable(card("booked-soon", NOW.plus(Duration.ofMinutes(50)))));
    pool.tell(new TutorAvailable(card("booked-later", NOW.plus(Duration.ofMinutes(90)))));
    TestProbe<Candidates> reply = testKit.createTestProbe();
    pool.tell(new FindCandidates(new CandidateQuery("s-1", "student-1", "math", "high", "en", 5000, Set.of(), 10, minutes), reply.getRef()));
    List<String> found = reply.receiveMessage(Duration.ofSeconds(5)).tutors().stream().map(TutorCard::tutorId).toList();
    testKit.stop(pool);
    return found;
  }
}
