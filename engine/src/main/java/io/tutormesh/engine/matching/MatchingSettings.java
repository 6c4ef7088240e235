package io.tutormesh.engine.matching;

import com.typesafe.config.Config;
import java.time.Duration;

/** `tutormesh.matching.*`. */
public record MatchingSettings(
    Duration offerTimeout,
    Duration requestTimeout,
    int waveSize,
    Duration retryInterval,
    Duration poolEntryTtl,
    int strikesBeforeAway,
    int minDurationMinutes,
    int maxDurationMinutes) {

  public static MatchingSettings fromConfig(Config config) {
    Config m = config.getConfig("tutormesh.matching");
    return new MatchingSettings(
        m.getDuration("offer-timeout"),
        m.getDuration("request-timeout"),
        m.getInt("wave-size"),
        m.getDuration("retry-interval"),
        m.getDuration("pool-entry-ttl"),
        m.getInt("strikes-before-away"),
        m.getInt("min-duration-minutes"),
        m.getInt("max-duration-minutes"));
  }
}
