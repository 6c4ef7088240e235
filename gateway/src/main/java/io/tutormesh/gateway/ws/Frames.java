package io.tutormesh.gateway.ws;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tutormesh.engine.matching.Offer;
import io.tutormesh.gateway.http.Json;
import java.time.Instant;

/**
 * The outbound frames of the tutor and session sockets, and the error codes of every socket.
 * Availability frames are in {@link AvailabilityFrames} (shared with REST/SSE).
 */
final class Frames {

  private Frames() {}

  // --- error codes (the `code` of an `error` frame) ---
  static final String BAD_JSON = "bad-json";
  static final String UNKNOWN_TYPE = "unknown-type";
  static final String BAD_FIELD = "bad-field";
  static final String RATE_LIMITED = "rate-limited";
  static final String UNSUPPORTED = "unsupported";
  static final String NO_PROFILE = "no-profile";
  static final String UNKNOWN_OFFER = "unknown-offer";
  static final String OFFER_UNAVAILABLE = "offer-unavailable";
  static final String NOT_ALLOWED = "not-allowed";
  static final String TOO_MANY_SUBSCRIPTIONS = "too-many-subscriptions";
  static final String TIMEOUT = "timeout";
  static final String SERVER_ERROR = "server-error";
  static final String BAD_OP = "bad-op";
  static final String BAD_SEQ = "bad-seq";
  static final String TOO_LARGE = "too-large";
  static final String RESUME_IN_PROGRESS = "resume-in-progress";
  static final String CONFLICT = "conflict";

  /** Private WebSocket close codes (4000-4999). */
  static final int CLOSE_REPLACED = 4001;

  record ErrorFrame(String type, String code, String message) {}

  record Pong(String type) {}

  record OfferFrame(
      String type,
      String offerId,
      String sessionId,
      String subject,
      String level,
      String language,
      int durationMinutes,
      long rateCents,
      String currency,
      Instant expiresAt) {}

  record OfferWithdrawn(String type, String offerId, String reason) {}

  record Matched(String type, String sessionId) {}

  /** A tutor's presence as the engine set it ({@code ONLINE}, {@code AWAY}, {@code BUSY}), with why. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record TutorStatus(String type, String status, String reason) {}

  /** A session's status; {@code tutorId} is left out while there is none. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SessionStatus(String type, String status, String tutorId) {}

  static ErrorFrame error(String code, String message) {
    return new ErrorFrame("error", code, message);
  }

  static Pong pong() {
    return new Pong("pong");
  }

  static OfferFrame offer(Offer o) {
    return new OfferFrame(
        "offer", o.offerId(), o.sessionId(), o.subject(), o.level(), o.language(), o.durationMinutes(), o.rateCents(), o.currency(), o.expiresAt());
  }

  static OfferWithdrawn offerWithdrawn(String offerId, String reason) {
    return new OfferWithdrawn("offer-withdrawn", offerId, reason);
  }

  static Matched matched(String sessionId) {
    return new Matched("matched", sessionId);
  }

  static TutorStatus tutorStatus(String status, String reason) {
    return new TutorStatus("status", status, reason);
  }

  record Presence(String type, String userId, String state) {}

  record Signal(String type, String from, String kind, @com.fasterxml.jackson.annotation.JsonRawValue String payload) {}

  static Presence presence(String userId, boolean joined) {
    return new Presence("presence", userId, joined ? "joined" : "left");
  }

  /** {@code payload} is the sender's JSON object, relayed as it came. */
  static Signal signal(String from, String kind, String payload) {
    return new Signal("signal", from, kind, payload);
  }

  static SessionStatus sessionStatus(String status, String tutorId) {
    return new SessionStatus("status", status, tutorId);
  }

  /**
   * A frame already in its wire form, the UTF-8 bytes of its JSON: encoded once, it can go to
   * several sockets (which never change the bytes).
   */
  record Encoded(byte[] utf8) {}

  static Encoded encoded(Object frame) {
    return new Encoded(encode(frame));
  }

  /** The UTF-8 JSON of a frame: a record, or an {@link Encoded} frame as it is. */
  static byte[] encode(Object frame) {
    if (frame instanceof Encoded encoded) {
      return encoded.utf8();
    }
    try {
      return Json.MAPPER.writeValueAsBytes(frame);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write frame " + frame.getClass().getSimpleName(), e);
    }
  }
}
