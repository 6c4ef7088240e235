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
  void timesSurviveTheRoundTripThroughMillis() {
    assertThat(stats.lastOfferedAt()).isNull();
    stats.offered(T0.plusMillis(1500), T0.plusSeconds(16));

    assertThat(stats.lastOfferedAt()).isEqualTo(T0.plusMillis(1500));
    assertThat(stats.holdsOffer(T0.plusSeconds(16).minusMillis(1))).isTrue();
    assertThat(stats.holdsOffer(T0.plusSeconds(16).toEpochMilli())).isFalse();
  }

  @Test
  void activityDrivesRetention() {
    assertThat(stats.isIdleSince(T0.plusSeconds(1))).isTrue();
    stats.touch(T0.plusSeconds(10));

    assertThat(stats.isIdleSince(T0.plusSeconds(1))).isFalse();
  }
}
