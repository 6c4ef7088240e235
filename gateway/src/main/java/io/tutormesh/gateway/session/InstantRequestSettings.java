package io.tutormesh.gateway.session;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How the gateway takes `POST /v1/instant-requests` (`tutormesh.matching.*`, gateway side).
 *
 * @param acceptBudget the request's deadline is its arrival plus this: an entity that gets it later
 *     refuses it (503) and opens nothing
 * @param acceptGrace how much longer than the budget the gateway waits for the answer, so that a
 *     request taken just before its deadline (a journal write still running) is answered
 * @param maxInFlight instant requests this node waits on at once; more are answered 503 at once
 * @param abandonAttempts how often the gateway tries to abandon a request it got no answer for
 */
public record InstantRequestSettings(Duration acceptBudget, Duration acceptGrace, int maxInFlight, int abandonAttempts) {

  public static InstantRequestSettings fromConfig(Config config) {
    Config m = config.getConfig("tutormesh.matching");
    InstantRequestSettings settings = new InstantRequestSettings(
        m.getDuration("accept-budget"),
        m.getDuration("accept-grace"),
        m.getInt("max-in-flight-requests"),
        m.getInt("abandon-attempts"));
    if (settings.acceptBudget.isNegative() || settings.acceptBudget.isZero() || settings.acceptGrace.isNegative()) {
      throw new IllegalArgumentException("tutormesh.matching.accept-budget must be > 0 and accept-grace >= 0");
    }
    if (settings.maxInFlight < 0 || settings.abandonAttempts < 1) {
      throw new IllegalArgumentException("tutormesh.matching.max-in-flight-requests must be >= 0 and abandon-attempts >= 1");
    }
    return settings;
  }

  /** The gateway's ask timeout for an instant request: always past the deadline. */
  public Duration askTimeout() {
    return acceptBudget.plus(acceptGrace);
  }
}
