package io.tutormesh.persistence.notifications;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link Outbox} contract in memory (one lock instead of lightweight transactions), for fast
 * unit tests of the {@link OutboxWorker}. {@link CassandraOutbox} is tested against Cassandra.
 */
final class InMemoryOutbox implements Outbox {

  private final Clock clock;
  private final Backoff backoff;
  private final java.time.Duration lease;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Set<String> cancelledGroups = new HashSet<>();

  InMemoryOutbox(Clock clock, Backoff backoff, java.time.Duration lease) {
    this.clock = clock;
    this.backoff = backoff;
    this.lease = lease;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  @Override
  public synchronized CompletionStage<Enqueued> enqueue(Notification n) {
    if (cancelledGroups.contains(n.groupKey())) {
      return CompletableFuture.completedFuture(Enqueued.GROUP_CANCELLED);
    }
    if (entries.containsKey(n.id())) {
      return CompletableFuture.completedFuture(Enqueued.ALREADY_ENQUEUED);
    }
    Instant at = n.dueAt().isBefore(now()) ? now() : n.dueAt();
    entries.put(n.id(), new Entry(n, Status.PENDING, 0, at, null, null, null, null));
    return CompletableFuture.completedFuture(Enqueued.ENQUEUED);
  }

  @Override
  public synchronized CompletionStage<Integer> cancelGroup(String groupKey) {
    cancelledGroups.add(groupKey);
    int count = 0;
    for (Entry e : List.copyOf(entries.values())) {
      if (e.notification().groupKey().equals(groupKey) && e.status() == Status.PENDING) {
        put(e, Status.CANCELLED, e.attempts(), e.nextAttemptAt(), e.leaseOwner(), e.leaseUntil(), e.lastError(), null);
        count++;
      }
    }
    return CompletableFuture.completedFuture(count);
  }

  @Override
  public synchronized CompletionStage<List<Claim>> claimDue(String owner, int limit) {
    Instant now = now();
    List<Claim> claims = new ArrayList<>();
    List<Entry> due = entries.values().stream()
        .filter(e -> e.status() == Status.PENDING && !e.nextAttemptAt().isAfter(now))
        .filter(e -> e.leaseUntil() == null || !e.leaseUntil().isAfter(now))
        .sorted(Comparator.comparing(Entry::nextAttemptAt))
        .limit(limit)
        .toList();
    for (Entry e : due) {
      Instant until = now.plus(lease);
      put(e, Status.PENDING, e.attempts() + 1, e.nextAttemptAt(), owner, until, e.lastError(), null);
      claims.add(new Claim(e.notification(), e.attempts() + 1, owner, until, e.nextAttemptAt()));
    }
    return CompletableFuture.completedFuture(claims);
  }

  @Override
  public synchronized CompletionStage<Boolean> markSent(Claim claim) {
    Entry e = entries.get(claim.notification().id());
    if (e.status() != Status.PENDING) {
      return CompletableFuture.completedFuture(false);
    }
    put(e, Status.SENT, e.attempts(), e.nextAttemptAt(), e.leaseOwner(), e.leaseUntil(), e.lastError(), now());
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized CompletionStage<Status> markFailed(Claim claim, String error) {
    Entry e = entries.get(claim.notification().id());
    if (e.status() != Status.PENDING || !claim.owner().equals(e.leaseOwner()) || e.attempts() != claim.attempt()) {
      return CompletableFuture.completedFuture(e.status());
    }
    if (!backoff.retries(claim.attempt())) {
      put(e, Status.FAILED, e.attempts(), e.nextAttemptAt(), e.leaseOwner(), e.leaseUntil(), error, null);
      return CompletableFuture.completedFuture(Status.FAILED);
    }
    put(e, Status.PENDING, e.attempts(), now().plus(backoff.delayAfter(claim.attempt())), null, null, error, null);
    return CompletableFuture.completedFuture(Status.PENDING);
  }

  @Override
  public synchronized CompletionStage<Optional<Entry>> entry(String id) {
    return CompletableFuture.completedFuture(Optional.ofNullable(entries.get(id)));
  }

  private void put(Entry e, Status status, int attempts, Instant next, String owner, Instant until, String error,
      Instant sentAt) {
    entries.put(e.notification().id(), new Entry(e.notification(), status, attempts, next, owner, until, error, sentAt));
  }
}
