package io.tutormesh.persistence.notifications;

import com.datastax.oss.driver.api.core.cql.Row;
import io.tutormesh.persistence.CassandraSchema;
import io.tutormesh.persistence.Cql;
import io.tutormesh.persistence.notifications.NotificationSettings.OutboxSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The {@link Outbox} in the tables of {@code schema/009-notifications.cql}.
 *
 * <p><b>Finding due work without a scan.</b> {@code notifications_due} holds one row per PENDING
 * notification, in the partition of its outbox and UTC hour, clustered by due time: a worker reads
 * "due up to now" from each hour between the outbox's cursor and now (usually one or two
 * partitions), and moves the cursor past hours that have ended ({@code cursor-grace} ago) and are
 * empty. A notification due in the past is indexed at the time it is enqueued, so every row lands
 * at or after the cursor (as long as nodes' clocks differ by less than the grace); the first
 * enqueue into an outbox creates its cursor. Rows are written
 * before the notification they point to and deleted after it ends or moves, so a crash between two
 * writes leaves a stale row (found, checked against the notification, deleted), never a PENDING
 * notification that nobody finds.
 *
 * <p><b>Once only.</b> Every state change is a lightweight transaction on the {@code notifications}
 * row: enqueue is {@code INSERT ... IF NOT EXISTS}; a claim is a compare-and-set of the lease and
 * attempt count that were read (two workers reading the same row: one claim applies); sent, failed
 * and cancelled apply only {@code IF status = 'PENDING'}. A claimed notification is not claimed
 * again before its lease ends, on any node, also after a restart. What remains is the window
 * between a channel accepting a message and {@link #markSent} recording it: see {@link
 * OutboxWorker}.
 *
 * <p>All times come from the {@link Clock} given, so that tests can move time on.
 */
public final class CassandraOutbox implements Outbox {

  private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();
  private static final int MAX_ERROR = 1000;
  /** Due rows read per claimed notification wanted: rows may be stale or leased by others. */
  private static final int CANDIDATES_PER_CLAIM = 4;

  private final Cql cql;
  private final OutboxSettings settings;
  private final Clock clock;

  private final String selectEntry;
  private final String insertEntry;
  private final String claim;
  private final String markSent;
  private final String markFailed;
  private final String reschedule;
  private final String cancelOne;
  private final String insertDue;
  private final String deleteDue;
  private final String dueInHour;
  private final String insertGroupMember;
  private final String cancelGroup;
  private final String groupCancelledAt;
  private final String groupMembers;
  private final String selectCursor;
  private final String updateCursor;
  private final String createCursor;
  /** Whether this outbox has seen its cursor row exist (it never goes away). */
  private volatile boolean cursorExists;

  CassandraOutbox(CassandraSession session, String keyspace, OutboxSettings settings, Clock clock) {
    String ks = CassandraSchema.validateKeyspace(keyspace);
    this.cql = new Cql(session);
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    String n = ks + ".notifications";
    String columns = "id, group_key, kind, channel, recipient, subject, body, due_at, status, attempts, "
        + "next_attempt_at, lease_owner, lease_until, last_error, sent_at";
    selectEntry = "SELECT " + columns + " FROM " + n + " WHERE id = ?";
    insertEntry = "INSERT INTO " + n + " (id, group_key, kind, channel, recipient, subject, body, due_at, "
        + "created_at, status, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?) "
        + "IF NOT EXISTS";
    claim = "UPDATE " + n + " SET lease_owner = ?, lease_until = ?, attempts = ? WHERE id = ? "
        + "IF status = 'PENDING' AND attempts = ? AND lease_until = ? AND next_attempt_at = ?";
    markSent = "UPDATE " + n + " SET status = 'SENT', sent_at = ? WHERE id = ? IF status = 'PENDING'";
    markFailed = "UPDATE " + n + " SET status = 'FAILED', last_error = ? WHERE id = ? "
        + "IF status = 'PENDING' AND lease_owner = ? AND attempts = ?";
    reschedule = "UPDATE " + n + " SET next_attempt_at = ?, lease_owner = null, lease_until = null, last_error = ? "
        + "WHERE id = ? IF status = 'PENDING' AND lease_owner = ? AND attempts = ?";
    cancelOne = "UPDATE " + n + " SET status = 'CANCELLED' WHERE id = ? IF status = 'PENDING'";
    String due = ks + ".notifications_due";
    insertDue = "INSERT INTO " + due + " (outbox, hour, due_at, id) VALUES (?, ?, ?, ?)";
    deleteDue = "DELETE FROM " + due + " WHERE outbox = ? AND hour = ? AND due_at = ? AND id = ?";
    dueInHour = "SELECT due_at, id FROM " + due + " WHERE outbox = ? AND hour = ? AND due_at <= ? LIMIT ?";
    String groups = ks + ".notifications_by_group";
    insertGroupMember = "INSERT INTO " + groups + " (group_key, id) VALUES (?, ?)";
    cancelGroup = "UPDATE " + groups + " SET cancelled_at = ? WHERE group_key = ?";
    groupCancelledAt = "SELECT cancelled_at FROM " + groups + " WHERE group_key = ? LIMIT 1";
    groupMembers = "SELECT id FROM " + groups + " WHERE group_key = ?";
    selectCursor = "SELECT hour FROM " + ks + ".notifications_cursor WHERE outbox = ?";
    updateCursor = "UPDATE " + ks + ".notifications_cursor SET hour = ? WHERE outbox = ?";
    createCursor = "INSERT INTO " + ks + ".notifications_cursor (outbox, hour) VALUES (?, ?) IF NOT EXISTS";
  }

  /** The outbox of a node: the Cassandra session that the persistence plugin shares, in {@code keyspace}. */
  public static CassandraOutbox create(
      ClassicActorSystemProvider system, String keyspace, OutboxSettings settings, Clock clock) {
    return new CassandraOutbox(
        Cql.pluginSession(system), keyspace, settings, clock);
  }

  public OutboxSettings settings() {
    return settings;
  }

  // ---------------------------------------------------------------------------------- enqueue

  @Override
  public CompletionStage<Enqueued> enqueue(Notification notification) {
    if (notification == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("notification: required"));
    }
    Notification n = notification;
    Instant now = now();
    // Due in the past (or now): indexed at now, so that it lands at or after every cursor.
    Instant scheduledAt = n.dueAt().isBefore(now) ? now : n.dueAt();
    return isGroupCancelled(n.groupKey()).thenCompose(cancelled -> {
      if (cancelled) {
        return CompletableFuture.completedFuture(Enqueued.GROUP_CANCELLED);
      }
      return entry(n.id()).thenCompose(existing -> existing.isPresent()
          ? CompletableFuture.completedFuture(Enqueued.ALREADY_ENQUEUED)
          : ensureCursor(scheduledAt)
              .thenCompose(done -> cql.write(insertGroupMember, n.groupKey(), n.id()))
              .thenCompose(done -> cql.write(insertDue, settings.name(), hour(scheduledAt), scheduledAt, n.id()))
              .thenCompose(done -> cql.applies(insertEntry, n.id(), n.groupKey(), n.kind(), n.channel().name(),
                  n.recipient(), n.subject(), n.body(), n.dueAt(), now, scheduledAt))
              .thenApply(applied -> applied ? Enqueued.ENQUEUED : Enqueued.ALREADY_ENQUEUED));
    });
  }

  /**
   * The first enqueue of an outbox that has no cursor yet creates it at its own hour, so that the
   * workers' first look starts there however long ago that was (and never after a row).
   */
  private CompletionStage<Boolean> ensureCursor(Instant scheduledAt) {
    if (cursorExists) {
      return CompletableFuture.completedFuture(true);
    }
    return cql.applies(createCursor, settings.name(), hour(scheduledAt)).thenApply(created -> {
      cursorExists = true;
      return true;
    });
  }

  // ----------------------------------------------------------------------------------- cancel

  @Override
  public CompletionStage<Integer> cancelGroup(String groupKey) {
    if (groupKey == null || groupKey.isBlank()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("groupKey: required"));
    }
    // The mark first: an enqueue or a claim that runs meanwhile finds it.
    return cql.write(cancelGroup, now(), groupKey)
        .thenCompose(done -> cql.selectAll(groupMembers, groupKey))
        .thenCompose(rows -> {
          CompletionStage<Integer> cancelled = CompletableFuture.completedFuture(0);
          for (Row row : rows) {
            String id = row.getString("id");
            if (id != null) { // the partition's static row has no member
              cancelled = cancelled.thenCompose(count -> cql.applies(cancelOne, id).thenApply(a -> a ? count + 1 : count));
            }
          }
          return cancelled;
        });
  }

  // ------------------------------------------------------------------------------------ claim

  /** A row of the due index. */
  private record Due(long hour, Instant dueAt, String id) {}

  /** What a look through the due index found, and where the cursor may move to (to be written if it changed or was missing). */
  private record Scan(List<Due> due, long cursor, boolean cursorMoved) {}

  @Override
  public CompletionStage<List<Claim>> claimDue(String owner, int limit) {
    if (owner == null || owner.isBlank() || limit < 1) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("owner and limit >= 1 required"));
    }
    Instant now = now();
    long nowHour = hour(now);
    return cursor()
        .thenCompose(found -> {
          // No cursor: nothing was ever enqueued into this outbox by this code; look back a while.
          long from = found.orElseGet(() -> hour(now.minus(settings.lookback())));
          return scan(from, nowHour, now, limit * CANDIDATES_PER_CLAIM,
              new Scan(new ArrayList<>(), from, found.isEmpty()));
        })
        .thenCompose(scan -> (scan.cursorMoved()
            ? cql.write(updateCursor, scan.cursor(), settings.name())
            : CompletableFuture.completedFuture(Done.getInstance())).thenApply(done -> scan.due()))
        .thenCompose(due -> claimEach(due, 0, owner, limit, now, new ArrayList<>()));
  }

  private CompletionStage<Optional<Long>> cursor() {
    return cql.selectOne(selectCursor, settings.name()).thenApply(row -> row.map(r -> r.getLong("hour")));
  }

  /** Reads hour after hour from the cursor up to now, until {@code wanted} rows are found. */
  private CompletionStage<Scan> scan(long hour, long nowHour, Instant now, int wanted, Scan sofar) {
    if (hour > nowHour || sofar.due().size() >= wanted) {
      return CompletableFuture.completedFuture(sofar);
    }
    int left = wanted - sofar.due().size();
    // Every row of an hour that has ended (and its grace too) is due, so a read of the due rows that
    // finds none means the hour is empty.
    boolean closed = !Instant.ofEpochMilli((hour + 1) * HOUR_MILLIS).plus(settings.cursorGrace()).isAfter(now);
    return cql.selectAll(dueInHour, settings.name(), hour, now, left).thenCompose(rows -> {
      for (Row row : rows) {
        sofar.due().add(new Due(hour, row.getInstant("due_at"), row.getString("id")));
      }
      // A closed hour with no row left: the cursor moves past it (only from the cursor on, in order).
      boolean moves = closed && rows.isEmpty() && sofar.cursor() == hour;
      return scan(hour + 1, nowHour, now, wanted, moves ? new Scan(sofar.due(), hour + 1, true) : sofar);
    });
  }

  private CompletionStage<List<Claim>> claimEach(
      List<Due> due, int index, String owner, int limit, Instant now, List<Claim> claims) {
    if (index >= due.size() || claims.size() >= limit) {
      return CompletableFuture.completedFuture(claims);
    }
    return claimOne(due.get(index), owner, now).thenCompose(claimed -> {
      claimed.ifPresent(claims::add);
      return claimEach(due, index + 1, owner, limit, now, claims);
    });
  }

  private CompletionStage<Optional<Claim>> claimOne(Due due, String owner, Instant now) {
    return entry(due.id()).thenCompose(found -> {
      if (found.isEmpty()) {
        // An enqueue that wrote its index row but not (yet) its notification: gone after a lease.
        return due.dueAt().isBefore(now.minus(settings.lease())) ? dropDue(due) : none();
      }
      Entry entry = found.get();
      if (entry.status() != Status.PENDING) {
        return dropDue(due); // ended: its index row is left over
      }
      if (due.dueAt().isBefore(entry.nextAttemptAt())) {
        return dropDue(due); // rescheduled: it has a later row
      }
      if (due.dueAt().isAfter(entry.nextAttemptAt())
          || (entry.leaseUntil() != null && entry.leaseUntil().isAfter(now))) {
        return none(); // a later row being written (retry, re-enqueue), or held by a worker
      }
      return isGroupCancelled(entry.notification().groupKey()).thenCompose(cancelled -> cancelled
          ? cql.applies(cancelOne, due.id()).thenCompose(a -> dropDue(due))
          : tryClaim(entry, due, owner, now));
    });
  }

  private CompletionStage<Optional<Claim>> tryClaim(Entry entry, Due due, String owner, Instant now) {
    int attempt = entry.attempts() + 1;
    Instant leaseUntil = now.plus(settings.lease());
    return cql.applies(claim, owner, leaseUntil, attempt, due.id(), entry.attempts(), entry.leaseUntil(), due.dueAt())
        .thenApply(applied -> applied
            ? Optional.of(new Claim(entry.notification(), attempt, owner, leaseUntil, due.dueAt()))
            : Optional.empty());
  }

  private CompletionStage<Optional<Claim>> dropDue(Due due) {
    return cql.write(deleteDue, settings.name(), due.hour(), due.dueAt(), due.id()).thenApply(done -> Optional.empty());
  }

  private static CompletionStage<Optional<Claim>> none() {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  // ----------------------------------------------------------------------------- sent, failed

  @Override
  public CompletionStage<Boolean> markSent(Claim claim) {
    String id = claim.notification().id();
    return cql.applies(markSent, now(), id).thenCompose(applied ->
        cql.write(deleteDue, settings.name(), hour(claim.scheduledAt()), claim.scheduledAt(), id)
            .thenApply(done -> applied));
  }

  @Override
  public CompletionStage<Status> markFailed(Claim claim, String error) {
    String id = claim.notification().id();
    String reason = error == null ? "unknown" : error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
    Backoff backoff = settings.backoff();
    if (!backoff.retries(claim.attempt())) {
      return cql.applies(markFailed, reason, id, claim.owner(), claim.attempt()).thenCompose(applied -> applied
          ? cql.write(deleteDue, settings.name(), hour(claim.scheduledAt()), claim.scheduledAt(), id)
              .thenApply(done -> Status.FAILED)
          : currentStatus(id));
    }
    Instant next = now().plus(backoff.delayAfter(claim.attempt()));
    // The new index row first: a crash after it leaves a stale row, never an unindexed notification.
    return cql.write(insertDue, settings.name(), hour(next), next, id)
        .thenCompose(done -> cql.applies(reschedule, next, reason, id, claim.owner(), claim.attempt()))
        .thenCompose(applied -> {
          Instant stale = applied ? claim.scheduledAt() : next;
          return cql.write(deleteDue, settings.name(), hour(stale), stale, id)
              .thenCompose(done -> applied ? CompletableFuture.completedFuture(Status.PENDING) : currentStatus(id));
        });
  }

  private CompletionStage<Status> currentStatus(String id) {
    return entry(id).thenApply(entry -> entry.map(Entry::status).orElse(Status.PENDING));
  }

  // ------------------------------------------------------------------------------------ reads

  @Override
  public CompletionStage<Optional<Entry>> entry(String id) {
    if (id == null || id.isBlank()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("id: required"));
    }
    return cql.selectOne(selectEntry, id).thenApply(row -> row.map(CassandraOutbox::entry));
  }

  private CompletionStage<Boolean> isGroupCancelled(String groupKey) {
    return cql.selectOne(groupCancelledAt, groupKey)
        .thenApply(row -> row.map(r -> r.getInstant("cancelled_at") != null).orElse(false));
  }

  private static Entry entry(Row row) {
    Notification notification = new Notification(
        row.getString("id"), row.getString("group_key"), row.getString("kind"),
        Notification.Channel.valueOf(row.getString("channel")), row.getString("recipient"),
        row.getString("subject"), row.getString("body"), row.getInstant("due_at"));
    return new Entry(
        notification,
        Status.valueOf(row.getString("status")),
        row.getInt("attempts"),
        row.getInstant("next_attempt_at"),
        row.getString("lease_owner"),
        row.getInstant("lease_until"),
        row.getString("last_error"),
        row.getInstant("sent_at"));
  }

  // ---------------------------------------------------------------------------------- helpers

  /** The due index's partition of an instant: whole hours since the epoch (UTC). */
  static long hour(Instant at) {
    return Math.floorDiv(at.toEpochMilli(), HOUR_MILLIS);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
