package io.tutormesh.persistence.plans;

import io.tutormesh.engine.money.MoneySettings.Plan.Kind;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Feeds the {@link PlanDueIndex} from the plan events that ride on the ledger projection's streams
 * ({@code student-0..3}, {@code tutor-0..3}, chained after the ledger): every charge of a plan that
 * starts or settles changes when the plan is next due, so its owner gets a "look now" row, and the
 * {@link PlanWaker} wakes it and writes the exact next instant from the owner's own answer. The
 * projection never needs to know a plan's periods, and a subscription whose first charge never got
 * an answer (the entity passivated meanwhile) is still found. At least once: a replayed event
 * writes one more "look now" row, which costs one idempotent wake-up.
 */
public final class PlanDueHandler {

  private PlanDueHandler() {}

  private static final CompletionStage<Done> DONE = CompletableFuture.completedFuture(Done.getInstance());

  private static CompletionStage<Done> lookNow(PlanDueIndex index, Kind kind, String ownerId, Instant at) {
    return index.schedule(kind, ownerId, at).thenApply(row -> Done.getInstance());
  }

  /** The students' plan events. */
  public static final class Students extends Handler<EventEnvelope<StudentEntity.Event>> {
    private final PlanDueIndex index;

    public Students(PlanDueIndex index) {
      this.index = index;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<StudentEntity.Event> envelope) {
      StudentEntity.Event event = envelope.event();
      if (event instanceof StudentEntity.SubscriptionChargeStarted || event instanceof StudentEntity.SubscriptionChargeSettled) {
        return lookNow(index, Kind.STUDENT, event.studentId(), event.at());
      }
      return DONE;
    }
  }

  /** The tutors' plan events. */
  public static final class Tutors extends Handler<EventEnvelope<TutorEntity.Event>> {
    private final PlanDueIndex index;

    public Tutors(PlanDueIndex index) {
      this.index = index;
    }

    @Override
    public CompletionStage<Done> process(EventEnvelope<TutorEntity.Event> envelope) {
      TutorEntity.Event event = envelope.event();
      if (event instanceof TutorEntity.SubscriptionChargeStarted || event instanceof TutorEntity.SubscriptionChargeSettled) {
        return lookNow(index, Kind.TUTOR, event.tutorId(), event.at());
      }
      return DONE;
    }
  }
}
