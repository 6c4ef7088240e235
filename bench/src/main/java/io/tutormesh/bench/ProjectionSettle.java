package io.tutormesh.bench;

import static io.tutormesh.bench.Bench.say;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits, after a bench's setup, until the node's projections have caught up with what the setup
 * wrote (profiles, top-ups, sessions): polls {@code GET /metrics} every second and sums
 * {@code tutormesh_projection_events_total} over every projection and slice, until that sum has
 * not changed for {@code --settle-quiet}, or {@code --settle-max} has passed (then it warns and
 * lets the bench go on). Without it the measured window also pays for the projections' catch-up,
 * which production never sees in bulk. Shared by {@link MatchingBench} and {@link RoomBench}.
 */
final class ProjectionSettle {

  /** --settle-quiet's default: the counters must stand still this long. */
  static final Duration DEFAULT_QUIET = Duration.ofSeconds(5);
  /** --settle-max's default: then the bench goes on anyway, with a warning. */
  static final Duration DEFAULT_MAX = Duration.ofSeconds(300);
  /** The options' lines in both benches' usage. */
  static final String USAGE = """
          --settle-quiet D         after the setup, wait until the node's projection counters
                                   (tutormesh_projection_events_total) have not moved for D (5s)
          --settle-max D           ... but at most D, then warn and go on (300s; 0 skips the wait)
        """;

  static final String EVENTS = "tutormesh_projection_events_total";
  static final String LAG = "tutormesh_projection_lag_seconds";
  private static final long POLL_MILLIS = 1000;
  private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

  enum Outcome {
    /** The counters stood still for --settle-quiet. */
    SETTLED,
    /** --settle-max came first: the measurement may include the catch-up. */
    DEADLINE,
    /** The node shows no projection counters (older node, or none started): nothing to wait for. */
    NO_COUNTERS,
    /** GET /metrics never answered before --settle-max. */
    NO_METRICS,
    /** --settle-max 0. */
    SKIPPED
  }

  /**
   * How settling went, after {@code millis}: {@code total} the sum of the counters at the end,
   * {@code series} how many projection instances showed, {@code maxLagSeconds} the largest lag
   * gauge at the end (NaN: none).
   */
  record Result(Outcome outcome, long millis, double total, int series, double maxLagSeconds, Duration quiet, Duration max) {

    boolean settled() {
      return outcome == Outcome.SETTLED;
    }

    /** One line for the reports. */
    String line() {
      String lag = Double.isNaN(maxLagSeconds) ? "-" : String.format("%.1f s", maxLagSeconds);
      double s = millis / 1000.0;
      return switch (outcome) {
        case SETTLED -> String.format("projections settled in %.1f s (%s unchanged for %d s: total %.0f over %d instances;"
            + " largest last lag %s)", s, EVENTS, quiet.toSeconds(), total, series, lag);
        case DEADLINE -> String.format("projections NOT settled after %.1f s (--settle-max; %s still moving: total %.0f over %d"
            + " instances; largest last lag %s): the measurement may include their catch-up", s, EVENTS, total, series, lag);
        case NO_COUNTERS -> String.format("projections not waited for: the node shows no %s", EVENTS);
        case NO_METRICS -> String.format("projections not waited for: GET /metrics did not answer within %.1f s", s);
        case SKIPPED -> "projections not waited for (--settle-max 0)";
      };
    }
  }

  private ProjectionSettle() {}

  /** Checks the two options. */
  static void check(Duration quiet, Duration max) {
    if (quiet.isNegative() || quiet.isZero() || max.isNegative()) {
      throw new IllegalArgumentException("--settle-quiet must be positive and --settle-max not negative");
    }
  }

  /** Polls {@code metricsText} (an empty string when a scrape failed) as described above; says how it went. */
  static Result await(Supplier<String> metricsText, Duration quiet, Duration max) {
    if (max.isZero()) {
      Result skipped = new Result(Outcome.SKIPPED, 0, 0, 0, Double.NaN, quiet, max);
      say(skipped.line());
      return skipped;
    }
    say(String.format("settling: waiting until the projections' counters stand still for %d s (at most %d s) ...", quiet.toSeconds(),
        max.toSeconds()));
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    double last = Double.NaN;
    long lastChange = start;
    long lastSay = start;
    NodeMetrics seen = null;
    while (true) {
      String text = metricsText.get();
      long now = System.nanoTime();
      if (!text.isEmpty()) {
        seen = NodeMetrics.parse(text);
        if (series(seen) == 0) {
          return done(Outcome.NO_COUNTERS, start, now, seen, quiet, max);
        }
        double total = seen.sum(EVENTS);
        if (total != last) {
          last = total;
          lastChange = now;
        } else if (now - lastChange >= quiet.toNanos()) {
          return done(Outcome.SETTLED, start, now, seen, quiet, max);
        }
      }
      if (now >= deadline) {
        return done(seen == null ? Outcome.NO_METRICS : Outcome.DEADLINE, start, now, seen, quiet, max);
      }
      if (now - lastSay >= PROGRESS_EVERY_NANOS) {
        say(String.format("  settling: %s total %.0f, unchanged for %.0f s", EVENTS, last, (now - lastChange) / 1e9));
        lastSay = now;
      }
      LoadDriver.sleep(POLL_MILLIS);
    }
  }

  private static Result done(Outcome outcome, long start, long now, NodeMetrics seen, Duration quiet, Duration max) {
    long millis = (now - start) / 1_000_000;
    Result r = seen == null
        ? new Result(outcome, millis, 0, 0, Double.NaN, quiet, max)
        : new Result(outcome, millis, seen.sum(EVENTS), series(seen), maxLag(seen), quiet, max);
    say((r.settled() ? "  " : "  WARNING ") + r.line());
    return r;
  }

  private static double maxLag(NodeMetrics m) {
    return m.values.entrySet().stream()
        .filter(e -> e.getKey().startsWith(LAG + "{") && !e.getValue().isNaN())
        .mapToDouble(e -> e.getValue())
        .max()
        .orElse(Double.NaN);
  }

  private static int series(NodeMetrics m) {
    return (int) m.values.keySet().stream().filter(k -> k.startsWith(EVENTS + "{")).count();
  }
}
