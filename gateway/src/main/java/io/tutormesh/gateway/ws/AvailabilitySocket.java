package io.tutormesh.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.gateway.availability.AvailabilityQuery;
import io.tutormesh.gateway.http.ProblemException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * {@code /ws/availability}: a partner's live view of who takes instant requests. {@code subscribe}
 * joins the subject's topic first, then asks the subject's pool for a snapshot, so that no change
 * falls between the two: changes that arrive before the snapshot are sent after it. Deltas are
 * conflated per (subject, tutor) by {@link AvailabilitySubscriptions} and sent as the socket can
 * take them.
 */
final class AvailabilitySocket extends SocketActor {


  private record Changed(AvailabilityEvent event) implements Command {}

  private record SnapshotResult(String subject, long generation, MatchPool.Available available, Throwable error)
      implements Command {}

  private record ResyncResult(String subject, long generation, MatchPool.Available available) implements Command {}

  private enum Resync implements Command { TICK }

  /**
   * @param resyncInterval how often each subscription is compared with its pool
   *     ({@code tutormesh.availability.resync-interval}), repairing deltas lost between nodes
   */
  static Behavior<Command> create(
      Catalog catalog, AvailabilitySource source, WsSettings settings, Duration resyncInterval, String connectionId, Wire wire) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Resync.TICK, resyncInterval);
      return new AvailabilitySocket(context, timers, wire, settings, connectionId, catalog, source);
    }));
  }

  private final Catalog catalog;
  private final AvailabilitySource source;
  private final ActorRef<AvailabilityEvent> events;
  private final AvailabilitySubscriptions subscriptions;

  private AvailabilitySocket(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Wire wire,
      WsSettings settings,
      String connectionId,
      Catalog catalog,
      AvailabilitySource source) {
    super(context, timers, wire, settings, connectionId);
    this.catalog = catalog;
    this.source = source;
    this.events = context.messageAdapter(AvailabilityEvent.class, Changed::new);
    this.subscriptions = new AvailabilitySubscriptions(settings.maxSubscriptions());
    on("subscribe", this::onSubscribe);
    on("unsubscribe", this::onUnsubscribe);
  }

  @Override
  protected void receive(ReceiveBuilder<Command> builder) {
    builder
        .onMessage(Changed.class, this::onChanged)
        .onMessage(SnapshotResult.class, this::onSnapshot)
        .onMessageEquals(Resync.TICK, this::resync)
        .onMessage(ResyncResult.class, this::onResync);
  }

  private void onSubscribe(JsonNode frame) throws InFrame.BadFrame {
    String subject = InFrame.text(frame, "subject");
    String language = InFrame.optionalText(frame, "language");
    String level = InFrame.optionalText(frame, "level");
    try {
      AvailabilityQuery.parse(catalog, subject, language, level);
    } catch (ProblemException invalid) {
      throw new InFrame.BadFrame(Frames.BAD_FIELD, invalid.problem().detail());
    }
    Optional<AvailabilitySubscriptions.Subscribed> subscribed = subscriptions.subscribe(subject, language, level);
    if (subscribed.isEmpty()) {
      throw new InFrame.BadFrame(Frames.TOO_MANY_SUBSCRIPTIONS, "at most " + settings.maxSubscriptions() + " subjects per connection");
    }
    if (subscribed.get().isNew()) {
      source.subscribe(subject, events);
    }
    long generation = subscribed.get().generation();
    getContext().ask(
        MatchPool.Available.class,
        source.pool(subject),
        settings.askTimeout(),
        replyTo -> new MatchPool.GetAvailable(language, level, replyTo),
        (available, error) -> new SnapshotResult(subject, generation, available, error));
  }

  private void onUnsubscribe(JsonNode frame) throws InFrame.BadFrame {
    String subject = InFrame.text(frame, "subject");
    if (subscriptions.unsubscribe(subject)) {
      source.unsubscribe(subject, events);
    }
  }

  private Behavior<Command> onChanged(Changed changed) {
    subscriptions.onEvent(changed.event());
    pump();
    return Behaviors.same();
  }

  private Behavior<Command> onSnapshot(SnapshotResult result) {
    if (result.error() != null) {
      if (subscriptions.snapshotFailed(result.subject(), result.generation())) {
        source.unsubscribe(result.subject(), events);
        sendError(result.error() instanceof TimeoutException ? Frames.TIMEOUT : Frames.SERVER_ERROR,
            "could not load the availability of " + result.subject() + "; subscribe again");
      }
      return Behaviors.same();
    }
    subscriptions.onSnapshot(result.subject(), result.generation(), result.available().tutors()).ifPresent(this::send);
    pump();
    return Behaviors.same();
  }

  private Behavior<Command> resync() {
    subscriptions.live().forEach(live -> getContext().ask(
        MatchPool.Available.class,
        source.pool(live.query().subject()),
        settings.askTimeout(),
        replyTo -> new MatchPool.GetAvailable(live.query().language(), live.query().level(), replyTo),
        (available, error) -> new ResyncResult(live.query().subject(), live.generation(), available)));
    return Behaviors.same();
  }

  private Behavior<Command> onResync(ResyncResult result) {
    if (result.available() != null) {
      subscriptions.onResync(result.subject(), result.generation(), result.available().tutors());
      pump();
    }
    return Behaviors.same();
  }

  @Override
  protected Object nextConflated() {
    return subscriptions.nextDelta();
  }

  @Override
  protected void onClose() {
    // Nothing to leave: each topic watches its subscribers and drops this one when it stops.
    // Unsubscribing here as well would race that death watch and deregister it twice.
  }
}
