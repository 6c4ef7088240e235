package io.tutormesh.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.Offer;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * {@code /ws/tutor}: one tutor's live connection. Opening it connects the tutor
 * ({@link TutorEntity.Connect}: ONLINE, offers come), every heartbeat interval re-announces it,
 * closing it disconnects the tutor. Offers the entity delivers are shown as {@code offer} frames
 * and remembered, so that {@code accept}/{@code decline} only name offers this connection showed.
 */
final class TutorSocket extends SocketActor {

  /** Offers remembered at most (older ones are forgotten first); they expire in seconds anyway. */
  static final int MAX_OFFERS = 100;

  /** An offer past its expiry by this much is forgotten even without a withdrawal. */
  private static final Duration OFFER_GRACE = Duration.ofMinutes(1);

  private record Notified(TutorEntity.Notification notification) implements Command {}

  private record Connected(TutorEntity.PresenceState state, Throwable error) implements Command {}

  private record AvailabilitySet(boolean available, TutorEntity.PresenceState state, Throwable error) implements Command {}

  private record Accepted(String offerId, SessionEntity.SessionSummary session, Throwable error) implements Command {}

  private record Declined(String offerId, Throwable error) implements Command {}

  static Behavior<Command> create(String tutorId, ClusterSharding sharding, WsSettings settings, String connectionId, Wire wire) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new TutorSocket(context, timers, wire, settings, connectionId, tutorId, sharding, Clock.systemUTC())));
  }

  private final String tutorId;
  private final ClusterSharding sharding;
  private final EntityRef<TutorEntity.Command> tutor;
  private final ActorRef<TutorEntity.Notification> notifications;
  private final Clock clock;
  private final Map<String, Offer> offers = new LinkedHashMap<>();
  private boolean connected;
  /** What the tutor asked for: offers (AVAILABLE) or not (AWAY). */
  private boolean available = true;

  private TutorSocket(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Wire wire,
      WsSettings settings,
      String connectionId,
      String tutorId,
      ClusterSharding sharding,
      Clock clock) {
    super(context, timers, wire, settings, connectionId);
    this.tutorId = tutorId;
    this.sharding = sharding;
    this.clock = clock;
    this.tutor = sharding.entityRefFor(TutorEntity.ENTITY_KEY, tutorId);
    this.notifications = context.messageAdapter(TutorEntity.Notification.class, Notified::new);
    on("status", this::onStatus);
    on("accept", this::onAccept);
    on("decline", this::onDecline);
    context.askWithStatus(
        TutorEntity.PresenceState.class,
        tutor,
        settings.askTimeout(),
        replyTo -> new TutorEntity.Connect(connectionId, notifications, replyTo),
        Connected::new);
  }

  @Override
  protected void receive(ReceiveBuilder<Command> builder) {
    builder
        .onMessage(Connected.class, this::onConnected)
        .onMessage(Notified.class, this::onNotified)
        .onMessage(AvailabilitySet.class, this::onAvailabilitySet)
        .onMessage(Accepted.class, this::onAccepted)
        .onMessage(Declined.class, this::onDeclined);
  }

  // --- the connection's life ---

  private Behavior<Command> onConnected(Connected reply) {
    if (reply.error() != null) {
      Rejection rejection = rejectionOf(reply.error());
      if (rejection.kind() == Rejection.Kind.NOT_FOUND) {
        sendError(Frames.NO_PROFILE, "tutor " + tutorId + " has no profile: create it first (PUT /v1/tutors/" + tutorId + ")");
        closeAfterQueued(StatusCode.POLICY_VIOLATION, "no tutor profile");
      } else {
        sendError(reply.error() instanceof TimeoutException ? Frames.TIMEOUT : Frames.SERVER_ERROR, "could not connect: " + rejection.detail());
        closeAfterQueued(StatusCode.TRY_AGAIN_LATER, "try again later");
      }
      return Behaviors.same();
    }
    connected = true;
    TutorEntity.PresenceState state = reply.state();
    if (state.presence() != TutorEntity.Presence.ONLINE) {
      // Connected but not taking offers: say why.
      send(Frames.tutorStatus(state.presence().name(), whyNotOnline(state)));
    }
    return Behaviors.same();
  }

  private static String whyNotOnline(TutorEntity.PresenceState state) {
    if (state.suspended()) {
      return "suspended";
    }
    return state.activeSessionId() == null ? null : "in session " + state.activeSessionId();
  }

  @Override
  protected void onHeartbeat() {
    if (connected) {
      tutor.tell(new TutorEntity.Heartbeat(connectionId, notifications, available));
    }
  }

  @Override
  protected void onClose() {
    // Always: a Connect still in flight is ordered before this, and the entity ignores stale ids.
    tutor.tell(new TutorEntity.Disconnect(connectionId));
  }

  // --- what the tutor sends ---

  private void onStatus(JsonNode frame) throws InFrame.BadFrame {
    String status = InFrame.text(frame, "status");
    boolean wanted;
    switch (status) {
      case "AVAILABLE" -> wanted = true;
      case "AWAY" -> wanted = false;
      default -> throw new InFrame.BadFrame(Frames.BAD_FIELD, "status: must be AVAILABLE or AWAY");
    }
    getContext().askWithStatus(
        TutorEntity.PresenceState.class,
        tutor,
        settings.askTimeout(),
        replyTo -> new TutorEntity.SetAvailability(connectionId, wanted, replyTo),
        (state, error) -> new AvailabilitySet(wanted, state, error));
  }

  private void onAccept(JsonNode frame) throws InFrame.BadFrame {
    String offerId = knownOffer(frame);
    getContext().askWithStatus(
        SessionEntity.SessionSummary.class,
        sharding.entityRefFor(SessionEntity.ENTITY_KEY, offers.get(offerId).sessionId()),
        settings.askTimeout(),
        replyTo -> new SessionEntity.AcceptOffer(offerId, tutorId, replyTo),
        (session, error) -> new Accepted(offerId, session, error));
  }

  private void onDecline(JsonNode frame) throws InFrame.BadFrame {
    String offerId = knownOffer(frame);
    getContext().askWithStatus(
        Done.class,
        sharding.entityRefFor(SessionEntity.ENTITY_KEY, offers.get(offerId).sessionId()),
        settings.askTimeout(),
        replyTo -> new SessionEntity.DeclineOffer(offerId, tutorId, replyTo),
        (done, error) -> new Declined(offerId, error));
  }

  private String knownOffer(JsonNode frame) throws InFrame.BadFrame {
    String offerId = InFrame.text(frame, "offerId");
    if (!offers.containsKey(offerId)) {
      throw new InFrame.BadFrame(Frames.UNKNOWN_OFFER, "no offer " + offerId + " was made on this connection (or it was withdrawn)");
    }
    return offerId;
  }

  // --- the answers ---

  private Behavior<Command> onAvailabilitySet(AvailabilitySet reply) {
    if (reply.error() != null) {
      Rejection rejection = rejectionOf(reply.error());
      sendError(codeOf(reply.error(), rejection), "status not changed: " + rejection.detail());
    } else {
      available = reply.available();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onAccepted(Accepted reply) {
    if (reply.error() != null) {
      offerFailed(reply.offerId(), reply.error());
    } else {
      offers.remove(reply.offerId());
      send(Frames.matched(reply.session().sessionId()));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onDeclined(Declined reply) {
    if (reply.error() != null) {
      offerFailed(reply.offerId(), reply.error());
    } else {
      offers.remove(reply.offerId());
    }
    return Behaviors.same();
  }

  /** The session refused (stale, expired, taken): the offer is gone. A timeout leaves it to retry. */
  private void offerFailed(String offerId, Throwable error) {
    if (!(error instanceof TimeoutException)) {
      offers.remove(offerId);
    }
    sendError(offerErrorCode(error), rejectionOf(error).detail());
  }

  // --- what the engine says ---

  private Behavior<Command> onNotified(Notified notified) {
    TutorEntity.Notification notification = notified.notification();
    if (notification instanceof TutorEntity.OfferMade made) {
      remember(made.offer());
      send(Frames.offer(made.offer()));
    } else if (notification instanceof TutorEntity.OfferWithdrawn withdrawn) {
      offers.remove(withdrawn.offerId());
      send(Frames.offerWithdrawn(withdrawn.offerId(), withdrawn.reason() == null ? null : withdrawn.reason().name()));
    } else if (notification instanceof TutorEntity.PresenceChanged changed) {
      available = changed.presence() == TutorEntity.Presence.ONLINE;
      send(Frames.tutorStatus(changed.presence().name(), changed.reason()));
    } else if (notification instanceof TutorEntity.Replaced replaced && replaced.connectionId().equals(connectionId)) {
      connected = false;
      closeAfterQueued(Frames.CLOSE_REPLACED, "replaced by a newer connection");
    }
    return Behaviors.same();
  }

  private void remember(Offer offer) {
    Instant forgetBefore = clock.instant().minus(OFFER_GRACE);
    offers.values().removeIf(o -> o.expiresAt() != null && o.expiresAt().isBefore(forgetBefore));
    offers.put(offer.offerId(), offer);
    while (offers.size() > MAX_OFFERS) {
      offers.remove(offers.keySet().iterator().next());
    }
  }

  private static String offerErrorCode(Throwable error) {
    if (error instanceof TimeoutException) {
      return Frames.TIMEOUT;
    }
    return switch (rejectionOf(error).kind()) {
      case FORBIDDEN -> Frames.NOT_ALLOWED;
      case INTERNAL -> Frames.SERVER_ERROR;
      default -> Frames.OFFER_UNAVAILABLE;
    };
  }

  private static String codeOf(Throwable error, Rejection rejection) {
    if (error instanceof TimeoutException) {
      return Frames.TIMEOUT;
    }
    return switch (rejection.kind()) {
      case INVALID -> Frames.BAD_FIELD;
      case INTERNAL -> Frames.SERVER_ERROR;
      default -> Frames.NOT_ALLOWED;
    };
  }

  static Rejection rejectionOf(Throwable error) {
    if (error instanceof TimeoutException) {
      return Rejection.internal("the engine did not answer in time; try again");
    }
    return Rejection.parse(error.getMessage());
  }
}
