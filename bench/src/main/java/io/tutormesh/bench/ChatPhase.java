package io.tutormesh.bench;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * What happened to the chat messages SENT during one phase of {@link RoomBench} (idle, warm-up,
 * measured), in the rooms and on the floor: every arrival is attributed to the phase its message
 * was sent in. Histograms in microseconds ({@link Phase#record}), latencies from the message's
 * scheduled send instant.
 */
final class ChatPhase {

  final String name;
  final double rate;
  final long durationNanos;
  /** False for the idle phase: no chat, the floor alone. */
  final boolean chat;

  long startNanos;
  long endNanos;
  long drainNanos;

  // the rooms on the node
  final LongAdder scheduled = new LongAdder();
  final LongAdder sent = new LongAdder();
  final LongAdder notSent = new LongAdder();
  final LongAdder sendFailed = new LongAdder();
  final LongAdder gotOther = new LongAdder();
  final LongAdder gotOwn = new LongAdder();
  final LongAdder againOther = new LongAdder();
  final LongAdder againOwn = new LongAdder();
  final Histogram toOther = Phase.histogram();
  final Histogram toOwn = Phase.histogram();
  final Histogram pacerLag = Phase.histogram();

  // the floor: bare Jetty broadcast, same rate, same window
  final LongAdder floorSent = new LongAdder();
  final LongAdder floorGotOther = new LongAdder();
  final LongAdder floorGotOwn = new LongAdder();
  final Histogram floorOther = Phase.histogram();
  final Histogram floorOwn = Phase.histogram();
  final Histogram floorPacerLag = Phase.histogram();

  CpuMeter.Usage cpu;
  NodeMetrics node = new NodeMetrics();

  ChatPhase(String name, double rate, long durationNanos, boolean chat) {
    this.name = name;
    this.rate = rate;
    this.durationNanos = durationNanos;
    this.chat = chat;
  }

  double seconds() {
    return durationNanos / 1e9;
  }

  boolean drained() {
    long s = sent.sum();
    long f = floorSent.sum();
    return gotOther.sum() >= s && gotOwn.sum() >= s && floorGotOther.sum() >= f && floorGotOwn.sum() >= f;
  }
}
