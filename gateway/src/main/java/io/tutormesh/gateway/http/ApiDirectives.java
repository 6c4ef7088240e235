package io.tutormesh.gateway.http;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import io.tutormesh.engine.common.Ids;
import io.tutormesh.gateway.Metrics;
import io.tutormesh.gateway.auth.AuthException;
import io.tutormesh.gateway.auth.JwtAuth;
import io.tutormesh.gateway.auth.Principal;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few directives every REST route is built from: a timed and sealed endpoint, the bearer
 * token, a size-limited JSON body, and the mapping of an entity's answer to a response.
 */
public class ApiDirectives extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(ApiDirectives.class);
  private static final HttpHeader WWW_AUTHENTICATE = RawHeader.create("WWW-Authenticate", "Bearer");

  protected final JwtAuth auth;
  protected final Metrics metrics;
  protected final long maxBodyBytes;
  /**
   * Where continuations on entities' answers run: the actor system's default dispatcher. Asks
   * complete as Scala futures, whose non-async JDK continuations would otherwise go to the JVM's
   * default executor (one new thread per step on a small machine: bench/RESULTS.md, problem 1).
   */
  protected final Executor executor;
  private final HttpHeader retryAfter;

  protected ApiDirectives(ApiContext context) {
    this.auth = context.auth();
    this.metrics = context.metrics();
    this.maxBodyBytes = context.maxBodyBytes();
    this.executor = context.system().executionContext();
    Duration hint = context.system().settings().config().getDuration("tutormesh.http.retry-after");
    this.retryAfter = RawHeader.create("Retry-After", Long.toString(Math.max(1, (hint.toMillis() + 999) / 1000)));
  }

  /**
   * One endpoint (a path template): its latency is recorded under the template, and its own
   * rejections and exceptions become problem+json here (a wrong method on a known path is 405).
   */
  protected Route endpoint(String template, Supplier<Route> inner) {
    return extractRequest(
        request -> {
          long start = System.nanoTime();
          String method = request.method().value();
          return mapResponse(
              response -> {
                metrics.recordHttp(template, method, response.status().intValue(), System.nanoTime() - start);
                return response;
              },
              () -> ProblemHandlers.sealed(inner));
        });
  }

  /** The verified caller; 401 (problem+json, `WWW-Authenticate: Bearer`) otherwise. */
  protected Route authenticated(Function<Principal, Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        header -> {
          Optional<String> token = header.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7));
          try {
            return inner.apply(auth.verify(token.orElse(null)));
          } catch (AuthException e) {
            return complete(Json.problem(Problem.unauthorized(e.getMessage())).addHeader(WWW_AUTHENTICATE));
          }
        });
  }

  /** Runs `inner` only when `allowed`; 403 otherwise. */
  protected Route authorize(boolean allowed, String why, Supplier<Route> inner) {
    return allowed ? inner.get() : complete(Json.problem(Problem.forbidden(why)));
  }

  /** Path ids must match `[A-Za-z0-9_-]{1,64}`. */
  protected Route validId(String field, String id, Supplier<Route> inner) {
    return Ids.isValid(id)
        ? inner.get()
        : complete(Json.problem(Problem.badRequest(field, "must match [A-Za-z0-9_-]{1,64}")));
  }

  /** A JSON body of at most `tutormesh.http.max-body` bytes, parsed into `type`. */
  protected <T> Route jsonBody(Class<T> type, Function<T, Route> inner) {
    return withSizeLimit(
        maxBodyBytes, () -> entity(Unmarshaller.entityToString(), body -> inner.apply(Json.read(body, type))));
  }

  /** Completes with `status` and the DTO of an entity's answer, or with the problem it failed with. */
  protected <T> Route reply(int status, CompletionStage<T> answer, Function<T, Object> toDto) {
    return completeWithFuture(
        answer.handleAsync((value, error) -> error == null ? Json.response(status, toDto.apply(value)) : failure(error), executor));
  }

  /** The answer to a failed ask: rejections by kind, timeouts (the engine's or Cassandra's) as 503. */
  public HttpResponse failure(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof ProblemException p) {
      return problem(p.problem());
    }
    if (cause instanceof StatusReply.ErrorMessage) {
      return problem(Problems.fromRejection(io.tutormesh.engine.common.Rejection.parse(cause.getMessage())));
    }
    if (cause instanceof TimeoutException) {
      return problem(Problem.unavailable("the engine did not answer in time; retry"));
    }
    if (cause instanceof DriverTimeoutException) {
      // A read model queried directly (e.g. the ledger check) on an overloaded Cassandra: not ready, not broken.
      return problem(Problem.unavailable("the database did not answer in time; retry"));
    }
    log.error("Unexpected failure answering a request", cause);
    return problem(Problem.internal("unexpected error"));
  }

  /** A problem+json answer; a 503 also says when to try again (`Retry-After`, `tutormesh.http.retry-after`). */
  public HttpResponse problem(Problem problem) {
    HttpResponse response = Json.problem(problem);
    return problem.status() == 503 ? response.addHeader(retryAfter) : response;
  }

  /** The exception inside a failed stage's {@link CompletionException}. */
  protected static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }
}
