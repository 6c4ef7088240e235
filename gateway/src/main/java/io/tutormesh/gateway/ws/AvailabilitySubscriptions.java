package io.tutormesh.gateway.ws;

import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.gateway.availability.AvailabilityFrames;
import io.tutormesh.gateway.availability.AvailabilityQuery;
import io.tutormesh.gateway.availability.AvailabilityView;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one availability connection is subscribed to, and the deltas it has yet to send. Plain
 * logic, no actor: {@link AvailabilitySocket} feeds it events and pulls frames as the socket can
 * take them.
 *
 * <p>Deltas are conflated: only the latest event per (subject, tutor) is kept, so the backlog is
 * bounded by the number of tutors, never by the event rate. Deltas of a subject whose snapshot has
 * not been sent yet stay pending and go out after the snapshot. Filters (language, level) apply
 * when a delta is sent, through the subscription's {@link AvailabilityView} (the same view the
 * event stream uses): it says {@code unavailable} only about tutors the client was shown, and also
 * when a tutor stops matching the filters.
 */
final class AvailabilitySubscriptions {

  /** The answer to a subscribe: whether the topic must be joined, and the snapshot's generation. */
  record Subscribed(boolean isNew, long generation) {}

  /** A subscription whose snapshot was sent: what to ask the pool when resyncing. */
  record Live(AvailabilityQuery query, long generation) {}

  private record Key(String subject, String tutorId) {}

  private static final class Subscription {
    private final AvailabilityQuery query;
    private final long generation;
    /** What the client was shown; null until the snapshot is sent. */
    private AvailabilityView view;

    Subscription(AvailabilityQuery query, long generation) {
      this.query = query;
      this.generation = generation;
    }
  }

  private final int maxSubscriptions;
  private final Map<String, Subscription> bySubject = new HashMap<>();
  private final LinkedHashMap<Key, AvailabilityEvent> pending = new LinkedHashMap<>();
  private long generations;

  AvailabilitySubscriptions(int maxSubscriptions) {
    this.maxSubscriptions = maxSubscriptions;
  }

  /**
   * Subscribes to a subject, or replaces its filters; either way a new snapshot is due (its
   * deltas wait for it). Empty when this would exceed the maximum number of subscriptions.
   */
  Optional<Subscribed> subscribe(String subject, String language, String level) {
    boolean isNew = !bySubject.containsKey(subject);
    if (isNew && bySubject.size() >= maxSubscriptions) {
      return Optional.empty();
    }
    long generation = ++generations;
    bySubject.put(subject, new Subscription(new AvailabilityQuery(subject, language, level), generation));
    return Optional.of(new Subscribed(isNew, generation));
  }

  /** True when the subject was subscribed (and the topic must be left). */
  boolean unsubscribe(String subject) {
    if (bySubject.remove(subject) == null) {
      return false;
    }
    pending.keySet().removeIf(key -> key.subject().equals(subject));
    return true;
  }

  Set<String> subjects() {
    return Set.copyOf(bySubject.keySet());
  }

  int pendingCount() {
    return pending.size();
  }

  void onEvent(AvailabilityEvent event) {
    if (bySubject.containsKey(event.subject())) {
      pending.put(new Key(event.subject(), event.tutorId()), event);
    }
  }

  /**
   * The snapshot frame for a subscription's current generation (empty when the answer is for an
   * older one or the subject was left meanwhile). After it, the subject's deltas flow.
   */
  Optional<AvailabilityFrames.Snapshot> onSnapshot(String subject, long generation, List<TutorCard> cards) {
    Subscription s = bySubject.get(subject);
    if (s == null || s.generation != generation) {
      return Optional.empty();
    }
    s.view = new AvailabilityView(s.query, cards);
    return Optional.of(AvailabilityView.snapshotFrame(s.query, cards));
  }

  /** The subscriptions that have had their snapshot. */
  List<Live> live() {
    return bySubject.values().stream().filter(s -> s.view != null).map(s -> new Live(s.query, s.generation)).toList();
  }

  /**
   * A fresh answer of the pool for a live subscription: what the client missed (a delta lost
   * between nodes) becomes pending deltas; what it already knows yields nothing.
   */
  void onResync(String subject, long generation, List<TutorCard> pool) {
    Subscription s = bySubject.get(subject);
    if (s != null && s.generation == generation && s.view != null) {
      s.view.resync(pool).forEach(this::onEvent);
    }
  }

  /** The snapshot could not be had: the subscription ends. True when the topic must be left. */
  boolean snapshotFailed(String subject, long generation) {
    Subscription s = bySubject.get(subject);
    return s != null && s.generation == generation && unsubscribe(subject);
  }

  /** The next delta to send, or null; deltas that mean nothing to the client are skipped. */
  Object nextDelta() {
    Iterator<Map.Entry<Key, AvailabilityEvent>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, AvailabilityEvent> entry = it.next();
      Subscription s = bySubject.get(entry.getKey().subject());
      if (s == null) {
        it.remove();
        continue;
      }
      if (s.view == null) {
        continue;
      }
      it.remove();
      List<AvailabilityFrames.Frame> frames = s.view.frames(entry.getValue());
      if (!frames.isEmpty()) {
        return frames.get(0);
      }
    }
    return null;
  }
}
