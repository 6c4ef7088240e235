package io.tutormesh.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FirstEventTest {

  private final List<String> reads = new ArrayList<>();

  private Function<String, CompletionStage<Optional<Object>>> journal(Function<String, CompletionStage<Optional<Object>>> answer) {
    return id -> {
      reads.add(id);
      return answer.apply(id);
    };
  }

  @Test
  void aFirstEventIsReadOnceForEveryAsker() {
    var reader = FirstEvent.remembering(journal(id -> CompletableFuture.completedFuture(Optional.of("opened " + id))), 10);

    assertThat(reader.apply("Session|a").toCompletableFuture().join()).contains("opened Session|a");
    assertThat(reader.apply("Session|a").toCompletableFuture().join()).contains("opened Session|a");
    assertThat(reader.apply("Session|b").toCompletableFuture().join()).contains("opened Session|b");

    assertThat(reads).containsExactly("Session|a", "Session|b");
  }

  @Test
  void askersOfAReadInFlightShareIt() {
    CompletableFuture<Optional<Object>> slow = new CompletableFuture<>();
    var reader = FirstEvent.remembering(journal(id -> slow), 10);

    CompletionStage<Optional<Object>> first = reader.apply("Session|a");
    CompletionStage<Optional<Object>> second = reader.apply("Session|a");
    slow.complete(Optional.of("opened"));

    assertThat(second.toCompletableFuture().join()).contains("opened");
    assertThat(first.toCompletableFuture().join()).contains("opened");
    assertThat(reads).containsExactly("Session|a");
  }

  @Test
  void nothingFoundAndFailuresAreReadAgain() {
    List<CompletionStage<Optional<Object>>> answers = new ArrayList<>(List.of(
        CompletableFuture.completedFuture(Optional.empty()),
        CompletableFuture.failedFuture(new IllegalStateException("timeout")),
        CompletableFuture.completedFuture(Optional.of("opened"))));
    var reader = FirstEvent.remembering(journal(id -> answers.remove(0)), 10);

    assertThat(reader.apply("Session|a").toCompletableFuture().join()).isEmpty();
    assertThat(reader.apply("Session|a").toCompletableFuture().isCompletedExceptionally()).isTrue();
    assertThat(reader.apply("Session|a").toCompletableFuture().join()).contains("opened");
    assertThat(reader.apply("Session|a").toCompletableFuture().join()).contains("opened");

    assertThat(reads).hasSize(3);
  }

  @Test
  void onlyTheLastCapacityAreRemembered() {
    var reader = FirstEvent.remembering(journal(id -> CompletableFuture.completedFuture(Optional.of(id))), 2);

    reader.apply("a");
    reader.apply("b");
    reader.apply("a"); // a is now the most recently used
    reader.apply("c"); // b goes
    reader.apply("a");
    reader.apply("b");

    assertThat(reads).containsExactly("a", "b", "c", "b");
  }
}
