package io.tutormesh.persistence.ledger;

import io.tutormesh.engine.ledger.Postings;
import io.tutormesh.engine.ledger.TrialBalance;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** The ledger's tables, as the ledger projection writes them and the check reads them. */
public interface LedgerRepository {

  /** Remembers what a started top-up will move if it succeeds. Idempotent. */
  CompletionStage<Done> rememberTopUp(String studentId, Postings.TopUpTerms terms);

  /** The terms of a top-up remembered by {@link #rememberTopUp}, by top-up id. */
  CompletionStage<Optional<Postings.TopUpTerms>> topUp(String topUpId);

  /**
   * Writes the lines of one transfer's postings, all or none. Idempotent: the same postings again
   * overwrite the same rows with the same values.
   *
   * @param event where the postings come from (persistence id and sequence number), for operators
   */
  CompletionStage<Done> post(List<Postings.Posting> postings, String event);

  /**
   * A money event the projection could not post (its amounts are unknown), kept for an operator so
   * that the projection goes on instead of stalling on it.
   *
   * @param event persistence id and sequence number
   * @param kind the event's kind, e.g. {@code TopUpSettled}
   * @param reference what it is about (a top-up id)
   */
  record Unmatched(String event, String kind, String reference, Instant at, String reason) {}

  /** Records an event that could not be posted. Idempotent (by event). */
  CompletionStage<Done> recordUnmatched(Unmatched unmatched);

  /** Every line of the ledger (a full scan, all in memory: tests and small ledgers). */
  CompletionStage<List<Postings.Line>> lines();

  /**
   * The trial balance of every line (an operator's check, not a request path). A repository over
   * a large ledger reads its lines as a stream, page by page, summing as it goes: memory is one
   * number per account, and no single read has to return the whole table in time.
   */
  default CompletionStage<TrialBalance> trialBalance() {
    return lines().thenApply(TrialBalance::of);
  }
}
