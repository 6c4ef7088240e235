package io.tutormesh.engine.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.room.BoardOp.Clear;
import io.tutormesh.engine.room.BoardOp.Erase;
import io.tutormesh.engine.room.BoardOp.Form;
import io.tutormesh.engine.room.BoardOp.Point;
import io.tutormesh.engine.room.BoardOp.Shape;
import io.tutormesh.engine.room.BoardOp.Stroke;
import io.tutormesh.engine.room.BoardOp.Text;
import io.tutormesh.engine.room.BoardOp.Undo;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a client's whiteboard op into a {@link BoardOp} under the rules documented there, and
 * writes ops back as JSON. Pure functions. The first broken rule wins: {@link #parse} throws an
 * {@link InvalidOp} whose INVALID {@link Rejection} names the field as the client sent it
 * ({@code op.points[3][0]}) and says what it must be.
 */
public final class BoardOps {

  public static final double MAX_COORDINATE = 100_000;
  public static final int MAX_POINTS = 2000;
  public static final int MAX_TEXT = 2000;
  public static final int MAX_ERASE_IDS = 500;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Map<String, Set<String>> FIELDS = Map.of(
      "stroke", Set.of("id", "points", "color", "width"),
      "shape", Set.of("id", "shape", "x", "y", "w", "h", "color", "fill"),
      "text", Set.of("id", "x", "y", "text", "color", "size"),
      "erase", Set.of("ids"),
      "clear", Set.of(),
      "undo", Set.of());
  private static final String KINDS = "stroke, shape, text, erase, clear, undo";
  private static final int BASE_WEIGHT = 128;
  private static final int POINT_WEIGHT = 20;

  /** A client's op broke a rule of {@link BoardOp}; the rejection is INVALID and names the field. */
  public static final class InvalidOp extends Exception {
    private final transient Rejection rejection;

    InvalidOp(Rejection rejection) {
      super(rejection.toMessage(), null, false, false);
      this.rejection = rejection;
    }

    public Rejection rejection() {
      return rejection;
    }
  }

  private BoardOps() {}

  /** Validates and normalises a client's op (null or JSON null included). */
  public static BoardOp parse(JsonNode op) throws InvalidOp {
    if (op == null || !op.isObject()) {
      throw invalid("op", "must be an object with a kind");
    }
    JsonNode kind = op.get("kind");
    if (kind == null || kind.isNull()) {
      throw invalid("op.kind", "kind is required");
    }
    if (!kind.isTextual()) {
      throw invalid("op.kind", "must be a string, one of " + KINDS);
    }
    if (!FIELDS.containsKey(kind.textValue())) {
      throw invalid("op.kind", "must be one of " + KINDS + ", got " + Rejection.quoted(kind.textValue()));
    }
    onlyKnownFields(op, FIELDS.get(kind.textValue()));
    return switch (kind.textValue()) {
      case "stroke" -> new Stroke(id(op, "id"), points(op), color(op, "color"), number(op, "width", 0.5, 100));
      case "shape" -> new Shape(id(op, "id"), form(op), coordinate(op, "x"), coordinate(op, "y"),
          coordinate(op, "w"), coordinate(op, "h"), color(op, "color"), fill(op));
      case "text" -> new Text(id(op, "id"), coordinate(op, "x"), coordinate(op, "y"), text(op),
          color(op, "color"), number(op, "size", 6, 200));
      case "erase" -> new Erase(ids(op));
      case "clear" -> new Clear();
      case "undo" -> new Undo();
      default -> throw new IllegalStateException("kind without a reader: " + kind.textValue());
    };
  }

  /** The op as it is echoed to clients: the schema of {@link BoardOp}, {@code kind} first. */
  public static JsonNode toJson(BoardOp op) {
    return JSON.valueToTree(op);
  }

  /**
   * About how many bytes the op takes in a message between nodes (Jackson CBOR), a little more
   * rather than less: for cutting pages of ops and boards, and capping a board's size.
   */
  public static int weight(BoardOp op) {
    if (op instanceof Stroke stroke) {
      return BASE_WEIGHT + stroke.id().length() + POINT_WEIGHT * stroke.points().size();
    }
    if (op instanceof Text text) {
      return BASE_WEIGHT + text.id().length() + 3 * text.text().length();
    }
    if (op instanceof Shape shape) {
      return BASE_WEIGHT + shape.id().length();
    }
    if (op instanceof Erase erase) {
      return BASE_WEIGHT + erase.ids().stream().mapToInt(id -> id.length() + 2).sum();
    }
    return BASE_WEIGHT;
  }

  private static void onlyKnownFields(JsonNode op, Set<String> known) throws InvalidOp {
    for (Iterator<String> names = op.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("kind") && !known.contains(name)) {
        String field = ID.matcher(name).matches() ? "op." + name : "op";
        throw invalid(field, "unknown field " + Rejection.quoted(name));
      }
    }
  }

  private static JsonNode required(JsonNode op, String name) throws InvalidOp {
    JsonNode value = op.get(name);
    if (value == null || value.isNull()) {
      throw invalid("op." + name, name + " is required");
    }
    return value;
  }

  private static String id(JsonNode op, String name) throws InvalidOp {
    return idAt(required(op, name), "op." + name);
  }

  private static String idAt(JsonNode value, String path) throws InvalidOp {
    if (!value.isTextual() || !ID.matcher(value.textValue()).matches()) {
      throw invalid(path, "must be 1 to 64 letters, digits, '_' or '-'");
    }
    return value.textValue();
  }

  private static String color(JsonNode op, String name) throws InvalidOp {
    JsonNode value = required(op, name);
    if (!value.isTextual() || !COLOR.matcher(value.textValue()).matches()) {
      throw invalid("op." + name, "must be a color #rrggbb");
    }
    return value.textValue().toLowerCase(Locale.ROOT);
  }

  private static String fill(JsonNode op) throws InvalidOp {
    JsonNode value = op.get("fill");
    return value == null || value.isNull() ? null : color(op, "fill");
  }

  private static double coordinate(JsonNode op, String name) throws InvalidOp {
    return number(op, name, -MAX_COORDINATE, MAX_COORDINATE);
  }

  private static double number(JsonNode op, String name, double min, double max) throws InvalidOp {
    return numberAt(required(op, name), "op." + name, min, max);
  }

  private static double coordinateAt(JsonNode value, String path) throws InvalidOp {
    return numberAt(value, path, -MAX_COORDINATE, MAX_COORDINATE);
  }

  private static double numberAt(JsonNode value, String path, double min, double max) throws InvalidOp {
    if (!value.isNumber()) {
      throw invalid(path, "must be a number");
    }
    double number = value.doubleValue();
    if (!Double.isFinite(number) || number < min || number > max) {
      throw invalid(path, "must be between " + plain(min) + " and " + plain(max));
    }
    return number;
  }

  private static List<Point> points(JsonNode op) throws InvalidOp {
    JsonNode points = required(op, "points");
    if (!points.isArray() || points.isEmpty() || points.size() > MAX_POINTS) {
      throw invalid("op.points", "must be an array of 1 to " + MAX_POINTS + " points [x, y]");
    }
    List<Point> read = new ArrayList<>(points.size());
    for (int i = 0; i < points.size(); i++) {
      String path = "op.points[" + i + "]";
      JsonNode point = points.get(i);
      if (!point.isArray() || point.size() != 2) {
        throw invalid(path, "must be a point [x, y]");
      }
      read.add(new Point(coordinateAt(point.get(0), path + "[0]"), coordinateAt(point.get(1), path + "[1]")));
    }
    return read;
  }

  private static Form form(JsonNode op) throws InvalidOp {
    JsonNode value = required(op, "shape");
    for (Form form : Form.values()) {
      if (value.isTextual() && form.name().toLowerCase(Locale.ROOT).equals(value.textValue())) {
        return form;
      }
    }
    throw invalid("op.shape", "must be one of rect, ellipse, line, arrow");
  }

  private static String text(JsonNode op) throws InvalidOp {
    JsonNode value = required(op, "text");
    if (!value.isTextual() || value.textValue().isEmpty() || value.textValue().length() > MAX_TEXT) {
      throw invalid("op.text", "must be a string of 1 to " + MAX_TEXT + " characters");
    }
    return value.textValue();
  }

  private static List<String> ids(JsonNode op) throws InvalidOp {
    JsonNode ids = required(op, "ids");
    if (!ids.isArray() || ids.isEmpty() || ids.size() > MAX_ERASE_IDS) {
      throw invalid("op.ids", "must be an array of 1 to " + MAX_ERASE_IDS + " ids");
    }
    List<String> read = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      read.add(idAt(ids.get(i), "op.ids[" + i + "]"));
    }
    return read;
  }

  private static String plain(double number) {
    return BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
  }

  private static InvalidOp invalid(String field, String detail) {
    return new InvalidOp(Rejection.invalid(field, detail));
  }
}
