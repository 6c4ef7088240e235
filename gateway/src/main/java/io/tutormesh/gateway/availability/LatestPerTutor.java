package io.tutormesh.gateway.availability;

import io.tutormesh.engine.matching.AvailabilityEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of availability events conflated while the client was not reading: only the latest
 * event of each tutor, in the order of their latest change. Its size is bounded by the tutors of
 * one subject, however slow the client. Mutable while the conflation stage builds it; read once
 * it has been emitted.
 */
final class LatestPerTutor {

  private final Map<String, AvailabilityEvent> events = new LinkedHashMap<>();

  static LatestPerTutor of(AvailabilityEvent first) {
    return new LatestPerTutor().add(first);
  }

  LatestPerTutor add(AvailabilityEvent event) {
    events.remove(event.tutorId());
    events.put(event.tutorId(), event);
    return this;
  }

  List<AvailabilityEvent> events() {
    return List.copyOf(events.values());
  }
}
