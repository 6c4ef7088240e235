package io.tutormesh.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's own view, from two scrapes of {@code GET /metrics} (Prometheus text) around a phase:
 * deltas of counters and of histogram buckets, and percentiles read from those buckets (each
 * percentile is the upper bound of the bucket it falls in, as Prometheus would report it).
 */
final class NodeMetrics {

  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*\\})?\\s+(\\S+)$");
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  final Map<String, Double> values = new HashMap<>();

  static NodeMetrics parse(String text) {
    NodeMetrics m = new NodeMetrics();
    if (text == null) {
      return m;
    }
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      Matcher x = LINE.matcher(line.trim());
      if (x.matches()) {
        try {
          m.values.put(x.group(1) + (x.group(2) == null ? "" : x.group(2)), Double.parseDouble(x.group(3)));
        } catch (NumberFormatException ignored) {
          // NaN and friends are parsed by Double; anything else is skipped
        }
      }
    }
    return m;
  }

  /** after - before, for every series of {@code after}. */
  static NodeMetrics delta(NodeMetrics before, NodeMetrics after) {
    NodeMetrics d = new NodeMetrics();
    after.values.forEach((k, v) -> d.values.put(k, v - before.values.getOrDefault(k, 0.0)));
    return d;
  }

  /** Sum of every series named {@code name} whose labels contain all of {@code labelParts}. */
  double sum(String name, String... labelParts) {
    double s = 0;
    for (Map.Entry<String, Double> e : values.entrySet()) {
      if (matches(e.getKey(), name, labelParts)) {
        s += e.getValue();
      }
    }
    return s;
  }

  /**
   * The {@code pct} percentile, in milliseconds, of histogram {@code base} (without `_bucket`),
   * restricted to series whose labels contain {@code labelParts}; NaN without observations.
   */
  double percentileMs(String base, double pct, String... labelParts) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    for (Map.Entry<String, Double> e : values.entrySet()) {
      if (!matches(e.getKey(), base + "_bucket", labelParts)) {
        continue;
      }
      Matcher le = LE.matcher(e.getKey());
      if (le.find()) {
        double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
        buckets.merge(bound, e.getValue(), Double::sum);
      }
    }
    if (buckets.isEmpty()) {
      return Double.NaN;
    }
    double total = buckets.lastEntry().getValue();
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = pct / 100.0 * total;
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      if (b.getValue() >= rank) {
        return b.getKey() * 1000.0;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  private static boolean matches(String key, String name, String... labelParts) {
    if (!(key.equals(name) || key.startsWith(name + "{"))) {
      return false;
    }
    for (String part : labelParts) {
      if (!key.contains(part)) {
        return false;
      }
    }
    return true;
  }
}
