package io.tutormesh.gateway.session;

import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.gateway.auth.Principal;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.gateway.http.Json;
import io.tutormesh.gateway.http.Problem;
import io.tutormesh.gateway.http.ProblemException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The live room over REST: `POST /v1/sessions/{id}/end`, `GET /v1/sessions/{id}/transcript` and
 * `GET /v1/sessions/{id}/ice-servers`, for the session's participants and admins.
 */
public final class RoomRoutes extends ApiDirectives {

  private static final int DEFAULT_TRANSCRIPT_LIMIT = 500;

  private final SessionAccess sessions;
  private final Duration askTimeout;
  private final IceServers iceServers;

  public RoomRoutes(ApiContext context) {
    super(context);
    this.sessions = new SessionAccess(context.sharding(), context.askTimeout());
    this.askTimeout = context.askTimeout();
    this.iceServers = IceServers.fromConfig(context.system().settings().config());
  }

  public Route route() {
    return pathPrefix("sessions", () -> pathPrefix(PathMatchers.segment(), id -> concat(
        path("end", () -> end(id)),
        path("transcript", () -> transcript(id)),
        path("ice-servers", () -> iceServers(id)))));
  }

  private Route end(String id) {
    return endpoint("/v1/sessions/{id}/end", () -> authenticated(who -> validId("id", id, () -> post(
        () -> withSizeLimit(maxBodyBytes, () -> entity(Unmarshaller.entityToString(), body -> reply(
            200,
            readable(who, id).thenCompose(s -> session(id).askWithStatus(r -> new SessionEntity.End(who.userId(), who.isAdmin(), r), askTimeout)),
            SessionDtos.Session::of)))))));
  }

  private Route transcript(String id) {
    return endpoint("/v1/sessions/{id}/transcript", () -> authenticated(who -> validId("id", id, () -> get(
        () -> parameterOptional("afterSeq", afterSeq -> parameterOptional("limit", limit -> {
          long after = number("afterSeq", afterSeq, 0, 0, Long.MAX_VALUE);
          int max = (int) number("limit", limit, DEFAULT_TRANSCRIPT_LIMIT, 1, 1000);
          return reply(200, readable(who, id).thenCompose(s -> transcript(who, id, after, max)), RoomDtos.Transcript::of);
        }))))));
  }

  private Route iceServers(String id) {
    return endpoint("/v1/sessions/{id}/ice-servers", () -> authenticated(who -> validId("id", id, () -> get(
        () -> reply(200, readable(who, id), session -> iceServers.forUser(who.userId()))))));
  }

  private CompletionStage<SessionEntity.Transcript> transcript(Principal who, String id, long afterSeq, int limit) {
    return session(id).askWithStatus(r -> new SessionEntity.GetTranscript(who.userId(), true, afterSeq, limit, r), askTimeout);
  }

  private CompletionStage<SessionEntity.SessionSummary> readable(Principal who, String id) {
    return sessions.readable(who, id, "a session's room is for its participants and admins only");
  }

  private static long number(String field, Optional<String> value, long otherwise, long min, long max) {
    if (value.isEmpty()) {
      return otherwise;
    }
    Function<String, ProblemException> bad = why -> new ProblemException(Problem.badRequest(field, why));
    long n;
    try {
      n = Long.parseLong(value.get());
    } catch (NumberFormatException e) {
      throw bad.apply("must be a whole number");
    }
    if (n < min || n > max) {
      throw bad.apply("must be between " + min + " and " + max);
    }
    return n;
  }

  private EntityRef<SessionEntity.Command> session(String id) {
    return sessions.session(id);
  }
}
