package io.tutormesh.gateway.admin;

import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.gateway.session.SessionDtos;
import io.tutormesh.gateway.tutor.TutorDtos;
import io.tutormesh.persistence.ledger.LedgerCheck;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/** `/v1/admin/...`: operator actions, admins only. */
public final class AdminRoutes extends ApiDirectives {

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final LedgerCheck ledger;

  public AdminRoutes(ApiContext context, LedgerCheck ledger) {
    super(context);
    this.sharding = context.sharding();
    this.askTimeout = context.askTimeout();
    this.ledger = ledger;
  }

  public Route route() {
    return pathPrefix("admin", () -> concat(
        pathPrefix("tutors", () -> pathPrefix(PathMatchers.segment(), id -> concat(
            path("suspend", () -> suspend(id)),
            path("reinstate", () -> reinstate(id))))),
        pathPrefix("sessions", () -> pathPrefix(PathMatchers.segment(), id -> concat(
            path("refund", () -> refund(id)),
            path("release", () -> release(id))))),
        path(PathMatchers.segment("ledger").slash("check"), this::ledgerCheck)));
  }

  /** A full refund of a completed or disputed session: the tutor's credit reversed, the student paid back. */
  private Route refund(String id) {
    return endpoint("/v1/admin/sessions/{id}/refund", () -> authenticated(who -> validId("id", id, () -> post(() -> authorize(
        who.isAdmin(), "admins only", () -> jsonBody(SessionDtos.ReasonBody.class, body -> reply(
            200,
            sharding.entityRefFor(SessionEntity.ENTITY_KEY, id).askWithStatus(replyTo -> new SessionEntity.Refund(who.userId(), body.reason(), replyTo), askTimeout),
            SessionDtos.Session::of)))))));
  }

  /** Ends a dispute in the tutor's favour: the session COMPLETED again, the tutor's credit available at once. */
  private Route release(String id) {
    return endpoint("/v1/admin/sessions/{id}/release", () -> authenticated(who -> validId("id", id, () -> post(() -> authorize(
        who.isAdmin(), "admins only", () -> jsonBody(SessionDtos.ReasonBody.class, body -> reply(
            200,
            sharding.entityRefFor(SessionEntity.ENTITY_KEY, id).askWithStatus(replyTo -> new SessionEntity.ReleaseDispute(who.userId(), body.reason(), replyTo), askTimeout),
            SessionDtos.Session::of)))))));
  }

  /** The ledger's trial balance and its reconciliation with the provider (eventually consistent). */
  private Route ledgerCheck() {
    return endpoint("/v1/admin/ledger/check", () -> authenticated(who -> get(
        () -> authorize(who.isAdmin(), "admins only", () -> reply(200, ledger.run(), AdminDtos.LedgerCheckView::of)))));
  }

  private Route suspend(String id) {
    return adminPost("/v1/admin/tutors/{id}/suspend", id, () -> jsonBody(AdminDtos.SuspendRequest.class, body -> reply(
        200,
        tutor(id).askWithStatus(replyTo -> new TutorEntity.Suspend(body.reason(), replyTo), askTimeout),
        TutorDtos.Tutor::of)));
  }

  private Route reinstate(String id) {
    return adminPost("/v1/admin/tutors/{id}/reinstate", id, () -> ignoringBody(() -> reply(
        200, tutor(id).askWithStatus(TutorEntity.Reinstate::new, askTimeout), TutorDtos.Tutor::of)));
  }

  /** Reads and drops any body, so that the answer never comes before the end of the request. */
  private Route ignoringBody(Supplier<Route> inner) {
    return withSizeLimit(maxBodyBytes, () -> entity(Unmarshaller.entityToString(), body -> inner.get()));
  }

  /** A POST on `/v1/admin/tutors/{id}/...`: a valid token (401), a valid id (400), an admin (403). */
  private Route adminPost(String template, String id, Supplier<Route> inner) {
    return endpoint(template, () -> authenticated(who -> validId("id", id, () -> post(
        () -> authorize(who.isAdmin(), "admins only", inner)))));
  }

  private EntityRef<TutorEntity.Command> tutor(String id) {
    return sharding.entityRefFor(TutorEntity.ENTITY_KEY, id);
  }
}
