package io.tutormesh.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.Done;
import org.apache.pekko.projection.javadsl.Handler;
import org.junit.jupiter.api.Test;

class ChainedHandlerTest {

  private final List<String> seen = new ArrayList<>();

  private Handler<String> recording(String name, CompletableFuture<Done> gate) {
    return new Handler<>() {
      @Override
      public CompletionStage<Done> process(String envelope) {
        seen.add(name + ":" + envelope);
        return gate;
      }

      @Override
      public CompletionStage<Done> start() {
        seen.add(name + ":start");
        return CompletableFuture.completedFuture(Done.getInstance());
      }

      @Override
      public CompletionStage<Done> stop() {
        seen.add(name + ":stop");
        return CompletableFuture.completedFuture(Done.getInstance());
      }
    };
  }

  @Test
  void everyHandlerGetsTheEnvelopeTheNextOnlyAfterThePreviousWroteIt() throws Exception {
    CompletableFuture<Done> ledgerWrite = new CompletableFuture<>();
    ChainedHandler<String> chained = new ChainedHandler<>(
        recording("ledger", ledgerWrite), recording("kpis", CompletableFuture.completedFuture(Done.getInstance())));

    CompletionStage<Done> done = chained.process("e1");
    assertThat(seen).containsExactly("ledger:e1");
    assertThat(done.toCompletableFuture()).isNotDone();

    ledgerWrite.complete(Done.getInstance());
    assertThat(done.toCompletableFuture().get()).isEqualTo(Done.getInstance());
    assertThat(seen).containsExactly("ledger:e1", "kpis:e1");
  }

  @Test
  void aFailedWriteFailsTheEnvelopeSoThatItsOffsetIsNotStored() {
    ChainedHandler<String> chained = new ChainedHandler<>(
        recording("ledger", CompletableFuture.failedFuture(new IllegalStateException("Cassandra down"))),
        recording("kpis", CompletableFuture.completedFuture(Done.getInstance())));

    assertThatThrownBy(() -> chained.process("e1").toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class).hasMessageContaining("Cassandra down");
    assertThat(seen).containsExactly("ledger:e1");
  }

  @Test
  void startAndStopReachEveryHandler() throws Exception {
    ChainedHandler<String> chained = new ChainedHandler<>(
        recording("a", CompletableFuture.completedFuture(Done.getInstance())), recording("b", CompletableFuture.completedFuture(Done.getInstance())));

    chained.start().toCompletableFuture().get();
    chained.stop().toCompletableFuture().get();
    assertThat(seen).containsExactly("a:start", "b:start", "a:stop", "b:stop");
  }
}
