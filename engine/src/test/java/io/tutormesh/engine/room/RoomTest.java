package io.tutormesh.engine.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The room's bounded log: all chat, the last ops, the board of all of them, and its snapshot. */
class RoomTest {

  private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");

  private static BoardOp stroke(String id) {
    return new BoardOp.Stroke(id, List.of(new BoardOp.Point(1, 2), new BoardOp.Point(3, 4)), "#000000", 2);
  }

  /** seq 1 chat, 2..6 ops s1..s5, 7 chat, 8 op s6; keeping 3 ops. */
  private static Room lesson() {
    Room room = new Room();
    room.append(RoomEntry.chat(1, "sam", AT, "hello", "c1"), 3);
    for (int i = 1; i <= 5; i++) {
      room.append(RoomEntry.wb(i + 1, "ada", AT, stroke("s" + i), "op" + i), 3);
    }
    room.append(RoomEntry.chat(7, "ada", AT, "look", "c2"), 3);
    room.append(RoomEntry.wb(8, "ada", AT, stroke("s6"), "op6"), 3);
    return room;
  }

  private static List<Long> seqs(List<RoomEntry> entries) {
    return entries.stream().map(RoomEntry::seq).toList();
  }

  @Test
  void itKeepsEveryChatMessageButOnlyTheLastOpsAndTheWholeBoard() {
    Room room = lesson();
    assertThat(room.seq()).isEqualTo(8);
    assertThat(room.chatCount()).isEqualTo(2);
    assertThat(room.keptOps()).isEqualTo(3);
    assertThat(seqs(room.after(0, 100))).containsExactly(1L, 5L, 6L, 7L, 8L);
    assertThat(room.board().items()).extracting(Board.Item::id).containsExactly("s1", "s2", "s3", "s4", "s5", "s6");
    assertThat(seqs(room.chatAfter(1))).containsExactly(7L);
  }

  @Test
  void itSaysFromWhereItStillHoldsEveryEntry() {
    Room room = lesson();
    assertThat(room.keepsEverythingAfter(3)).as("op 4 was dropped").isFalse();
    assertThat(room.keepsEverythingAfter(4)).isTrue();
    assertThat(seqs(room.after(4, 100))).containsExactly(5L, 6L, 7L, 8L);
    assertThat(seqs(room.after(4, 2))).containsExactly(5L, 6L);
    assertThat(room.boardOpsAfter(4)).isEqualTo(3);
    assertThat(room.boardOpsAfter(6)).isEqualTo(1);
    assertThat(room.boardOpsAfter(8)).isZero();
  }

  @Test
  void aResentClientIdIsFoundWhileItsEntryIsKept() {
    Room room = lesson();
    assertThat(room.sentBefore("sam", "c1")).map(RoomEntry::seq).contains(1L);
    assertThat(room.sentBefore("ada", "op6")).map(RoomEntry::seq).contains(8L);
    assertThat(room.sentBefore("ada", "op4")).map(RoomEntry::seq).contains(5L);
    assertThat(room.sentBefore("ada", "op3")).as("older than the kept ops").isEmpty();
    assertThat(room.sentBefore("sam", "op6")).as("clientIds are per sender").isEmpty();
  }

  @Test
  void entriesMustComeInSeqOrder() {
    Room room = lesson();
    assertThatThrownBy(() -> room.append(RoomEntry.chat(10, "sam", AT, "gap", null), 3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSnapshotRestoresTheSameRoom() {
    Room room = lesson();
    room.join("sam");
    room.join("ada");
    Room.Snapshot snapshot = room.snapshot();
    room.append(RoomEntry.chat(9, "sam", AT, "after the snapshot", "c3"), 3);
    assertThat(snapshot.seq()).as("a copy: later entries are not in it").isEqualTo(8);

    Room restored = new Room();
    restored.restore(snapshot);
    assertThat(restored.seq()).isEqualTo(8);
    assertThat(restored.after(0, 100)).isEqualTo(lesson().after(0, 100));
    assertThat(restored.board().items()).isEqualTo(lesson().board().items());
    assertThat(restored.board().weight()).isEqualTo(lesson().board().weight());
    assertThat(restored.keepsEverythingAfter(3)).isFalse();
    assertThat(restored.joined()).containsExactly("sam", "ada");
    assertThat(restored.sentBefore("ada", "op5")).map(RoomEntry::seq).contains(6L);
    restored.append(RoomEntry.wb(9, "ada", AT, new BoardOp.Undo(), null), 3);
    assertThat(restored.board().items()).extracting(Board.Item::id).as("undo works on restored items").containsExactly("s1", "s2", "s3", "s4", "s5");
    restored.restore(snapshot);
    assertThat(restored.seq()).as("restoring again replaces what was there").isEqualTo(8);
    assertThat(restored.board().items()).isEqualTo(lesson().board().items());
  }

  @Test
  void aLongLessonKeepsItsBound() {
    Room room = new Room();
    for (long seq = 1; seq <= 10_000; seq++) {
      room.append(seq % 10 == 0 ? RoomEntry.chat(seq, "sam", AT, "m" + seq, "c" + seq) : RoomEntry.wb(seq, "ada", AT, stroke("s" + seq), null), 100);
    }
    assertThat(room.keptOps()).isEqualTo(100);
    assertThat(room.chatCount()).isEqualTo(1000);
    List<RoomEntry> tail = room.after(room.seq() - 50, 1000);
    assertThat(seqs(tail)).containsExactlyElementsOf(LongStream.rangeClosed(9951, 10_000).boxed().toList());
    assertThat(room.board().size()).isEqualTo(9000);
  }

  @Test
  void keepingNoOpsStillDrawsThemOnTheBoard() {
    Room room = new Room();
    room.append(RoomEntry.wb(1, "ada", AT, stroke("s1"), "op1"), 0);
    assertThat(room.keptOps()).isZero();
    assertThat(room.keepsEverythingAfter(0)).isFalse();
    assertThat(room.keepsEverythingAfter(1)).isTrue();
    assertThat(room.board().items()).extracting(Board.Item::id).containsExactly("s1");
  }
}
