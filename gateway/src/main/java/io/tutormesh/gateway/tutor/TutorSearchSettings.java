package io.tutormesh.gateway.tutor;

import com.typesafe.config.Config;

/**
 * {@code tutormesh.search}: page sizes and how much work one search request may do.
 *
 * @param defaultLimit items per page without {@code limit}
 * @param maxLimit the largest {@code limit} accepted (more is a 400)
 * @param maxScan directory rows one request reads at most; a page that reaches it before it is
 *     full ends there with a {@code nextCursor}
 * @param fetchSize rows per database page
 * @param maxSlotChecks with {@code availableAt}: the rows one request looks at instead of {@code
 *     maxScan} (each that passes the other filters is asked for its slots)
 * @param slotCheckParallelism with {@code availableAt}: slot questions to tutors in flight at once
 */
public record TutorSearchSettings(int defaultLimit, int maxLimit, int maxScan, int fetchSize, int maxSlotChecks, int slotCheckParallelism) {

  public static TutorSearchSettings fromConfig(Config config) {
    Config c = config.getConfig("tutormesh.search");
    return new TutorSearchSettings(c.getInt("default-limit"), c.getInt("max-limit"), c.getInt("max-scan"), c.getInt("fetch-size"),
        c.getInt("max-slot-checks"), c.getInt("slot-check-parallelism"));
  }
}
