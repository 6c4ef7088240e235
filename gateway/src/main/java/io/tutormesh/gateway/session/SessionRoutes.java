package io.tutormesh.gateway.session;

import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.gateway.auth.Principal;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.gateway.http.Json;
import io.tutormesh.gateway.http.Problem;
import io.tutormesh.gateway.http.ProblemException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * `POST /v1/instant-requests` (a student, for itself), `GET /v1/sessions/{id}` and
 * `POST /v1/sessions/{id}/cancel` (the session's participants and admins).
 */
public final class SessionRoutes extends ApiDirectives {

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public SessionRoutes(ApiContext context) {
    super(context);
    this.sharding = context.sharding();
    this.askTimeout = context.askTimeout();
  }

  public Route route() {
    return concat(
        path("instant-requests", this::instantRequests),
        pathPrefix("sessions", () -> pathPrefix(PathMatchers.segment(), id -> concat(
            pathEnd(() -> session(id)),
            path("cancel", () -> cancel(id))))));
  }

  private Route instantRequests() {
    return endpoint("/v1/instant-requests", () -> authenticated(who -> post(() -> authorize(
        who.role() == Role.STUDENT, "only a student may request a tutor, for itself",
        () -> jsonBody(SessionDtos.InstantRequestBody.class, body -> requestInstant(who, body))))));
  }

  private Route session(String id) {
    return endpoint("/v1/sessions/{id}", () -> authenticated(who -> validId("id", id, () -> get(
        () -> reply(200, readable(who, id), SessionDtos.Session::of)))));
  }

  private Route cancel(String id) {
    return endpoint("/v1/sessions/{id}/cancel", () -> authenticated(who -> validId("id", id, () -> post(() -> ignoringBody(
        () -> reply(200, readable(who, id).thenCompose(s -> cancel(who, id)), SessionDtos.Session::of))))));
  }

  /** Reads and drops any body, so that the answer never comes before the end of the request. */
  private Route ignoringBody(Supplier<Route> inner) {
    return withSizeLimit(maxBodyBytes, () -> entity(Unmarshaller.entityToString(), body -> inner.get()));
  }

  private Route requestInstant(Principal student, SessionDtos.InstantRequestBody body) {
    InstantRequest request = body.toRequest();
    String sessionId = UUID.randomUUID().toString();
    CompletionStage<SessionEntity.SessionSummary> answer =
        sharding
            .entityRefFor(StudentEntity.ENTITY_KEY, student.userId())
            .askWithStatus(replyTo -> new StudentEntity.RequestInstantTutor(sessionId, request, replyTo), askTimeout);
    return completeWithFuture(answer.handle((summary, error) -> error == null ? accepted(summary) : failure(error)));
  }

  private static HttpResponse accepted(SessionEntity.SessionSummary summary) {
    return Json.response(202, SessionDtos.InstantRequestAccepted.of(summary))
        .addHeader(Location.create("/v1/sessions/" + summary.sessionId()));
  }

  /** The session, if it exists (else 404) and the caller may see it (else 403). */
  private CompletionStage<SessionEntity.SessionSummary> readable(Principal who, String id) {
    return sessionRef(id)
        .askWithStatus(SessionEntity.GetSession::new, askTimeout)
        .thenApply(summary -> visibleTo(who, summary));
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

  private EntityRef<SessionEntity.Command> sessionRef(String id) {
    return sharding.entityRefFor(SessionEntity.ENTITY_KEY, id);
  }
}
