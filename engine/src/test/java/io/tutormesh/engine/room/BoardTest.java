package io.tutormesh.engine.room;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.engine.room.Board.Item;
import io.tutormesh.engine.room.BoardOp.Clear;
import io.tutormesh.engine.room.BoardOp.Erase;
import io.tutormesh.engine.room.BoardOp.Form;
import io.tutormesh.engine.room.BoardOp.Point;
import io.tutormesh.engine.room.BoardOp.Shape;
import io.tutormesh.engine.room.BoardOp.Stroke;
import io.tutormesh.engine.room.BoardOp.Text;
import io.tutormesh.engine.room.BoardOp.Undo;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BoardTest {

  private static final String ADA = "tutor-ada";
  private static final String BOB = "student-bob";

  private final Board board = new Board();
  private long seq;

  private static Stroke stroke(String id) {
    return new Stroke(id, List.of(new Point(0, 0), new Point(1, 1)), "#000000", 2);
  }

  private static Text text(String id, String text) {
    return new Text(id, 10, 20, text, "#000000", 12);
  }

  private static Shape rect(String id) {
    return new Shape(id, Form.RECT, 0, 0, 5, 5, "#ff0000", null);
  }

  private long apply(String from, BoardOp op) {
    board.apply(++seq, from, op);
    return seq;
  }

  private List<String> ids() {
    return board.items().stream().map(Item::id).toList();
  }

  @Test
  void anEmptyBoard() {
    assertThat(board.seq()).isZero();
    assertThat(board.size()).isZero();
    assertThat(board.items()).isEmpty();
    assertThat(board.weight()).isZero();
    assertThat(board.toJson().toString()).isEqualTo("{\"seq\":0,\"items\":[]}");
  }

  @Nested
  class Drawing {

    @Test
    void itemsStackOldestFirst() {
      apply(ADA, stroke("a"));
      apply(BOB, rect("b"));
      apply(ADA, text("c", "hello"));

      assertThat(board.items()).containsExactly(
          new Item("a", ADA, 1, stroke("a")), new Item("b", BOB, 2, rect("b")), new Item("c", ADA, 3, text("c", "hello")));
      assertThat(board.size()).isEqualTo(3);
      assertThat(board.seq()).isEqualTo(3);
    }

    @Test
    void reusingAnIdReplacesTheItemAndBringsItToTheTop() {
      apply(ADA, stroke("a"));
      apply(ADA, stroke("b"));
      apply(BOB, text("a", "now a text"));

      assertThat(board.items()).containsExactly(
          new Item("b", ADA, 2, stroke("b")), new Item("a", BOB, 3, text("a", "now a text")));
    }

    @Test
    void theItemsAreACopy() {
      apply(ADA, stroke("a"));
      List<Item> before = board.items();
      apply(ADA, stroke("b"));

      assertThat(before).hasSize(1);
    }

    @Test
    void weightIsTheSumOfTheItemsWeights() {
      apply(ADA, stroke("a"));
      apply(ADA, text("t", "hello"));
      apply(ADA, rect("r"));
      assertThat(board.weight())
          .isEqualTo(BoardOps.weight(stroke("a")) + BoardOps.weight(text("t", "hello")) + BoardOps.weight(rect("r")));

      apply(ADA, rect("t"));
      apply(ADA, new Erase(List.of("a")));
      assertThat(board.weight()).isEqualTo(BoardOps.weight(rect("r")) + BoardOps.weight(rect("t")));

      apply(ADA, new Clear());
      assertThat(board.weight()).isZero();
    }
  }

  @Nested
  class Sequence {

    @Test
    void aSeqNotAboveTheLastIsIgnored() {
      board.apply(5, ADA, stroke("a"));
      board.apply(5, ADA, stroke("b"));
      board.apply(4, ADA, new Clear());
      board.apply(-1, ADA, stroke("c"));

      assertThat(board.seq()).isEqualTo(5);
      assertThat(board.items()).containsExactly(new Item("a", ADA, 5, stroke("a")));
    }

    @Test
    void seqsMayHaveGaps() {
      board.apply(10, ADA, stroke("a"));
      board.apply(1000, BOB, stroke("b"));

      assertThat(board.seq()).isEqualTo(1000);
      assertThat(board.items()).extracting(Item::seq).containsExactly(10L, 1000L);
    }

    @Test
    void opsThatChangeNothingStillAdvanceTheSeq() {
      apply(ADA, new Undo());
      apply(ADA, new Erase(List.of("nothing")));
      apply(ADA, new Clear());

      assertThat(board.seq()).isEqualTo(3);
      assertThat(board.size()).isZero();
    }
  }

  @Nested
  class EraseAndClear {

    @Test
    void eraseRemovesTheNamedItemsAndIgnoresTheRest() {
      apply(ADA, stroke("a"));
      apply(BOB, stroke("b"));
      apply(ADA, stroke("c"));
      apply(BOB, new Erase(List.of("a", "c", "zzz", "a")));

      assertThat(ids()).containsExactly("b");
    }

    @Test
    void clearRemovesEverythingAndTheBoardGoesOn() {
      apply(ADA, stroke("a"));
      apply(BOB, stroke("b"));
      apply(BOB, new Clear());
      apply(ADA, stroke("a"));

      assertThat(board.items()).containsExactly(new Item("a", ADA, 4, stroke("a")));
    }
  }

  @Nested
  class Undoing {

    @Test
    void undoRemovesTheSendersNewestItemOnly() {
      apply(ADA, stroke("a1"));
      apply(BOB, stroke("b1"));
      apply(ADA, rect("a2"));
      apply(BOB, text("b2", "x"));

      apply(ADA, new Undo());
      assertThat(ids()).containsExactly("a1", "b1", "b2");

      apply(ADA, new Undo());
      assertThat(ids()).containsExactly("b1", "b2");

      apply(ADA, new Undo());
      assertThat(ids()).containsExactly("b1", "b2");

      apply(BOB, new Undo());
      assertThat(ids()).containsExactly("b1");
    }

    @Test
    void undoSkipsItemsThatWereErased() {
      apply(ADA, stroke("a1"));
      apply(ADA, stroke("a2"));
      apply(ADA, stroke("a3"));
      apply(BOB, new Erase(List.of("a3", "a2")));

      apply(ADA, new Undo());

      assertThat(ids()).isEmpty();
    }

    @Test
    void undoAfterClearFindsNothingOld() {
      apply(ADA, stroke("a1"));
      apply(BOB, new Clear());
      apply(BOB, stroke("b1"));

      apply(ADA, new Undo());
      assertThat(ids()).containsExactly("b1");

      apply(ADA, stroke("a2"));
      apply(ADA, new Undo());
      assertThat(ids()).containsExactly("b1");
    }

    @Test
    void anItemReplacedBySomeoneElseIsTheirsToUndo() {
      apply(ADA, stroke("x"));
      apply(ADA, stroke("a"));
      apply(BOB, text("x", "bob's now"));

      apply(ADA, new Undo());
      assertThat(ids()).containsExactly("x");

      apply(ADA, new Undo());
      assertThat(ids()).containsExactly("x");

      apply(BOB, new Undo());
      assertThat(ids()).isEmpty();
    }

    @Test
    void undoingAReplacedItemRemovesItRatherThanRestoringTheOldVersion() {
      apply(ADA, stroke("a"));
      apply(ADA, stroke("b"));
      apply(ADA, text("a", "second version"));

      apply(ADA, new Undo());
      assertThat(ids()).containsExactly("b");

      apply(ADA, new Undo());
      assertThat(ids()).isEmpty();
    }

    @Test
    void undoIgnoresOtherUsersItems() {
      apply(BOB, stroke("b1"));

      apply(ADA, new Undo());

      assertThat(ids()).containsExactly("b1");
    }
  }

  @Nested
  class Json {

    @Test
    void theBoardAsAJoinerGetsIt() {
      apply(ADA, stroke("a"));
      apply(BOB, rect("b"));
      apply(ADA, new Erase(List.of("a")));
      apply(BOB, text("t", "hi"));

      assertThat(BoardOpsTest.json(board.toJson().toString())).isEqualTo(BoardOpsTest.json("""
          {"seq":4,"items":[
            {"id":"b","from":"student-bob","seq":2,"op":{"kind":"shape","id":"b","shape":"rect",
                "x":0.0,"y":0.0,"w":5.0,"h":5.0,"color":"#ff0000"}},
            {"id":"t","from":"student-bob","seq":4,"op":{"kind":"text","id":"t","x":10.0,"y":20.0,
                "text":"hi","color":"#000000","size":12.0}}]}"""));
    }

    @Test
    void everyItemOpParsesBackToTheSameOp() throws Exception {
      BoardOpsTest.everyKind().forEach(op -> apply(ADA, op));
      apply(ADA, stroke("s1"));
      apply(BOB, rect("r"));

      for (JsonNode item : board.toJson().get("items")) {
        BoardOp op = BoardOps.parse(item.get("op"));
        assertThat(op).isEqualTo(board.items().stream().filter(i -> i.id().equals(item.get("id").asText()))
            .findFirst().orElseThrow().op());
      }
    }
  }

  @Test
  void aHundredThousandStrokesAndTheirUndos() {
    for (int i = 0; i < 100_000; i++) {
      apply(i % 2 == 0 ? ADA : BOB, stroke("s" + i));
    }
    apply(BOB, new Erase(List.of("s99998", "s0")));
    apply(ADA, stroke("s1"));

    JsonNode json = board.toJson();

    assertThat(board.size()).isEqualTo(99_998);
    assertThat(json.get("seq").asLong()).isEqualTo(100_002);
    assertThat(json.get("items")).hasSize(99_998);
    assertThat(json.get("items").get(0).get("id").asText()).isEqualTo("s2");
    assertThat(json.get("items").get(99_997).get("id").asText()).isEqualTo("s1");
    assertThat(json.get("items").get(99_997).get("from").asText()).isEqualTo(ADA);

    apply(ADA, new Undo());
    apply(ADA, new Undo());
    apply(BOB, new Undo());

    assertThat(board.items()).extracting(Item::id).doesNotContain("s1", "s99996", "s99999").contains("s99997");
    assertThat(board.size()).isEqualTo(99_995);
  }
}
