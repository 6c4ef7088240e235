package io.tutormesh.gateway.ws;

import io.tutormesh.engine.room.RoomEntry;
import io.tutormesh.gateway.session.RoomDtos;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The frames of stored room entries, encoded once for all the room's sockets on this node. The
 * session sends one stored entry, the same object, to each of its sockets, and each would otherwise
 * encode it again: half the room's outbound encoding in a two-person lesson.
 *
 * <p>A small table keyed by the entry's identity, shared by the socket actors of the JVM (each
 * slot is read and replaced atomically). A slot taken by another entry is a miss, and the entry is
 * encoded again: never a wrong frame, at worst the work this saves.
 */
final class EntryFrames {

  private static final int SLOTS = 1024;

  private record Slot(RoomEntry entry, Frames.Encoded frame) {}

  private final AtomicReferenceArray<Slot> slots = new AtomicReferenceArray<>(SLOTS);

  /** The entry's frame as {@link RoomDtos#entry} gives it, encoded. */
  Frames.Encoded of(RoomEntry entry) {
    int index = System.identityHashCode(entry) & (SLOTS - 1);
    Slot slot = slots.get(index);
    if (slot != null && slot.entry() == entry) {
      return slot.frame();
    }
    Frames.Encoded frame = Frames.encoded(RoomDtos.entry(entry));
    slots.set(index, new Slot(entry, frame));
    return frame;
  }
}
