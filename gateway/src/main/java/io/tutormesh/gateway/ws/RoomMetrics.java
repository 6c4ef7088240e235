package io.tutormesh.gateway.ws;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tutormesh.engine.room.RoomEntry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The live room's meter on {@code /metrics}: the store time, from a room socket reading a chat
 * message or a whiteboard op to the stored entry coming back to that socket (the session checked
 * it, wrote it to the journal and sent it out). The rest of what a participant waits for is the
 * network and the sockets' own sending. Posts are matched with their entries by {@code clientId}:
 * every chat message is timed, a whiteboard op only when it has one. A histogram, so that
 * percentiles can be computed across nodes; tagged {@code kind} chat or wb.
 */
final class RoomMetrics {

  static final String STORE_TIME = "tutormesh.room.store_time";

  private final Timer chat;
  private final Timer board;

  RoomMetrics(MeterRegistry registry) {
    this.chat = timer(registry, "chat");
    this.board = timer(registry, "wb");
  }

  /** A post read {@code nanos} ago came back stored as an entry of this kind. */
  void stored(RoomEntry.Kind kind, long nanos) {
    (kind == RoomEntry.Kind.CHAT ? chat : board).record(nanos, TimeUnit.NANOSECONDS);
  }

  private static Timer timer(MeterRegistry registry, String kind) {
    return Timer.builder(STORE_TIME)
        .description("From a room socket reading a chat message or whiteboard op to its stored entry coming back")
        .tag("kind", kind)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }
}
