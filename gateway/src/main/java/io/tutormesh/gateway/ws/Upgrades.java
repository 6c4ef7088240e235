package io.tutormesh.gateway.ws;

import io.tutormesh.engine.common.Ids;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.gateway.auth.AuthException;
import io.tutormesh.gateway.auth.Principal;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.Json;
import io.tutormesh.gateway.http.Problem;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;

/**
 * The upgrade checks of every socket, as Jetty {@link WebSocketCreator}s: the token
 * ({@code ?token=<JWT>}, or an {@code Authorization: Bearer} header) must be valid (else 401) and
 * carry an allowed role (else 403); a session socket also needs an existing session (else 404)
 * of which the caller is the student or the tutor (else 403). A refusal is answered with a
 * problem+json body and no socket is made.
 *
 * <p>The session check asks the session entity and waits for it (bounded by the ask timeout):
 * Jetty runs creators on its blocking-capable handler threads.
 */
final class Upgrades {

  private static final String SESSION_PREFIX = "/ws/session/";

  private final ApiContext context;
  private final WsSettings settings;

  Upgrades(ApiContext context, WsSettings settings) {
    this.context = context;
    this.settings = settings;
  }

  /** What a checked upgrade opens: the connection actor's behavior over its wire. */
  @FunctionalInterface
  interface Opener {
    Behavior<SocketActor.Command> open(String connectionId, Wire wire);
  }

  /** A creator for a socket open to the given roles. */
  WebSocketCreator forRoles(String kind, Set<Role> roles, Function<Principal, Opener> opener) {
    return (request, response, callback) -> {
      Principal principal = authenticate(request, response, callback, roles);
      return principal == null ? null : listener(kind, opener.apply(principal));
    };
  }

  /** The creator of {@code /ws/session/{sessionId}}: participants only. */
  WebSocketCreator forSession(SessionOpener opener) {
    java.time.Duration earlyJoin = context.system().settings().config().getDuration("tutormesh.room.early-join");
    return (request, response, callback) -> {
      Principal principal = authenticate(request, response, callback, Set.of(Role.values()));
      if (principal == null) {
        return null;
      }
      String path = Request.getPathInContext(request);
      String sessionId = path.startsWith(SESSION_PREFIX) ? path.substring(SESSION_PREFIX.length()) : "";
      if (!Ids.isValid(sessionId)) {
        return refuse(response, callback, Problem.notFound("no session " + sessionId));
      }
      SessionEntity.SessionSummary session;
      try {
        session = context.sharding()
            .entityRefFor(SessionEntity.ENTITY_KEY, sessionId)
            .askWithStatus(SessionEntity.GetSession::new, settings.askTimeout())
            .toCompletableFuture()
            .get(settings.askTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof TimeoutException) {
          return refuse(response, callback, Problem.unavailable("the session did not answer in time; try again"));
        }
        Rejection rejection = Rejection.parse(cause.getMessage());
        return refuse(response, callback, rejection.kind() == Rejection.Kind.NOT_FOUND
            ? Problem.notFound("no session " + sessionId)
            : Problem.internal("could not read session " + sessionId));
      } catch (TimeoutException e) {
        return refuse(response, callback, Problem.unavailable("the session did not answer in time; try again"));
      }
      if (!isParticipant(principal, session)) {
        return refuse(response, callback, Problem.forbidden("only the session's student and tutor may join its room"));
      }
      if (!OPEN_ROOMS.contains(session.status())) {
        return refuse(response, callback, Problem.conflict("the session is " + session.status() + ": its room is closed"));
      }
      if (session.status() == SessionEntity.Status.BOOKED && java.time.Instant.now().isBefore(session.start().minus(earlyJoin))) {
        return refuse(response, callback, Problem.conflict("this booked lesson's room opens at " + session.start().minus(earlyJoin)));
      }
      return listener("session", opener.open(sessionId, principal));
    };
  }

  /** A MATCHING session's socket shows its student the dispatch; the room itself opens at MATCHED. */
  private static final Set<SessionEntity.Status> OPEN_ROOMS = Set.of(
      SessionEntity.Status.MATCHING, SessionEntity.Status.MATCHED, SessionEntity.Status.BOOKED, SessionEntity.Status.LIVE);

  /** The session's student with a student token, or its tutor with a tutor token. */
  private static boolean isParticipant(Principal who, SessionEntity.SessionSummary session) {
    return (who.role() == Role.STUDENT && who.userId().equals(session.studentId()))
        || (who.role() == Role.TUTOR && who.userId().equals(session.tutorId()));
  }

  /** Opens a session socket once the checks passed. */
  @FunctionalInterface
  interface SessionOpener {
    Opener open(String sessionId, Principal principal);
  }

  private SocketListener listener(String kind, Opener opener) {
    String connectionId = UUID.randomUUID().toString();
    return new SocketListener(
        context.system(), "ws-" + kind + "-" + connectionId, TokenBucket.of(settings), wire -> opener.open(connectionId, wire));
  }

  /** The caller, or null when the upgrade was refused (and answered). */
  private Principal authenticate(
      ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback, Set<Role> roles) {
    Principal principal;
    try {
      principal = context.auth().verify(tokenOf(request));
    } catch (AuthException e) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      refuse(response, callback, Problem.unauthorized(e.getMessage()));
      return null;
    }
    if (!roles.contains(principal.role())) {
      refuse(response, callback, Problem.forbidden("this socket is not open to role " + principal.role().claim()));
      return null;
    }
    return principal;
  }

  private static String tokenOf(ServerUpgradeRequest request) {
    Fields query = Request.extractQueryParameters(request);
    String token = query.getValue("token");
    if (token != null) {
      return token;
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7);
    }
    return null;
  }

  /** Answers the upgrade request with a problem and makes no socket. */
  private static Object refuse(ServerUpgradeResponse response, Callback callback, Problem problem) {
    response.setStatus(problem.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Json.PROBLEM_JSON.toString());
    response.write(true, ByteBuffer.wrap(Json.bytes(problem)), callback);
    return null;
  }
}
