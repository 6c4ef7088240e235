package io.tutormesh.persistence.plans;

import io.tutormesh.engine.money.MoneySettings.Plan.Kind;
import io.tutormesh.engine.money.PlanDue;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.persistence.PollingLoop;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the plan owners whose plans are due (one per cluster: a {@link ClusterSingleton}, moved to
 * another node when its node leaves). Every {@code plan-poll-interval} it reads a bounded batch of
 * due rows from the {@link PlanDueIndex} and, at most {@code parallelism} at a time, asks each
 * owner's entity to check its plan ({@code CheckPlan}): the entity, started from its journal if it
 * was passivated, does what is due (renews through the provider, ends, lapses), re-arms its own
 * timer and answers when to look again. That answer becomes the owner's next row, then the handled
 * row is deleted (in that order: a crash in between leaves one row too many, never none). A wake-up
 * without an answer in time leaves its row for the next round. A full batch starts the next round
 * at once.
 *
 * <p>Everything it knows is in Cassandra, so a restarted or moved waker carries on where the last
 * one stopped; every step is idempotent, so two wakers (a singleton handing over) do no harm. The
 * loop (one round at a time, a failed round logged) is a {@link PollingLoop}.
 */
public final class PlanWaker implements PollingLoop.Rounds<PlanWaker.Round> {

  public sealed interface Command extends PollingLoop.Message {}

  /** Look for due plans now (the timer sends it every poll interval). */
  public enum Poll implements Command { INSTANCE }

  /** What one round did: rows read, owners woken (answered), wake-ups without an answer. */
  public record Round(int due, int woken, int failed) {}

  /** How an owner is woken: asked to check its plan, answering when to look again. */
  @FunctionalInterface
  public interface Owners {
    CompletionStage<PlanDue> check(Kind kind, String ownerId);
  }

  private static final Logger log = LoggerFactory.getLogger(PlanWaker.class);
  /** The singleton's name in the cluster. */
  public static final String NAME = "plan-waker";

  private final ActorSystem<?> system;
  private final PlanDueIndex index;
  private final Owners owners;
  private final PlanWakerSettings settings;

  private PlanWaker(ActorSystem<?> system, PlanDueIndex index, Owners owners, PlanWakerSettings settings) {
    this.system = system;
    this.index = index;
    this.owners = owners;
    this.settings = settings;
  }

  public static Behavior<Command> create(PlanDueIndex index, Owners owners, PlanWakerSettings settings) {
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(owners, "owners");
    Objects.requireNonNull(settings, "settings");
    return PollingLoop.create(PlanWaker.class, "Plan waker", Poll.INSTANCE, settings.pollInterval(),
        context -> new PlanWaker(context.getSystem(), index, owners, settings)).narrow();
  }

  /** Runs the waker as the cluster's singleton (if {@code enabled}), waking the sharded students and tutors. */
  public static void init(ActorSystem<?> system, PlanDueIndex index, PlanWakerSettings settings) {
    if (!settings.enabled()) {
      log.info("The plan waker is off (tutormesh.money.plan-waker.enabled = false): passivated plans wait for their next command");
      return;
    }
    Behavior<Command> waker = Behaviors.supervise(create(index, sharded(ClusterSharding.get(system), settings.askTimeout()), settings))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    ClusterSingleton.get(system).init(SingletonActor.of(waker, NAME));
  }

  /** Owners reached through Cluster Sharding: students and tutors by id. */
  public static Owners sharded(ClusterSharding sharding, Duration askTimeout) {
    return (kind, ownerId) -> switch (kind) {
      case STUDENT -> sharding.entityRefFor(StudentEntity.ENTITY_KEY, ownerId).ask(StudentEntity.CheckPlan::new, askTimeout);
      case TUTOR -> sharding.entityRefFor(TutorEntity.ENTITY_KEY, ownerId).ask(TutorEntity.CheckPlan::new, askTimeout);
    };
  }

  @Override
  public boolean roundDone(Round round, Logger actorLog) {
    if (round.failed() > 0) {
      actorLog.warn("Plan waker: {} of {} owners did not answer in time (their rows stay for the next round)", round.failed(), round.due());
    } else if (round.due() > 0) {
      actorLog.debug("Plan waker round: {}", round);
    }
    return round.due() >= settings.batchSize() && round.woken() > 0;
  }

  /** Reads one batch and wakes its owners, a bounded number at a time. Touches no actor state. */
  @Override
  public CompletionStage<Round> round() {
    return index.due(settings.batchSize()).thenCompose(due -> Source.from(due)
        .mapAsyncUnordered(settings.parallelism(), this::wake)
        .runWith(Sink.fold(new Round(due.size(), 0, 0),
            (round, woken) -> woken ? new Round(round.due(), round.woken() + 1, round.failed()) : new Round(round.due(), round.woken(), round.failed() + 1)),
            system));
  }

  /** Wakes one owner; its answer becomes its next row, then this row goes. False: no answer (the row stays). */
  private CompletionStage<Boolean> wake(PlanDueIndex.Due due) {
    CompletionStage<PlanDue> answer;
    try {
      answer = owners.check(due.kind(), due.ownerId());
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer
        .thenCompose(planDue -> planDue.nextCheckAt() == null
            ? CompletableFuture.completedFuture(null)
            : index.schedule(due.kind(), due.ownerId(), planDue.nextCheckAt()))
        .thenCompose(next -> due.equals(next) ? CompletableFuture.completedFuture(true) : index.remove(due).thenApply(done -> true))
        .exceptionally(error -> {
          log.debug("Plan waker: {} {} not woken: {}", due.kind(), due.ownerId(), error.toString());
          return false;
        });
  }
}
