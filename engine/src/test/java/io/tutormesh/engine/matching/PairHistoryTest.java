package io.tutormesh.engine.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PairHistoryTest {

  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");

  private final PairHistory history = new PairHistory(3, 2);

  @Test
  void sessionsAreCountedPerPairAndANullOrUnknownStudentHasNone() {
    history.matched("student-1", "t-a", T0);
    history.matched("student-1", "t-a", T0);
    history.matched("student-1", "t-b", T0);

    assertThat(history.sessions("student-1", "t-a")).isEqualTo(2);
    assertThat(history.sessions("student-1", "t-b")).isEqualTo(1);
    assertThat(history.sessions("student-1", "t-c")).isZero();
    assertThat(history.sessions("student-2", "t-a")).isZero();
    assertThat(history.sessions(null, "t-a")).isZero();
    assertThat(history.tutorsOf("student-1")).containsOnlyKeys("t-a", "t-b");
    assertThat(history.tutorsOf(null)).isEmpty();
  }

  @Test
  void theTutorsOfAStudentAreReadOnly() {
    history.matched("student-1", "t-a", T0);

    assertThatThrownBy(() -> history.tutorsOf("student-1").put("t-z", 9)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(history.tutorsOf("student-1")).containsOnlyKeys("t-a");
  }

  @Test
  void atMostMaxTutorsPerStudentTheLeastRecentlyMatchedDroppedFirst() {
    history.matched("student-1", "t-a", T0);
    history.matched("student-1", "t-b", T0);
    history.matched("student-1", "t-a", T0);
    history.matched("student-1", "t-c", T0);

    assertThat(history.tutorsOf("student-1")).containsOnlyKeys("t-a", "t-c");
    assertThat(history.sessions("student-1", "t-a")).isEqualTo(2);
  }

  @Test
  void atMostMaxStudentsTheLeastRecentlyMatchedDroppedFirst() {
    for (String student : new String[] {"s-1", "s-2", "s-3"}) {
      history.matched(student, "t-a", T0);
    }
    history.matched("s-1", "t-b", T0);
    history.matched("s-4", "t-a", T0);

    assertThat(history.students()).isEqualTo(3);
    assertThat(history.tutorsOf("s-2")).isEmpty();
    assertThat(history.tutorsOf("s-1")).containsOnlyKeys("t-a", "t-b");
  }

  @Test
  void aStudentWithoutAMatchSinceTheCutIsForgotten() {
    history.matched("s-old", "t-a", T0);
    history.matched("s-new", "t-a", T0.plus(Duration.ofHours(2)));

    history.forgetIdleSince(T0.plus(Duration.ofHours(1)));

    assertThat(history.tutorsOf("s-old")).isEmpty();
    assertThat(history.sessions("s-new", "t-a")).isEqualTo(1);
    assertThat(history.students()).isEqualTo(1);
  }

  @Test
  void boundsMustBePositive() {
    assertThatThrownBy(() -> new PairHistory(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PairHistory(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
