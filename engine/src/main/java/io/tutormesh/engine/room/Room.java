package io.tutormesh.engine.room;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tutormesh.engine.common.CborSerializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A session's room: the ordered log of chat messages and whiteboard ops (one {@code seq} per
 * session, contiguous from 1), the board those ops drew, which sender ids were already stored,
 * and who has ever joined. Mutable on purpose: a lesson may hold 100,000 ops, so every append is
 * O(1) and nothing is copied. The session entity changes it only from its event handlers, so it
 * is rebuilt exactly by replaying the session's events.
 */
public final class Room implements CborSerializable {

  private final List<RoomEntry> entries = new ArrayList<>();
  private final Map<String, Long> seqBySender = new HashMap<>();
  private final Set<String> joined = new LinkedHashSet<>();
  private final Board board = new Board();
  private int[] boardOpsUpTo = new int[64];

  public Room() {}

  @JsonCreator
  Room(@JsonProperty("entries") List<RoomEntry> entries, @JsonProperty("joined") Collection<String> joined) {
    entries.forEach(this::append);
    this.joined.addAll(joined);
  }

  @JsonProperty("entries")
  List<RoomEntry> entries() {
    return Collections.unmodifiableList(entries);
  }

  @JsonProperty("joined")
  public Set<String> joined() {
    return Collections.unmodifiableSet(joined);
  }

  /** The last seq given, 0 for an empty room. */
  public long seq() {
    return entries.size();
  }

  public Board board() {
    return board;
  }

  /** Adds the next entry; its seq must be {@link #seq()} + 1. */
  public void append(RoomEntry entry) {
    if (entry.seq() != seq() + 1) {
      throw new IllegalArgumentException("room entry " + entry.seq() + " after " + seq());
    }
    int opsBefore = entries.isEmpty() ? 0 : boardOpsUpTo[entries.size() - 1];
    entries.add(entry);
    if (entries.size() > boardOpsUpTo.length) {
      boardOpsUpTo = java.util.Arrays.copyOf(boardOpsUpTo, boardOpsUpTo.length * 2);
    }
    boardOpsUpTo[entries.size() - 1] = opsBefore + (entry.kind() == RoomEntry.Kind.WB ? 1 : 0);
    if (entry.clientId() != null) {
      seqBySender.putIfAbsent(senderKey(entry.from(), entry.clientId()), entry.seq());
    }
    if (entry.op() != null) {
      board.apply(entry.seq(), entry.from(), entry.op());
    }
  }

  public void join(String userId) {
    joined.add(userId);
  }

  public boolean hasJoined(String userId) {
    return joined.contains(userId);
  }

  /** The entry this sender already stored under this clientId, if any. */
  public Optional<RoomEntry> sentBefore(String from, String clientId) {
    Long seq = clientId == null ? null : seqBySender.get(senderKey(from, clientId));
    return seq == null ? Optional.empty() : Optional.of(entries.get((int) (seq - 1)));
  }

  /** The entries after {@code afterSeq}, in order, at most {@code limit} of them. */
  public List<RoomEntry> after(long afterSeq, int limit) {
    int from = (int) Math.max(0, Math.min(afterSeq, entries.size()));
    int to = (int) Math.min(entries.size(), (long) from + limit);
    return Collections.unmodifiableList(entries.subList(from, to));
  }

  /** How many whiteboard ops came after {@code afterSeq}. */
  public int boardOpsAfter(long afterSeq) {
    if (entries.isEmpty() || afterSeq >= entries.size()) {
      return 0;
    }
    int total = boardOpsUpTo[entries.size() - 1];
    return afterSeq <= 0 ? total : total - boardOpsUpTo[(int) afterSeq - 1];
  }

  /** The chat messages after {@code afterSeq}, in order (a compacted resume sends the board instead of the ops). */
  public List<RoomEntry> chatAfter(long afterSeq) {
    List<RoomEntry> chat = new ArrayList<>();
    for (RoomEntry entry : after(afterSeq, Integer.MAX_VALUE)) {
      if (entry.kind() == RoomEntry.Kind.CHAT) {
        chat.add(entry);
      }
    }
    return chat;
  }

  private static String senderKey(String from, String clientId) {
    return from + '\u0000' + clientId;
  }
}
