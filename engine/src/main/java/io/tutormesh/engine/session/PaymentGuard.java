package io.tutormesh.engine.session;

import io.tutormesh.engine.common.Rejection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * "Can this student pay for this session?", asked once when an instant request starts, before
 * anyone gets an offer. The money feature implements it (placing the hold); until then every
 * request may proceed. A rejection (typically {@link Rejection.Kind#PAYMENT_REQUIRED}) ends the
 * request before it starts, and nothing is persisted.
 */
public interface PaymentGuard {

  PaymentGuard ALWAYS_YES = (studentId, sessionId, amountCents) -> CompletableFuture.completedFuture(Optional.empty());

  /** Empty when the student can pay `amountCents` for `sessionId`; else why not. */
  CompletionStage<Optional<Rejection>> authorize(String studentId, String sessionId, long amountCents);
}
