package io.tutormesh.engine.money;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.money.CancellationPolicy.Party;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A reschedule is allowed exactly when the same party's cancellation now would be free. */
class ReschedulePolicyTest {

  private static final Instant START = Instant.parse("2026-12-01T15:00:00Z");
  private static final Instant LATER = START.plus(Duration.ofDays(1));
  private static final Duration FREE_BEFORE = Duration.ofHours(12);

  @Test
  void theStudentMayRescheduleUntilTheFreeCancellationWindowClosesThenIsRefused() {
    assertThat(ReschedulePolicy.check(Party.STUDENT, START, LATER, START.minus(FREE_BEFORE), FREE_BEFORE)).isEmpty();
    var late = ReschedulePolicy.check(Party.STUDENT, START, LATER, START.minus(FREE_BEFORE).plusSeconds(1), FREE_BEFORE);
    assertThat(late).get().extracting(Rejection::kind).isEqualTo(Rejection.Kind.CONFLICT);
  }

  @Test
  void theTutorOrAnAdminMayRescheduleLateButNobodyOnceTheLessonStarted() {
    Instant late = START.minus(Duration.ofMinutes(30));
    assertThat(ReschedulePolicy.check(Party.TUTOR, START, LATER, late, FREE_BEFORE)).isEmpty();
    assertThat(ReschedulePolicy.check(Party.ADMIN, START, LATER, late, FREE_BEFORE)).isEmpty();
    assertThat(ReschedulePolicy.check(Party.TUTOR, START, LATER, START, FREE_BEFORE)).get()
        .extracting(Rejection::kind).isEqualTo(Rejection.Kind.CONFLICT);
  }

  @Test
  void aMissingOrUnchangedStartIsRefused() {
    Instant early = START.minus(Duration.ofDays(2));
    assertThat(ReschedulePolicy.check(Party.STUDENT, START, null, early, FREE_BEFORE)).get()
        .extracting(Rejection::kind).isEqualTo(Rejection.Kind.INVALID);
    assertThat(ReschedulePolicy.check(Party.STUDENT, START, START, early, FREE_BEFORE)).get()
        .extracting(Rejection::kind).isEqualTo(Rejection.Kind.CONFLICT);
  }
}
