package io.tutormesh.engine.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KpisTest {

  private static final Instant FROM = Instant.parse("2026-11-28T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-11-29T00:00:00Z");

  private static Instant at(String time) {
    return Instant.parse("2026-11-28T" + time + "Z");
  }

  @Test
  void countsTheRequestsOfTheWindowAndTheirOutcomes() {
    List<Kpis.SessionRow> sessions = List.of(
        new Kpis.SessionRow("a", at("10:00:00"), at("10:00:02"), "COMPLETED"),
        new Kpis.SessionRow("b", at("11:00:00"), at("11:00:10"), "CANCELLED"),
        new Kpis.SessionRow("c", at("12:00:00"), null, "NO_TUTOR"),
        new Kpis.SessionRow("d", at("13:00:00"), at("13:00:01"), "NO_SHOW"),
        new Kpis.SessionRow("old", Instant.parse("2026-11-27T23:59:59Z"), Instant.parse("2026-11-28T00:00:01Z"), "COMPLETED"));
    Kpis k = Kpis.compute(FROM, TO, sessions, List.of(), List.of());
    assertThat(k.requests()).isEqualTo(4);
    assertThat(k.matched()).isEqualTo(3);
    assertThat(k.matchRate()).isEqualTo(0.75);
    assertThat(k.completed()).isEqualTo(1);
    assertThat(k.cancelled()).isEqualTo(1);
    assertThat(k.noShows()).isEqualTo(1);
    // 1,000 / 2,000 / 10,000 ms: nearest rank.
    assertThat(k.timeToMatchMs()).isEqualTo(new Kpis.Percentiles(2000L, 10000L, 10000L));
  }

  @Test
  void withoutDataPercentilesAndRatesAreNull() {
    Kpis k = Kpis.compute(FROM, TO, List.of(), List.of(), List.of());
    assertThat(k.requests()).isZero();
    assertThat(k.matchRate()).isZero();
    assertThat(k.timeToMatchMs()).isEqualTo(Kpis.Percentiles.NONE);
    assertThat(k.takeRate()).isNull();
    assertThat(k.paymentSuccessRate()).isNull();
  }

  @Test
  void moneyAddsUpWithinTheWindowAndEscrowsHoldWhatWasNotSettled() {
    List<Kpis.MoneyRow> money = List.of(
        new Kpis.MoneyRow(Kpis.ESCROW, "s1", 3000, at("10:00:00")),
        new Kpis.MoneyRow(Kpis.GROSS, "s1", 750, at("10:20:00")),
        new Kpis.MoneyRow(Kpis.COMMISSION, "s1", 248, at("10:20:00")),
        new Kpis.MoneyRow(Kpis.REFUND, "s1", 2250, at("10:20:00")),
        new Kpis.MoneyRow(Kpis.ESCROW, "s2", 4000, at("11:00:00")),
        new Kpis.MoneyRow(Kpis.PAYMENT_OK, "topup:1", 0, at("09:00:00")),
        new Kpis.MoneyRow(Kpis.PAYMENT_OK, "topup:2", 0, at("09:00:00")),
        new Kpis.MoneyRow(Kpis.PAYMENT_OK, "plan:x", 0, at("09:00:00")),
        new Kpis.MoneyRow(Kpis.PAYMENT_FAILED, "topup:3", 0, at("09:00:00")),
        new Kpis.MoneyRow(Kpis.GROSS, "late", 999, TO));
    Kpis k = Kpis.compute(FROM, TO, List.of(), money, money);
    assertThat(k.grossCents()).isEqualTo(750);
    assertThat(k.commissionCents()).isEqualTo(248);
    assertThat(k.refundsCents()).isEqualTo(2250);
    assertThat(k.takeRate()).isEqualTo(248 / 750.0);
    assertThat(k.paymentSuccessRate()).isEqualTo(0.75);
    assertThat(k.payments()).isEqualTo(4);
    assertThat(k.escrowOutstandingCents()).as("s1 settled, s2 still held").isEqualTo(4000);
  }
}
