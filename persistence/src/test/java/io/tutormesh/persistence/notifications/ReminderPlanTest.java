package io.tutormesh.persistence.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.persistence.notifications.ReminderPlan.Reminder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReminderPlanTest {

  private static final List<Duration> DEFAULT = List.of(Duration.ofHours(24), Duration.ofMinutes(15));
  private static final Instant START = Instant.parse("2030-03-02T10:00:00Z");

  @Test
  void oneReminderPerOffsetBeforeTheStartInTimeOrder() {
    ReminderPlan plan = ReminderPlan.of("s-1", START, DEFAULT, START.minus(Duration.ofDays(3)));

    assertThat(plan.reminders()).containsExactly(
        new Reminder(Duration.ofHours(24), Instant.parse("2030-03-01T10:00:00Z")),
        new Reminder(Duration.ofMinutes(15), Instant.parse("2030-03-02T09:45:00Z")));
    assertThat(plan.reminders()).extracting(Reminder::qualifier).containsExactly("PT24H", "PT15M");
  }

  @Test
  void aReminderWhoseTimeHasPassedIsNotScheduled() {
    ReminderPlan bookedThreeHoursAhead = ReminderPlan.of("s-1", START, DEFAULT, START.minus(Duration.ofHours(3)));
    ReminderPlan bookedTenMinutesAhead = ReminderPlan.of("s-1", START, DEFAULT, START.minus(Duration.ofMinutes(10)));

    assertThat(bookedThreeHoursAhead.reminders()).extracting(Reminder::offset).containsExactly(Duration.ofMinutes(15));
    assertThat(bookedTenMinutesAhead.reminders()).isEmpty();
  }

  @Test
  void aReminderDueExactlyNowIsKept() {
    ReminderPlan plan = ReminderPlan.of("s-1", START, DEFAULT, START.minus(Duration.ofHours(24)));

    assertThat(plan.reminders()).extracting(Reminder::dueAt)
        .containsExactly(START.minus(Duration.ofHours(24)), START.minus(Duration.ofMinutes(15)));
  }

  @Test
  void aLessonThatHasStartedGetsNone() {
    assertThat(ReminderPlan.of("s-1", START, DEFAULT, START).reminders()).isEmpty();
    assertThat(ReminderPlan.of("s-1", START, DEFAULT, START.plusSeconds(1)).reminders()).isEmpty();
  }

  @Test
  void duplicateOffsetsCountOnceAndNoOffsetsMeansNoReminders() {
    assertThat(ReminderPlan.of("s-1", START, List.of(Duration.ofHours(1), Duration.ofMinutes(60)), START.minusSeconds(7200))
        .reminders()).hasSize(1);
    assertThat(ReminderPlan.of("s-1", START, List.of(), START.minusSeconds(7200)).reminders()).isEmpty();
  }

  @Test
  void refusesOffsetsThatAreNotPositive() {
    assertThatThrownBy(() -> ReminderPlan.of("s-1", START, List.of(Duration.ZERO), START.minusSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReminderPlan.of("s-1", START, List.of(Duration.ofMinutes(-5)), START.minusSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
