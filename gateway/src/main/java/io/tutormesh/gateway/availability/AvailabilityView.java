package io.tutormesh.gateway.availability;

import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.TutorCard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one client (an event stream, or one subscription of a socket) has been told, and what each
 * topic event changes for it. The client knows the tutors of its snapshot and of the `available`
 * frames since; an event about a tutor it does not see and who does not match its filters is
 * dropped, a seen tutor who stops matching (profile changed) gets `unavailable`, and an
 * `available` that changes nothing is not repeated. Each event carries the tutor's whole state,
 * so applying only the latest event per tutor (conflation) leads to the same view.
 *
 * <p>Deltas travel by distributed pub-sub, which can drop one across nodes while a topic's
 * registration spreads. {@link #resync} repairs that: given a fresh answer of the pool, it yields
 * the events that bring the client back in line, so that every client converges within one resync
 * interval whatever was lost. Not thread-safe: used by its owner only.
 */
public final class AvailabilityView {

  private final AvailabilityQuery query;
  private final Map<String, TutorCard> shown = new HashMap<>();

  /** The view after `snapshot` (the pool's answer; only the tutors the query asks for count). */
  public AvailabilityView(AvailabilityQuery query, List<TutorCard> snapshot) {
    this.query = query;
    snapshot.stream().filter(query::matches).forEach(card -> shown.put(card.tutorId(), card));
  }

  /** The snapshot frame this view starts from. */
  public static AvailabilityFrames.Snapshot snapshotFrame(AvailabilityQuery query, List<TutorCard> snapshot) {
    return AvailabilityFrames.snapshot(query.subject(), snapshot.stream().filter(query::matches).toList());
  }

  /** The frames (none or one) that `event` makes this client's view move by. */
  public List<AvailabilityFrames.Frame> frames(AvailabilityEvent event) {
    if (!query.subject().equals(event.subject())) {
      return List.of();
    }
    if (event instanceof AvailabilityEvent.TutorAvailable available && query.matches(available.card())) {
      TutorCard before = shown.put(available.tutorId(), available.card());
      return available.card().equals(before) ? List.of() : List.of(AvailabilityFrames.available(query.subject(), available.card()));
    }
    return shown.remove(event.tutorId()) != null ? List.of(AvailabilityFrames.unavailable(query.subject(), event.tutorId())) : List.of();
  }

  /** The events that turn what the client was shown into the pool's current answer. */
  public List<AvailabilityEvent> resync(List<TutorCard> pool) {
    Set<String> current = pool.stream().map(TutorCard::tutorId).collect(Collectors.toSet());
    List<AvailabilityEvent> events = new ArrayList<>();
    shown.keySet().stream().filter(id -> !current.contains(id)).forEach(id -> events.add(new AvailabilityEvent.TutorUnavailable(query.subject(), id)));
    pool.forEach(card -> events.add(new AvailabilityEvent.TutorAvailable(query.subject(), card)));
    return events;
  }

  /** The frames that {@link #resync} brings (for a client fed directly, without conflation). */
  public List<AvailabilityFrames.Frame> resyncFrames(List<TutorCard> pool) {
    return resync(pool).stream().flatMap(event -> frames(event).stream()).toList();
  }
}
