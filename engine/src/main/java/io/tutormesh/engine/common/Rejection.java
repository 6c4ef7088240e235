package io.tutormesh.engine.common;

import java.util.Objects;

/**
 * Why an entity refused a command. Entities answer {@code StatusReply.error(rejection.toMessage())};
 * the gateway calls {@link #parse(String)} on the error message and maps the kind to an HTTP status
 * (INVALID 400, NOT_FOUND 404, CONFLICT 409, PAYMENT_REQUIRED 402, FORBIDDEN 403, INTERNAL 500,
 * UNAVAILABLE 503 with {@code Retry-After}).
 *
 * <p>Wire format of {@link #toMessage()}: {@code KIND|field|detail}, the field empty when absent.
 * The detail may contain {@code |}; the field may not.
 *
 * @param kind what went wrong
 * @param field JSON path of the offending input field as the client sent it, or null (empty becomes null)
 * @param detail a short human sentence (never null: null becomes empty)
 */
public record Rejection(Kind kind, String field, String detail) implements CborSerializable {

  /**
   * UNAVAILABLE: the work was refused for lack of time or capacity (e.g. it arrived after its
   * deadline), nothing was done, and the same command may be sent again.
   */
  public enum Kind { INVALID, NOT_FOUND, CONFLICT, PAYMENT_REQUIRED, FORBIDDEN, INTERNAL, UNAVAILABLE }

  private static final char SEPARATOR = '|';

  public Rejection {
    Objects.requireNonNull(kind, "kind");
    field = field == null || field.isEmpty() ? null : field;
    detail = detail == null ? "" : detail;
    if (field != null && field.indexOf(SEPARATOR) >= 0) {
      throw new IllegalArgumentException("field must not contain '|': " + field);
    }
  }

  public static Rejection invalid(String field, String detail) {
    return new Rejection(Kind.INVALID, field, detail);
  }

  public static Rejection notFound(String detail) {
    return new Rejection(Kind.NOT_FOUND, null, detail);
  }

  public static Rejection conflict(String detail) {
    return new Rejection(Kind.CONFLICT, null, detail);
  }

  public static Rejection paymentRequired(String detail) {
    return new Rejection(Kind.PAYMENT_REQUIRED, null, detail);
  }

  public static Rejection forbidden(String detail) {
    return new Rejection(Kind.FORBIDDEN, null, detail);
  }

  public static Rejection internal(String detail) {
    return new Rejection(Kind.INTERNAL, null, detail);
  }

  public static Rejection unavailable(String detail) {
    return new Rejection(Kind.UNAVAILABLE, null, detail);
  }

  /** Encodes this rejection as {@code KIND|field|detail}. */
  public String toMessage() {
    return kind.name() + SEPARATOR + (field == null ? "" : field) + SEPARATOR + detail;
  }

  /**
   * Decodes a {@link #toMessage()} string. Anything else (an exception message, a timeout, null)
   * becomes an {@link Kind#INTERNAL} rejection carrying the whole message as its detail.
   */
  public static Rejection parse(String message) {
    if (message == null) {
      return internal(null);
    }
    int first = message.indexOf(SEPARATOR);
    int second = first < 0 ? -1 : message.indexOf(SEPARATOR, first + 1);
    if (second < 0) {
      return internal(message);
    }
    Kind kind = kindNamed(message.substring(0, first));
    if (kind == null) {
      return internal(message);
    }
    return new Rejection(kind, message.substring(first + 1, second), message.substring(second + 1));
  }

  private static Kind kindNamed(String name) {
    for (Kind kind : Kind.values()) {
      if (kind.name().equals(name)) {
        return kind;
      }
    }
    return null;
  }

  /** Client input echoed in a detail, cut short so that a huge value cannot bloat the error. */
  public static String quoted(String value) {
    String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    return "'" + shown + "'";
  }
}
