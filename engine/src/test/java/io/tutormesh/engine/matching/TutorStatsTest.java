package io.tutormesh.engine.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.matching.MatchPool.Outcome;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TutorStatsTest {

  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");

  private final TutorStats stats = new TutorStats(T0);

  @Test
  void anOfferIsHeldUntilItsOutcomeOrItsEnd() {
    stats.offered(T0, T0.plusSeconds(15));

    assertThat(stats.holdsOffer(T0.plusSeconds(14))).isTrue();
    assertThat(stats.holdsOffer(T0.plusSeconds(15))).isFalse();
    assertThat(stats.lastOfferedAt()).isEqualTo(T0);
    assertThat(stats.answered(Outcome.ACCEPTED, T0.plusSeconds(5))).isTrue();
    assertThat(stats.holdsOffer(T0.plusSeconds(6))).isFalse();
    assertThat(stats.offersAccepted()).isEqualTo(1);
  }

  @Test
  void anOutcomeWithoutAnOutstandingOfferChangesNothing() {
    assertThat(stats.answered(Outcome.ACCEPTED, T0)).isFalse();
    stats.offered(T0, T0.plusSeconds(15));
    stats.answered(Outcome.DECLINED, T0.plusSeconds(1));

    assertThat(stats.answered(Outcome.WITHDRAWN, T0.plusSeconds(2))).isFalse();
    assertThat(stats.offersSent()).isEqualTo(1);
    assertThat(stats.offersAccepted()).isZero();
  }

  @Test
  void aWithdrawnOfferIsTakenBackFromTheOffersSent() {
    stats.offered(T0, T0.plusSeconds(15));
    stats.answered(Outcome.WITHDRAWN, T0.plusSeconds(1));

    assertThat(stats.offersSent()).isZero();
    assertThat(stats.lastOfferedAt()).as("the fairness clock still counts it").isEqualTo(T0);
  }

  @Test
  void sessionsAreCountedPerStudentAndANullStudentHasNone() {
    assertThat(stats.sessionsWith("student-1")).isZero();
    stats.matchedWith("student-1", T0);
    stats.matchedWith("student-1", T0);

    assertThat(stats.sessionsWith("student-1")).isEqualTo(2);
    assertThat(stats.sessionsWith("student-2")).isZero();
    assertThat(stats.sessionsWith(null)).isZero();
  }

  @Test
  void atMostMaxStudentsAreRememberedTheLeastRecentlyMatchedDroppedFirst() {
    for (int i = 0; i <= MatchPool.MAX_STUDENTS_PER_TUTOR; i++) {
      stats.matchedWith("student-" + i, T0);
    }

    assertThat(stats.sessionsWith("student-0")).isZero();
    assertThat(stats.sessionsWith("student-1")).isEqualTo(1);
    assertThat(stats.sessionsWith("student-" + MatchPool.MAX_STUDENTS_PER_TUTOR)).isEqualTo(1);
  }

  @Test
  void activityDrivesRetention() {
    assertThat(stats.isIdleSince(T0.plusSeconds(1))).isTrue();
    stats.touch(T0.plusSeconds(10));

    assertThat(stats.isIdleSince(T0.plusSeconds(1))).isFalse();
  }
}
