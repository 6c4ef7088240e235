package io.tutormesh.gateway.session;

import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.gateway.auth.Principal;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.http.Problem;
import io.tutormesh.gateway.http.ProblemException;
import java.time.Instant;
import java.util.List;

/** Instant requests and sessions on the wire, mapped explicitly to and from the engine's records. */
public final class SessionDtos {
  private SessionDtos() {}

  /**
   * `POST /v1/instant-requests`. Numbers are boxed so that a missing one is a 400 naming it rather
   * than a silent 0; the engine's rules check everything else and name the field they refuse.
   */
  public record InstantRequestBody(
      String subject, String level, String language, Long maxRateCents, Integer durationMinutes) {

    InstantRequest toRequest() {
      if (maxRateCents == null) {
        throw new ProblemException(Problem.badRequest("maxRateCents", "is required"));
      }
      if (durationMinutes == null) {
        throw new ProblemException(Problem.badRequest("durationMinutes", "is required"));
      }
      return new InstantRequest(subject, level, language, maxRateCents, durationMinutes);
    }
  }

  /**
   * `POST /v1/bookings`: the tutor, what and when ({@code start} an ISO-8601 instant, UTC). Checked
   * here for shape (400 naming the field); whether the slot is bookable is the tutor's to decide (409).
   */
  public record BookingBody(String tutorId, String subject, String level, String start, Integer durationMinutes) {

    Instant startInstant() {
      if (start == null || start.isBlank()) {
        throw new ProblemException(Problem.badRequest("start", "is required"));
      }
      try {
        return Instant.parse(start);
      } catch (java.time.format.DateTimeParseException e) {
        throw new ProblemException(Problem.badRequest("start", "must be an ISO-8601 instant such as 2026-12-01T15:00:00Z"));
      }
    }
  }

  /** `POST /v1/sessions/{id}/reschedule`: the new start ({@code start} an ISO-8601 instant, UTC). */
  public record RescheduleBody(String start) {

    Instant startInstant() {
      return new BookingBody(null, null, null, start, null).startInstant();
    }
  }

  /** The 201 answer to a booking. */
  public record BookingCreated(String sessionId, String status) {
    static BookingCreated of(SessionEntity.SessionSummary s) {
      return new BookingCreated(s.sessionId(), s.status().name());
    }
  }

  /** The 202 answer to an instant request: where to follow it. */
  public record InstantRequestAccepted(String sessionId, String status) {
    static InstantRequestAccepted of(SessionEntity.SessionSummary s) {
      return new InstantRequestAccepted(s.sessionId(), s.status().name());
    }
  }

  public record Escrow(String status, long heldCents, long releasedCents, long refundedCents) {}

  /** `POST /v1/sessions/{id}/dispute` and `POST /v1/admin/sessions/{id}/refund`: a reason of 1 to 500 characters. */
  public record ReasonBody(String reason) {}

  /** {@code rescheduledFrom}/{@code rescheduledTo}: the session this one replaced, or was replaced by (a reschedule); else null. */
  public record TimelineEntry(Instant at, String status, String rescheduledFrom, String rescheduledTo) {}

  /** `GET /v1/sessions/{id}` and the answer to a cancel. */
  public record Session(
      String sessionId,
      String kind,
      String status,
      String studentId,
      String tutorId,
      String subject,
      String level,
      String language,
      Instant start,
      int durationMinutes,
      long rateCents,
      long maxRateCents,
      String currency,
      Escrow escrow,
      List<TimelineEntry> timeline,
      Instant startedAt,
      Instant endedAt) {

    public static Session of(SessionEntity.SessionSummary s) {
      SessionEntity.Escrow e = s.escrow();
      return new Session(
          s.sessionId(),
          s.kind().name(),
          s.status().name(),
          s.studentId(),
          s.tutorId(),
          s.subject(),
          s.level(),
          s.language(),
          s.start(),
          s.durationMinutes(),
          s.rateCents(),
          s.maxRateCents(),
          s.currency(),
          new Escrow(e.status().name(), e.heldCents(), e.releasedCents(), e.refundedCents()),
          s.timeline().stream().map(t -> new TimelineEntry(t.at(), t.status().name(), t.rescheduledFrom(), t.rescheduledTo())).toList(),
          s.startedAt(),
          s.endedAt());
    }
  }

  /**
   * A session is private to its participants and admins: its student (with a student token) and
   * its tutor (with a tutor token).
   */
  public static boolean mayAccess(Principal who, SessionEntity.SessionSummary session) {
    return who.isAdmin()
        || (who.role() == Role.STUDENT && who.userId().equals(session.studentId()))
        || (who.role() == Role.TUTOR && who.userId().equals(session.tutorId()));
  }
}
