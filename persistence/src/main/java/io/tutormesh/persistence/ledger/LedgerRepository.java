package io.tutormesh.persistence.ledger;

import io.tutormesh.engine.ledger.Postings;
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

  /** Every line of the ledger (a full scan: an operator's check, not a request path). */
  CompletionStage<List<Postings.Line>> lines();
}
