package io.tutormesh.engine.money;

import static io.tutormesh.engine.money.CancellationPolicy.Party.ADMIN;
import static io.tutormesh.engine.money.CancellationPolicy.Party.STUDENT;
import static io.tutormesh.engine.money.CancellationPolicy.Party.SYSTEM;
import static io.tutormesh.engine.money.CancellationPolicy.Party.TUTOR;
import static io.tutormesh.engine.money.CancellationPolicy.SessionKind.BOOKED;
import static io.tutormesh.engine.money.CancellationPolicy.SessionKind.INSTANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.tutormesh.engine.money.CancellationPolicy.Party;
import io.tutormesh.engine.money.CancellationPolicy.SessionKind;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CancellationPolicyTest {

  private static final Instant START = Instant.parse("2026-12-01T18:00:00Z");
  private static final Duration FREE_BEFORE = Duration.ofHours(12);
  private static final MoneySettings DEFAULTS = MoneySettingsTest.defaults();

  private static Settlement decide(Party by, SessionKind kind, Instant at, long held) {
    return CancellationPolicy.decide(by, kind, START, at, held, FREE_BEFORE, 50);
  }

  @Test
  void aStudentCancellingEarlyEnoughGetsEverythingBack() {
    assertThat(decide(STUDENT, BOOKED, START.minus(Duration.ofDays(3)), 3000)).isEqualTo(Settlement.fullRefund(3000));
    assertThat(decide(STUDENT, BOOKED, START.minus(Duration.ofHours(13)), 3000)).isEqualTo(Settlement.fullRefund(3000));
  }

  @Test
  void exactlyTheFreeCancelPeriodBeforeIsStillFree() {
    assertThat(decide(STUDENT, BOOKED, START.minus(FREE_BEFORE), 3000)).isEqualTo(Settlement.fullRefund(3000));
    assertThat(decide(STUDENT, BOOKED, START.minus(FREE_BEFORE).plusMillis(1), 3000)).isEqualTo(new Settlement(1500, 1500));
  }

  @Test
  void aLateStudentCancellationPaysTheTutorItsShareRoundedDown() {
    assertThat(decide(STUDENT, BOOKED, START.minus(Duration.ofHours(2)), 3000)).isEqualTo(new Settlement(1500, 1500));
    assertThat(decide(STUDENT, BOOKED, START.minus(Duration.ofHours(2)), 3001)).isEqualTo(new Settlement(1501, 1500));
    assertThat(decide(STUDENT, BOOKED, START.plus(Duration.ofMinutes(5)), 3000))
        .as("after the start, before it went live").isEqualTo(new Settlement(1500, 1500));
    assertThat(CancellationPolicy.decide(STUDENT, BOOKED, START, START.minusSeconds(60), 3000, FREE_BEFORE, 0))
        .isEqualTo(Settlement.fullRefund(3000));
    assertThat(CancellationPolicy.decide(STUDENT, BOOKED, START, START.minusSeconds(60), 3000, FREE_BEFORE, 100))
        .isEqualTo(Settlement.allToTutor(3000));
  }

  @ParameterizedTest
  @EnumSource(value = Party.class, names = {"TUTOR", "ADMIN", "SYSTEM"})
  void aCancellationByAnyoneButTheStudentIsFree(Party by) {
    assertThat(decide(by, BOOKED, START.minusSeconds(60), 3000)).isEqualTo(Settlement.fullRefund(3000));
    assertThat(decide(by, BOOKED, START.plusSeconds(600), 3000)).isEqualTo(Settlement.fullRefund(3000));
    assertThat(decide(by, INSTANT, START, 3000)).isEqualTo(Settlement.fullRefund(3000));
  }

  @Test
  void anInstantSessionCancelledBeforeItWentLiveIsFree() {
    assertThat(CancellationPolicy.decide(STUDENT, INSTANT, null, START, 2500, FREE_BEFORE, 50))
        .isEqualTo(Settlement.fullRefund(2500));
    assertThat(CancellationPolicy.isFree(STUDENT, INSTANT, null, START, FREE_BEFORE)).isTrue();
  }

  @Test
  void usesTheConfiguredNumbers() {
    assertThat(CancellationPolicy.decide(STUDENT, BOOKED, START, START.minus(Duration.ofHours(11)), 1000, DEFAULTS))
        .isEqualTo(new Settlement(500, 500));
    assertThat(CancellationPolicy.decide(STUDENT, BOOKED, START, START.minus(Duration.ofHours(12)), 1000, DEFAULTS))
        .isEqualTo(Settlement.fullRefund(1000));
    MoneySettings strict = MoneySettingsTest.settings("""
        tutormesh.money.free-cancel-before = 48h
        tutormesh.money.late-cancel-tutor-share-percent = 80
        """);
    assertThat(CancellationPolicy.decide(STUDENT, BOOKED, START, START.minus(Duration.ofHours(24)), 1000, strict))
        .isEqualTo(new Settlement(200, 800));
  }

  @Test
  void refundAndTutorShareAlwaysAddUpToTheHold() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 50_000; i++) {
      Party by = Party.values()[random.nextInt(Party.values().length)];
      SessionKind kind = SessionKind.values()[random.nextInt(2)];
      Instant at = START.plusSeconds(random.nextLong(-3 * 86_400, 3_600));
      long held = random.nextLong(0, 10_000_000);
      int share = random.nextInt(0, 101);
      Settlement settlement = CancellationPolicy.decide(by, kind, START, at, held, FREE_BEFORE, share);
      if (settlement.totalCents() != held || settlement.tutorCents() > held * share / 100) {
        fail("%s %s at %s of %d (%d %%): %s", by, kind, at, held, share, settlement);
      }
    }
  }

  @Test
  void aBookedSessionNeedsItsStart() {
    assertThatThrownBy(() -> CancellationPolicy.decide(STUDENT, BOOKED, null, START, 100, FREE_BEFORE, 50))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("scheduledStart");
    assertThatThrownBy(() -> CancellationPolicy.decide(STUDENT, BOOKED, START, START, 100, FREE_BEFORE, 101))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CancellationPolicy.decide(TUTOR, BOOKED, START, START, -1, FREE_BEFORE, 50))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(SYSTEM).isNotEqualTo(ADMIN);
  }
}
