package io.tutormesh.engine.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Payouts and admin refunds as postings: each balances, and a refunded session's escrow is back at 0. */
class RefundPostingsTest {

  private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");

  private static TrialBalance balanceOf(List<Postings.Posting> postings) {
    return TrialBalance.of(postings.stream().flatMap(p -> p.lines().stream()).toList());
  }

  @Test
  void aPayoutMovesTheTutorsMoneyOutThroughTheProvidersPayoutAccount() {
    List<Postings.Posting> postings = new ArrayList<>(Postings.credited("ada", "s-1", 502, 248, AT));
    postings.addAll(Postings.paidOut("ada", "p-1", 400, AT));

    TrialBalance balance = balanceOf(postings);
    assertThat(balance.balanced()).isTrue();
    assertThat(balance.balance("tutor:ada")).isEqualTo(102);
    assertThat(balance.balance(Postings.PROVIDER_PAYOUTS)).isEqualTo(400); // credited (credits positive)
    assertThat(Postings.paidOut("ada", "p-1", 0, AT)).isEmpty();
    assertThat(Postings.paidOut("ada", "p-1", 400, AT)).singleElement()
        .satisfies(p -> assertThat(p.transferId()).isEqualTo("payout:p-1"));
  }

  @Test
  void aRefundReversesTheCreditAndGivesTheCaptureBackLeavingTheEscrowAtZero() {
    List<Postings.Posting> postings = new ArrayList<>(Postings.escrowed("sam", "s-1", 3000, AT));
    postings.addAll(Postings.charged("sam", "s-1", 2250, AT));
    postings.addAll(Postings.credited("ada", "s-1", 502, 248, AT));
    postings.addAll(Postings.reversed("ada", "s-1", 502, 248, AT));
    postings.addAll(Postings.refunded("sam", "s-1", 750, AT));

    TrialBalance balance = balanceOf(postings);
    assertThat(balance.balanced()).isTrue();
    assertThat(balance.balance("escrow:s-1")).isZero();
    assertThat(balance.balance("tutor:ada")).isZero();
    assertThat(balance.commissionCents()).isZero();
    assertThat(balance.balance("student:sam")).isZero(); // everything escrowed came back
  }
}
