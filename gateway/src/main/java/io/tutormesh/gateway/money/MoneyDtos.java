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

  /**
   * `POST /v1/tutors/{id}/payouts`: {@code amountCents} of the available earnings to the payment
   * provider's payout account {@code accountId}; {@code currency}, when sent, must be the platform's.
   */
  public record PayoutRequest(Long amountCents, String accountId, String currency) {}

  /** A payout as answered (201) and listed in the earnings: {@code status} PENDING, SUCCEEDED, DECLINED or FAILED. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Payout(String payoutId, String status, long amountCents, String currency, String accountId, String reference,
      Long availableCents, Instant at) {
    static Payout of(TutorEntity.PayoutResult result) {
      Earnings.Payout p = result.payout();
      return new Payout(p.payoutId(), p.status().name(), p.amountCents(), result.currency(), p.accountId(), p.reference(),
          result.availableCents(), p.at());
    }

    static Payout listed(Earnings.Payout p, String currency) {
      return new Payout(p.payoutId(), p.status().name(), p.amountCents(), currency, p.accountId(), p.reference(), null, p.at());
    }
  }

  /**
   * One session's credit; {@code status} is PENDING until {@code availableAt} (the dispute window's
   * end), then AVAILABLE; DISPUTED while a dispute freezes it (pending); REFUNDED once an admin
   * refund took it back (it counts nowhere).
   */
  public record EarningsEntry(String sessionId, long grossCents, int commissionPercent, long commissionCents, long netCents,
      long minutes, String status, Instant availableAt, Instant at) {}

  /**
   * `GET /v1/tutors/{id}/earnings`: entries and payouts newest first (the latest 100 of each);
   * {@code plan} is the tutor plan paid up now (null: none) and {@code commissionPercent} what the
   * next completed session would pay (the ladder's step for the hours taught, less the plan's points).
   */
  public record EarningsView(String tutorId, long availableCents, long pendingCents, long paidOutCents, long commissionCents,
      String currency, List<EarningsEntry> entries, List<Payout> payouts, String plan, Integer commissionPercent) {
    static EarningsView of(TutorEntity.EarningsSummary s) {
      Earnings e = s.earnings();
      Instant now = s.asOf();
      List<EarningsEntry> entries = e.latest(Wallet.MAX_ENTRIES).stream()
          .map(c -> new EarningsEntry(c.sessionId(), c.grossCents(), c.commissionPercent(), c.commissionCents(), c.netCents(), c.minutes(),
              status(e, c, now), c.availableAt(), c.at()))
          .toList();
      List<Payout> payouts = e.latestPayouts(Wallet.MAX_ENTRIES).stream().map(p -> Payout.listed(p, s.currency())).toList();
      return new EarningsView(s.tutorId(), e.availableCents(now), e.pendingCents(now), e.paidOutCents(), e.commissionCents(),
          s.currency(), entries, payouts, s.planId(), s.commissionPercent());
    }

    private static String status(Earnings e, Earnings.Credit c, Instant now) {
      if (e.isReversed(c.sessionId())) {
        return "REFUNDED";
      }
      if (e.isFrozen(c.sessionId())) {
        return "DISPUTED";
      }
      return c.availableAt().isAfter(now) ? "PENDING" : "AVAILABLE";
    }
  }
}
