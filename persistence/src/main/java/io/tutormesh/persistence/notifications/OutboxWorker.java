package io.tutormesh.persistence.notifications;

import io.tutormesh.persistence.PollingLoop;
import io.tutormesh.persistence.notifications.Notification.Channel;
import io.tutormesh.persistence.notifications.Outbox.Claim;
import io.tutormesh.persistence.notifications.Outbox.Status;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers an {@link Outbox}: every {@code poll-interval} it claims what is due (up to {@code
 * batch-size}), sends each claim through its {@link NotificationChannel}, then records the outcome:
 * {@link Outbox#markSent} first thing after the channel accepted the message, or {@link
 * Outbox#markFailed} (retry with backoff, FAILED after the last attempt). One round at a time; a
 * full batch starts the next round at once. Any number of workers (one per node) may run on one
 * outbox: claims are leases, so they never share a notification.
 *
 * <p><b>Once only, and what remains.</b> Within a lease a notification is sent by one worker only,
 * and once it is SENT (or CANCELLED, FAILED) no worker sends it again, before or after a restart.
 * The one window left is between the channel accepting a message and the SENT row being written:
 * SMTP has no transaction that could include our Cassandra write, so a crash of the node (or a
 * failed {@code markSent}) in those milliseconds leaves the notification PENDING under a lease,
 * and it is sent again when the lease ends. That is at-least-once with a window of one write, not
 * exactly-once; it is acceptable for reminders (a rare duplicate is harmless, a lost reminder is
 * not), and the copies are recognisable: the e-mail channel gives both the same Message-ID (the
 * notification id), and SMS adapters pass the id as the provider's idempotency key. A send that
 * outlives its lease could also be repeated by another worker: hence {@code send-timeout} is
 * shorter than the lease (checked by {@link NotificationSettings}).
 *
 * <p>Cancelling (a lesson cancelled) wins over everything not yet claimed; a notification already
 * handed to a channel at that moment may still go out (its markSent then answers false).
 *
 * <p>The due times are those of the outbox's clock; the polling itself runs on the actor system's
 * timers, so a test moves the outbox's clock and lets the worker find what became due. The loop
 * (one round at a time, a failed round logged) is a {@link PollingLoop}.
 */
public final class OutboxWorker implements PollingLoop.Rounds<OutboxWorker.Round> {

  public sealed interface Command extends PollingLoop.Message {}

  /** Look for due notifications now (the timer sends it every poll-interval). */
  public enum Poll implements Command { INSTANCE }

  /** What one round did. */
  public record Round(int claimed, int sent, int retrying, int failed) {
    static final Round EMPTY = new Round(0, 0, 0, 0);

    Round plus(Outcome outcome) {
      return switch (outcome) {
        case SENT -> new Round(claimed + 1, sent + 1, retrying, failed);
        case RETRYING -> new Round(claimed + 1, sent, retrying + 1, failed);
        case FAILED -> new Round(claimed + 1, sent, retrying, failed + 1);
        case UNRECORDED -> new Round(claimed + 1, sent, retrying, failed);
      };
    }
  }

  private enum Outcome { SENT, RETRYING, FAILED, UNRECORDED }

  private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);

  private final Outbox outbox;
  private final Map<Channel, NotificationChannel> channels;
  private final NotificationSettings settings;
  private final String owner;

  private OutboxWorker(
      Outbox outbox, Map<Channel, NotificationChannel> channels, NotificationSettings settings, String owner) {
    this.outbox = outbox;
    this.channels = Map.copyOf(channels);
    this.settings = settings;
    this.owner = owner;
  }

  /**
   * @param owner this worker's name in the leases it takes: unique per worker and start (e.g. the
   *     node's address and a random suffix)
   */
  public static Behavior<Command> create(
      Outbox outbox, Map<Channel, NotificationChannel> channels, NotificationSettings settings, String owner) {
    Objects.requireNonNull(outbox, "outbox");
    Objects.requireNonNull(settings, "settings");
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("owner: required");
    }
    return PollingLoop.create(OutboxWorker.class, "Outbox", Poll.INSTANCE, settings.pollInterval(),
        context -> new OutboxWorker(outbox, channels, settings, owner)).narrow();
  }

  /**
   * The channels of a node: e-mail over {@code tutormesh.notifications.smtp} on the blocking-IO
   * dispatcher (to the log, {@link LogEmailChannel}, when no SMTP host is configured), SMS through
   * {@code sms} (e.g. {@link LogSmsProvider}).
   */
  public static Map<Channel, NotificationChannel> channels(
      ActorSystem<?> system, NotificationSettings settings, SmsProvider sms) {
    Map<Channel, NotificationChannel> channels = new EnumMap<>(Channel.class);
    channels.put(Channel.EMAIL, settings.smtp() == null
        ? new LogEmailChannel()
        : new EmailChannel(settings.smtp(), system.dispatchers().lookup(DispatcherSelector.blocking())));
    channels.put(Channel.SMS, new SmsChannel(sms));
    return channels;
  }

  @Override
  public boolean roundDone(Round round, Logger actorLog) {
    if (round.claimed() > 0) {
      actorLog.debug("Outbox round: {}", round);
    }
    return round.claimed() >= settings.batchSize();
  }

  /** Claims, sends and records one batch. Touches no actor state: it runs on futures. */
  @Override
  public CompletionStage<Round> round() {
    return outbox.claimDue(owner, settings.batchSize()).thenCompose(claims -> {
      List<CompletableFuture<Outcome>> outcomes =
          claims.stream().map(claim -> deliver(claim).toCompletableFuture()).toList();
      return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).thenApply(all -> {
        Round round = Round.EMPTY;
        for (CompletableFuture<Outcome> outcome : outcomes) {
          round = round.plus(outcome.join());
        }
        return round;
      });
    });
  }

  private CompletionStage<Outcome> deliver(Claim claim) {
    Notification n = claim.notification();
    return send(n)
        .handle((ok, error) -> error == null
            ? outbox.markSent(claim).thenApply(marked -> sent(n, marked))
            : outbox.markFailed(claim, describe(error)).thenApply(status -> failed(claim, status, error)))
        .thenCompose(outcome -> outcome)
        .exceptionally(error -> {
          // The outcome could not be recorded: the lease keeps it from everyone until it ends.
          log.warn("Outbox: could not record the outcome of {} (attempt {}): {}", n.id(), claim.attempt(),
              describe(error));
          return Outcome.UNRECORDED;
        });
  }

  private CompletableFuture<Void> send(Notification n) {
    NotificationChannel channel = channels.get(n.channel());
    if (channel == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no channel " + n.channel()));
    }
    try {
      return channel.send(n).toCompletableFuture().copy()
          .orTimeout(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) { // a channel that throws instead of failing its stage
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Outcome sent(Notification n, boolean marked) {
    if (!marked) {
      log.info("Outbox: {} was sent while it was being cancelled", n.id());
    }
    return Outcome.SENT;
  }

  private static Outcome failed(Claim claim, Status status, Throwable error) {
    if (status == Status.FAILED) {
      log.warn("Outbox: gave up on {} after {} attempts: {}", claim.notification().id(), claim.attempt(),
          describe(error));
      return Outcome.FAILED;
    }
    log.info("Outbox: attempt {} of {} failed, will retry: {}", claim.attempt(), claim.notification().id(),
        describe(error));
    return Outcome.RETRYING;
  }

  private static String describe(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null
        && (cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
