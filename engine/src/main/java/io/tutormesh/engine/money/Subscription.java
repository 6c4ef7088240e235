package io.tutormesh.engine.money;

import io.tutormesh.engine.common.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One subscription to a plan (a pure value; its owner entity writes the events that change it).
 * Every period is paid through the payment provider before it counts: the charge is written down
 * first ({@link #pendingPeriod} set, with its idempotency key {@link #chargeKey}), then the
 * provider is asked, then its answer is written down.
 *
 * <ul>
 *   <li>{@link Status#PENDING}: the first period is being charged; no benefit yet.
 *   <li>{@link Status#ACTIVE}: paid up to {@link #periodEnd}; the plan's benefit applies. At the
 *       period's end it is renewed (a new charge; the benefit goes on while it is paid), or ends
 *       {@link Status#CANCELLED} if {@link #cancelAtPeriodEnd}.
 *   <li>{@link Status#PAST_DUE}: a renewal was declined or failed; no benefit; it {@link
 *       Status#LAPSED lapses} {@code grace} after {@link #pastDueSince}.
 *   <li>{@link Status#FAILED}: the first charge was declined or failed; nothing was ever active.
 *   <li>{@link Status#CANCELLED}, {@link Status#LAPSED}: over.
 * </ul>
 *
 * @param period the number of the current (or pending) period, from 1
 * @param lastOutcome the provider's answer to the last charge (null: none yet)
 */
public record Subscription(
    String subscriptionId,
    String planId,
    String paymentMethod,
    long priceCents,
    Status status,
    int period,
    Instant periodStart,
    Instant periodEnd,
    Integer pendingPeriod,
    boolean cancelAtPeriodEnd,
    Instant pastDueSince,
    String message,
    ProviderResult.Outcome lastOutcome) implements CborSerializable {

  public enum Status { PENDING, ACTIVE, PAST_DUE, FAILED, CANCELLED, LAPSED }

  public Subscription {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    Objects.requireNonNull(planId, "planId");
    Objects.requireNonNull(status, "status");
    message = message == null ? "" : message;
  }

  /** A new subscription whose first period (starting {@code at}) is about to be charged. */
  public static Subscription started(String subscriptionId, String planId, String paymentMethod, long priceCents, Instant at) {
    return new Subscription(subscriptionId, planId, paymentMethod, priceCents, Status.PENDING, 1, at, null, 1, false, null, "", null);
  }

  /**
   * The provider's idempotency key of one period's charge: derived from the student (or tutor),
   * the plan, the subscription and the period, so a re-driven call never charges twice, and a new
   * subscription (another attempt, maybe another card) gets new keys.
   */
  public static String chargeKey(String ownerId, String planId, String subscriptionId, int period) {
    return "plan:" + ownerId + ":" + planId + ":" + subscriptionId + ":" + period;
  }

  /** Whether the plan's benefit applies now: paid up (a renewal being charged still counts). */
  public boolean active() {
    return status == Status.ACTIVE;
  }

  /** Over or never started: a new subscription may replace it. */
  public boolean over() {
    return status == Status.FAILED || status == Status.CANCELLED || status == Status.LAPSED;
  }

  public boolean charging() {
    return pendingPeriod != null;
  }

  /** The renewal of the period after this one, starting when this one ends. */
  public Subscription renewing() {
    return new Subscription(subscriptionId, planId, paymentMethod, priceCents, status, period, periodStart, periodEnd, period + 1,
        cancelAtPeriodEnd, pastDueSince, message, lastOutcome);
  }

  /**
   * The provider answered the charge of {@code chargedPeriod}: a success pays that period (it
   * lasts {@code periodLength} from its start: the first from {@code at}, a renewal from the end
   * of the previous one); a refusal leaves a new subscription FAILED, a renewed one PAST_DUE.
   */
  public Subscription settled(int chargedPeriod, ProviderResult result, Duration periodLength, Instant at) {
    if (pendingPeriod == null || pendingPeriod != chargedPeriod) {
      return this;
    }
    if (result.isSucceeded()) {
      Instant start = chargedPeriod == 1 ? at : periodEnd;
      return new Subscription(subscriptionId, planId, paymentMethod, priceCents, Status.ACTIVE, chargedPeriod, start,
          start.plus(periodLength), null, cancelAtPeriodEnd, null, "", result.outcome());
    }
    if (chargedPeriod == 1) {
      return new Subscription(subscriptionId, planId, paymentMethod, priceCents, Status.FAILED, period, periodStart, null, null,
          cancelAtPeriodEnd, null, result.message(), result.outcome());
    }
    return new Subscription(subscriptionId, planId, paymentMethod, priceCents, Status.PAST_DUE, period, periodStart, periodEnd, null,
        cancelAtPeriodEnd, at, result.message(), result.outcome());
  }

  public Subscription cancellingAtPeriodEnd() {
    return new Subscription(subscriptionId, planId, paymentMethod, priceCents, status, period, periodStart, periodEnd, pendingPeriod,
        true, pastDueSince, message, lastOutcome);
  }

  public Subscription ended(Status endStatus) {
    return new Subscription(subscriptionId, planId, paymentMethod, priceCents, endStatus, period, periodStart, periodEnd, null,
        cancelAtPeriodEnd, pastDueSince, message, lastOutcome);
  }

  /** What is due at {@code now}, if anything: the owner's timer asks this. */
  public Due due(Instant now, Duration grace) {
    if (status == Status.ACTIVE && !charging() && periodEnd != null && !now.isBefore(periodEnd)) {
      return cancelAtPeriodEnd ? Due.CANCEL : Due.RENEW;
    }
    if (status == Status.PAST_DUE && pastDueSince != null && !now.isBefore(pastDueSince.plus(grace))) {
      return Due.LAPSE;
    }
    return Due.NOTHING;
  }

  /** When the owner's timer should look again (null: never). */
  public Instant nextCheck(Duration grace) {
    if (status == Status.ACTIVE && !charging()) {
      return periodEnd;
    }
    if (status == Status.PAST_DUE && pastDueSince != null) {
      return pastDueSince.plus(grace);
    }
    return null;
  }

  public enum Due { NOTHING, RENEW, CANCEL, LAPSE }
}
