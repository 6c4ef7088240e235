package io.tutormesh.gateway.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every error the HTTP layer can produce, answered as application/problem+json. */
public final class ProblemHandlers {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandlers.class);

  public static final ExceptionHandler EXCEPTIONS =
      ExceptionHandler.newBuilder()
          .match(ProblemException.class, e -> complete(Json.problem(e.problem())))
          .match(EntityStreamSizeException.class, e -> complete(Json.problem(tooLarge())))
          .matchAny(
              e -> {
                log.error("Unhandled error in a route", e);
                return complete(Json.problem(Problem.internal("unexpected error")));
              })
          .build();

  public static final RejectionHandler REJECTIONS =
      RejectionHandler.newBuilder()
          .handleAll(MethodRejection.class, ProblemHandlers::methodNotAllowed)
          .handle(MalformedRequestContentRejection.class, ProblemHandlers::malformed)
          .handle(
              UnsupportedRequestContentTypeRejection.class,
              r -> complete(Json.problem(Problem.unsupportedMediaType("unsupported Content-Type"))))
          .handle(
              org.apache.pekko.http.javadsl.server.Rejection.class,
              r -> complete(Json.problem(Problem.badRequest("", "request rejected: " + r))))
          .handleNotFound(complete(Json.problem(Problem.notFound("no such resource"))))
          .build();

  private ProblemHandlers() {}

  /** `inner`, with its rejections and exceptions turned into problem+json responses. */
  public static Route sealed(Supplier<Route> inner) {
    return handleExceptions(EXCEPTIONS, () -> handleRejections(REJECTIONS, inner));
  }

  private static Route methodNotAllowed(List<MethodRejection> rejections) {
    String allowed =
        rejections.stream().map(r -> r.supported().name()).distinct().collect(Collectors.joining(", "));
    return complete(
        Json.problem(Problem.methodNotAllowed("method not allowed here; allowed: " + allowed))
            .addHeader(org.apache.pekko.http.javadsl.model.headers.RawHeader.create("Allow", allowed)));
  }

  private static Route malformed(MalformedRequestContentRejection rejection) {
    if (rejection.getCause() instanceof EntityStreamSizeException) {
      return complete(Json.problem(tooLarge()));
    }
    return complete(Json.problem(Problem.badRequest("", "malformed request body: " + rejection.message())));
  }

  private static Problem tooLarge() {
    return Problem.tooLarge("the request body is larger than allowed");
  }
}
