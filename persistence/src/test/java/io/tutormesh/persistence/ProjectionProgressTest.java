package io.tutormesh.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.engine.TestSupport.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.junit.jupiter.api.Test;

class ProjectionProgressTest {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final ProjectionId ID = ProjectionId.of("kpi-sessions", "session-0");

  private final TestClock clock = new TestClock(T0);
  private final ProjectionProgress progress = new ProjectionProgress(ID, clock);
  private final List<String> seen = new ArrayList<>();

  private static EventEnvelope<String> envelope(String event, Instant at) {
    return Envelopes.of("Tutor|t1", 1, event, at);
  }

  /** Records what it is given and answers each envelope with the next of {@code answers}. */
  private Handler<EventEnvelope<String>> recording(List<CompletableFuture<Done>> answers) {
    return new Handler<>() {
      @Override
      public CompletionStage<Done> process(EventEnvelope<String> envelope) {
        seen.add(envelope.event());
        return answers.remove(0);
      }

      @Override
      public CompletionStage<Done> start() {
        seen.add("start");
        return CompletableFuture.completedFuture(Done.getInstance());
      }

      @Override
      public CompletionStage<Done> stop() {
        seen.add("stop");
        return CompletableFuture.completedFuture(Done.getInstance());
      }
    };
  }

  @Test
  void nothingIsKnownBeforeTheFirstEnvelope() {
    assertThat(progress.projection()).isEqualTo("kpi-sessions");
    assertThat(progress.slice()).isEqualTo("session-0");
    assertThat(progress.events()).isZero();
    assertThat(progress.lastLag()).isEmpty();
    assertThat(progress.lastEventAt()).isEmpty();
  }

  @Test
  void countsAnEnvelopeOnceItsStageCompletesAndMeasuresTheLagFromItsTimestamp() throws Exception {
    CompletableFuture<Done> gate = new CompletableFuture<>();
    Handler<EventEnvelope<String>> handler = progress.wrap(recording(new ArrayList<>(List.of(gate))));
    Instant eventAt = T0.minusMillis(2_500);

    CompletionStage<Done> done = handler.process(envelope("e1", eventAt));
    assertThat(seen).containsExactly("e1");
    assertThat(progress.events()).as("not yet processed").isZero();

    clock.set(T0.plusMillis(500)); // the handler's write took half a second
    gate.complete(Done.getInstance());
    assertThat(done.toCompletableFuture().get(1, TimeUnit.SECONDS)).isEqualTo(Done.getInstance());
    assertThat(progress.events()).isEqualTo(1);
    assertThat(progress.lastLag()).contains(Duration.ofMillis(3_000));
    assertThat(progress.lastEventAt()).contains(eventAt);
  }

  @Test
  void aFailedStageIsNotCountedAndStillFailsTheProjection() {
    RuntimeException boom = new IllegalStateException("write failed");
    Handler<EventEnvelope<String>> handler =
        progress.wrap(recording(new ArrayList<>(List.of(CompletableFuture.failedFuture(boom), CompletableFuture.completedFuture(Done.getInstance())))));

    CompletionStage<Done> failed;
    try {
      failed = handler.process(envelope("bad", T0.minusSeconds(1)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> failed.toCompletableFuture().get(1, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCause(boom);
    assertThat(progress.events()).isZero();
    assertThat(progress.lastLag()).isEmpty();
    assertThat(progress.lastEventAt()).isEmpty();
  }

  @Test
  void aThrowingHandlerIsNotCountedAndItsExceptionPassesThrough() {
    Handler<EventEnvelope<String>> throwing = progress.wrap(new Handler<>() {
      @Override
      public CompletionStage<Done> process(EventEnvelope<String> envelope) throws Exception {
        throw new java.io.IOException("no session");
      }
    });
    assertThatThrownBy(() -> throwing.process(envelope("e", T0))).isInstanceOf(java.io.IOException.class).hasMessage("no session");
    assertThat(progress.events()).isZero();
  }

  @Test
  void theLastEnvelopeWinsAndANegativeLagReadsZero() throws Exception {
    Handler<EventEnvelope<String>> handler = progress.wrap(recording(new ArrayList<>(List.of(
        CompletableFuture.completedFuture(Done.getInstance()), CompletableFuture.completedFuture(Done.getInstance())))));
    handler.process(envelope("old", T0.minusSeconds(60))).toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertThat(progress.lastLag()).contains(Duration.ofSeconds(60));
    Instant ahead = T0.plusMillis(200); // another node's clock a little ahead
    handler.process(envelope("new", ahead)).toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertThat(progress.events()).isEqualTo(2);
    assertThat(progress.lastLag()).contains(Duration.ZERO);
    assertThat(progress.lastEventAt()).contains(ahead);
  }

  @Test
  void startAndStopAreTheHandlersOwn() throws Exception {
    Handler<EventEnvelope<String>> handler = progress.wrap(recording(new ArrayList<>()));
    handler.start().toCompletableFuture().get(1, TimeUnit.SECONDS);
    handler.stop().toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertThat(seen).containsExactly("start", "stop");
    assertThat(progress.events()).isZero();
  }

  @Test
  void countsExactlyFromManyThreads() throws Exception {
    Handler<EventEnvelope<String>> handler = progress.wrap(new Handler<>() {
      @Override
      public CompletionStage<Done> process(EventEnvelope<String> envelope) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
    });
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(pool.submit(() -> {
          for (int i = 0; i < 10_000; i++) {
            handler.process(envelope("e", T0)).toCompletableFuture().join();
          }
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(progress.events()).isEqualTo(40_000);
  }

  @Test
  void theRegistryKeepsOneProgressPerInstanceAndAnnouncesEachOnce() throws Exception {
    ProjectionProgress.Registry registry = new ProjectionProgress.Registry(clock);
    List<String> announced = new ArrayList<>();
    registry.onNew(p -> announced.add(p.projection() + "/" + p.slice()));

    var handlers = registry.counted(ID, () -> recording(new ArrayList<>(List.of(CompletableFuture.completedFuture(Done.getInstance())))));
    handlers.get().process(envelope("first", T0)).toCompletableFuture().get(1, TimeUnit.SECONDS);
    // the projection restarted: a new handler, the same count
    handlers.get().process(envelope("second", T0)).toCompletableFuture().get(1, TimeUnit.SECONDS);
    registry.of(ProjectionId.of("tutor-directory", "tutor-directory-1"));

    assertThat(registry.of(ID).events()).isEqualTo(2);
    assertThat(announced).containsExactly("kpi-sessions/session-0", "tutor-directory/tutor-directory-1");
    List<String> late = new ArrayList<>();
    registry.onNew(p -> late.add(p.slice()));
    assertThat(late).as("a late listener hears of the known instances").containsExactlyInAnyOrder("session-0", "tutor-directory-1");
    assertThat(registry.all()).hasSize(2);
  }
}
