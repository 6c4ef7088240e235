package io.tutormesh.engine.room;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.tutormesh.engine.common.CborSerializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A session's room: its log of chat messages and whiteboard ops (one {@code seq} per session,
 * contiguous from 1), the board those ops drew, which sender ids were already stored, and who has
 * ever joined. Mutable on purpose: every append is O(1) and nothing is copied. The session entity
 * changes it only from its event handlers, so it is rebuilt exactly by replaying the session's
 * events (from a {@link Snapshot} and the events after it).
 *
 * <p>Bounded: it keeps every chat message, but only the last {@code keepOps} whiteboard ops (the
 * session passes {@code tutormesh.room.board-replay-limit}), plus the {@link Board} that all the
 * ops drew. That is all a resume needs: one more than {@code keepOps} ops behind, a resume gets the
 * board instead of the ops. {@link #keepsEverythingAfter} says whether the log still holds every
 * entry after a seq; older ops are only in the session's events (the transcript reads them there).
 * The clientId dedup covers what is kept: every chat message and the kept ops; a resend of an op
 * older than that is stored again (a drawing with the same id replaces its item).
 *
 * <p>Not serialized itself (its JSON is an empty object): a snapshot store serializes on its own
 * threads while the actor goes on changing the room. The session's snapshot adapter takes a
 * {@link Snapshot}, an immutable copy, in the actor, and {@link #restore}s it into the recovered
 * state's (empty) room.
 */
public final class Room {

  /**
   * A room as a snapshot holds it: immutable, so that it can be serialized on any thread.
   *
   * @param seq the last seq given
   * @param droppedUpTo the seq of the newest whiteboard op no longer kept, 0 if none
   * @param chat every chat message, in seq order
   * @param ops the kept whiteboard ops, in seq order
   * @param boardSeq the seq of the last op the board applied
   * @param board the board's items, oldest (bottom) first
   */
  public record Snapshot(
      long seq, long droppedUpTo, List<RoomEntry> chat, List<RoomEntry> ops, List<String> joined, long boardSeq, List<Board.Item> board)
      implements CborSerializable {

    public Snapshot {
      chat = List.copyOf(chat);
      ops = List.copyOf(ops);
      joined = List.copyOf(joined);
      board = List.copyOf(board);
    }
  }

  private final List<RoomEntry> chat = new ArrayList<>();
  /** The kept ops are {@code ops[opsHead..]}; dropped ones are nulled, then cut off now and then. */
  private final List<RoomEntry> ops = new ArrayList<>();
  private int opsHead;
  private final Map<String, RoomEntry> entryBySender = new HashMap<>();
  private final Set<String> joined = new LinkedHashSet<>();
  private final Board board = new Board();
  private long seq;
  private long droppedUpTo;

  public Room() {}

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static Room fromJson(Map<String, Object> ignored) {
    return new Room();
  }

  @JsonValue
  Map<String, Object> toJson() {
    return Map.of();
  }

  public Set<String> joined() {
    return Collections.unmodifiableSet(joined);
  }

  /** The last seq given, 0 for an empty room. */
  public long seq() {
    return seq;
  }

  public Board board() {
    return board;
  }

  /** How many chat messages the room holds (all of them). */
  public int chatCount() {
    return chat.size();
  }

  /** How many whiteboard ops the room still holds (the last ones). */
  public int keptOps() {
    return ops.size() - opsHead;
  }

  /** Whether the room still holds every entry after {@code afterSeq} (no op after it was dropped). */
  public boolean keepsEverythingAfter(long afterSeq) {
    return afterSeq >= droppedUpTo;
  }

  /**
   * Adds the next entry; its seq must be {@link #seq()} + 1. Then drops the oldest whiteboard ops
   * beyond the last {@code keepOps} (the board keeps what they drew).
   */
  public void append(RoomEntry entry, int keepOps) {
    if (entry.seq() != seq + 1) {
      throw new IllegalArgumentException("room entry " + entry.seq() + " after " + seq);
    }
    seq = entry.seq();
    if (entry.kind() == RoomEntry.Kind.CHAT) {
      chat.add(entry);
    } else {
      ops.add(entry);
      board.apply(entry.seq(), entry.from(), entry.op());
    }
    if (entry.clientId() != null) {
      entryBySender.putIfAbsent(senderKey(entry.from(), entry.clientId()), entry);
    }
    while (keptOps() > Math.max(0, keepOps)) {
      dropOldestOp();
    }
  }

  private void dropOldestOp() {
    RoomEntry gone = ops.set(opsHead++, null);
    droppedUpTo = gone.seq();
    if (gone.clientId() != null) {
      entryBySender.remove(senderKey(gone.from(), gone.clientId()), gone);
    }
    if (opsHead >= 1024 && opsHead * 2 >= ops.size()) {
      ops.subList(0, opsHead).clear();
      opsHead = 0;
    }
  }

  public void join(String userId) {
    joined.add(userId);
  }

  public boolean hasJoined(String userId) {
    return joined.contains(userId);
  }

  /** The entry this sender already stored under this clientId, if the room still holds it. */
  public Optional<RoomEntry> sentBefore(String from, String clientId) {
    return clientId == null ? Optional.empty() : Optional.ofNullable(entryBySender.get(senderKey(from, clientId)));
  }

  /**
   * The entries after {@code afterSeq}, in order, at most {@code limit} of them (a copy). Only
   * whole when {@link #keepsEverythingAfter}({@code afterSeq}); otherwise the dropped ops are missing.
   */
  public List<RoomEntry> after(long afterSeq, int limit) {
    List<RoomEntry> entries = new ArrayList<>();
    int c = firstAfter(chat, 0, afterSeq);
    int o = firstAfter(ops, opsHead, afterSeq);
    while (entries.size() < limit && (c < chat.size() || o < ops.size())) {
      boolean takeChat = o >= ops.size() || (c < chat.size() && chat.get(c).seq() < ops.get(o).seq());
      entries.add(takeChat ? chat.get(c++) : ops.get(o++));
    }
    return entries;
  }

  /** How many of the kept whiteboard ops came after {@code afterSeq}. */
  public int boardOpsAfter(long afterSeq) {
    return ops.size() - firstAfter(ops, opsHead, afterSeq);
  }

  /** The chat messages after {@code afterSeq}, in order (a compacted resume sends the board instead of the ops). */
  public List<RoomEntry> chatAfter(long afterSeq) {
    return List.copyOf(chat.subList(firstAfter(chat, 0, afterSeq), chat.size()));
  }

  /** An immutable copy of the room: O(kept entries + board items). */
  public Snapshot snapshot() {
    return new Snapshot(seq, droppedUpTo, chat, ops.subList(opsHead, ops.size()), List.copyOf(joined), board.seq(), board.items());
  }

  /**
   * Makes this room the one in the snapshot. A recovered state's room is a new, empty one, since
   * it does not serialize; only a snapshot store that keeps objects without serializing them
   * (the persistence testkit's by default) hands back a room that went on changing.
   */
  public void restore(Snapshot snapshot) {
    chat.clear();
    ops.clear();
    opsHead = 0;
    entryBySender.clear();
    joined.clear();
    seq = snapshot.seq();
    droppedUpTo = snapshot.droppedUpTo();
    chat.addAll(snapshot.chat());
    ops.addAll(snapshot.ops());
    for (RoomEntry entry : chat) {
      indexSender(entry);
    }
    for (RoomEntry entry : ops) {
      indexSender(entry);
    }
    joined.addAll(snapshot.joined());
    board.restore(snapshot.boardSeq(), snapshot.board());
  }

  private void indexSender(RoomEntry entry) {
    if (entry.clientId() != null) {
      entryBySender.merge(senderKey(entry.from(), entry.clientId()), entry, (first, later) -> first.seq() <= later.seq() ? first : later);
    }
  }

  /** The index in {@code list} (sorted by seq, from {@code from}) of the first entry after {@code afterSeq}. */
  private static int firstAfter(List<RoomEntry> list, int from, long afterSeq) {
    int lo = from;
    int hi = list.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (list.get(mid).seq() <= afterSeq) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static String senderKey(String from, String clientId) {
    return from + '\u0000' + clientId;
  }
}
