package io.tutormesh.gateway.session;

import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.gateway.auth.Principal;
import io.tutormesh.gateway.http.Problem;
import io.tutormesh.gateway.http.ProblemException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** Reaching a session for a caller: it must exist (else 404) and be the caller's (else 403). */
final class SessionAccess {

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  SessionAccess(ClusterSharding sharding, Duration askTimeout) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
  }

  EntityRef<SessionEntity.Command> session(String id) {
    return sharding.entityRefFor(SessionEntity.ENTITY_KEY, id);
  }

  /** The session's summary, if the caller is one of its participants (with the right role) or an admin. */
  CompletionStage<SessionEntity.SessionSummary> readable(Principal who, String id, String forbidden) {
    return session(id).askWithStatus(SessionEntity.GetSession::new, askTimeout).thenApply(summary -> {
      if (!SessionDtos.mayAccess(who, summary)) {
        throw new ProblemException(Problem.forbidden(forbidden));
      }
      return summary;
    });
  }
}
