package io.tutormesh.gateway.availability;

import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.AvailabilityTopics;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * `GET /v1/availability` (who can take an instant request now) and `GET /v1/availability/stream`
 * (the same as server-sent events: a `snapshot`, then `available` / `unavailable` changes). Open
 * to every valid token. The subject's {@link MatchPool} answers the snapshot; the subject's
 * availability topic carries the changes.
 */
public final class AvailabilityRoutes extends ApiDirectives {

  private static final ContentType EVENT_STREAM = MediaTypes.TEXT_EVENT_STREAM.toContentType();

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Catalog catalog;
  private final AvailabilitySettings settings;
  /** Every open event stream; ended (normally, so that clients reconnect elsewhere) when the node stops. */
  private final SharedKillSwitch openStreams = KillSwitches.shared("availability-streams");

  public AvailabilityRoutes(ApiContext context, Catalog catalog) {
    super(context);
    this.system = context.system();
    this.sharding = context.sharding();
    this.askTimeout = context.askTimeout();
    this.catalog = catalog;
    this.settings = AvailabilitySettings.fromConfig(context.system().settings().config());
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "end-availability-streams", this::endStreams);
  }

  public Route route() {
    return pathPrefix("availability", () -> concat(
        pathEnd(() -> endpoint("/v1/availability", () -> authenticated(who -> get(() -> query(this::snapshot))))),
        path("stream", () -> endpoint("/v1/availability/stream", () -> authenticated(who -> get(() -> query(this::stream)))))));
  }

  /** The checked query parameters (400 naming the bad one). */
  private Route query(Function<AvailabilityQuery, Route> inner) {
    return parameterOptional("subject", subject -> parameterOptional("language", language -> parameterOptional("level",
        level -> inner.apply(AvailabilityQuery.parse(catalog, subject.orElse(null), language.orElse(null), level.orElse(null))))));
  }

  private Route snapshot(AvailabilityQuery query) {
    return reply(200, available(query), answer -> AvailabilityFrames.availability(query.subject(), answer.tutors()));
  }

  /**
   * Subscribes first, then asks the pool, so that no change between the two is lost: a change
   * the snapshot already shows may come once more, which is harmless as each event carries the
   * tutor's whole state. If the snapshot fails the answer is a problem, not a stream.
   */
  private Route stream(AvailabilityQuery query) {
    LiveFeed feed = LiveFeed.subscribe(system, AvailabilityTopics.get(system).topic(query.subject()), settings.bufferSize(), askTimeout);
    return completeWithFuture(
        feed.subscribed()
            .thenComposeAsync(subscribed -> available(query), executor)
            .handleAsync((answer, error) -> respond(query, feed, answer, error), executor));
  }

  private HttpResponse respond(AvailabilityQuery query, LiveFeed feed, MatchPool.Available answer, Throwable error) {
    if (error != null) {
      feed.close();
      return failure(error);
    }
    List<TutorCard> snapshot = answer.tutors();
    Source<ByteString, NotUsed> events =
        Source.single(SseFrames.event(AvailabilityView.snapshotFrame(query, snapshot)))
            .concat(feed.updates()
                .mapConcat(LatestPerTutor::events)
                .<Object>map(event -> event)
                .merge(resyncs(query))
                .statefulMapConcat(() -> framesOf(new AvailabilityView(query, snapshot)))
                .map(SseFrames::event))
            .keepAlive(settings.keepAlive(), () -> SseFrames.KEEP_ALIVE)
            .via(openStreams.flow());
    return HttpResponse.create()
        .withEntity(HttpEntities.createChunked(EVENT_STREAM, events))
        .addHeader(CacheControl.create(CacheDirectives.NO_CACHE));
  }

  private CompletionStage<Done> endStreams() {
    openStreams.shutdown();
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  /** A fresh answer of the pool every resync interval, to repair deltas lost between nodes. */
  private Source<Object, NotUsed> resyncs(AvailabilityQuery query) {
    Duration every = settings.resyncInterval();
    return Source.tick(every, every, NotUsed.getInstance())
        .mapAsync(1, tick -> available(query).handleAsync((answer, error) -> answer == null ? List.<Object>of() : List.<Object>of(new Resync(answer.tutors())), executor))
        .<Object>mapConcat(resync -> resync)
        .mapMaterializedValue(cancellable -> NotUsed.getInstance());
  }

  private record Resync(List<TutorCard> pool) {}

  /** One stream's view: topic events and resyncs in, frames out. */
  private static org.apache.pekko.japi.function.Function<Object, Iterable<AvailabilityFrames.Frame>> framesOf(AvailabilityView view) {
    return item -> item instanceof Resync resync ? view.resyncFrames(resync.pool()) : view.frames((AvailabilityEvent) item);
  }

  private CompletionStage<MatchPool.Available> available(AvailabilityQuery query) {
    return sharding
        .entityRefFor(MatchPool.ENTITY_KEY, query.subject())
        .ask(replyTo -> new MatchPool.GetAvailable(query.language(), query.level(), replyTo), askTimeout);
  }
}
