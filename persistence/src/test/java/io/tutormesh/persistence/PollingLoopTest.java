package io.tutormesh.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The loop with rounds that the test ends by hand: a round at start, one round at a time, a poll
 * during a round or a full round starts the next at once, a failed round leaves the loop polling.
 */
class PollingLoopTest {

  private static final ActorTestKit testKit = ActorTestKit.create("polling-loop-test");
  /** Polls that never come by timer within a test: the test polls by hand. */
  private static final Duration NEVER = Duration.ofHours(1);
  private static final Duration QUIET = Duration.ofMillis(200);
  /** A round that did this much is full. */
  private static final int FULL = 10;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private enum Poll implements PollingLoop.Message { INSTANCE }

  /** Each round is a future that the test completes; the loop's verdicts go to a probe too. */
  private record HandRounds(ActorRef<CompletableFuture<Integer>> started, ActorRef<Integer> done)
      implements PollingLoop.Rounds<Integer> {
    @Override
    public CompletionStage<Integer> round() {
      CompletableFuture<Integer> round = new CompletableFuture<>();
      started.tell(round);
      return round;
    }

    @Override
    public boolean roundDone(Integer round, Logger log) {
      done.tell(round);
      return round >= FULL;
    }
  }

  private record Loop(
      ActorRef<PollingLoop.Message> ref, TestProbe<CompletableFuture<Integer>> started, TestProbe<Integer> done) {}

  private static Loop start(Duration interval) {
    TestProbe<CompletableFuture<Integer>> started = testKit.createTestProbe();
    TestProbe<Integer> done = testKit.createTestProbe();
    ActorRef<PollingLoop.Message> ref = testKit.spawn(PollingLoop.create(
        PollingLoopTest.class, "Test", Poll.INSTANCE, interval, context -> new HandRounds(started.ref(), done.ref())));
    return new Loop(ref, started, done);
  }

  @Test
  void runsOneRoundAtATimeAndCatchesUpOnAPollThatCameDuringIt() {
    Loop loop = start(NEVER);
    CompletableFuture<Integer> first = loop.started().receiveMessage(); // at start, without a poll
    loop.ref().tell(Poll.INSTANCE);
    loop.ref().tell(Poll.INSTANCE);
    loop.started().expectNoMessage(QUIET); // busy: the polls wait for the round

    first.complete(1);
    assertThat(loop.done().receiveMessage()).isEqualTo(1);
    CompletableFuture<Integer> second = loop.started().receiveMessage(); // the polls, as one round
    second.complete(0);
    assertThat(loop.done().receiveMessage()).isEqualTo(0);
    loop.started().expectNoMessage(QUIET); // idle: nothing polled during the second round

    loop.ref().tell(Poll.INSTANCE);
    loop.started().receiveMessage().complete(0);
    assertThat(loop.done().receiveMessage()).isEqualTo(0);
  }

  @Test
  void aFullRoundStartsTheNextAtOnce() {
    Loop loop = start(NEVER);
    loop.started().receiveMessage().complete(FULL);
    assertThat(loop.done().receiveMessage()).isEqualTo(FULL);
    loop.started().receiveMessage().complete(FULL - 1);
    assertThat(loop.done().receiveMessage()).isEqualTo(FULL - 1);
    loop.started().expectNoMessage(QUIET);
  }

  @Test
  void aFailedRoundIsLoggedAndTheLoopKeepsPolling() {
    Loop loop = start(NEVER);
    loop.started().receiveMessage().completeExceptionally(new IllegalStateException("Cassandra is away"));
    loop.started().expectNoMessage(QUIET); // no retry storm: the next poll decides

    loop.ref().tell(Poll.INSTANCE);
    loop.started().receiveMessage().complete(2);
    assertThat(loop.done().receiveMessage()).isEqualTo(2); // the first verdict: the failed round had none
  }

  @Test
  void theTimerPolls() {
    Loop loop = start(Duration.ofMillis(20));
    for (int round = 0; round < 3; round++) {
      loop.started().receiveMessage(Duration.ofSeconds(3)).complete(0);
      assertThat(loop.done().receiveMessage()).isEqualTo(0);
    }
  }
}
