package io.tutormesh.engine.session;

import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.money.Wallet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * "Can this student pay for this session?" The money rule is {@link #walletCovers}: the
 * StudentEntity, the wallet's single writer, applies it when an instant request is made and, in
 * the same event ({@code InstantRequestOpened}), holds the amount; so the check and the hold cannot
 * race and the request's hot path writes nothing more. A refused request is a 402 and writes
 * nothing.
 *
 * <p>The asynchronous hook below is what the SessionEntity asks once when an instant request
 * starts, before anyone gets an offer, for any further check that does not need the wallet (a
 * node passes {@link #ALWAYS_YES}: by then the hold is placed). A rejection (typically {@link
 * Rejection.Kind#PAYMENT_REQUIRED}) ends the request before it starts, nothing is persisted, and
 * the student's hold goes back.
 */
public interface PaymentGuard {

  PaymentGuard ALWAYS_YES = (studentId, sessionId, amountCents) -> CompletableFuture.completedFuture(Optional.empty());

  /** Empty when the student can pay `amountCents` for `sessionId`; else why not. */
  CompletionStage<Optional<Rejection>> authorize(String studentId, String sessionId, long amountCents);

  /**
   * The wallet rule: empty when {@code wallet}'s spendable balance covers {@code amountCents}; else
   * a {@link Rejection.Kind#PAYMENT_REQUIRED} that says how much is missing.
   */
  static Optional<Rejection> walletCovers(Wallet wallet, long amountCents, String currency) {
    if (wallet.canHold(amountCents)) {
      return Optional.empty();
    }
    return Optional.of(Rejection.paymentRequired("not enough credit: this request holds " + amountCents + " " + currency
        + " (maxRateCents × durationMinutes / 60) and the spendable balance is " + wallet.balanceCents()
        + "; top up (POST /v1/students/{id}/wallet/top-ups) or ask for less; nothing was opened"));
  }
}
