package io.tutormesh.gateway.http;

import io.tutormesh.engine.common.Ids;
import io.tutormesh.gateway.auth.Role;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * `POST /v1/dev/tokens {"sub","role"}` → `{"token"}`: tokens for trying the API out. Mounted only
 * in dev mode; outside it the path is an ordinary 404.
 */
public final class DevRoutes extends ApiDirectives {

  public record TokenRequest(String sub, String role) {}

  public record TokenResponse(String token, String sub, String role, Instant expiresAt) {}

  private final Duration ttl;

  public DevRoutes(ApiContext context, Duration ttl) {
    super(context);
    this.ttl = ttl;
  }

  public Route route() {
    return path(PathMatchers.segment("dev").slash("tokens"), () -> endpoint("/v1/dev/tokens", () -> post(() -> jsonBody(TokenRequest.class, this::issue))));
  }

  private Route issue(TokenRequest request) {
    if (request.sub() == null || !Ids.isValid(request.sub())) {
      return complete(Json.problem(Problem.badRequest("sub", "must match [A-Za-z0-9_-]{1,64}")));
    }
    Role role = Role.fromClaim(request.role()).orElse(null);
    if (role == null) {
      return complete(Json.problem(Problem.badRequest("role", "must be student, tutor, partner or admin")));
    }
    String token = auth.issue(request.sub(), role, ttl);
    return complete(Json.response(200, new TokenResponse(token, request.sub(), role.claim(), Instant.now().plus(ttl))));
  }
}
