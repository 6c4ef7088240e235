package io.tutormesh.engine.money;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A busy tutor's earnings stay bounded: credits fully available are folded into running totals,
 * except the newest ones the API lists; pending, frozen and reversed credits are kept one by one;
 * and no total (available, pending, commission, owed, hours) differs from what the credits, all
 * kept, would give.
 */
class EarningsFoldingTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration WINDOW = Duration.ofHours(25);

  /** The credits one by one, never folded: what every total must equal. */
  private record Reference(List<Earnings.Credit> credits, List<String> reversed, long paidOutCents) {
    long net(Instant now, boolean pending, List<String> frozen) {
      return credits.stream().filter(c -> !reversed.contains(c.sessionId()))
          .filter(c -> (c.availableAt().isAfter(now) || frozen.contains(c.sessionId())) == pending)
          .mapToLong(Earnings.Credit::netCents).sum();
    }

    long commission() {
      return credits.stream().filter(c -> !reversed.contains(c.sessionId())).mapToLong(Earnings.Credit::commissionCents).sum();
    }

    long minutes() {
      return credits.stream().filter(c -> !reversed.contains(c.sessionId())).mapToLong(Earnings.Credit::minutes).sum();
    }
  }

  private static Earnings.Credit credit(int i, Instant at) {
    return Earnings.credit("session-" + i, 1000 + i, 30 + i % 60, 33 - i % 10, WINDOW, at);
  }

  @Test
  void aBusyTutorsCreditsAreFoldedAndEveryTotalIsUnchanged() {
    Earnings earnings = Earnings.NONE;
    List<Earnings.Credit> all = new ArrayList<>();
    List<String> frozen = List.of("session-3", "session-700");
    List<String> reversed = List.of("session-5");
    Instant at = START;
    for (int i = 0; i < 2000; i++) {
      at = at.plus(Duration.ofMinutes(30)); // 48 lessons a day: about 50 credits in every window
      Earnings.Credit c = credit(i, at);
      all.add(c);
      earnings = earnings.credited(c);
      if (i == 3 || i == 700) {
        earnings = earnings.frozen(c.sessionId());
      }
      if (i == 5) {
        earnings = earnings.reversed(c.sessionId());
      }
      if (i == 1000) {
        earnings = earnings.paidOut(123_456);
      }
    }
    Reference reference = new Reference(all, reversed, 123_456);

    assertThat(earnings.credits().size()).as("bounded").isLessThanOrEqualTo(Earnings.KEPT_CREDITS + 60 + frozen.size() + reversed.size());
    assertThat(earnings.folded().count()).isEqualTo(2000 - earnings.credits().size());
    assertThat(earnings.credits()).containsKeys("session-3", "session-700", "session-5");
    for (Instant now : List.of(at, at.plus(WINDOW), at.plus(Duration.ofDays(30)))) {
      assertThat(earnings.pendingCents(now)).isEqualTo(reference.net(now, true, frozen));
      assertThat(earnings.availableCents(now)).isEqualTo(reference.net(now, false, frozen) - 123_456);
    }
    assertThat(earnings.commissionCents()).isEqualTo(reference.commission());
    assertThat(earnings.completedHours()).isEqualTo(reference.minutes() / 60.0);
    assertThat(earnings.owedCents()).isEqualTo(reference.net(at, true, frozen) + reference.net(at, false, frozen) - 123_456);
    List<Earnings.Credit> newest = new ArrayList<>(all.subList(2000 - Earnings.KEPT_CREDITS, 2000));
    java.util.Collections.reverse(newest);
    assertThat(earnings.latest(Earnings.KEPT_CREDITS)).as("the API's entries: the newest, all kept").containsExactlyElementsOf(newest);
  }

  @Test
  void pendingCreditsAndTheNewestAreNeverFoldedAndFewCreditsNotAtAll() {
    Earnings earnings = Earnings.NONE;
    // All within one dispute window: nothing is available, nothing folds.
    for (int i = 0; i < 3 * Earnings.KEPT_CREDITS; i++) {
      earnings = earnings.credited(credit(i, START.plusSeconds(i)));
    }
    assertThat(earnings.credits()).hasSize(3 * Earnings.KEPT_CREDITS);
    assertThat(earnings.folded()).isEqualTo(Earnings.Folded.NONE);

    // Few credits, long ago: kept as they are.
    Earnings few = Earnings.NONE.credited(credit(1, START)).credited(credit(2, START.plus(Duration.ofDays(90))));
    assertThat(few.credits()).hasSize(2);
    assertThat(few.folded()).isEqualTo(Earnings.Folded.NONE);
  }

  @Test
  void foldingIsTheSameOnReplayAndACreditIsNeverCountedTwice() {
    Earnings once = Earnings.NONE;
    Earnings twice = Earnings.NONE;
    for (int i = 0; i < 500; i++) {
      Earnings.Credit c = credit(i, START.plus(Duration.ofHours(i)));
      once = once.credited(c);
      twice = twice.credited(c).credited(c);
    }
    assertThat(twice).isEqualTo(once);
    assertThat(once.folded().count()).isPositive();
    assertThat(Earnings.NONE.credits()).isEqualTo(Map.of());
  }
}
