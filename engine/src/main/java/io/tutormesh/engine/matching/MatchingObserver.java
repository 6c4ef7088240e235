package io.tutormesh.engine.matching;

import java.time.Duration;

/**
 * What matching reports as it goes, for metrics. The engine does not know how it is measured:
 * the gateway plugs in meters; the default does nothing. Called from actors: keep it cheap and
 * non-blocking.
 */
public interface MatchingObserver {

  MatchingObserver NONE = new MatchingObserver() {};

  /** From the request's arrival to the first offer sent. */
  default void timeToOffer(Duration elapsed) {}

  /** From the request's arrival to the accept that matched it. */
  default void timeToMatch(Duration elapsed) {}

  default void offersSent(int count) {}

  default void offerAccepted() {}

  default void offerDeclined() {}

  default void offerTimedOut() {}

  /**
   * How a request ended: MATCHED, NO_TUTOR, CANCELLED, REJECTED (e.g. cannot pay) or LATE (it
   * reached its session after its deadline and was not started).
   */
  default void requestEnded(String outcome) {}
}
