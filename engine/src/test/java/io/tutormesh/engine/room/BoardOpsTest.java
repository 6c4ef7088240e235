package io.tutormesh.engine.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.common.Rejection.Kind;
import io.tutormesh.engine.room.BoardOp.Clear;
import io.tutormesh.engine.room.BoardOp.Erase;
import io.tutormesh.engine.room.BoardOp.Form;
import io.tutormesh.engine.room.BoardOp.Point;
import io.tutormesh.engine.room.BoardOp.Shape;
import io.tutormesh.engine.room.BoardOp.Stroke;
import io.tutormesh.engine.room.BoardOp.Text;
import io.tutormesh.engine.room.BoardOp.Undo;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BoardOpsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One op of every kind, every optional field both ways. */
  static Stream<BoardOp> everyKind() {
    return Stream.of(
        new Stroke("s1", List.of(new Point(0, 0), new Point(10.5, -3)), "#ff0000", 2),
        new Shape("r-1", Form.RECT, 1, 2, 30, 40, "#00ff00", "#0000ff"),
        new Shape("a_2", Form.ARROW, -5, 0, -10, 20.25, "#000000", null),
        new Shape("e", Form.ELLIPSE, 0, 0, 1, 1, "#abcdef", null),
        new Shape("l", Form.LINE, 0, 0, 1, 1, "#abcdef", null),
        new Text("t1", 100, 200, "x² + 1 = 0 | \"quoted\"", "#123456", 14),
        new Erase(List.of("s1", "t1")),
        new Clear(),
        new Undo());
  }

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static BoardOp valid(String text) throws BoardOps.InvalidOp {
    return BoardOps.parse(json(text));
  }

  private static Rejection rejected(JsonNode op) {
    BoardOps.InvalidOp invalid = catchThrowableOfType(() -> BoardOps.parse(op), BoardOps.InvalidOp.class);
    assertThat(invalid).as("valid: %s", op).isNotNull();
    assertThat(invalid.rejection().kind()).isEqualTo(Kind.INVALID);
    assertThat(invalid).hasMessage(invalid.rejection().toMessage());
    return invalid.rejection();
  }

  @Nested
  class Valid {

    @Test
    void stroke() throws Exception {
      assertThat(valid("""
          {"kind":"stroke","id":"s1","points":[[0,0],[10.5,-3]],"color":"#FF0000","width":2}"""))
          .isEqualTo(new Stroke("s1", List.of(new Point(0, 0), new Point(10.5, -3)), "#ff0000", 2));
    }

    @Test
    void strokeAtTheLimits() throws Exception {
      String points = IntStream.range(0, 2000).mapToObj(i -> "[-100000,100000]").collect(Collectors.joining(","));
      Stroke stroke = (Stroke) valid("{\"kind\":\"stroke\",\"id\":\"" + "a".repeat(64) + "\",\"points\":[" + points
          + "],\"color\":\"#000000\",\"width\":100}");

      assertThat(stroke.points()).hasSize(2000).containsOnly(new Point(-100_000, 100_000));
      assertThat(valid("{\"kind\":\"stroke\",\"id\":\"x\",\"points\":[[0,0]],\"color\":\"#000000\",\"width\":0.5}"))
          .isInstanceOf(Stroke.class);
    }

    @Test
    void shapeWithAndWithoutFill() throws Exception {
      assertThat(valid("""
          {"kind":"shape","id":"r-1","shape":"rect","x":1,"y":2,"w":30,"h":40,"color":"#00ff00","fill":"#0000FF"}"""))
          .isEqualTo(new Shape("r-1", Form.RECT, 1, 2, 30, 40, "#00ff00", "#0000ff"));
      assertThat(valid("""
          {"kind":"shape","id":"a_2","shape":"arrow","x":-5,"y":0,"w":-10,"h":20.25,"color":"#000000"}"""))
          .isEqualTo(new Shape("a_2", Form.ARROW, -5, 0, -10, 20.25, "#000000", null));
      assertThat(valid("""
          {"kind":"shape","id":"e","shape":"ellipse","x":0,"y":0,"w":1,"h":1,"color":"#abcdef","fill":null}"""))
          .isEqualTo(new Shape("e", Form.ELLIPSE, 0, 0, 1, 1, "#abcdef", null));
      assertThat(((Shape) valid("""
          {"kind":"shape","id":"l","shape":"line","x":0,"y":0,"w":1,"h":1,"color":"#abcdef"}""")).shape())
          .isEqualTo(Form.LINE);
    }

    @Test
    void text() throws Exception {
      assertThat(valid("""
          {"kind":"text","id":"t1","x":100,"y":200,"text":"x² + 1 = 0","color":"#123456","size":14}"""))
          .isEqualTo(new Text("t1", 100, 200, "x² + 1 = 0", "#123456", 14));
      assertThat(valid("{\"kind\":\"text\",\"id\":\"t\",\"x\":0,\"y\":0,\"text\":\"" + "é".repeat(2000)
          + "\",\"color\":\"#123456\",\"size\":200}")).isInstanceOf(Text.class);
    }

    @Test
    void eraseClearUndo() throws Exception {
      assertThat(valid("{\"kind\":\"erase\",\"ids\":[\"s1\",\"t1\"]}")).isEqualTo(new Erase(List.of("s1", "t1")));
      assertThat(valid("{\"kind\":\"clear\"}")).isEqualTo(new Clear());
      assertThat(valid("{\"kind\":\"undo\"}")).isEqualTo(new Undo());
    }
  }

  @Nested
  class Invalid {

    static Stream<Arguments> brokenOps() {
      String stroke = "\"kind\":\"stroke\",\"id\":\"s\",\"color\":\"#000000\",\"width\":2";
      String shape = "\"kind\":\"shape\",\"id\":\"r\",\"shape\":\"rect\",\"x\":0,\"y\":0,\"color\":\"#000000\"";
      String text = "\"kind\":\"text\",\"id\":\"t\",\"x\":0,\"y\":0,\"color\":\"#000000\"";
      String points2001 = IntStream.range(0, 2001).mapToObj(i -> "[0,0]").collect(Collectors.joining(","));
      String ids501 = IntStream.range(0, 501).mapToObj(i -> "\"i" + i + "\"").collect(Collectors.joining(","));
      return Stream.of(
          // the op and its kind
          Arguments.of("[]", "op"),
          Arguments.of("\"stroke\"", "op"),
          Arguments.of("{}", "op.kind"),
          Arguments.of("{\"kind\":null}", "op.kind"),
          Arguments.of("{\"kind\":3}", "op.kind"),
          Arguments.of("{\"kind\":\"circle\"}", "op.kind"),
          Arguments.of("{\"kind\":\"Stroke\"}", "op.kind"),
          Arguments.of("{\"kind\":\"clear\",\"all\":true}", "op.all"),
          Arguments.of("{\"kind\":\"undo\",\"id\":\"s\"}", "op.id"),
          Arguments.of("{\"kind\":\"clear\",\"a|b\":1}", "op"),
          Arguments.of("{" + stroke + ",\"points\":[[0,0]],\"pressure\":1}", "op.pressure"),
          // id
          Arguments.of("{\"kind\":\"stroke\",\"points\":[[0,0]],\"color\":\"#000000\",\"width\":2}", "op.id"),
          Arguments.of("{" + stroke.replace("\"s\"", "\"\"") + ",\"points\":[[0,0]]}", "op.id"),
          Arguments.of("{" + stroke.replace("\"s\"", "\"a b\"") + ",\"points\":[[0,0]]}", "op.id"),
          Arguments.of("{" + stroke.replace("\"s\"", "\"s/1\"") + ",\"points\":[[0,0]]}", "op.id"),
          Arguments.of("{" + stroke.replace("\"s\"", "\"" + "a".repeat(65) + "\"") + ",\"points\":[[0,0]]}", "op.id"),
          Arguments.of("{" + stroke.replace("\"s\"", "7") + ",\"points\":[[0,0]]}", "op.id"),
          // points
          Arguments.of("{" + stroke + "}", "op.points"),
          Arguments.of("{" + stroke + ",\"points\":[]}", "op.points"),
          Arguments.of("{" + stroke + ",\"points\":{\"x\":0}}", "op.points"),
          Arguments.of("{" + stroke + ",\"points\":[" + points2001 + "]}", "op.points"),
          Arguments.of("{" + stroke + ",\"points\":[[0,0],[1]]}", "op.points[1]"),
          Arguments.of("{" + stroke + ",\"points\":[[0,0,0]]}", "op.points[0]"),
          Arguments.of("{" + stroke + ",\"points\":[0,0]}", "op.points[0]"),
          Arguments.of("{" + stroke + ",\"points\":[[\"1\",0]]}", "op.points[0][0]"),
          Arguments.of("{" + stroke + ",\"points\":[[0,null]]}", "op.points[0][1]"),
          Arguments.of("{" + stroke + ",\"points\":[[100000.001,0]]}", "op.points[0][0]"),
          Arguments.of("{" + stroke + ",\"points\":[[0,-1e400]]}", "op.points[0][1]"),
          Arguments.of("{" + stroke + ",\"points\":[[0,1" + "0".repeat(400) + "]]}", "op.points[0][1]"),
          // color and width
          Arguments.of("{" + stroke.replace("#000000", "red") + ",\"points\":[[0,0]]}", "op.color"),
          Arguments.of("{" + stroke.replace("#000000", "#00000") + ",\"points\":[[0,0]]}", "op.color"),
          Arguments.of("{" + stroke.replace("#000000", "#0000000") + ",\"points\":[[0,0]]}", "op.color"),
          Arguments.of("{" + stroke.replace("#000000", "#00000g") + ",\"points\":[[0,0]]}", "op.color"),
          Arguments.of("{" + stroke.replace("\"#000000\"", "0") + ",\"points\":[[0,0]]}", "op.color"),
          Arguments.of("{" + stroke.replace("2", "0.4") + ",\"points\":[[0,0]]}", "op.width"),
          Arguments.of("{" + stroke.replace("2", "100.5") + ",\"points\":[[0,0]]}", "op.width"),
          Arguments.of("{" + stroke.replace("2", "\"2\"") + ",\"points\":[[0,0]]}", "op.width"),
          // shape
          Arguments.of("{" + shape + ",\"w\":1}", "op.h"),
          Arguments.of("{" + shape + ",\"w\":1,\"h\":true}", "op.h"),
          Arguments.of("{" + shape + ",\"w\":-100001,\"h\":1}", "op.w"),
          Arguments.of("{" + shape.replace("rect", "circle") + ",\"w\":1,\"h\":1}", "op.shape"),
          Arguments.of("{" + shape.replace("rect", "RECT") + ",\"w\":1,\"h\":1}", "op.shape"),
          Arguments.of("{" + shape.replace("\"rect\"", "[\"rect\"]") + ",\"w\":1,\"h\":1}", "op.shape"),
          Arguments.of("{" + shape.replace("\"x\":0", "\"x\":\"0\"") + ",\"w\":1,\"h\":1}", "op.x"),
          Arguments.of("{" + shape + ",\"w\":1,\"h\":1,\"fill\":\"blue\"}", "op.fill"),
          Arguments.of("{" + shape + ",\"w\":1,\"h\":1,\"fill\":0}", "op.fill"),
          // text
          Arguments.of("{" + text + ",\"size\":12}", "op.text"),
          Arguments.of("{" + text + ",\"text\":\"\",\"size\":12}", "op.text"),
          Arguments.of("{" + text + ",\"text\":\"" + "a".repeat(2001) + "\",\"size\":12}", "op.text"),
          Arguments.of("{" + text + ",\"text\":[\"a\"],\"size\":12}", "op.text"),
          Arguments.of("{" + text + ",\"text\":\"a\",\"size\":5.9}", "op.size"),
          Arguments.of("{" + text + ",\"text\":\"a\",\"size\":201}", "op.size"),
          Arguments.of("{" + text + ",\"text\":\"a\"}", "op.size"),
          // erase
          Arguments.of("{\"kind\":\"erase\"}", "op.ids"),
          Arguments.of("{\"kind\":\"erase\",\"ids\":[]}", "op.ids"),
          Arguments.of("{\"kind\":\"erase\",\"ids\":\"s1\"}", "op.ids"),
          Arguments.of("{\"kind\":\"erase\",\"ids\":[" + ids501 + "]}", "op.ids"),
          Arguments.of("{\"kind\":\"erase\",\"ids\":[\"s1\",\"\"]}", "op.ids[1]"),
          Arguments.of("{\"kind\":\"erase\",\"ids\":[\"s1\",null]}", "op.ids[1]"),
          Arguments.of("{\"kind\":\"erase\",\"ids\":[[\"s1\"]]}", "op.ids[0]"));
    }

    @ParameterizedTest
    @MethodSource("brokenOps")
    void isRejectedNamingTheField(String op, String field) {
      assertThat(rejected(json(op)).field()).isEqualTo(field);
    }

    @Test
    void aMissingOpIsRejected() {
      assertThat(rejected(null).field()).isEqualTo("op");
      assertThat(rejected(NullNode.getInstance()).field()).isEqualTo("op");
    }

    @Test
    void notANumberAndInfinityAreRejected() {
      for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
        ObjectNode op = (ObjectNode) json("""
            {"kind":"text","id":"t","x":0,"y":0,"text":"a","color":"#000000","size":12}""");
        op.set("y", DoubleNode.valueOf(bad));

        assertThat(rejected(op).field()).isEqualTo("op.y");
      }
    }

    @Test
    void theDetailSaysWhatIsExpected() {
      assertThat(rejected(json("{\"kind\":\"circle\"}")).detail())
          .isEqualTo("must be one of stroke, shape, text, erase, clear, undo, got 'circle'");
      assertThat(rejected(json("{\"kind\":[1]}")).detail()).isEqualTo("must be a string, one of stroke, shape, text, erase, clear, undo");
      assertThat(rejected(json("{\"kind\":\"text\",\"id\":\"t\",\"x\":0,\"y\":0,\"text\":\"a\",\"color\":\"#000000\","
          + "\"size\":3}")).detail()).isEqualTo("must be between 6 and 200");
      assertThat(rejected(json("{\"kind\":\"clear\",\"" + "z".repeat(100) + "\":1}")))
          .satisfies(rejection -> assertThat(rejection.field()).isEqualTo("op"))
          .satisfies(rejection -> assertThat(rejection.detail()).hasSizeLessThan(70));
    }

    @Test
    void aRejectionSurvivesItsWireFormat() {
      Rejection rejection = rejected(json("{\"kind\":\"clear\",\"a|b\":1}"));

      assertThat(Rejection.parse(rejection.toMessage())).isEqualTo(rejection);
    }
  }

  @Nested
  class ToJson {

    @Test
    void writesTheKindAndTheNormalisedFields() {
      assertThat(BoardOps.toJson(new Stroke("s1", List.of(new Point(0, 0), new Point(10.5, -3)), "#ff0000", 2)))
          .isEqualTo(json("{\"kind\":\"stroke\",\"id\":\"s1\",\"points\":[[0.0,0.0],[10.5,-3.0]],"
              + "\"color\":\"#ff0000\",\"width\":2.0}"));
      assertThat(BoardOps.toJson(new Shape("r", Form.ELLIPSE, 1, 2, 3, 4, "#000000", null)))
          .isEqualTo(json("{\"kind\":\"shape\",\"id\":\"r\",\"shape\":\"ellipse\",\"x\":1.0,\"y\":2.0,\"w\":3.0,"
              + "\"h\":4.0,\"color\":\"#000000\"}"));
      assertThat(BoardOps.toJson(new Clear())).isEqualTo(json("{\"kind\":\"clear\"}"));
      assertThat(BoardOps.toJson(new Undo())).isEqualTo(json("{\"kind\":\"undo\"}"));
    }

    @Test
    void kindComesFirst() {
      everyKind().forEach(op -> assertThat(BoardOps.toJson(op).fieldNames().next()).isEqualTo("kind"));
    }

    @ParameterizedTest
    @MethodSource("io.tutormesh.engine.room.BoardOpsTest#everyKind")
    void parsingWhatItWritesGivesTheSameOp(BoardOp op) throws Exception {
      String wire = MAPPER.writeValueAsString(BoardOps.toJson(op));

      assertThat(BoardOps.parse(json(wire))).isEqualTo(op);
    }

    @ParameterizedTest
    @MethodSource("io.tutormesh.engine.room.BoardOpsTest#everyKind")
    void jacksonReadsWhatItWrites(BoardOp op) throws Exception {
      String wire = MAPPER.writeValueAsString(op);

      assertThat(MAPPER.readValue(wire, BoardOp.class)).isEqualTo(op);
    }

    @Test
    void theParsedRecordsAreImmutable() throws Exception {
      Stroke stroke = (Stroke) BoardOps.parse(json(
          "{\"kind\":\"stroke\",\"id\":\"s\",\"points\":[[0,0]],\"color\":\"#000000\",\"width\":2}"));

      assertThat(stroke.points()).isUnmodifiable();
    }
  }
}
