package io.tutormesh.persistence.plans;

import com.datastax.oss.driver.api.core.cql.Row;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.persistence.CassandraSchema;
import io.tutormesh.persistence.Cql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The {@link PlanDueIndex} in the tables of {@code schema/010-plan-due.cql}.
 *
 * <p><b>Bounded reads, no scan.</b> A row lives in the partition of its UTC day and of its
 * owner's shard ({@link #SHARDS} of them, so that a day on which a million plans renew is not one
 * partition), clustered by due time. {@link #due} reads "due up to now, at most what is still
 * wanted" from each shard of each day between the cursor and today (usually one or two days), and
 * moves the cursor past days that are over ({@code cursor-grace} ago) and empty. Rows are never
 * written into the past ({@link #schedule} moves them to now), so every row lands at or after the
 * cursor as long as nodes' clocks differ by less than the grace; the first row ever written creates
 * the cursor at its own day.
 *
 * <p>All times come from the {@link Clock} given.
 */
public final class CassandraPlanDueIndex implements PlanDueIndex {

  /** Partitions per day. Fixed: rows already written in a shard would be lost to a smaller number. */
  static final int SHARDS = 8;

  /** The cursor's name of a node's index. */
  public static final String DEFAULT_NAME = "plans";
  private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

  private final Cql cql;
  private final Clock clock;
  private final Duration cursorGrace;
  private final String name;
  private final String insertDue;
  private final String deleteDue;
  private final String dueInPartition;
  private final String selectCursor;
  private final String updateCursor;
  private final String createCursor;
  /** Whether the cursor row was seen to exist (it never goes away). */
  private volatile boolean cursorExists;

  /** @param name the index's cursor (tests give each index a cursor of its own; rows are shared) */
  CassandraPlanDueIndex(CassandraSession session, String keyspace, Clock clock, Duration cursorGrace, String name) {
    String ks = CassandraSchema.validateKeyspace(keyspace);
    this.name = Objects.requireNonNull(name, "name");
    this.cql = new Cql(session);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cursorGrace = Objects.requireNonNull(cursorGrace, "cursorGrace");
    String due = ks + ".plan_due";
    insertDue = "INSERT INTO " + due + " (day, shard, due_at, owner_kind, owner_id) VALUES (?, ?, ?, ?, ?)";
    deleteDue = "DELETE FROM " + due + " WHERE day = ? AND shard = ? AND due_at = ? AND owner_kind = ? AND owner_id = ?";
    dueInPartition = "SELECT due_at, owner_kind, owner_id FROM " + due + " WHERE day = ? AND shard = ? AND due_at <= ? LIMIT ?";
    selectCursor = "SELECT day FROM " + ks + ".plan_due_cursor WHERE name = ?";
    updateCursor = "UPDATE " + ks + ".plan_due_cursor SET day = ? WHERE name = ?";
    createCursor = "INSERT INTO " + ks + ".plan_due_cursor (name, day) VALUES (?, ?) IF NOT EXISTS";
  }

  /** The index of a node: the Cassandra session that the persistence plugin shares, in {@code keyspace}. */
  public static CassandraPlanDueIndex create(ClassicActorSystemProvider system, String keyspace, Clock clock, Duration cursorGrace) {
    return create(system, keyspace, clock, cursorGrace, DEFAULT_NAME);
  }

  static CassandraPlanDueIndex create(ClassicActorSystemProvider system, String keyspace, Clock clock, Duration cursorGrace, String name) {
    return new CassandraPlanDueIndex(Cql.pluginSession(system), keyspace, clock, cursorGrace, name);
  }

  @Override
  public CompletionStage<Due> schedule(MoneySettings.Plan.Kind kind, String ownerId, Instant at) {
    if (kind == null || ownerId == null || ownerId.isEmpty() || at == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("kind, ownerId and at are required"));
    }
    Instant now = now();
    Due row = new Due(kind, ownerId, at.isBefore(now) ? now : at.truncatedTo(ChronoUnit.MILLIS));
    return ensureCursor(day(row.dueAt()))
        .thenCompose(done -> cql.write(insertDue, day(row.dueAt()), shard(row), row.dueAt(), kind.name(), ownerId))
        .thenApply(done -> row);
  }

  @Override
  public CompletionStage<Done> remove(Due due) {
    return cql.write(deleteDue, day(due.dueAt()), shard(due), due.dueAt(), due.kind().name(), due.ownerId());
  }

  /** What a look through the index found, and where the cursor may move to. */
  private record Scan(List<Due> due, int cursor, boolean cursorMoved) {}

  @Override
  public CompletionStage<List<Due>> due(int limit) {
    if (limit < 1) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("limit must be at least 1"));
    }
    Instant now = now();
    int today = day(now);
    return cql.selectOne(selectCursor, name).thenCompose(found -> {
      if (found.isEmpty()) {
        return CompletableFuture.completedFuture(List.<Due>of()); // nothing was ever scheduled
      }
      int from = found.get().getInt("day");
      return scan(from, today, now, limit, new Scan(new ArrayList<>(), from, false))
          .thenCompose(scan -> (scan.cursorMoved()
              ? cql.write(updateCursor, scan.cursor(), name)
              : CompletableFuture.completedFuture(Done.getInstance())).thenApply(done -> scan.due()));
    });
  }

  /** Reads day after day from the cursor up to today (every shard of a day at once) until {@code wanted} rows are found. */
  private CompletionStage<Scan> scan(int day, int today, Instant now, int wanted, Scan sofar) {
    if (day > today || sofar.due().size() >= wanted) {
      return CompletableFuture.completedFuture(sofar);
    }
    int left = wanted - sofar.due().size();
    List<CompletableFuture<List<Row>>> shards = new ArrayList<>();
    for (int shard = 0; shard < SHARDS; shard++) {
      shards.add(cql.selectAll(dueInPartition, day, shard, now, left).toCompletableFuture());
    }
    // Every row of a day that has ended (and its grace too) is due, so no row found means the day is empty.
    boolean over = !Instant.ofEpochMilli((day + 1L) * DAY_MILLIS).plus(cursorGrace).isAfter(now);
    return CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new)).thenCompose(all -> {
      boolean empty = true;
      for (CompletableFuture<List<Row>> shard : shards) {
        for (Row row : shard.join()) {
          empty = false;
          if (sofar.due().size() < wanted) {
            sofar.due().add(new Due(MoneySettings.Plan.Kind.valueOf(row.getString("owner_kind")), row.getString("owner_id"), row.getInstant("due_at")));
          }
        }
      }
      boolean moves = over && empty && sofar.cursor() == day;
      return scan(day + 1, today, now, wanted, moves ? new Scan(sofar.due(), day + 1, true) : sofar);
    });
  }

  private CompletionStage<Done> ensureCursor(int day) {
    if (cursorExists) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return cql.applies(createCursor, name, day).thenApply(created -> {
      cursorExists = true;
      return Done.getInstance();
    });
  }

  /** The index's partition day of an instant: whole UTC days since the epoch. */
  static int day(Instant at) {
    return Math.toIntExact(Math.floorDiv(at.toEpochMilli(), DAY_MILLIS));
  }

  /** The owner's shard: the same for all of one owner's rows. */
  static int shard(Due due) {
    return Math.floorMod((due.kind().name() + ":" + due.ownerId()).hashCode(), SHARDS);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
