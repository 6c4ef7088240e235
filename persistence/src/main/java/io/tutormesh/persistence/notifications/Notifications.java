package io.tutormesh.persistence.notifications;

import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.persistence.FirstEvent;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * The notifications of a node, wired: the {@link CassandraOutbox}, its {@link OutboxWorker} (one
 * per node; claims are leases, so the workers of a cluster never share a notification) and the
 * handlers that turn session and payout events into outbox rows, for the projections that
 * already read those events to carry ({@code KpiProjection}, {@code LedgerProjection}).
 *
 * <p>One {@link Clock} drives the outbox (due times, leases, backoff), the worker's notion of
 * "due" and the reminder plans: a test gives a clock of its own and moves it on.
 */
public final class Notifications {

  private final Outbox outbox;
  private final Contacts contacts;
  private final NotificationSettings settings;
  private final Clock clock;
  private final ActorSystem<?> system;
  private final String currency;

  private Notifications(
      ActorSystem<?> system, Outbox outbox, Contacts contacts, NotificationSettings settings, Clock clock, String currency) {
    this.system = system;
    this.outbox = outbox;
    this.contacts = contacts;
    this.settings = settings;
    this.clock = clock;
    this.currency = currency;
  }

  /**
   * Starts the outbox worker of this node (e-mail over SMTP, or to the log without an SMTP host;
   * SMS through {@code sms}).
   *
   * @param currency the platform currency (payout notices)
   */
  public static Notifications start(
      ActorSystem<?> system, NotificationSettings settings, String keyspace, Clock clock, SmsProvider sms, String currency) {
    Objects.requireNonNull(clock, "clock");
    CassandraOutbox outbox = CassandraOutbox.create(system, keyspace, settings.outbox(), clock);
    String owner = Cluster.get(system).selfMember().address().hostPort() + "/" + UUID.randomUUID();
    // One worker per node, stopped with the actor system (a lease it holds then ends on its own).
    system.systemActorOf(
        OutboxWorker.create(outbox, OutboxWorker.channels(system, settings, sms), settings, owner),
        "notifications-outbox-worker", Props.empty());
    return new Notifications(system, outbox, EntityContacts.create(system), settings, clock, currency);
  }

  public Outbox outbox() {
    return outbox;
  }

  /** For the sessions' projection ({@code kpi-sessions}): bookings, cancellations, matches. */
  public Handler<EventEnvelope<SessionEntity.Event>> sessionsHandler() {
    return new NotificationHandler.Sessions(outbox, contacts, FirstEvent.reader(system), settings.reminderOffsets(), clock);
  }

  /** For the tutors' projection ({@code ledger-tutors}): payouts. */
  public Handler<EventEnvelope<TutorEntity.Event>> tutorsHandler() {
    return new NotificationHandler.Tutors(outbox, contacts, currency);
  }
}
