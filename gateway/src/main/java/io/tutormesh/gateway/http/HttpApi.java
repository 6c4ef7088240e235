package io.tutormesh.gateway.http;

import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.gateway.admin.AdminRoutes;
import io.tutormesh.gateway.admin.KpiRoutes;
import io.tutormesh.gateway.availability.AvailabilityRoutes;
import io.tutormesh.gateway.calendar.CalendarRoutes;
import io.tutormesh.gateway.catalog.CatalogRoutes;
import io.tutormesh.gateway.money.MoneyRoutes;
import io.tutormesh.gateway.money.SubscriptionRoutes;
import io.tutormesh.gateway.review.ReviewRoutes;
import io.tutormesh.gateway.schedule.ScheduleRoutes;
import io.tutormesh.gateway.session.DocumentRoutes;
import io.tutormesh.gateway.session.RoomRoutes;
import io.tutormesh.gateway.session.SessionRoutes;
import io.tutormesh.gateway.student.StudentRoutes;
import io.tutormesh.gateway.tutor.TutorRoutes;
import io.tutormesh.gateway.tutor.TutorSearchRoutes;
import io.tutormesh.persistence.directory.DirectoryRepository;
import io.tutormesh.persistence.ledger.LedgerCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** The whole REST surface: operations at the root, the API under `/v1`, problem+json for the rest. */
public final class HttpApi extends AllDirectives {

  private final Route route;

  public HttpApi(
      ApiContext context,
      Catalog catalog,
      boolean devMode,
      Duration devTokenTtl,
      Supplier<CompletionStage<Optional<String>>> readiness,
      LedgerCheck ledger,
      DirectoryRepository directory) {
    List<Route> v1 = new ArrayList<>();
    if (devMode) {
      v1.add(new DevRoutes(context, devTokenTtl).route());
    }
    v1.add(new CatalogRoutes(context, catalog).route());
    v1.add(new TutorSearchRoutes(context, catalog, directory).route());
    v1.add(new TutorRoutes(context).route());
    v1.add(new ScheduleRoutes(context).route());
    v1.add(new CalendarRoutes(context).route());
    v1.add(new StudentRoutes(context).route());
    v1.add(new MoneyRoutes(context).route());
    v1.add(new SubscriptionRoutes(context).route());
    v1.add(new SessionRoutes(context).route());
    v1.add(new RoomRoutes(context).route());
    v1.add(new DocumentRoutes(context).route());
    v1.add(new AvailabilityRoutes(context, catalog).route());
    v1.add(new ReviewRoutes(context).route());
    v1.add(new AdminRoutes(context, ledger).route());
    v1.add(new KpiRoutes(context).route());
    Route ops = new OpsRoutes(context, readiness).route();
    this.route =
        ProblemHandlers.sealed(() -> concat(ops, pathPrefix("v1", () -> concat(v1.get(0), v1.subList(1, v1.size()).toArray(Route[]::new)))));
  }

  public Route route() {
    return route;
  }
}
