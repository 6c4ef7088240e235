package io.tutormesh.engine.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.money.ProviderResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Summing the ledger one line at a time (as a paged stream does) gives the trial balance of all the lines at once. */
class TrialBalanceSumTest {

  private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");

  @Test
  void aRunningSumIsTheTrialBalanceOfAllLines() {
    List<Postings.Line> lines = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String student = "s" + (i % 7);
      Postings.topUpSettled(student, new Postings.TopUpTerms("t" + i, 5000, 5000, 250), ProviderResult.succeeded("ch"), AT)
          .forEach(p -> lines.addAll(p.lines()));
      Postings.escrowed(student, "session-" + i, 3000, AT).forEach(p -> lines.addAll(p.lines()));
      Postings.credited("tutor-" + (i % 3), "session-" + i, 2000, 1000, AT).forEach(p -> lines.addAll(p.lines()));
    }
    TrialBalance.Sum sum = new TrialBalance.Sum();
    lines.forEach(sum::add);

    TrialBalance all = TrialBalance.of(lines);
    assertThat(sum.result()).isEqualTo(all);
    assertThat(all.balanced()).isTrue();
    assertThat(new TrialBalance.Sum().result()).isEqualTo(TrialBalance.EMPTY);
  }
}
