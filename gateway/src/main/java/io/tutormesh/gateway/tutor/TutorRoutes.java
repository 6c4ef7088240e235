package io.tutormesh.gateway.tutor;

import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import java.time.Duration;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** `/v1/tutors/{id}`: a tutor's public profile; written by that tutor (or an admin). */
public final class TutorRoutes extends ApiDirectives {

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public TutorRoutes(ApiContext context) {
    super(context);
    this.sharding = context.sharding();
    this.askTimeout = context.askTimeout();
  }

  public Route route() {
    return pathPrefix("tutors", () -> pathPrefix(PathMatchers.segment(), id -> concat(
        pathEnd(() -> tutor(id)),
        path("bookings", () -> bookings(id)))));
  }

  /** The tutor's upcoming booked lessons (that tutor and admins). */
  private Route bookings(String id) {
    return endpoint("/v1/tutors/{id}/bookings", () -> authenticated(who -> validId("id", id, () -> get(() -> authorize(
        who.mayReadPrivateOf(Role.TUTOR, id), "a tutor's bookings are for that tutor and admins only",
        () -> reply(200, sharding.entityRefFor(TutorEntity.ENTITY_KEY, id).askWithStatus(TutorEntity.GetCalendar::new, askTimeout),
            TutorDtos.Bookings::of))))));
  }

  private Route tutor(String id) {
    return endpoint("/v1/tutors/{id}", () -> authenticated(who -> validId("id", id, () -> concat(
        get(() -> getTutor(id, who.mayReadPrivateOf(Role.TUTOR, id))),
        put(() -> authorize(who.mayWriteAs(Role.TUTOR, id), "only this tutor or an admin may write it", () -> putTutor(id)))))));
  }

  /** The public profile; with its contact details for the tutor itself and admins. */
  private Route getTutor(String id, boolean owner) {
    return reply(
        200,
        sharding.entityRefFor(TutorEntity.ENTITY_KEY, id).askWithStatus(TutorEntity.GetTutor::new, askTimeout),
        summary -> owner ? TutorDtos.Tutor.ofOwn(summary) : TutorDtos.Tutor.of(summary));
  }

  private Route putTutor(String id) {
    return jsonBody(
        TutorDtos.ProfileRequest.class,
        body -> {
          TutorEntity.TutorProfile profile = body.toProfile();
          return reply(
              200,
              sharding
                  .entityRefFor(TutorEntity.ENTITY_KEY, id)
                  .askWithStatus(replyTo -> new TutorEntity.UpdateProfile(profile, replyTo), askTimeout),
              TutorDtos.Tutor::ofOwn);
        });
  }
}
