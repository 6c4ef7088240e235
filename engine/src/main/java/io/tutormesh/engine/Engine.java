package io.tutormesh.engine;

import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.AvailabilityTopics;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.MatchingObserver;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.PaymentProvider;
import io.tutormesh.engine.session.PaymentGuard;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/**
 * Starts the engine on a node: the sharded entities, wired to each other through sharding (any
 * entity may live on any node) and to the availability topics. The node calls this once.
 */
public final class Engine {

  private Engine() {}

  /**
   * @param provider the payment provider (the node passes the sandbox's, or a real one's adapter)
   */
  public static void init(ActorSystem<?> system, MatchingObserver observer, PaymentGuard guard, PaymentProvider provider) {
    Duration askTimeout = system.settings().config().getDuration("tutormesh.matching.ask-timeout");
    ShardedLinks links = new ShardedLinks(system, askTimeout);
    Duration payoutRetry = system.settings().config().getDuration("tutormesh.money.provider-retry-interval");
    TutorEntity.init(system, links, new TutorEntity.Payouts(provider, payoutRetry));
    MoneySettings money = MoneySettings.fromConfig(system.settings().config());
    Duration retry = system.settings().config().getDuration("tutormesh.money.provider-retry-interval");
    StudentEntity.init(system, links, new StudentEntity.Payments(money, provider, retry));
    MatchPool.init(system);
    // Topics are created now, not on first use: a topic finds the other nodes' topics through the
    // receptionist, which takes a moment, and an event published before then stays on its node.
    Catalog.fromConfig(system.settings().config()).subjects().forEach(s -> AvailabilityTopics.get(system).topic(s.subject()));
    // The sessions' settings are parsed here, once per node (a session starts per request).
    // Sessions are remembered (in the journal): after a node restart, open sessions start again
    // by themselves and resume their dispatch and timers; an ended one passivates itself.
    SessionEntity.Settings sessionSettings = SessionEntity.Settings.fromConfig(system.settings().config());
    boolean remember = system.settings().config().getBoolean("tutormesh.matching.remember-sessions");
    ClusterSharding.get(system)
        .init(
            Entity.of(SessionEntity.ENTITY_KEY, ctx -> SessionEntity.create(ctx.getEntityId(), sessionSettings, links, guard, observer, Clock.systemUTC(), ctx.getShard()))
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(remember)));
  }

  /** Every entity's outbound messages, through cluster sharding. */
  private static final class ShardedLinks implements TutorEntity.Links, StudentEntity.Links, SessionEntity.Links {
    private final ClusterSharding sharding;
    private final AvailabilityTopics topics;
    private final Duration askTimeout;

    ShardedLinks(ActorSystem<?> system, Duration askTimeout) {
      this.sharding = ClusterSharding.get(system);
      this.topics = AvailabilityTopics.get(system);
      this.askTimeout = askTimeout;
    }

    @Override
    public void pool(String subject, MatchPool.Command command) {
      sharding.entityRefFor(MatchPool.ENTITY_KEY, subject).tell(command);
    }

    @Override
    public void session(String sessionId, SessionEntity.Command command) {
      sharding.entityRefFor(SessionEntity.ENTITY_KEY, sessionId).tell(command);
    }

    @Override
    public void tutor(String tutorId, TutorEntity.Command command) {
      sharding.entityRefFor(TutorEntity.ENTITY_KEY, tutorId).tell(command);
    }

    @Override
    public void student(String studentId, StudentEntity.Command command) {
      sharding.entityRefFor(StudentEntity.ENTITY_KEY, studentId).tell(command);
    }

    @Override
    public CompletionStage<MatchPool.Candidates> findCandidates(MatchPool.CandidateQuery query) {
      return sharding.entityRefFor(MatchPool.ENTITY_KEY, query.subject()).ask(replyTo -> new MatchPool.FindCandidates(query, replyTo), askTimeout);
    }

    @Override
    public CompletionStage<Done> reserve(String tutorId, String sessionId, String studentId) {
      return sharding.entityRefFor(TutorEntity.ENTITY_KEY, tutorId).askWithStatus(replyTo -> new TutorEntity.Reserve(sessionId, studentId, replyTo), askTimeout);
    }

    @Override
    public CompletionStage<Done> reserve(String tutorId, String sessionId, String studentId, int durationMinutes) {
      return sharding.entityRefFor(TutorEntity.ENTITY_KEY, tutorId)
          .askWithStatus(replyTo -> new TutorEntity.Reserve(sessionId, studentId, durationMinutes, replyTo), askTimeout);
    }

    @Override
    public CompletionStage<SessionEntity.TutorHold> checkHold(String sessionId, String tutorId) {
      return sharding.entityRefFor(SessionEntity.ENTITY_KEY, sessionId).ask(replyTo -> new SessionEntity.CheckTutorHold(tutorId, replyTo), askTimeout);
    }

    @Override
    public void publish(AvailabilityEvent event) {
      topics.publish(event);
    }
  }
}
