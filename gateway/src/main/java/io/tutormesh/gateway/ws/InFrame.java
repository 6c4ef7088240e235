package io.tutormesh.gateway.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.http.Json;

/** Reading inbound frames: a JSON object with a string {@code type}, fields checked one by one. */
final class InFrame {

  private InFrame() {}

  /** A frame the socket refuses: answered with an {@code error} frame, the socket stays open. */
  static final class BadFrame extends Exception {
    private final String code;

    BadFrame(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    String code() {
      return code;
    }
  }

  static JsonNode parse(String text) throws BadFrame {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadFrame(Frames.BAD_JSON, "malformed JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new BadFrame(Frames.BAD_JSON, "a frame is a JSON object with a type");
    }
    return node;
  }

  static String type(JsonNode frame) throws BadFrame {
    JsonNode type = frame.get("type");
    if (type == null || !type.isTextual()) {
      throw new BadFrame(Frames.UNKNOWN_TYPE, "type: a string is required");
    }
    return type.asText();
  }

  /** A required string field. */
  static String text(JsonNode frame, String field) throws BadFrame {
    String value = optionalText(frame, field);
    if (value == null) {
      throw new BadFrame(Frames.BAD_FIELD, field + ": a string is required");
    }
    return value;
  }

  /** An optional string field: absent or null gives null, any other non-string is refused. */
  static String optionalText(JsonNode frame, String field) throws BadFrame {
    JsonNode value = frame.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new BadFrame(Frames.BAD_FIELD, field + ": must be a string");
    }
    return value.asText();
  }
}
