package io.tutormesh.engine.money;

import io.tutormesh.engine.common.Rejection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The subscription saga of one plan owner (a {@code StudentEntity} or a {@code TutorEntity}),
 * written once for both: subscribing (the first period charged before it counts), cancelling, the
 * charge of each period through the {@link PaymentProvider} (written down first with its
 * idempotency key {@link Subscription#chargeKey}, asked, answered, re-driven after a restart or a
 * lost answer), and what falls due ({@link Subscription#due}): a renewal, the end of a cancelled
 * plan, the lapse of a past-due one.
 *
 * <p>Two things make a due step happen: the entity's single timer while it runs, and, since a
 * timer dies with a passivated or stopped entity, a wake-up from outside ({@link #check}, sent by
 * the durable plan waker of the persistence module), which does what is due and answers when to
 * look again ({@link PlanDue}). Both are idempotent: whatever runs first does the step, the other
 * finds nothing due.
 *
 * <p>The owner keeps its own events, state and commands ({@link Owner}): the events' class names
 * and fields (their stored form) stay the entity's. The driver's own messages (provider answers,
 * timers) reach it wrapped in one private command of the entity ({@code wrap}); it lives as long as
 * the entity's behavior and keeps who waits for a first charge.
 *
 * @param <C> the entity's command type
 * @param <E> the entity's event type
 * @param <S> the entity's state type
 * @param <V> the entity's view of a subscription (its reply)
 */
public final class SubscriptionDriver<C, E, S, V> {

  /** What differs between the owners of plans; implemented by the entity. */
  public interface Owner<E, S, V> {
    /** The plans this owner may subscribe to. */
    MoneySettings.Plan.Kind kind();

    /** The owner's subscription in {@code state} (null: none, or no owner yet). */
    Subscription subscription(S state);

    E chargeStarted(String subscriptionId, String planId, String paymentMethod, long priceCents, int period, Instant at);

    E chargeSettled(String subscriptionId, String planId, int period, long amountCents, ProviderResult result, Instant at);

    E cancelRequested(String subscriptionId, Instant at);

    E ended(String subscriptionId, Subscription.Status status, Instant at);

    V view(Subscription subscription);
  }

  /** The driver's own messages, wrapped in a command of the entity: provider answers and timers. */
  public sealed interface Step permits ChargeAnswered, ChargeUnknown, RetryCharge, Tick {}

  private record ChargeAnswered(String subscriptionId, int period, ProviderResult result) implements Step {}

  private record ChargeUnknown(String subscriptionId, int period, String error) implements Step {}

  private record RetryCharge(String subscriptionId, int period) implements Step {}

  private enum Tick implements Step { INSTANCE }

  private static final String TICK_TIMER = "plan-tick";
  private static final String RETRY_TIMER = "plan-charge";

  private final String ownerId;
  private final Owner<E, S, V> owner;
  private final MoneySettings money;
  private final PaymentProvider provider;
  private final Duration retryInterval;
  private final PlanTimes planTimes;
  private final Clock clock;
  private final ActorContext<C> context;
  private final TimerScheduler<C> timers;
  private final Function<Step, C> wrap;
  private final EffectFactories<E, S> effect;
  /** Who waits for the first charge of a subscription: answered when its outcome is written. */
  private final Map<String, List<ActorRef<StatusReply<V>>>> waiting = new HashMap<>();

  /**
   * @param money the platform's plans (null: none; only with a null provider)
   * @param provider charges the periods (null: payments are not configured, every subscribe is refused)
   * @param retryInterval a charge without an answer is asked again this often, with the same key
   * @param wrap the entity's command that carries a {@link Step} back to {@link #step}
   * @param effect the entity's {@code Effect()}
   */
  public SubscriptionDriver(
      String ownerId,
      Owner<E, S, V> owner,
      MoneySettings money,
      PaymentProvider provider,
      Duration retryInterval,
      PlanTimes planTimes,
      Clock clock,
      ActorContext<C> context,
      TimerScheduler<C> timers,
      Function<Step, C> wrap,
      EffectFactories<E, S> effect) {
    this.ownerId = Objects.requireNonNull(ownerId, "ownerId");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.money = money;
    this.provider = provider;
    this.retryInterval = retryInterval;
    this.planTimes = Objects.requireNonNull(planTimes, "planTimes");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.context = Objects.requireNonNull(context, "context");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.wrap = Objects.requireNonNull(wrap, "wrap");
    this.effect = Objects.requireNonNull(effect, "effect");
  }

  // --- commands ---

  /**
   * Subscribes to a plan of the owner's kind, its first period charged now to {@code paymentMethod};
   * the reply comes once the provider answered. The same plan while it is active: its view, nothing
   * charged. Another plan while one is active or being charged: refused (cancel it first).
   */
  public ReplyEffect<E, S> subscribe(S state, String planId, String paymentMethod, ActorRef<StatusReply<V>> replyTo) {
    if (provider == null || money == null) {
      return reject(replyTo, Rejection.internal("payments are not configured"));
    }
    Optional<MoneySettings.Plan> plan = money.plan(planId);
    if (plan.isEmpty()) {
      return reject(replyTo, Rejection.invalid("plan", "unknown plan " + Rejection.quoted(planId) + "; see GET /v1/plans"));
    }
    if (plan.get().kind() != owner.kind()) {
      return reject(replyTo, Rejection.invalid("plan", "plan " + Rejection.quoted(planId) + " is a " + plan.get().kind().wireName() + " plan"));
    }
    if (paymentMethod == null || paymentMethod.isBlank() || paymentMethod.length() > 255) {
      return reject(replyTo, Rejection.invalid("paymentMethod", "a payment method id from the payment provider is required (at most 255 characters)"));
    }
    Subscription current = owner.subscription(state);
    if (current != null && current.status() == Subscription.Status.PENDING) {
      if (current.planId().equals(planId) && current.paymentMethod().equals(paymentMethod)) {
        waitFor(current.subscriptionId(), replyTo);
        return effect.noReply();
      }
      return reject(replyTo, Rejection.conflict("a subscription to " + current.planId() + " is being paid; retry when it is done"));
    }
    if (current != null && current.active()) {
      if (current.planId().equals(planId) && !current.cancelAtPeriodEnd()) {
        return effect.reply(replyTo, StatusReply.success(owner.view(current)));
      }
      return reject(replyTo, Rejection.conflict("the plan " + current.planId() + " is active until " + current.periodEnd()
          + (current.cancelAtPeriodEnd() ? " (cancelled); subscribe again after it ends" : "; cancel it first")));
    }
    // Nothing, or a plan that is over or past due: a new subscription, its first period charged now.
    MoneySettings.Plan p = plan.get();
    String subscriptionId = UUID.randomUUID().toString();
    return effect
        .persist(owner.chargeStarted(subscriptionId, p.planId(), paymentMethod, p.priceCents(), 1, clock.instant()))
        .thenRun(after -> {
          waitFor(subscriptionId, replyTo);
          charge(owner.subscription(after));
        })
        .thenNoReply();
  }

  /** Cancels the plan at the end of the paid period (no refund); a past-due plan ends now. Idempotent. */
  public ReplyEffect<E, S> cancel(S state, ActorRef<StatusReply<V>> replyTo) {
    Subscription current = owner.subscription(state);
    if (current == null || current.over() || current.status() == Subscription.Status.PENDING) {
      // Nothing to cancel (a first charge still running is answered by its own outcome).
      return effect.reply(replyTo, StatusReply.success(owner.view(current)));
    }
    if (current.status() == Subscription.Status.PAST_DUE) {
      return effect
          .persist(owner.ended(current.subscriptionId(), Subscription.Status.CANCELLED, clock.instant()))
          .thenRun(after -> timers.cancel(TICK_TIMER))
          .thenReply(replyTo, after -> StatusReply.success(owner.view(owner.subscription(after))));
    }
    if (current.cancelAtPeriodEnd()) {
      return effect.reply(replyTo, StatusReply.success(owner.view(current)));
    }
    return effect
        .persist(owner.cancelRequested(current.subscriptionId(), clock.instant()))
        .thenReply(replyTo, after -> StatusReply.success(owner.view(owner.subscription(after))));
  }

  public ReplyEffect<E, S> get(S state, ActorRef<StatusReply<V>> replyTo) {
    return effect.reply(replyTo, StatusReply.success(owner.view(owner.subscription(state))));
  }

  /**
   * The wake-up of a possibly passivated owner: does what is due now (renew, end, lapse; a charge
   * left without an answer was already asked again by {@link #recovered}), re-arms the timer, and
   * answers when the plan needs looking at again. Idempotent: nothing due, nothing written.
   */
  public ReplyEffect<E, S> check(S state, ActorRef<PlanDue> replyTo) {
    Subscription s = owner.subscription(state);
    if (s == null || provider == null) {
      return effect.reply(replyTo, new PlanDue(ownerId, null));
    }
    Optional<E> due = dueStep(s, clock.instant());
    if (due.isEmpty()) {
      armTimer(s);
      return effect.reply(replyTo, new PlanDue(ownerId, nextCheck(s)));
    }
    return effect
        .persist(due.get())
        .thenRun(this::afterDueStep)
        .thenReply(replyTo, after -> new PlanDue(ownerId, nextCheck(owner.subscription(after))));
  }

  /** One of the driver's own messages, back from the entity's wrapping command. */
  public ReplyEffect<E, S> step(S state, Step step) {
    if (step instanceof ChargeAnswered answered) {
      return chargeAnswered(state, answered);
    }
    if (step instanceof ChargeUnknown unknown) {
      if (chargingNow(state, unknown.subscriptionId(), unknown.period())) {
        context.getLog().warn("Plan charge {} of {} {}: no answer from the payment provider ({}); asking again",
            unknown.subscriptionId(), owner.kind().wireName(), ownerId, unknown.error());
        timers.startSingleTimer(RETRY_TIMER, wrap.apply(new RetryCharge(unknown.subscriptionId(), unknown.period())), retryInterval);
      }
      return effect.noReply();
    }
    if (step instanceof RetryCharge retry) {
      if (chargingNow(state, retry.subscriptionId(), retry.period())) {
        charge(owner.subscription(state));
      }
      return effect.noReply();
    }
    return tick(state);
  }

  /**
   * After recovery: a charge written down but not answered (a crash in between) is asked again
   * with the same key, and the timer, which does not survive a restart, is armed again.
   */
  public void recovered(S state) {
    Subscription subscription = owner.subscription(state);
    if (provider == null || subscription == null) {
      return;
    }
    if (subscription.charging()) {
      charge(subscription);
    }
    armTimer(subscription);
  }

  // --- event application (pure: the entity's event handler calls these) ---

  /** The subscription after a {@code SubscriptionChargeStarted}: period 1 starts a new one, a later one renews. */
  public Subscription chargeStarted(
      Subscription current, String subscriptionId, String planId, String paymentMethod, long priceCents, int period, Instant at) {
    if (period == 1) {
      return Subscription.started(subscriptionId, planId, paymentMethod, priceCents, at);
    }
    return current != null && current.subscriptionId().equals(subscriptionId) ? current.renewing() : current;
  }

  /** The subscription after a {@code SubscriptionChargeSettled}. */
  public Subscription chargeSettled(Subscription current, String subscriptionId, String planId, int period, ProviderResult result, Instant at) {
    if (current == null || !current.subscriptionId().equals(subscriptionId)) {
      return current;
    }
    Duration length = money == null ? Duration.ZERO : money.plan(planId).map(planTimes::periodOf).orElse(Duration.ZERO);
    return current.settled(period, result, length, at);
  }

  // --- the saga ---

  /** When the plan needs looking at again: while a charge runs, after the retry interval; otherwise its own next due instant. */
  private Instant nextCheck(Subscription s) {
    if (s == null) {
      return null;
    }
    return s.charging() ? clock.instant().plus(retryInterval) : s.nextCheck(planTimes.grace());
  }

  /** The event that does what is due at {@code now}, if anything. */
  private Optional<E> dueStep(Subscription s, Instant now) {
    return switch (s.due(now, planTimes.grace())) {
      case RENEW -> Optional.of(owner.chargeStarted(s.subscriptionId(), s.planId(), s.paymentMethod(), s.priceCents(), s.period() + 1, now));
      case CANCEL -> Optional.of(owner.ended(s.subscriptionId(), Subscription.Status.CANCELLED, now));
      case LAPSE -> Optional.of(owner.ended(s.subscriptionId(), Subscription.Status.LAPSED, now));
      case NOTHING -> Optional.empty();
    };
  }

  /** After a due step was written: a renewal is charged now; an ended plan needs no timer. */
  private void afterDueStep(S after) {
    Subscription s = owner.subscription(after);
    if (s != null && s.charging()) {
      charge(s);
    } else {
      armTimer(s);
    }
  }

  /** The plan's timer: renews a paid period that ended, ends a cancelled one, lapses a past-due one. */
  private ReplyEffect<E, S> tick(S state) {
    Subscription s = owner.subscription(state);
    if (s == null || provider == null) {
      return effect.noReply();
    }
    Optional<E> due = dueStep(s, clock.instant());
    if (due.isEmpty()) {
      armTimer(s);
      return effect.noReply();
    }
    return effect.persist(due.get()).thenRun(this::afterDueStep).thenNoReply();
  }

  /** Asks the provider for the pending period's price, idempotently by (owner, plan, subscription, period). */
  private void charge(Subscription subscription) {
    int period = subscription.pendingPeriod();
    String key = Subscription.chargeKey(ownerId, subscription.planId(), subscription.subscriptionId(), period);
    CompletionStage<ProviderResult> charged =
        provider.charge(key, subscription.paymentMethod(), subscription.priceCents(), money.currency());
    String id = subscription.subscriptionId();
    context.pipeToSelf(charged, (result, error) -> wrap.apply(
        result != null ? new ChargeAnswered(id, period, result) : new ChargeUnknown(id, period, String.valueOf(error))));
  }

  private boolean chargingNow(S state, String subscriptionId, int period) {
    Subscription s = owner.subscription(state);
    return s != null && s.subscriptionId().equals(subscriptionId) && s.charging() && s.pendingPeriod() == period;
  }

  private ReplyEffect<E, S> chargeAnswered(S state, ChargeAnswered answered) {
    if (!chargingNow(state, answered.subscriptionId(), answered.period())) {
      return effect.noReply();
    }
    Subscription s = owner.subscription(state);
    return effect
        .persist(owner.chargeSettled(s.subscriptionId(), s.planId(), answered.period(), s.priceCents(), answered.result(), clock.instant()))
        .thenRun(after -> {
          Subscription now = owner.subscription(after);
          answerWaiting(now);
          armTimer(now);
        })
        .thenNoReply();
  }

  /** Arms the plan's single timer for its next due instant (at once if it is past). */
  private void armTimer(Subscription subscription) {
    Instant next = subscription == null ? null : subscription.nextCheck(planTimes.grace());
    if (next == null) {
      timers.cancel(TICK_TIMER);
      return;
    }
    Duration delay = Duration.between(clock.instant(), next);
    timers.startSingleTimer(TICK_TIMER, wrap.apply(Tick.INSTANCE), delay.isNegative() ? Duration.ZERO : delay);
  }

  private void waitFor(String subscriptionId, ActorRef<StatusReply<V>> replyTo) {
    waiting.computeIfAbsent(subscriptionId, id -> new ArrayList<>()).add(replyTo);
  }

  private void answerWaiting(Subscription subscription) {
    List<ActorRef<StatusReply<V>>> waiters = waiting.remove(subscription.subscriptionId());
    if (waiters != null) {
      V view = owner.view(subscription);
      waiters.forEach(replyTo -> replyTo.tell(StatusReply.success(view)));
    }
  }

  private <T> ReplyEffect<E, S> reject(ActorRef<StatusReply<T>> replyTo, Rejection rejection) {
    return effect.reply(replyTo, StatusReply.error(rejection.toMessage()));
  }
}
