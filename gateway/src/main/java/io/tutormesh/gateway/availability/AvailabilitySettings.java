package io.tutormesh.gateway.availability;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * `tutormesh.availability.*`: how often an idle event stream gets a keep-alive comment, how many
 * topic events may wait in front of a stream's conflation stage, and how often a stream is
 * compared with its pool to repair lost deltas.
 */
public record AvailabilitySettings(Duration keepAlive, int bufferSize, Duration resyncInterval) {

  public AvailabilitySettings {
    if (keepAlive.isNegative() || keepAlive.isZero()) {
      throw new IllegalArgumentException("tutormesh.availability.stream.keep-alive must be positive");
    }
    if (bufferSize < 1) {
      throw new IllegalArgumentException("tutormesh.availability.stream.buffer-size must be at least 1");
    }
  }

  public static AvailabilitySettings fromConfig(Config config) {
    Config availability = config.getConfig("tutormesh.availability");
    return new AvailabilitySettings(
        availability.getDuration("stream.keep-alive"), availability.getInt("stream.buffer-size"), availability.getDuration("resync-interval"));
  }
}
