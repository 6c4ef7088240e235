package io.tutormesh.gateway.money;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tutormesh.engine.money.Earnings;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.Wallet;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Instant;
import java.util.List;

/** Credit packs, plans, wallets and top-ups on the wire, mapped explicitly from the engine's records. */
public final class MoneyDtos {
  private MoneyDtos() {}

  public record CreditPack(String packId, long priceCents, long creditCents, long bonusCents, String currency) {}

  public record CreditPacks(List<CreditPack> items) {
    static CreditPacks of(MoneySettings money) {
      return new CreditPacks(money.creditPacks().stream()
          .map(p -> new CreditPack(p.packId(), p.priceCents(), p.creditCents(), p.bonusCents(), money.currency()))
          .toList());
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Plan(String planId, String kind, long priceCents, String currency, int periodDays,
      Integer sessionDiscountPercent, Integer commissionReductionPoints) {}

  public record Plans(List<Plan> items) {
    static Plans of(MoneySettings money) {
      return new Plans(money.plans().stream()
          .map(p -> new Plan(p.planId(), p.kind().wireName(), p.priceCents(), money.currency(), p.periodDays(),
              p.kind() == MoneySettings.Plan.Kind.STUDENT ? p.sessionDiscountPercent() : null,
              p.kind() == MoneySettings.Plan.Kind.TUTOR ? p.commissionReductionPoints() : null))
          .toList());
    }
  }

  /** `POST /v1/students/{id}/wallet/top-ups`; `currency`, when sent, must be the platform's. */
  public record TopUpRequest(String packId, String paymentMethod, String currency) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TopUp(String topUpId, String status, String packId, long priceCents, long creditCents, long bonusCents,
      String currency, Long balanceCents, Instant at) {
    static TopUp of(StudentEntity.TopUpResult result, String currency) {
      Wallet.TopUp t = result.topUp();
      return new TopUp(t.topUpId(), t.status().name(), t.packId(), t.priceCents(), t.creditCents(), t.bonusCents(), currency,
          result.balanceCents(), t.at());
    }
  }

  public record Entry(Instant at, String kind, long amountCents, String reference) {}

  public record WalletView(String studentId, long balanceCents, long heldCents, String currency, List<Entry> entries) {
    static WalletView of(StudentEntity.WalletSummary s) {
      Wallet w = s.wallet();
      List<Entry> newestFirst = w.entries().stream()
          .map(e -> new Entry(e.at(), e.kind().name(), e.amountCents(), e.reference()))
          .toList();
      return new WalletView(s.studentId(), w.balanceCents(), w.heldCents(), s.currency(), reversed(newestFirst));
    }

    private static List<Entry> reversed(List<Entry> entries) {
      List<Entry> copy = new java.util.ArrayList<>(entries);
      java.util.Collections.reverse(copy);
      return copy;
    }
  }

  /** One session's credit; {@code status} is PENDING until {@code availableAt} (the dispute window's end), then AVAILABLE. */
  public record EarningsEntry(String sessionId, long grossCents, int commissionPercent, long commissionCents, long netCents,
      long minutes, String status, Instant availableAt, Instant at) {}

  /** `GET /v1/tutors/{id}/earnings`: entries newest first (the latest 100). */
  public record EarningsView(String tutorId, long availableCents, long pendingCents, long paidOutCents, long commissionCents,
      String currency, List<EarningsEntry> entries) {
    static EarningsView of(TutorEntity.EarningsSummary s) {
      Earnings e = s.earnings();
      Instant now = s.asOf();
      List<EarningsEntry> entries = e.latest(Wallet.MAX_ENTRIES).stream()
          .map(c -> new EarningsEntry(c.sessionId(), c.grossCents(), c.commissionPercent(), c.commissionCents(), c.netCents(), c.minutes(),
              c.availableAt().isAfter(now) ? "PENDING" : "AVAILABLE", c.availableAt(), c.at()))
          .toList();
      return new EarningsView(s.tutorId(), e.availableCents(now), e.pendingCents(now), e.paidOutCents(), e.commissionCents(),
          s.currency(), entries);
    }
  }
}
