package io.tutormesh.persistence.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.ledger.Postings;
import io.tutormesh.engine.ledger.TrialBalance;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.Wallet;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.persistence.Envelopes;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.Test;

/**
 * Top-ups in the ledger, from events of every age: one that carries its terms is posted alone;
 * an old one without terms is posted from its TopUpStarted's; an old one whose TopUpStarted was
 * never seen cannot be posted, and is recorded as unmatched (once, however often it is replayed)
 * instead of failing the projection's stream forever; nothing is posted for it.
 */
class TopUpLedgerTest {

  private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");
  private static final Postings.TopUpTerms TERMS = new Postings.TopUpTerms("tu-1", 5000, 5000, 250);

  private static void run(CompletionStage<?> stage) throws Exception {
    stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static EventEnvelope<StudentEntity.Event> envelope(StudentEntity.Event event, long seqNr) {
    return Envelopes.of("Student|pia", seqNr, event, AT);
  }

  private static Wallet.TopUp started(String topUpId) {
    return new Wallet.TopUp(topUpId, "key-" + topUpId, "standard|pm_card_ok", "standard", "pm_card_ok", 5000, 5000, 250,
        Wallet.TopUpStatus.PENDING, null, null, AT);
  }

  @Test
  void aSettledTopUpWithTermsIsPostedAlone() throws Exception {
    InMemoryLedger ledger = new InMemoryLedger();
    run(new LedgerHandler(ledger).process(envelope(
        new StudentEntity.TopUpSettled("pia", "tu-1", ProviderResult.succeeded("ch_1"), AT, TERMS), 2)));
    TrialBalance balance = TrialBalance.of(ledger.lines().toCompletableFuture().get());
    assertThat(balance.balanced()).isTrue();
    assertThat(balance.balance("student:pia")).isEqualTo(5250);
    assertThat(ledger.unmatched).isEmpty();
  }

  @Test
  void anOldSettledTopUpIsPostedFromItsStartsTerms() throws Exception {
    InMemoryLedger ledger = new InMemoryLedger();
    LedgerHandler handler = new LedgerHandler(ledger);
    run(handler.process(envelope(new StudentEntity.TopUpStarted("pia", started("tu-2"), AT), 1)));
    run(handler.process(envelope(new StudentEntity.TopUpSettled("pia", "tu-2", ProviderResult.succeeded("ch_2"), AT), 2)));
    assertThat(TrialBalance.of(ledger.lines().toCompletableFuture().get()).balance("student:pia")).isEqualTo(5250);
    assertThat(ledger.unmatched).isEmpty();
  }

  @Test
  void anOldSettledTopUpWhoseStartWasNeverSeenIsRecordedUnmatchedAndTheStreamGoesOn() throws Exception {
    InMemoryLedger ledger = new InMemoryLedger();
    LedgerHandler handler = new LedgerHandler(ledger);
    StudentEntity.TopUpSettled orphan = new StudentEntity.TopUpSettled("pia", "tu-3", ProviderResult.succeeded("ch_3"), AT);

    run(handler.process(envelope(orphan, 7)));
    run(handler.process(envelope(orphan, 7))); // replayed (at least once)
    // The next events of the stream are posted as usual.
    run(handler.process(envelope(new StudentEntity.TopUpSettled("pia", "tu-4", ProviderResult.succeeded("ch_4"), AT,
        new Postings.TopUpTerms("tu-4", 2000, 2000, 0)), 8)));

    assertThat(ledger.unmatched).containsOnlyKeys("Student|pia#7");
    assertThat(ledger.unmatched.get("Student|pia#7")).satisfies(u -> {
      assertThat(u.kind()).isEqualTo("TopUpSettled");
      assertThat(u.reference()).isEqualTo("tu-3");
      assertThat(u.at()).isEqualTo(AT);
    });
    TrialBalance balance = TrialBalance.of(ledger.lines().toCompletableFuture().get());
    assertThat(balance.balanced()).isTrue();
    assertThat(balance.balance("student:pia")).as("only tu-4").isEqualTo(2000);
  }

  @Test
  void aDeclinedOldTopUpIsNeitherPostedNorUnmatched() throws Exception {
    InMemoryLedger ledger = new InMemoryLedger();
    run(new LedgerHandler(ledger).process(envelope(
        new StudentEntity.TopUpSettled("pia", "tu-5", ProviderResult.declined("ch_5", "no"), AT), 3)));
    assertThat(ledger.posted).isEmpty();
    assertThat(ledger.unmatched).isEmpty();
  }
}
