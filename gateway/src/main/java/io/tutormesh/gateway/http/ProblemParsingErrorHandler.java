package io.tutormesh.gateway.http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * A request too malformed to reach any route (a control character in a header, a bad request
 * line, an oversized header) is answered like every other error: problem+json with the status
 * the parser chose. Pekko HTTP creates it from {@code pekko.http.server.parsing.error-handler}.
 */
public final class ProblemParsingErrorHandler extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo error, LoggingAdapter log, ServerSettings settings) {
    log.debug("Malformed request answered {}: {}", status.intValue(), error.formatPretty());
    String title = status.reason().isEmpty() ? "Malformed request" : status.reason();
    return Json.problem(Problem.of(status.intValue(), "malformed-request", title, "the request could not be read: " + error.summary()));
  }
}
