package io.tutormesh.gateway.admin;

import io.tutormesh.engine.kpi.Kpis;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.gateway.http.Json;
import io.tutormesh.gateway.http.Problem;
import io.tutormesh.persistence.kpis.CassandraKpiRepository;
import io.tutormesh.persistence.kpis.KpiQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * `GET /v1/admin/kpis?from=&to=` (admins): the marketplace and finance KPIs of a window (default:
 * the last 24 h; bad, inverted or longer than `tutormesh.kpis.max-window` → 400).
 */
public final class KpiRoutes extends ApiDirectives {

  /** The KPIs on the wire. */
  public record KpisView(
      Instant from, Instant to, long requests, long matched, double matchRate, Kpis.Percentiles timeToMatchMs,
      long completed, long cancelled, long noShows, long grossCents, long commissionCents, long refundsCents,
      long escrowOutstandingCents, Double takeRate, Double paymentSuccessRate, long payments, String currency) {

    static KpisView of(Kpis k, String currency) {
      return new KpisView(k.from(), k.to(), k.requests(), k.matched(), k.matchRate(), k.timeToMatchMs(), k.completed(),
          k.cancelled(), k.noShows(), k.grossCents(), k.commissionCents(), k.refundsCents(), k.escrowOutstandingCents(),
          k.takeRate(), k.paymentSuccessRate(), k.payments(), currency);
    }
  }

  private static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

  private final KpiQuery query;
  private final Duration maxWindow;
  private final String currency;

  public KpiRoutes(ApiContext context) {
    super(context);
    var config = context.system().settings().config();
    this.query = new KpiQuery(
        CassandraKpiRepository.create(context.system(), config.getString("tutormesh.cassandra.keyspace")),
        config.getDuration("tutormesh.kpis.escrow-lookback"));
    this.maxWindow = config.getDuration("tutormesh.kpis.max-window");
    this.currency = config.getString("tutormesh.money.currency");
  }

  public Route route() {
    return pathPrefix("admin", () -> path("kpis", () -> endpoint("/v1/admin/kpis", () -> authenticated(who -> get(
        () -> authorize(who.isAdmin(), "admins only",
            () -> parameterOptional("from", from -> parameterOptional("to", to -> kpis(from, to)))))))));
  }

  private Route kpis(Optional<String> fromParam, Optional<String> toParam) {
    Instant now = Instant.now();
    Instant to;
    Instant from;
    try {
      to = toParam.map(Instant::parse).orElse(now);
    } catch (DateTimeParseException e) {
      return complete(Json.problem(Problem.badRequest("to", "an ISO-8601 UTC instant, e.g. 2026-11-28T10:00:00Z")));
    }
    try {
      from = fromParam.map(Instant::parse).orElse(to.minus(DEFAULT_WINDOW));
    } catch (DateTimeParseException e) {
      return complete(Json.problem(Problem.badRequest("from", "an ISO-8601 UTC instant, e.g. 2026-11-28T10:00:00Z")));
    }
    if (!from.isBefore(to)) {
      return complete(Json.problem(Problem.badRequest("from", "must be before to")));
    }
    if (Duration.between(from, to).compareTo(maxWindow) > 0) {
      return complete(Json.problem(Problem.badRequest("from", "the window is at most " + maxWindow.toDays() + " days")));
    }
    return reply(200, query.run(from, to, now), k -> KpisView.of(k, currency));
  }
}
