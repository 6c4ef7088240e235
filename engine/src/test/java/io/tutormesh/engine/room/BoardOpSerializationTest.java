package io.tutormesh.engine.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.CborSerializable;
import io.tutormesh.engine.room.BoardOp.Point;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ops go into persisted events through Pekko's jackson-cbor, alone and as a polymorphic field. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoardOpSerializationTest {

  /** The shape of the session event that carries an op. */
  record OpApplied(String sessionId, long seq, String from, BoardOp op) implements CborSerializable {}

  /** The shape of the notification that carries a page of the board. */
  record BoardPage(long seq, List<Board.Item> items, boolean last) implements CborSerializable {}

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  static Stream<BoardOp> ops() {
    return BoardOpsTest.everyKind();
  }

  @ParameterizedTest
  @MethodSource("ops")
  void anOpTravelsAsJacksonCborAndComesBackEqual(BoardOp op) {
    assertThat(roundTrip(op)).isEqualTo(op);
  }

  @ParameterizedTest
  @MethodSource("ops")
  void anEventCarryingAnOpComesBackEqual(BoardOp op) {
    OpApplied event = new OpApplied("session-1", 42, "student-1", op);

    assertThat(roundTrip(event)).isEqualTo(event);
  }

  @Test
  void boardItemsComeBackEqual() {
    Board board = new Board();
    BoardOpsTest.everyKind().filter(op -> op instanceof BoardOp.Drawing).forEach(op -> board.apply(board.seq() + 1, "u1", op));
    BoardPage page = new BoardPage(board.seq(), board.items(), true);

    assertThat(board.size()).isEqualTo(6);
    assertThat(roundTrip(page)).isEqualTo(page);
  }

  static Stream<BoardOp> heavyOps() {
    List<Point> points = IntStream.range(0, BoardOps.MAX_POINTS)
        .mapToObj(i -> new Point(-99_999.123456789 + i / 7.0, Math.PI * -i)).toList();
    return Stream.concat(BoardOpsTest.everyKind(), Stream.of(
        new BoardOp.Stroke("s".repeat(64), points, "#000000", 0.5),
        new BoardOp.Stroke("s", points.subList(0, 1), "#000000", 1),
        new BoardOp.Text("t".repeat(64), 1.0 / 3, -2.0 / 3, "€".repeat(BoardOps.MAX_TEXT), "#000000", 6),
        new BoardOp.Text("t", 0, 0, "😀".repeat(BoardOps.MAX_TEXT / 2), "#000000", 6),
        new BoardOp.Erase(IntStream.range(0, BoardOps.MAX_ERASE_IDS).mapToObj(i -> "x".repeat(64)).toList()),
        new BoardOp.Shape("r".repeat(64), BoardOp.Form.ELLIPSE, -1e-7, 1.0 / 3, Math.E, -Math.PI, "#000000", "#ffffff")));
  }

  @ParameterizedTest
  @MethodSource("heavyOps")
  void theWeightOfAnOpIsAtLeastItsSizeAndNotFarAbove(BoardOp op) {
    int bytes = SerializationExtension.get(testKit.system()).serialize(op).get().length;

    assertThat(BoardOps.weight(op)).isBetween(bytes, 2 * bytes + 128);
  }

  private Object roundTrip(CborSerializable message) {
    Serialization serialization = SerializationExtension.get(testKit.system());
    assertThat(serialization.findSerializerFor(message)).isInstanceOf(JacksonCborSerializer.class);

    byte[] bytes = serialization.serialize(message).get();
    int id = serialization.findSerializerFor(message).identifier();
    String manifest = Serializers.manifestFor(serialization.findSerializerFor(message), message);
    return serialization.deserialize(bytes, id, manifest).get();
  }
}
