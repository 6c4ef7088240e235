package io.tutormesh.engine.room;

import io.tutormesh.engine.common.CborSerializable;
import java.time.Instant;

/**
 * One entry of a room's log: a chat message or a whiteboard op, with its place in the session's
 * one sequence ({@code seq}, contiguous from 1). What the room sockets and the transcript show;
 * the stored events are the session's own.
 *
 * @param text the chat text as stored (contact details masked); null for a whiteboard op
 * @param clientId the sender's id for the entry, which makes a resend idempotent; may be null for an op
 * @param op the whiteboard op; null for a chat message
 */
public record RoomEntry(long seq, Kind kind, String from, Instant at, String text, String clientId, BoardOp op)
    implements CborSerializable {

  public enum Kind { CHAT, WB }

  public static RoomEntry chat(long seq, String from, Instant at, String text, String clientId) {
    return new RoomEntry(seq, Kind.CHAT, from, at, text, clientId, null);
  }

  public static RoomEntry wb(long seq, String from, Instant at, BoardOp op, String clientId) {
    return new RoomEntry(seq, Kind.WB, from, at, null, clientId, op);
  }

  /** About how many bytes the entry takes on the wire: pages of entries are cut by it. */
  public int weight() {
    int base = 96 + from.length() + (clientId == null ? 0 : clientId.length());
    return kind == Kind.CHAT ? base + 3 * text.length() : base + BoardOps.weight(op);
  }
}
