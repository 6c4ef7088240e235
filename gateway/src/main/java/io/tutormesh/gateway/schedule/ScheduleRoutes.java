package io.tutormesh.gateway.schedule;

import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.gateway.http.Json;
import io.tutormesh.gateway.http.Problem;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * `/v1/tutors/{id}/schedule` (read and written by that tutor or an admin) and
 * `/v1/tutors/{id}/slots` (public: any valid token). The rules and the slot expansion are the
 * engine's; this only parses, authorizes and maps.
 */
public final class ScheduleRoutes extends ApiDirectives {

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public ScheduleRoutes(ApiContext context) {
    super(context);
    this.sharding = context.sharding();
    this.askTimeout = context.askTimeout();
  }

  public Route route() {
    return pathPrefix("tutors", () -> pathPrefix(PathMatchers.segment(), id -> concat(
        path("schedule", () -> schedule(id)),
        path("slots", () -> slots(id)))));
  }

  private Route schedule(String id) {
    return endpoint("/v1/tutors/{id}/schedule", () -> authenticated(who -> validId("id", id, () ->
        authorize(who.mayWriteAs(Role.TUTOR, id), "only this tutor or an admin may read or write its schedule", () -> concat(
            get(() -> getSchedule(id)),
            put(() -> putSchedule(id)))))));
  }

  private Route getSchedule(String id) {
    return reply(200, sharding.entityRefFor(TutorEntity.ENTITY_KEY, id).askWithStatus(TutorEntity.GetSchedule::new, askTimeout),
        ScheduleDtos.ScheduleView::of);
  }

  private Route putSchedule(String id) {
    return jsonBody(ScheduleDtos.ScheduleRequest.class, body -> reply(
        200,
        sharding.entityRefFor(TutorEntity.ENTITY_KEY, id)
            .askWithStatus(replyTo -> new TutorEntity.SetSchedule(body.toDraft(), replyTo), askTimeout),
        ScheduleDtos.ScheduleView::of));
  }

  private Route slots(String id) {
    return endpoint("/v1/tutors/{id}/slots", () -> authenticated(who -> validId("id", id, () -> get(() ->
        parameterOptional("from", from -> parameterOptional("to", to -> parameterOptional("durationMinutes", minutes ->
            instant("from", from, fromValue -> instant("to", to, toValue -> number("durationMinutes", minutes, duration -> reply(
                200,
                sharding.entityRefFor(TutorEntity.ENTITY_KEY, id)
                    .askWithStatus(replyTo -> new TutorEntity.GetSlots(fromValue, toValue, duration, replyTo), askTimeout),
                ScheduleDtos.Slots::of)))))))))));
  }

  /** An optional ISO-8601 instant query parameter (null when absent); 400 naming it otherwise. */
  private Route instant(String name, Optional<String> text, Function<Instant, Route> inner) {
    if (text.isEmpty()) {
      return inner.apply(null);
    }
    try {
      return inner.apply(Instant.parse(text.get()));
    } catch (DateTimeParseException e) {
      return badRequest(name, "must be an ISO-8601 UTC instant such as 2026-12-01T09:00:00Z");
    }
  }

  /** An optional integer query parameter (null when absent); 400 naming it otherwise. */
  private Route number(String name, Optional<String> text, Function<Integer, Route> inner) {
    if (text.isEmpty()) {
      return inner.apply(null);
    }
    try {
      return inner.apply(Integer.parseInt(text.get()));
    } catch (NumberFormatException e) {
      return badRequest(name, "must be a whole number of minutes");
    }
  }

  private Route badRequest(String field, String detail) {
    return complete(Json.problem(Problem.badRequest(field, detail)));
  }
}
