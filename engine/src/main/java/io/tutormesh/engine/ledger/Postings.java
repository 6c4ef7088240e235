package io.tutormesh.engine.ledger;

import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.Wallet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The money events as double-entry postings: pure functions, one per kind of event, each
 * returning postings that balance by construction (every {@link Posting} debits one account and
 * credits another with the same amount). The ledger projection writes them keyed by (transfer id,
 * leg), so that a replayed event writes the same rows again and changes nothing.
 *
 * <p>Sign convention of a balance: credits count positive, debits negative. A student's account is
 * what the platform owes the student (it equals the wallet's balance plus holds); {@code
 * provider:clearing} goes negative by the money the payment provider took in.
 *
 * <p>Sessions: a hold is not a movement (it stays in the student's account, which is balance plus
 * holds not escrowed). At MATCHED the escrow leaves the student for {@code escrow:<session>}; at the
 * end the student's settlement refunds what was not captured (escrow → student), and the tutor's
 * credit moves the captured rest out of escrow: the net to {@code tutor:<id>} (what the platform
 * owes the tutor, pending or available) and the commission to {@link #PLATFORM_COMMISSION}. A
 * settled session's escrow account is back at 0. Payouts add cases here.
 */
public final class Postings {

  /** Money the payment provider took in (top-ups) or paid out (payouts). */
  public static final String PROVIDER_CLEARING = "provider:clearing";
  /** What the platform gives away: top-up bonuses, and credit beyond (or short of) the price. */
  public static final String PLATFORM_PROMOTIONS = "platform:promotions";

  /** The platform's commission on sessions. */
  public static final String PLATFORM_COMMISSION = "platform:commission";

  /** What subscribers paid for their plans (charged by the provider, never through a wallet). */
  public static final String PLATFORM_PLANS = "platform:plans";

  public static final String LEG_ESCROW = "escrow";
  public static final String LEG_REFUND = "refund";
  public static final String LEG_NET = "net";
  public static final String LEG_COMMISSION = "commission";
  public static final String LEG_PRICE = "price";
  public static final String LEG_CREDIT_DIFFERENCE = "credit-difference";
  public static final String LEG_BONUS = "bonus";
  public static final String LEG_PAYOUT = "payout";
  public static final String LEG_REFUND_CAPTURED = "refund-captured";
  public static final String LEG_REVERSE_NET = "reverse-net";
  public static final String LEG_REVERSE_COMMISSION = "reverse-commission";

  /**
   * Money paid out to tutors through the payment provider. Kept apart from {@link
   * #PROVIDER_CLEARING} so that the clearing account still compares one to one with the
   * provider's charges ({@link TrialBalance#reconcile}).
   */
  public static final String PROVIDER_PAYOUTS = "provider:payouts";

  private Postings() {}

  /** The account of one student. */
  public static String student(String studentId) {
    return "student:" + studentId;
  }

  /** The escrow account of one session. */
  public static String escrow(String sessionId) {
    return "escrow:" + sessionId;
  }

  /** The account of one tutor: earnings the platform owes (pending and available, not paid out). */
  public static String tutor(String tutorId) {
    return "tutor:" + tutorId;
  }

  /**
   * The id of a top-up's transfer: the same key the top-up was charged with at the payment
   * provider, so that a ledger transfer and a provider operation can be matched one to one.
   */
  public static String topUpTransfer(String topUpId) {
    return "topup:" + topUpId;
  }

  /** One leg of a transfer: {@code amountCents} (> 0) leaves {@code debit} and enters {@code credit}. */
  public record Posting(String transferId, String leg, String debit, String credit, long amountCents, Instant at) {
    public Posting {
      if (amountCents <= 0) {
        throw new IllegalArgumentException("a posting moves a positive amount: " + amountCents);
      }
      if (debit.equals(credit)) {
        throw new IllegalArgumentException("a posting moves money between two accounts: " + debit);
      }
    }

    /** The two lines of this leg: the debit (negative) and the credit (positive). */
    public List<Line> lines() {
      return List.of(
          new Line(transferId, leg, Side.DEBIT, debit, amountCents, at),
          new Line(transferId, leg, Side.CREDIT, credit, amountCents, at));
    }
  }

  public enum Side { DEBIT, CREDIT }

  /** What a top-up moves, as its {@code TopUpStarted} recorded it ({@link Wallet.TopUp}). */
  public record TopUpTerms(String topUpId, long priceCents, long creditCents, long bonusCents) {
    public static TopUpTerms of(Wallet.TopUp topUp) {
      return new TopUpTerms(topUp.topUpId(), topUp.priceCents(), topUp.creditCents(), topUp.bonusCents());
    }
  }

  /** One row of the ledger: one side of one leg. */
  public record Line(String transferId, String leg, Side side, String account, long amountCents, Instant at) {
    /** The line's effect on its account's balance (credits positive). */
    public long signedCents() {
      return side == Side.CREDIT ? amountCents : -amountCents;
    }
  }

  /**
   * A settled top-up (the terms as {@code TopUpStarted} recorded them). A success credits the
   * student with {@code creditCents + bonusCents}, as {@link Wallet#topUpSettled} does: the price
   * comes from the provider's clearing account, any difference between credit and price and the
   * bonus from promotions. Anything but a success moves nothing.
   */
  public static List<Posting> topUpSettled(String studentId, TopUpTerms terms, ProviderResult result, Instant at) {
    if (!result.isSucceeded()) {
      return List.of();
    }
    String transfer = topUpTransfer(terms.topUpId());
    String student = student(studentId);
    List<Posting> postings = new ArrayList<>();
    if (terms.priceCents() > 0) {
      postings.add(new Posting(transfer, LEG_PRICE, PROVIDER_CLEARING, student, terms.priceCents(), at));
    }
    long difference = Math.subtractExact(terms.creditCents(), terms.priceCents());
    if (difference > 0) {
      postings.add(new Posting(transfer, LEG_CREDIT_DIFFERENCE, PLATFORM_PROMOTIONS, student, difference, at));
    } else if (difference < 0) {
      postings.add(new Posting(transfer, LEG_CREDIT_DIFFERENCE, student, PLATFORM_PROMOTIONS, -difference, at));
    }
    if (terms.bonusCents() > 0) {
      postings.add(new Posting(transfer, LEG_BONUS, PLATFORM_PROMOTIONS, student, terms.bonusCents(), at));
    }
    return List.copyOf(postings);
  }

  /** A matched session's hold became its escrow: {@code escrowCents} leave the student's account. */
  public static List<Posting> escrowed(String studentId, String sessionId, long escrowCents, Instant at) {
    if (escrowCents <= 0) {
      return List.of();
    }
    return List.of(new Posting("escrow:" + sessionId, LEG_ESCROW, student(studentId), escrow(sessionId), escrowCents, at));
  }

  /**
   * The student's side of a session's settlement: what was not captured goes back from the escrow;
   * the captured part stays in escrow until the tutor's credit takes it ({@link #credited}).
   */
  public static List<Posting> charged(String studentId, String sessionId, long refundedCents, Instant at) {
    if (refundedCents <= 0) {
      return List.of();
    }
    return List.of(new Posting("settle:" + sessionId, LEG_REFUND, escrow(sessionId), student(studentId), refundedCents, at));
  }

  /** The tutor's credit for a session: the net to the tutor, the commission to the platform, both out of the escrow. */
  public static List<Posting> credited(String tutorId, String sessionId, long netCents, long commissionCents, Instant at) {
    String transfer = "earn:" + sessionId;
    List<Posting> postings = new ArrayList<>();
    if (netCents > 0) {
      postings.add(new Posting(transfer, LEG_NET, escrow(sessionId), tutor(tutorId), netCents, at));
    }
    if (commissionCents > 0) {
      postings.add(new Posting(transfer, LEG_COMMISSION, escrow(sessionId), PLATFORM_COMMISSION, commissionCents, at));
    }
    return List.copyOf(postings);
  }

  /**
   * A plan's period was paid: the price came in through the provider ({@code provider:clearing})
   * and is the platform's plan revenue; the wallet is not touched. Anything but a success moves
   * nothing. The transfer id is the provider's idempotency key of that charge.
   */
  public static List<Posting> planCharged(String chargeKey, long amountCents, ProviderResult result, Instant at) {
    if (!result.isSucceeded() || amountCents <= 0) {
      return List.of();
    }
    return List.of(new Posting(chargeKey, LEG_PRICE, PROVIDER_CLEARING, PLATFORM_PLANS, amountCents, at));
  }

  /** The id of a payout's transfer: the same key the payout was made with at the payment provider. */
  public static String payoutTransfer(String payoutId) {
    return "payout:" + payoutId;
  }

  /** A succeeded payout: {@code amountCents} leave what the platform owes the tutor, out through the provider. */
  public static List<Posting> paidOut(String tutorId, String payoutId, long amountCents, Instant at) {
    if (amountCents <= 0) {
      return List.of();
    }
    return List.of(new Posting(payoutTransfer(payoutId), LEG_PAYOUT, tutor(tutorId), PROVIDER_PAYOUTS, amountCents, at));
  }

  /**
   * An admin refund, the tutor's side: the session's credit goes back into its escrow (the net from
   * the tutor, the commission from the platform), the reverse of {@link #credited}.
   */
  public static List<Posting> reversed(String tutorId, String sessionId, long netCents, long commissionCents, Instant at) {
    String transfer = "reverse:" + sessionId;
    List<Posting> postings = new ArrayList<>();
    if (netCents > 0) {
      postings.add(new Posting(transfer, LEG_REVERSE_NET, tutor(tutorId), escrow(sessionId), netCents, at));
    }
    if (commissionCents > 0) {
      postings.add(new Posting(transfer, LEG_REVERSE_COMMISSION, PLATFORM_COMMISSION, escrow(sessionId), commissionCents, at));
    }
    return List.copyOf(postings);
  }

  /**
   * An admin refund, the student's side: what the session captured goes back from its escrow to the
   * student. With the tutor's reversal the escrow account is back at 0.
   */
  public static List<Posting> refunded(String studentId, String sessionId, long refundedCents, Instant at) {
    if (refundedCents <= 0) {
      return List.of();
    }
    return List.of(new Posting("refund:" + sessionId, LEG_REFUND_CAPTURED, escrow(sessionId), student(studentId), refundedCents, at));
  }
}
