package io.tutormesh.engine.room;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tutormesh.engine.common.CborSerializable;
import java.util.List;

/**
 * One whiteboard operation, as a client sends it in a room and as it is stored in the session's
 * events. JSON objects with a {@code kind}; every other field is required unless marked optional,
 * and a field that is not listed is refused.
 *
 * <pre>
 * kind    fields
 * stroke  id, points: [[x, y], ...] (1..2000 points), color, width (0.5..100)
 * shape   id, shape: "rect" | "ellipse" | "line" | "arrow", x, y, w, h, color, fill (optional color or null)
 * text    id, x, y, text (1..2000 UTF-16 chars), color, size (6..200)
 * erase   ids: [id, ...] (1..500): removes those items; ids not on the board are ignored
 * clear   (none): removes every item
 * undo    (none): removes the sender's most recent stroke, shape or text still on the board, if any
 * </pre>
 *
 * <ul>
 *   <li>{@code id}: {@code [A-Za-z0-9_-]{1,64}}, chosen by the client; a stroke, shape or text
 *       reusing the id of an item on the board replaces that item and brings it to the top.
 *   <li>coordinates ({@code x, y, w, h} and points): finite numbers in [-100000, 100000]; {@code w}
 *       and {@code h} may be negative (a line drawn up or left).
 *   <li>colors: {@code #rrggbb}; upper-case hex digits are accepted and echoed in lower case.
 * </ul>
 *
 * <p>Example: {@code {"kind":"stroke","id":"s1","points":[[0,0],[10,5.5]],"color":"#ff0000","width":2}}.
 *
 * <p>{@link BoardOps#parse} enforces these rules; the records themselves do not, so that events
 * stored under older limits still load.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = BoardOp.Stroke.class, name = "stroke"),
  @JsonSubTypes.Type(value = BoardOp.Shape.class, name = "shape"),
  @JsonSubTypes.Type(value = BoardOp.Text.class, name = "text"),
  @JsonSubTypes.Type(value = BoardOp.Erase.class, name = "erase"),
  @JsonSubTypes.Type(value = BoardOp.Clear.class, name = "clear"),
  @JsonSubTypes.Type(value = BoardOp.Undo.class, name = "undo")
})
public sealed interface BoardOp extends CborSerializable {

  /** An op that puts an item on the board: stroke, shape or text. */
  sealed interface Drawing extends BoardOp {
    String id();
  }

  /** A point of a stroke, written {@code [x, y]}. */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({"x", "y"})
  record Point(double x, double y) {}

  enum Form {
    @JsonProperty("rect") RECT,
    @JsonProperty("ellipse") ELLIPSE,
    @JsonProperty("line") LINE,
    @JsonProperty("arrow") ARROW
  }

  record Stroke(String id, List<Point> points, String color, double width) implements Drawing {
    public Stroke {
      points = List.copyOf(points);
    }
  }

  record Shape(String id, Form shape, double x, double y, double w, double h, String color,
      @JsonInclude(JsonInclude.Include.NON_NULL) String fill) implements Drawing {}

  record Text(String id, double x, double y, String text, String color, double size) implements Drawing {}

  record Erase(List<String> ids) implements BoardOp {
    public Erase {
      ids = List.copyOf(ids);
    }
  }

  record Clear() implements BoardOp {}

  record Undo() implements BoardOp {}
}
