package io.tutormesh.persistence.plans;

import io.tutormesh.engine.money.MoneySettings;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * When each plan owner (a student, a tutor) needs its plan looked at next: the durable
 * counterpart of the entities' timers, which die with a passivated or stopped entity. Written by
 * the plan handlers of the ledger projection ({@link PlanDueHandler}) and by the {@link PlanWaker};
 * read by the waker. An owner may have several rows: waking it is idempotent.
 */
public interface PlanDueIndex {

  /** One row: look at {@code ownerId}'s plan at {@code dueAt}. */
  record Due(MoneySettings.Plan.Kind kind, String ownerId, Instant dueAt) {
    public Due {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(ownerId, "ownerId");
      Objects.requireNonNull(dueAt, "dueAt");
    }
  }

  /**
   * Adds a row at {@code at}, or now if that is earlier (a row is never written into the past,
   * where the waker's cursor may have moved on). Idempotent. Completes with the row written.
   */
  CompletionStage<Due> schedule(MoneySettings.Plan.Kind kind, String ownerId, Instant at);

  /** Up to {@code limit} rows due now, oldest days first. */
  CompletionStage<List<Due>> due(int limit);

  /** The row was handled (its owner woken, its next row written): it goes. Idempotent. */
  CompletionStage<Done> remove(Due due);
}
