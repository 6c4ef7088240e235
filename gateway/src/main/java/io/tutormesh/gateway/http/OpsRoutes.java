package io.tutormesh.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/** `/health`, `/ready`, `/metrics`, `/openapi.json`: no prefix, no token. */
public final class OpsRoutes extends ApiDirectives {

  private final Supplier<CompletionStage<Optional<String>>> readiness;
  private final byte[] openApi;

  /** @param readiness empty when ready, else why not */
  public OpsRoutes(ApiContext context, Supplier<CompletionStage<Optional<String>>> readiness) {
    super(context);
    this.readiness = readiness;
    this.openApi = resource("openapi.json");
  }

  public Route route() {
    return concat(
        path("health", () -> endpoint("/health", () -> get(() -> complete(Json.response(200, Map.of("status", "UP")))))),
        path("ready", () -> endpoint("/ready", () -> get(this::ready))),
        path("metrics", () -> endpoint("/metrics", () -> get(() -> complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape())))))),
        path("openapi.json", () -> endpoint("/openapi.json", () -> get(() -> complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, openApi)))))));
  }

  private Route ready() {
    return completeWithFuture(
        readiness
            .get()
            .thenApplyAsync(
                notReady ->
                    notReady
                        .map(reason -> problem(Problem.unavailable(reason)))
                        .orElseGet(() -> Json.response(200, Map.of("status", "READY"))),
                executor));
  }

  private static byte[] resource(String name) {
    try (InputStream in = OpsRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
