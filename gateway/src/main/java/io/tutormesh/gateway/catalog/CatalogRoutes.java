package io.tutormesh.gateway.catalog;

import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.gateway.http.Json;
import java.util.List;
import org.apache.pekko.http.javadsl.server.Route;

/** `GET /v1/catalog`: the subjects and levels this deployment offers, and its currency. */
public final class CatalogRoutes extends ApiDirectives {

  /** The wire form of the catalogue. */
  public record CatalogDto(List<SubjectDto> subjects, List<String> levels, String currency) {}

  public record SubjectDto(String subject, List<String> levels) {}

  private final CatalogDto catalog;

  public CatalogRoutes(ApiContext context, Catalog catalog) {
    super(context);
    this.catalog =
        new CatalogDto(
            catalog.subjects().stream().map(s -> new SubjectDto(s.subject(), s.levels())).toList(),
            catalog.levels(),
            catalog.currency());
  }

  public Route route() {
    return path("catalog", () -> endpoint("/v1/catalog", () -> authenticated(who -> get(() -> complete(Json.response(200, catalog))))));
  }
}
