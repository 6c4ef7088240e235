package io.tutormesh.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * What happened to the requests SENT during one phase (warm-up, the measured run, or one step
 * of --find-max): every figure is attributed to the phase its request was sent in, even if its
 * offer or match arrives after the phase's sending window closed (the bench drains in-flight
 * requests before the next phase starts). Histograms in microseconds, 3 significant digits.
 */
final class Phase {

  static final long HIGHEST_US = TimeUnit.MINUTES.toMicros(5);

  final String name;
  final double rate;
  final long durationNanos;
  final boolean measured;

  long startNanos;
  long endNanos;
  /** Wall time spent after the sending window waiting for this phase's in-flight requests. */
  long drainNanos;

  // client side of the open model
  final LongAdder scheduled = new LongAdder();
  final LongAdder sent = new LongAdder();
  final LongAdder noFreeStudent = new LongAdder();
  final Histogram pacerLag = histogram();

  // POST /v1/instant-requests
  final LongAdder accepted202 = new LongAdder();
  final Map<Integer, AtomicInteger> statuses = new TreeMap<>();
  final Map<String, AtomicInteger> exceptions = new TreeMap<>();
  final Map<String, String> firstBodies = new TreeMap<>();

  // matching
  final LongAdder offered = new LongAdder();
  final LongAdder offerBefore202 = new LongAdder();
  final LongAdder matched = new LongAdder();
  final LongAdder matchedWithin = new LongAdder();
  final LongAdder matchTimeouts = new LongAdder();
  final LongAdder lateMatches = new LongAdder();
  final LongAdder cancelled = new LongAdder();
  final Map<Integer, AtomicInteger> cancelStatuses = new TreeMap<>();

  final Histogram engine = histogram();
  final Histogram sentToOffer = histogram();
  final Histogram sentTo202 = histogram();
  final Histogram sentToMatched = histogram();
  final Histogram offerToMatched = histogram();
  final Histogram cancelRtt = histogram();

  // the floor, measured during the same window
  final Histogram floorRtt = histogram();
  final Histogram floorOneWay = histogram();
  final LongAdder floorSent = new LongAdder();
  final LongAdder floorLost = new LongAdder();

  // who used the CPU during the sending window, and the node's own metrics over the phase
  CpuMeter.Usage cpu;
  int onlineAtStart;
  int onlineAtEnd;
  NodeMetrics node = new NodeMetrics();

  Phase(String name, double rate, long durationNanos, boolean measured) {
    this.name = name;
    this.rate = rate;
    this.durationNanos = durationNanos;
    this.measured = measured;
  }

  static Histogram histogram() {
    return new Histogram(HIGHEST_US, 3);
  }

  static void record(Histogram h, long nanos) {
    long us = Math.max(0, nanos / 1000);
    synchronized (h) {
      h.recordValue(Math.min(us, HIGHEST_US));
    }
  }

  void status(int code, String body) {
    synchronized (statuses) {
      statuses.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
      firstBodies.putIfAbsent("HTTP " + code, Rest.abbreviate(body));
    }
  }

  void exception(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String key = root.getClass().getSimpleName();
    synchronized (statuses) {
      exceptions.computeIfAbsent(key, c -> new AtomicInteger()).incrementAndGet();
      firstBodies.putIfAbsent(key, String.valueOf(root.getMessage()));
    }
  }

  void cancelStatus(int code) {
    synchronized (cancelStatuses) {
      cancelStatuses.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
    }
  }

  int count(int status) {
    synchronized (statuses) {
      AtomicInteger n = statuses.get(status);
      return n == null ? 0 : n.get();
    }
  }

  long exceptionCount() {
    synchronized (statuses) {
      return exceptions.values().stream().mapToLong(AtomicInteger::get).sum();
    }
  }

  /** Every answer to the POST that was not a 202 (409s included), and every exception. */
  long postErrors() {
    synchronized (statuses) {
      long bad = statuses.entrySet().stream().filter(e -> e.getKey() != 202).mapToLong(e -> e.getValue().get()).sum();
      return bad + exceptions.values().stream().mapToLong(AtomicInteger::get).sum();
    }
  }

  /** POST errors, match timeouts and requests the bench could not even send (no free student). */
  long errors() {
    return postErrors() + matchTimeouts.sum() + noFreeStudent.sum();
  }

  double seconds() {
    return durationNanos / 1e9;
  }

  double matchesPerSecond() {
    return matched.sum() / seconds();
  }

  String statusSummary() {
    synchronized (statuses) {
      StringBuilder sb = new StringBuilder();
      statuses.forEach((k, v) -> {
        if (k != 202) {
          sb.append(sb.length() == 0 ? "" : ", ").append("HTTP ").append(k).append(": ").append(v.get());
        }
      });
      exceptions.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(": ").append(v.get()));
      return sb.length() == 0 ? "none" : sb.toString();
    }
  }
}
