package io.tutormesh.gateway;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tutormesh.persistence.ProjectionProgress;
import java.time.Duration;
import java.time.Instant;

/**
 * The projections' progress on `/metrics`, one series per projection instance that runs (or ran)
 * on this node, labelled {@code projection} (its name) and {@code slice} (its tag):
 * {@code tutormesh_projection_events_total} (envelopes processed), {@code
 * tutormesh_projection_lag_seconds} (processing wall time minus the event's timestamp, at the last
 * envelope) and {@code tutormesh_projection_last_event_timestamp_seconds} (that event's
 * timestamp, epoch seconds). The gauges are NaN before an instance's first envelope. An instance
 * that moved to another node leaves its last values here: sum the nodes.
 */
public final class ProjectionMetrics {

  static final String EVENTS = "tutormesh.projection.events";
  static final String LAG = "tutormesh.projection.lag";
  static final String LAST_EVENT = "tutormesh.projection.last_event.timestamp";

  private ProjectionMetrics() {}

  /** Registers every instance of {@code progress}, now and as they start, in {@code registry}. */
  public static void bind(ProjectionProgress.Registry progress, MeterRegistry registry) {
    progress.onNew(instance -> register(instance, registry));
  }

  private static void register(ProjectionProgress p, MeterRegistry registry) {
    Tags tags = Tags.of("projection", p.projection(), "slice", p.slice());
    FunctionCounter.builder(EVENTS, p, ProjectionProgress::events)
        .description("Envelopes processed by a projection instance on this node")
        .tags(tags)
        .register(registry);
    Gauge.builder(LAG, p, ProjectionMetrics::lagSeconds)
        .description("Processing wall time minus the event's timestamp, at the projection instance's last envelope")
        .baseUnit("seconds")
        .tags(tags)
        .strongReference(true)
        .register(registry);
    Gauge.builder(LAST_EVENT, p, ProjectionMetrics::lastEventSeconds)
        .description("Timestamp (epoch) of the last event the projection instance processed")
        .baseUnit("seconds")
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  static double lagSeconds(ProjectionProgress p) {
    return p.lastLag().map(Duration::toMillis).map(ms -> ms / 1000.0).orElse(Double.NaN);
  }

  static double lastEventSeconds(ProjectionProgress p) {
    return p.lastEventAt().map(Instant::toEpochMilli).map(ms -> ms / 1000.0).orElse(Double.NaN);
  }
}
