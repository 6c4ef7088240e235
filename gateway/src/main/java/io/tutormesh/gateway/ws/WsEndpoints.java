package io.tutormesh.gateway.ws;

import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.gateway.auth.Principal;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.http.ApiContext;
import java.time.Duration;
import java.util.Set;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * Maps the live sockets onto the Jetty container: {@code /ws/tutor} (tutors),
 * {@code /ws/session/{sessionId}} (the session's student and tutor), {@code /ws/availability}
 * (partners and admins). {@link Upgrades} checks the token, role and session at the upgrade; each
 * accepted connection is one actor ({@link TutorSocket}, {@link SessionSocket},
 * {@link AvailabilitySocket}, all {@link SocketActor}s) behind a {@link SocketListener}. The limits
 * come from {@code tutormesh.ws} (see {@code websocket.conf}).
 */
public final class WsEndpoints {

  private final ApiContext context;
  private final WsSettings settings;
  private final Catalog catalog;
  private final AvailabilitySource availability;
  private final Duration resyncInterval;
  private final RoomMetrics roomMetrics;

  private WsEndpoints(ApiContext context) {
    this.context = context;
    this.settings = WsSettings.from(context.system().settings().config(), context.askTimeout());
    this.catalog = Catalog.fromConfig(context.system().settings().config());
    this.availability = AvailabilitySource.of(context.system(), context.sharding());
    this.resyncInterval = context.system().settings().config().getDuration("tutormesh.availability.resync-interval");
    this.roomMetrics = new RoomMetrics(context.metrics().registry());
  }

  public static void mount(ServerWebSocketContainer container, ApiContext context) {
    WsEndpoints endpoints = new WsEndpoints(context);
    Upgrades upgrades = new Upgrades(context, endpoints.settings);
    container.addMapping("/ws/tutor", upgrades.forRoles("tutor", Set.of(Role.TUTOR), endpoints::tutor));
    container.addMapping(new UriTemplatePathSpec("/ws/session/{sessionId}"), upgrades.forSession(endpoints::session));
    container.addMapping("/ws/availability", upgrades.forRoles("availability", Set.of(Role.PARTNER, Role.ADMIN), endpoints::availability));
  }

  private Upgrades.Opener tutor(Principal principal) {
    return (connectionId, wire) -> TutorSocket.create(principal.userId(), context.sharding(), settings, connectionId, wire);
  }

  private Upgrades.Opener session(String sessionId, Principal principal) {
    return (connectionId, wire) -> SessionSocket.create(sessionId, principal.userId(), context.sharding(), settings, roomMetrics, connectionId, wire);
  }

  private Upgrades.Opener availability(Principal principal) {
    return (connectionId, wire) -> AvailabilitySocket.create(catalog, availability, settings, resyncInterval, connectionId, wire);
  }
}
