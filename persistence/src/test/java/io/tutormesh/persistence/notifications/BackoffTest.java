package io.tutormesh.persistence.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(5), 2.0, 6);

  @Test
  void doublesFromInitialUpToTheCap() {
    assertThat(IntStream.rangeClosed(1, 6).mapToObj(backoff::delayAfter)).containsExactly(
        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4),
        Duration.ofMinutes(5), Duration.ofMinutes(5));
  }

  @Test
  void staysAtTheCapForAnyAttemptWithoutOverflowing() {
    assertThat(backoff.delayAfter(10_000)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void givesUpAfterMaxAttempts() {
    assertThat(backoff.retries(1)).isTrue();
    assertThat(backoff.retries(5)).isTrue();
    assertThat(backoff.retries(6)).isFalse();
    assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.0, 1).retries(1)).isFalse();
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> backoff.delayAfter(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofMinutes(1), 2, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofMinutes(2), Duration.ofMinutes(1), 2, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(2), 0.5, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(2), Double.NaN, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(2), 2, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
