package io.tutormesh.gateway.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem: the body of every 4xx/5xx answer. `field` (an extension member) names the
 * offending input field of a 400, as the client sent it (`subjects[0].levels[1]`).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {

  private static final String TYPE_BASE = "https://tutormesh.io/problems/";

  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(TYPE_BASE + slug, title, status, detail, null);
  }

  public static Problem badRequest(String field, String detail) {
    String text = field == null || field.isEmpty() ? detail : field + ": " + detail;
    return new Problem(TYPE_BASE + "invalid-input", "Invalid input", 400, text, emptyToNull(field));
  }

  public static Problem unauthorized(String detail) {
    return of(401, "unauthorized", "Unauthorized", detail);
  }

  public static Problem forbidden(String detail) {
    return of(403, "forbidden", "Forbidden", detail);
  }

  public static Problem notFound(String detail) {
    return of(404, "not-found", "Not found", detail);
  }

  public static Problem methodNotAllowed(String detail) {
    return of(405, "method-not-allowed", "Method not allowed", detail);
  }

  public static Problem conflict(String detail) {
    return of(409, "conflict", "Conflict", detail);
  }

  public static Problem paymentRequired(String detail) {
    return of(402, "payment-required", "Payment required", detail);
  }

  public static Problem tooLarge(String detail) {
    return of(413, "too-large", "Payload too large", detail);
  }

  public static Problem unsupportedMediaType(String detail) {
    return of(415, "unsupported-media-type", "Unsupported media type", detail);
  }

  public static Problem unavailable(String detail) {
    return of(503, "unavailable", "Service unavailable", detail);
  }

  public static Problem internal(String detail) {
    return of(500, "internal", "Internal error", detail);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
