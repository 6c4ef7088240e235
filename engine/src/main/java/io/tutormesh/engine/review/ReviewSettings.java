package io.tutormesh.engine.review;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code tutormesh.reviews.*}: how long a comment may be, how many reviews a profile keeps, how
 * many deliveries a reviewed user remembers to drop a repeated one, and how often a session sends
 * an unacknowledged review again.
 */
public record ReviewSettings(int maxCommentChars, int recentLimit, int dedupeWindow, Duration deliveryRetryInterval) {

  public ReviewSettings {
    if (maxCommentChars < 0 || recentLimit < 1 || dedupeWindow < 2) {
      throw new IllegalArgumentException("tutormesh.reviews: max-comment-chars >= 0, recent-limit >= 1, dedupe-window >= 2");
    }
    if (deliveryRetryInterval == null || deliveryRetryInterval.isNegative() || deliveryRetryInterval.isZero()) {
      throw new IllegalArgumentException("tutormesh.reviews.delivery-retry-interval must be positive");
    }
  }

  public static ReviewSettings fromConfig(Config config) {
    Config r = config.getConfig("tutormesh.reviews");
    return new ReviewSettings(
        r.getInt("max-comment-chars"), r.getInt("recent-limit"), r.getInt("dedupe-window"), r.getDuration("delivery-retry-interval"));
  }
}
