package io.tutormesh.gateway.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MatchingMetricsTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MatchingMetrics metrics = new MatchingMetrics(registry);

  @Test
  void everyMeterIsThereFromTheStart() {
    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("tutormesh_matching_time_to_offer_seconds_bucket")
        .contains("tutormesh_matching_time_to_match_seconds_bucket")
        .contains("tutormesh_matching_offers_total{outcome=\"sent\"} 0.0")
        .contains("tutormesh_matching_offers_total{outcome=\"accepted\"} 0.0")
        .contains("tutormesh_matching_offers_total{outcome=\"declined\"} 0.0")
        .contains("tutormesh_matching_offers_total{outcome=\"timed_out\"} 0.0")
        .contains("tutormesh_matching_requests_total{outcome=\"matched\"} 0.0")
        .contains("tutormesh_matching_requests_total{outcome=\"no_tutor\"} 0.0")
        .contains("tutormesh_matching_requests_total{outcome=\"cancelled\"} 0.0")
        .contains("tutormesh_matching_requests_total{outcome=\"rejected\"} 0.0")
        .contains("tutormesh_matching_requests_total{outcome=\"late\"} 0.0")
        .contains("tutormesh_matching_requests_shed_total{reason=\"capacity\"} 0.0")
        .contains("tutormesh_matching_requests_shed_total{reason=\"late\"} 0.0")
        .contains("tutormesh_matching_requests_shed_total{reason=\"timeout\"} 0.0");
  }

  @Test
  void countsShedRequestsByReasonAndShowsWhatIsInFlight() {
    java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger(7);
    metrics.trackInFlight(inFlight::get);
    metrics.requestShed(MatchingMetrics.ShedReason.CAPACITY);
    metrics.requestShed(MatchingMetrics.ShedReason.CAPACITY);
    metrics.requestShed(MatchingMetrics.ShedReason.TIMEOUT);

    assertThat(registry.get(MatchingMetrics.SHED).tag("reason", "capacity").counter().count()).isEqualTo(2.0);
    assertThat(registry.get(MatchingMetrics.SHED).tag("reason", "late").counter().count()).isZero();
    assertThat(registry.get(MatchingMetrics.SHED).tag("reason", "timeout").counter().count()).isEqualTo(1.0);
    assertThat(registry.scrape()).contains("tutormesh_matching_requests_in_flight 7.0");
    inFlight.set(0);
    assertThat(registry.get(MatchingMetrics.IN_FLIGHT).gauge().value()).isZero();
  }

  @Test
  void countsAndTimes() {
    metrics.offersSent(3);
    metrics.offersSent(0);
    metrics.offerAccepted();
    metrics.offerDeclined();
    metrics.offerDeclined();
    metrics.offerTimedOut();
    metrics.requestEnded("MATCHED");
    metrics.requestEnded("NO_TUTOR");
    metrics.requestEnded("NO_TUTOR");
    metrics.timeToOffer(Duration.ofMillis(40));
    metrics.timeToMatch(Duration.ofSeconds(3));
    metrics.timeToMatch(Duration.ofSeconds(5));

    assertThat(registry.get(MatchingMetrics.OFFERS).tag("outcome", "sent").counter().count()).isEqualTo(3.0);
    assertThat(registry.get(MatchingMetrics.OFFERS).tag("outcome", "accepted").counter().count()).isEqualTo(1.0);
    assertThat(registry.get(MatchingMetrics.OFFERS).tag("outcome", "declined").counter().count()).isEqualTo(2.0);
    assertThat(registry.get(MatchingMetrics.OFFERS).tag("outcome", "timed_out").counter().count()).isEqualTo(1.0);
    assertThat(registry.get(MatchingMetrics.REQUESTS).tag("outcome", "matched").counter().count()).isEqualTo(1.0);
    assertThat(registry.get(MatchingMetrics.REQUESTS).tag("outcome", "no_tutor").counter().count()).isEqualTo(2.0);
    assertThat(registry.get(MatchingMetrics.TIME_TO_OFFER).timer().count()).isEqualTo(1);
    assertThat(registry.get(MatchingMetrics.TIME_TO_MATCH).timer().count()).isEqualTo(2);
    assertThat(registry.get(MatchingMetrics.TIME_TO_MATCH).timer().max(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(5.0);
  }

  @Test
  void requestOutcomesAreLowercaseAndBounded() {
    assertThat(MatchingMetrics.tagOf("CANCELLED")).isEqualTo("cancelled");
    assertThat(MatchingMetrics.tagOf(null)).isEqualTo("other");
    assertThat(MatchingMetrics.tagOf(" ")).isEqualTo("other");
    assertThat(MatchingMetrics.tagOf("rm -rf /")).isEqualTo("other");
    assertThat(MatchingMetrics.tagOf("X".repeat(100))).isEqualTo("other");
    metrics.requestEnded("weird outcome!");
    assertThat(registry.get(MatchingMetrics.REQUESTS).tag("outcome", "other").counter().count()).isEqualTo(1.0);
  }
}
