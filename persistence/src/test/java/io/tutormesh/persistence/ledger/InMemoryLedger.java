package io.tutormesh.persistence.ledger;

import io.tutormesh.engine.ledger.Postings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;

/** A {@link LedgerRepository} in memory, for the ledger handlers' tests: keeps what is remembered, posted and left unmatched. */
final class InMemoryLedger implements LedgerRepository {
  final Map<String, Postings.TopUpTerms> topUps = new ConcurrentHashMap<>();
  final List<Postings.Posting> posted = new CopyOnWriteArrayList<>();
  final Map<String, Unmatched> unmatched = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Done> rememberTopUp(String studentId, Postings.TopUpTerms terms) {
    topUps.put(terms.topUpId(), terms);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Optional<Postings.TopUpTerms>> topUp(String topUpId) {
    return CompletableFuture.completedFuture(Optional.ofNullable(topUps.get(topUpId)));
  }

  @Override
  public CompletionStage<Done> post(List<Postings.Posting> postings, String event) {
    posted.addAll(postings);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> recordUnmatched(Unmatched row) {
    unmatched.put(row.event(), row);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<Postings.Line>> lines() {
    List<Postings.Line> lines = new ArrayList<>();
    posted.forEach(p -> lines.addAll(p.lines()));
    return CompletableFuture.completedFuture(lines);
  }
}
