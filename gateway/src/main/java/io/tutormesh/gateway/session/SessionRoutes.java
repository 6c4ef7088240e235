package io.tutormesh.gateway.session;

import com.typesafe.config.Config;
import io.tutormesh.engine.catalog.ProfileRules;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.InstantRequestRules;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.gateway.auth.Principal;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.gateway.http.InFlightLimit;
import io.tutormesh.gateway.http.Json;
import io.tutormesh.gateway.http.Problem;
import io.tutormesh.gateway.http.ProblemException;
import io.tutormesh.gateway.http.Problems;
import io.tutormesh.gateway.matching.MatchingMetrics;
import io.tutormesh.gateway.matching.MatchingMetrics.ShedReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * `POST /v1/instant-requests` (a student, for itself), `GET /v1/sessions/{id}` and
 * `POST /v1/sessions/{id}/cancel` (the session's participants and admins).
 *
 * <p>An instant request is answered 202 or leaves nothing behind (API.md, "Nothing half-done on
 * any error"): over `tutormesh.matching.max-in-flight-requests` it is refused at once (503); it
 * carries a deadline (`accept-budget`) after which the entities refuse it without writing
 * anything (503); the gateway waits the budget plus `accept-grace` for the answer, and when even
 * that passes it abandons the request (closed, its session cancelled) before answering 503.
 */
public final class SessionRoutes extends ApiDirectives {

  private static final Logger log = LoggerFactory.getLogger(SessionRoutes.class);

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final InstantRequestSettings instant;
  private final InstantRequestRules requestRules;
  private final InFlightLimit inFlight;
  private final MatchingMetrics matchingMetrics;
  private final Clock clock = Clock.systemUTC();
  private final MatchingSettings matching;
  private final String currency;
  private final Duration bookingBudget;

  public SessionRoutes(ApiContext context) {
    super(context);
    this.system = context.system();
    this.sharding = context.sharding();
    this.askTimeout = context.askTimeout();
    Config config = context.system().settings().config();
    this.instant = InstantRequestSettings.fromConfig(config);
    this.requestRules = new InstantRequestRules(ProfileRules.fromConfig(config), MatchingSettings.fromConfig(config));
    this.inFlight = new InFlightLimit(instant.maxInFlight());
    this.matching = MatchingSettings.fromConfig(config);
    this.currency = MoneySettings.fromConfig(config).currency();
    this.bookingBudget = config.getDuration("tutormesh.bookings.budget");
    this.matchingMetrics = context.matchingMetrics();
    matchingMetrics.trackInFlight(inFlight::inFlight);
  }

  public Route route() {
    return concat(
        path("instant-requests", this::instantRequests),
        path("bookings", this::bookings),
        pathPrefix("sessions", () -> pathPrefix(PathMatchers.segment(), id -> concat(
            pathEnd(() -> session(id)),
            path("cancel", () -> cancel(id)),
            path("reschedule", () -> reschedule(id)),
            path("dispute", () -> dispute(id))))));
  }

  /** The session's student (or an admin) disputes a completed session within the dispute window. */
  private Route dispute(String id) {
    return endpoint("/v1/sessions/{id}/dispute", () -> authenticated(who -> validId("id", id, () -> post(() -> jsonBody(
        SessionDtos.ReasonBody.class, body -> reply(200, sessionRef(id).askWithStatus(
            replyTo -> new SessionEntity.Dispute(who.userId(), who.isAdmin(), body.reason(), replyTo), askTimeout), SessionDtos.Session::of))))));
  }

  private Route instantRequests() {
    return endpoint("/v1/instant-requests", () -> authenticated(who -> post(() -> authorize(
        who.role() == Role.STUDENT, "only a student may request a tutor, for itself",
        () -> jsonBody(SessionDtos.InstantRequestBody.class, body -> requestInstant(who, body))))));
  }

  /**
   * A student books a tutor's slot for itself: 201 once the tutor reserved it and the wallet holds
   * its price (the session's saga), or nothing stays behind: 409 not bookable, 402 no money, 404
   * no such tutor, 503 not confirmed within `tutormesh.bookings.budget` (the session undoes it).
   */
  private Route bookings() {
    return endpoint("/v1/bookings", () -> authenticated(who -> post(() -> authorize(
        who.role() == Role.STUDENT, "only a student may book a tutor, for itself",
        () -> jsonBody(SessionDtos.BookingBody.class, body -> book(who, body))))));
  }

  private Route book(Principal student, SessionDtos.BookingBody body) {
    Optional<Rejection> invalid = bookingShape(body);
    if (invalid.isPresent()) {
      return complete(problem(Problems.fromRejection(invalid.get())));
    }
    Instant start = body.startInstant();
    String sessionId = UUID.randomUUID().toString();
    // Confirmed by the deadline or undone by the session itself: the answer is never a 503 over a booking.
    Instant deadline = clock.instant().plus(bookingBudget);
    CompletionStage<SessionEntity.SessionSummary> answer = sessionRef(sessionId).askWithStatus(
        replyTo -> new SessionEntity.StartBooking(
            student.userId(), body.tutorId(), body.subject(), body.level(), start, body.durationMinutes(), currency, deadline, replyTo),
        bookingBudget.plus(instant.acceptGrace()));
    return completeWithFuture(answer.handleAsync((summary, error) -> error == null
        ? Json.response(201, SessionDtos.BookingCreated.of(summary)).addHeader(Location.create("/v1/sessions/" + summary.sessionId()))
        : failure(error), executor));
  }

  private Optional<Rejection> bookingShape(SessionDtos.BookingBody body) {
    if (body.tutorId() == null || body.tutorId().isBlank()) {
      return Optional.of(Rejection.invalid("tutorId", "is required"));
    }
    if (!io.tutormesh.engine.common.Ids.isValid(body.tutorId())) {
      return Optional.of(Rejection.invalid("tutorId", "1-64 of A-Z a-z 0-9 _ -"));
    }
    if (body.subject() == null || body.subject().isBlank()) {
      return Optional.of(Rejection.invalid("subject", "is required"));
    }
    if (body.level() == null || body.level().isBlank()) {
      return Optional.of(Rejection.invalid("level", "is required"));
    }
    if (body.durationMinutes() == null) {
      return Optional.of(Rejection.invalid("durationMinutes", "is required"));
    }
    if (body.durationMinutes() < matching.minDurationMinutes() || body.durationMinutes() > matching.maxDurationMinutes()) {
      return Optional.of(Rejection.invalid("durationMinutes",
          "must be between " + matching.minDurationMinutes() + " and " + matching.maxDurationMinutes()));
    }
    return Optional.empty();
  }

  private Route session(String id) {
    return endpoint("/v1/sessions/{id}", () -> authenticated(who -> validId("id", id, () -> get(
        () -> reply(200, readable(who, id), SessionDtos.Session::of)))));
  }

  // Not bounded like instant requests: a cancel is cheap, and it is what frees a tutor.
  private Route cancel(String id) {
    return endpoint("/v1/sessions/{id}/cancel", () -> authenticated(who -> validId("id", id, () -> post(() -> ignoringBody(
        () -> reply(200, readable(who, id).thenComposeAsync(s -> cancel(who, id), executor), SessionDtos.Session::of))))));
  }

  /**
   * A participant (or an admin) moves a BOOKED session to {@code start}: 201 with the new BOOKED
   * session (the old one is CANCELLED, its escrow moved to the new one, its slot freed), or
   * nothing changes: 403 not a participant, 409 not BOOKED / too late by the cancellation policy /
   * the new slot not bookable, 400 bad body, 503 not confirmed within `tutormesh.bookings.budget`.
   */
  private Route reschedule(String id) {
    return endpoint("/v1/sessions/{id}/reschedule", () -> authenticated(who -> validId("id", id, () -> post(() -> jsonBody(
        SessionDtos.RescheduleBody.class, body -> reschedule(who, id, body))))));
  }

  private Route reschedule(Principal who, String id, SessionDtos.RescheduleBody body) {
    Instant start = body.startInstant();
    String newSessionId = UUID.randomUUID().toString();
    Instant deadline = clock.instant().plus(bookingBudget);
    CompletionStage<SessionEntity.SessionSummary> answer = readable(who, id).thenComposeAsync(old -> sessionRef(id).askWithStatus(
        replyTo -> new SessionEntity.Reschedule(who.userId(), who.isAdmin(), start, newSessionId, deadline, replyTo),
        bookingBudget.plus(instant.acceptGrace())), executor);
    return completeWithFuture(answer.handleAsync((summary, error) -> error == null
        ? Json.response(201, SessionDtos.Session.of(summary)).addHeader(Location.create("/v1/sessions/" + summary.sessionId()))
        : failure(error), executor));
  }

  /** Reads and drops any body, so that the answer never comes before the end of the request. */
  private Route ignoringBody(Supplier<Route> inner) {
    return withSizeLimit(maxBodyBytes, () -> entity(Unmarshaller.entityToString(), body -> inner.get()));
  }

  private Route requestInstant(Principal student, SessionDtos.InstantRequestBody body) {
    InstantRequest request = body.toRequest();
    // Bad input is a 400 whatever the load (the StudentEntity applies the same rules again).
    Optional<Rejection> invalid = requestRules.validate(request);
    if (invalid.isPresent()) {
      return complete(problem(Problems.fromRejection(invalid.get())));
    }
    if (!inFlight.tryAcquire()) {
      matchingMetrics.requestShed(ShedReason.CAPACITY);
      return complete(problem(Problem.unavailable(
          "this node is at capacity (" + inFlight.max() + " instant requests in flight); nothing was opened; retry")));
    }
    String sessionId = UUID.randomUUID().toString();
    Instant deadline = clock.instant().plus(instant.acceptBudget());
    CompletionStage<SessionEntity.SessionSummary> answer;
    try {
      answer = studentRef(student.userId()).askWithStatus(
          replyTo -> new StudentEntity.RequestInstantTutor(sessionId, request, deadline, replyTo), instant.askTimeout());
    } catch (RuntimeException e) {
      inFlight.release();
      throw e;
    }
    return completeWithFuture(answer.handleAsync((summary, error) -> answered(student, sessionId, summary, error), executor));
  }

  private HttpResponse answered(Principal student, String sessionId, SessionEntity.SessionSummary summary, Throwable error) {
    inFlight.release();
    if (error == null) {
      return accepted(summary);
    }
    Throwable cause = unwrap(error);
    if (cause instanceof TimeoutException) {
      matchingMetrics.requestShed(ShedReason.TIMEOUT);
      abandon(student.userId(), sessionId);
      return problem(Problem.unavailable("the engine did not answer in time; the request is withdrawn; retry"));
    }
    if (cause instanceof StatusReply.ErrorMessage && Rejection.parse(cause.getMessage()).kind() == Rejection.Kind.UNAVAILABLE) {
      matchingMetrics.requestShed(ShedReason.LATE);
    }
    return failure(error);
  }

  /**
   * The client is told the request failed, but it may have been opened after all (a journal write
   * slower than the grace): close it and cancel its session. Retried, since the node is struggling.
   */
  private void abandon(String studentId, String sessionId) {
    Patterns.retry(
            () -> studentRef(studentId).<Done>askWithStatus(
                replyTo -> new StudentEntity.AbandonInstantRequest(sessionId, replyTo), instant.askTimeout()),
            instant.abandonAttempts() - 1,
            instant.acceptGrace(),
            system)
        .whenCompleteAsync((done, error) -> {
          if (error != null) {
            log.warn("Could not withdraw instant request {} of student {} after {} attempts: {}",
                sessionId, studentId, instant.abandonAttempts(), error.toString());
          }
        }, executor);
  }

  private static HttpResponse accepted(SessionEntity.SessionSummary summary) {
    return Json.response(202, SessionDtos.InstantRequestAccepted.of(summary))
        .addHeader(Location.create("/v1/sessions/" + summary.sessionId()));
  }

  /** The session, if it exists (else 404) and the caller may see it (else 403). */
  private CompletionStage<SessionEntity.SessionSummary> readable(Principal who, String id) {
    return sessionRef(id)
        .askWithStatus(SessionEntity.GetSession::new, askTimeout)
        .thenApplyAsync(summary -> visibleTo(who, summary), executor);
  }

  private static SessionEntity.SessionSummary visibleTo(Principal who, SessionEntity.SessionSummary summary) {
    if (!SessionDtos.mayAccess(who, summary)) {
      throw new ProblemException(Problem.forbidden("a session is for its participants and admins only"));
    }
    return summary;
  }

  private CompletionStage<SessionEntity.SessionSummary> cancel(Principal who, String id) {
    return sessionRef(id).askWithStatus(replyTo -> new SessionEntity.Cancel(who.userId(), who.isAdmin(), replyTo), askTimeout);
  }

  private EntityRef<StudentEntity.Command> studentRef(String studentId) {
    return sharding.entityRefFor(StudentEntity.ENTITY_KEY, studentId);
  }

  private EntityRef<SessionEntity.Command> sessionRef(String id) {
    return sharding.entityRefFor(SessionEntity.ENTITY_KEY, id);
  }
}
