package io.tutormesh.gateway.calendar;

import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.auth.Principal;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.gateway.http.Json;
import io.tutormesh.gateway.http.Problem;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Calendar feeds of booked lessons, for tutors and students alike:
 *
 * <ul>
 *   <li>{@code GET /v1/{tutors|students}/{id}/calendar-feed} (the user or an admin, Bearer) →
 *       {@code {url}}: the {@code calendar.ics} URL with the user's feed token, for a calendar
 *       app to subscribe to;
 *   <li>{@code GET /v1/{tutors|students}/{id}/calendar.ics} → {@code text/calendar}: with
 *       {@code ?feed=<token>} (no Authorization header: calendar apps send none), or with the
 *       Bearer token of the user or an admin. A wrong feed token is 403, whatever else is sent.
 * </ul>
 *
 * <p>A feed lists the user's upcoming booked lessons ({@link #lessons}): a tutor's from its
 * calendar, a student's from its StudentEntity (the lessons its wallet holds money for); a
 * cancelled lesson leaves both, so it is removed from the feed. The user must exist (404 otherwise).
 */
public final class CalendarRoutes extends ApiDirectives {

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final FeedTokens tokens;
  private final String publicUrl;
  private final Clock clock;

  /** Which user a feed is of: its path segment, role, feed-token kind. */
  private enum Owner {
    TUTOR("tutors", Role.TUTOR, "tutor"),
    STUDENT("students", Role.STUDENT, "student");

    final String segment;
    final Role role;
    final String kind;

    Owner(String segment, Role role, String kind) {
      this.segment = segment;
      this.role = role;
      this.kind = kind;
    }
  }

  public CalendarRoutes(ApiContext context) {
    super(context);
    this.sharding = context.sharding();
    this.askTimeout = context.askTimeout();
    this.tokens = new FeedTokens(context.auth().deriveKey("calendar-feed"));
    String configured = context.system().settings().config().getString("tutormesh.http.public-url").trim();
    this.publicUrl = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
    this.clock = Clock.systemUTC();
  }

  public Route route() {
    return concat(routesOf(Owner.TUTOR), routesOf(Owner.STUDENT));
  }

  private Route routesOf(Owner owner) {
    String base = "/v1/" + owner.segment + "/{id}/";
    return pathPrefix(owner.segment, () -> pathPrefix(PathMatchers.segment(), id -> concat(
        path("calendar-feed", () -> endpoint(base + "calendar-feed", () -> validId("id", id, () -> get(() ->
            authenticated(who -> owned(who, owner, id, () -> feedUrl(owner, id))))))),
        path("calendar.ics", () -> endpoint(base + "calendar.ics", () -> validId("id", id, () -> get(() ->
            parameterOptional("feed", feed -> calendar(owner, id, feed)))))))));
  }

  private Route owned(Principal who, Owner owner, String id, java.util.function.Supplier<Route> inner) {
    return authorize(who.mayReadPrivateOf(owner.role, id), "only this " + owner.kind + " or an admin may read its calendar", inner);
  }

  private Route feedUrl(Owner owner, String id) {
    return extractUri(uri -> reply(200, displayName(owner, id), name -> new FeedUrl(urlOf(uri, owner, id))));
  }

  private String urlOf(Uri requested, Owner owner, String id) {
    String base = publicUrl.isEmpty() ? requested.scheme() + "://" + requested.host().address() + port(requested) : publicUrl;
    return base + "/v1/" + owner.segment + "/" + id + "/calendar.ics?feed="
        + URLEncoder.encode(tokens.tokenFor(owner.kind, id), StandardCharsets.UTF_8);
  }

  private static String port(Uri uri) {
    int port = uri.port();
    boolean usual = port == 0 || ("http".equals(uri.scheme()) && port == 80) || ("https".equals(uri.scheme()) && port == 443);
    return usual ? "" : ":" + port;
  }

  private Route calendar(Owner owner, String id, Optional<String> feed) {
    if (feed.isPresent()) {
      return tokens.matches(owner.kind, id, feed.get())
          ? ics(owner, id)
          : complete(Json.problem(Problem.forbidden("this feed token does not open this calendar")));
    }
    return authenticated(who -> owned(who, owner, id, () -> ics(owner, id)));
  }

  private Route ics(Owner owner, String id) {
    CompletionStage<HttpResponse> answer = displayName(owner, id)
        .thenCombine(lessons(owner, id), (name, lessons) -> calendarResponse(name, lessons));
    return completeWithFuture(answer.handleAsync((response, error) -> error == null ? response : failure(error), executor));
  }

  private HttpResponse calendarResponse(String name, List<CalendarEntry> lessons) {
    String text = CalendarRenderer.render("Tutormesh: " + name, lessons, clock.instant());
    return HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.create(MediaTypes.TEXT_CALENDAR, HttpCharsets.UTF_8), text))
        .addHeader(RawHeader.create("Cache-Control", "private, max-age=300"));
  }

  /** The user's display name; fails NOT_FOUND (404) for an unknown user. */
  private CompletionStage<String> displayName(Owner owner, String id) {
    if (owner == Owner.TUTOR) {
      return sharding.entityRefFor(TutorEntity.ENTITY_KEY, id).askWithStatus(TutorEntity.GetTutor::new, askTimeout)
          .thenApply(summary -> summary.profile().displayName());
    }
    return sharding.entityRefFor(StudentEntity.ENTITY_KEY, id).askWithStatus(StudentEntity.GetStudent::new, askTimeout)
        .thenApply(summary -> summary.profile().displayName());
  }

  /**
   * The user's upcoming booked lessons: a tutor's from its calendar (the TutorEntity is its single
   * writer), a student's from its StudentEntity, which keeps the lessons its wallet holds money for
   * (a cancelled, failed or rescheduled booking leaves with its hold). The counterpart is named by id.
   */
  private CompletionStage<List<CalendarEntry>> lessons(Owner owner, String id) {
    if (owner == Owner.STUDENT) {
      return sharding.entityRefFor(StudentEntity.ENTITY_KEY, id).askWithStatus(StudentEntity.GetBookings::new, askTimeout)
          .thenApply(bookings -> bookings.lessons().stream()
              .map(l -> new CalendarEntry(l.sessionId(), l.subject(), l.level(), l.start(), l.end(), l.tutorId(), false))
              .toList());
    }
    return sharding.entityRefFor(TutorEntity.ENTITY_KEY, id).askWithStatus(TutorEntity.GetCalendar::new, askTimeout)
        .thenApply(calendar -> calendar.bookings().stream()
            .map(slot -> new CalendarEntry(slot.sessionId(), slot.subject(), slot.level(), slot.start(), slot.end(), slot.studentId(), false))
            .toList());
  }

  /** {@code GET .../calendar-feed}. */
  public record FeedUrl(String url) {}
}
