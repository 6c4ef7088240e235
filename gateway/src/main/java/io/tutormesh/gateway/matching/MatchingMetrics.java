package io.tutormesh.gateway.matching;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tutormesh.engine.matching.MatchingObserver;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;

/**
 * Matching's meters on `/metrics`: time to offer and to match (histograms, so that percentiles
 * can be computed across nodes), offers by outcome, requests by how they ended, and the instant
 * requests the gateway refused without an entity's answer (shed). Called from the session actors
 * and the routes: every meter is registered up front or cached, so a call is a lookup and an
 * increment.
 */
public final class MatchingMetrics implements MatchingObserver {

  static final String TIME_TO_OFFER = "tutormesh.matching.time_to_offer";
  static final String TIME_TO_MATCH = "tutormesh.matching.time_to_match";
  static final String OFFERS = "tutormesh.matching.offers";
  static final String REQUESTS = "tutormesh.matching.requests";
  static final String SHED = "tutormesh.matching.requests.shed";
  static final String IN_FLIGHT = "tutormesh.matching.requests.in_flight";

  /** Why the gateway answered 503 to an instant request. */
  public enum ShedReason {
    /** The node already had `max-in-flight-requests` in flight: refused at once, no entity asked. */
    CAPACITY,
    /** An entity refused it because it arrived after its deadline: nothing was opened. */
    LATE,
    /** No answer within the ask timeout: the request was abandoned (closed, its session cancelled). */
    TIMEOUT;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Outcomes shown from the start (at 0), so that rates can be computed before the first one. */
  private static final String[] KNOWN_REQUEST_OUTCOMES = {"matched", "no_tutor", "cancelled", "rejected", "late"};

  /** Request outcomes come from the engine's status names; anything else is `other` (bounded tags). */
  private static final Pattern OUTCOME = Pattern.compile("[a-z_]{1,32}");

  private static final Duration MIN_EXPECTED = Duration.ofMillis(1);
  private static final Duration MAX_EXPECTED = Duration.ofMinutes(10);

  private final MeterRegistry registry;
  private final Timer timeToOffer;
  private final Timer timeToMatch;
  private final Counter offersSent;
  private final Counter offersAccepted;
  private final Counter offersDeclined;
  private final Counter offersTimedOut;
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<ShedReason, Counter> shed = new EnumMap<>(ShedReason.class);

  public MatchingMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.timeToOffer = timer(TIME_TO_OFFER, "From an instant request's arrival to its first offer");
    this.timeToMatch = timer(TIME_TO_MATCH, "From an instant request's arrival to the accept that matched it");
    this.offersSent = offers("sent");
    this.offersAccepted = offers("accepted");
    this.offersDeclined = offers("declined");
    this.offersTimedOut = offers("timed_out");
    for (String outcome : KNOWN_REQUEST_OUTCOMES) {
      requestCounter(outcome);
    }
    for (ShedReason reason : ShedReason.values()) {
      shed.put(reason, Counter.builder(SHED)
          .description("Instant requests answered 503 by the gateway, by reason; none of them opened a request")
          .tag("reason", reason.tag())
          .register(registry));
    }
  }

  /** An instant request answered 503 (see {@link ShedReason}). */
  public void requestShed(ShedReason reason) {
    shed.get(reason).increment();
  }

  /** Shows `inFlight` (the instant requests this node is working on) as a gauge. */
  public void trackInFlight(IntSupplier inFlight) {
    Gauge.builder(IN_FLIGHT, inFlight::getAsInt)
        .description("Instant requests this node is waiting on an entity for")
        .strongReference(true)
        .register(registry);
  }

  @Override
  public void timeToOffer(Duration elapsed) {
    timeToOffer.record(elapsed);
  }

  @Override
  public void timeToMatch(Duration elapsed) {
    timeToMatch.record(elapsed);
  }

  @Override
  public void offersSent(int count) {
    if (count > 0) {
      offersSent.increment(count);
    }
  }

  @Override
  public void offerAccepted() {
    offersAccepted.increment();
  }

  @Override
  public void offerDeclined() {
    offersDeclined.increment();
  }

  @Override
  public void offerTimedOut() {
    offersTimedOut.increment();
  }

  @Override
  public void requestEnded(String outcome) {
    requestCounter(tagOf(outcome)).increment();
  }

  /** `MATCHED` → `matched`; null, blank or odd values → `other`. */
  static String tagOf(String outcome) {
    String tag = outcome == null ? "" : outcome.trim().toLowerCase(Locale.ROOT);
    return OUTCOME.matcher(tag).matches() ? tag : "other";
  }

  private Counter requestCounter(String outcome) {
    return requests.computeIfAbsent(outcome, this::newRequestCounter);
  }

  private Counter newRequestCounter(String outcome) {
    return Counter.builder(REQUESTS)
        .description("Instant requests by how they ended")
        .tag("outcome", outcome)
        .register(registry);
  }

  private Counter offers(String outcome) {
    return Counter.builder(OFFERS).description("Offers to tutors by outcome").tag("outcome", outcome).register(registry);
  }

  private Timer timer(String name, String description) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(MIN_EXPECTED)
        .maximumExpectedValue(MAX_EXPECTED)
        .register(registry);
  }
}
