package io.tutormesh.engine.schedule;

import io.tutormesh.engine.common.CborSerializable;
import java.time.Instant;

/** A half-open UTC interval [start, end): a bookable slot, or a time the tutor is busy. */
public record TimeRange(Instant start, Instant end) implements CborSerializable {

  public TimeRange {
    if (start == null || end == null || end.isBefore(start)) {
      throw new IllegalArgumentException("a time range needs start <= end: " + start + " .. " + end);
    }
  }

  public boolean overlaps(TimeRange other) {
    return start.isBefore(other.end) && other.start.isBefore(end);
  }
}
