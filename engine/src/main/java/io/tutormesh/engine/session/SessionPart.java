package io.tutormesh.engine.session;

import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.MatchingObserver;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.room.RoomSettings;
import io.tutormesh.engine.session.SessionEntity.Billing;
import io.tutormesh.engine.session.SessionEntity.Command;
import io.tutormesh.engine.session.SessionEntity.Event;
import io.tutormesh.engine.session.SessionEntity.Links;
import io.tutormesh.engine.session.SessionEntity.SessionSummary;
import io.tutormesh.engine.session.SessionEntity.State;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * One part of a {@link SessionEntity}'s behaviour ({@link InstantDispatch}, {@link BookingSaga},
 * {@link SessionSettlement}, {@link RoomHandlers}): the entity's wiring, and the effects and
 * replies every part builds. A part lives as long as its entity's incarnation and runs on its
 * actor only (the entity's command handlers call it); what it keeps in fields is that
 * incarnation's volatile state, never needed to rebuild the session's state.
 */
abstract class SessionPart {
  final SessionEntity entity;
  final String sessionId;
  final MatchingSettings settings;
  final RoomSettings roomSettings;
  final Billing billing;
  final MoneySettings money;
  final Links links;
  final MatchingObserver observer;
  final Clock clock;
  final ActorContext<Command> context;
  final TimerScheduler<Command> timers;

  SessionPart(SessionEntity entity) {
    this.entity = entity;
    this.sessionId = entity.sessionId;
    this.settings = entity.settings;
    this.roomSettings = entity.roomSettings;
    this.billing = entity.billing;
    this.money = entity.money;
    this.links = entity.links;
    this.observer = entity.observer;
    this.clock = entity.clock;
    this.context = entity.context;
    this.timers = entity.timers;
  }

  final EffectFactories<Event, State> Effect() {
    return entity.Effect();
  }

  final StatusReply<SessionSummary> summary(State state) {
    return entity.summary(state);
  }

  final <T> ReplyEffect<Event, State> reject(ActorRef<StatusReply<T>> replyTo, Rejection rejection) {
    return entity.reject(replyTo, rejection);
  }

  final void passivateLater() {
    entity.passivateLater();
  }
}
