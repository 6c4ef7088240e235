package io.tutormesh.persistence;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;

/**
 * The polling loop of a background worker ({@code OutboxWorker}, {@code PlanWaker}): it runs a
 * round when it starts and then on every poll (a timer sends one every {@code interval}), one
 * round at a time. A poll that arrives during a round starts the next round as soon as that one
 * ends; so does a round that asks for it (a full batch). A failed round is logged and the loop
 * waits for the next poll; the actor itself never fails because of a round.
 *
 * <p>The worker's public protocol extends {@link Message} with its poll message only; the loop's
 * own message (a round's end) stays private. The behavior built here is {@link Behavior#narrow()
 * narrowed} to that protocol.
 *
 * @param <R> what one round did
 */
public final class PollingLoop<R> {

  /** The messages of a polling loop: a worker's protocol extends it with its poll message. */
  public interface Message {}

  /** One worker's rounds. */
  public interface Rounds<R> {
    /** Runs one round. It runs on futures: it must not touch actor state. */
    CompletionStage<R> round();

    /**
     * Called in the actor after a round that succeeded: logs what the round did (through {@code
     * log}, the actor's logger) and answers whether the next round should start at once.
     */
    boolean roundDone(R round, Logger log);
  }

  private record RoundDone<R>(R round, Throwable failure) implements Message {}

  private static final Object TIMER = "poll";

  private final ActorContext<Message> context;
  private final String name;
  private final Message poll;
  private final Rounds<R> rounds;

  private PollingLoop(ActorContext<Message> context, String name, Message poll, Rounds<R> rounds) {
    this.context = context;
    this.name = name;
    this.poll = poll;
    this.rounds = rounds;
  }

  /**
   * @param owner the worker's class: the actor logs under its name
   * @param name the worker in the log ("{name} round failed ...")
   * @param poll the worker's poll message (an enum's single instance)
   * @param interval the time between two polls
   * @param rounds the worker's rounds, made once the actor has started
   */
  public static <R> Behavior<Message> create(
      Class<?> owner, String name, Message poll, Duration interval,
      Function<ActorContext<Message>, Rounds<R>> rounds) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(poll, "poll");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(rounds, "rounds");
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      context.setLoggerName(owner);
      timers.startTimerWithFixedDelay(TIMER, poll, interval);
      context.getSelf().tell(poll);
      return new PollingLoop<>(context, name, poll, rounds.apply(context)).idle();
    }));
  }

  private Behavior<Message> idle() {
    return Behaviors.receive(Message.class)
        .onMessageEquals(poll, this::startRound)
        .build();
  }

  private Behavior<Message> busy(boolean pollAgain) {
    return Behaviors.receive(Message.class)
        .onMessageEquals(poll, () -> busy(true))
        .onMessage(RoundDone.class, done -> onRoundDone(done, pollAgain))
        .build();
  }

  private Behavior<Message> startRound() {
    context.pipeToSelf(rounds.round(), RoundDone::new);
    return busy(false);
  }

  private Behavior<Message> onRoundDone(RoundDone<?> done, boolean pollAgain) {
    if (done.failure() != null) {
      context.getLog().warn("{} round failed (will look again): {}", name, done.failure().toString());
      return pollAgain ? startRound() : idle();
    }
    @SuppressWarnings("unchecked")
    R round = (R) done.round();
    return rounds.roundDone(round, context.getLog()) || pollAgain ? startRound() : idle();
  }
}
