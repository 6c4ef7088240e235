package io.tutormesh.gateway.tutor;

import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.persistence.directory.DirectoryListing;
import io.tutormesh.persistence.directory.DirectoryRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * `GET /v1/tutors`: tutor search, open to every valid token. One subject's directory listing
 * (the tutor-directory projection's table) is read in tutor id order from the cursor on, filtered
 * here (level, language, rate, rating, suspension) until the page is full or the request's bound
 * on work is reached. {@code availableNow=true} reads the subject's {@link MatchPool} (the live
 * index of ONLINE and AVAILABLE tutors) instead of the directory; {@code availableAt} asks each
 * candidate's TutorEntity for its bookable slots ({@link TutorEntity.GetSlots}), a few at a time.
 */
public final class TutorSearchRoutes extends ApiDirectives {

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Catalog catalog;
  private final DirectoryRepository directory;
  private final TutorSearchSettings settings;

  public TutorSearchRoutes(ApiContext context, Catalog catalog, DirectoryRepository directory) {
    super(context);
    this.system = context.system();
    this.sharding = context.sharding();
    this.askTimeout = context.askTimeout();
    this.catalog = catalog;
    this.directory = directory;
    this.settings = TutorSearchSettings.fromConfig(context.system().settings().config());
  }

  public Route route() {
    return path("tutors", () -> endpoint("/v1/tutors", () -> authenticated(who -> get(() -> parameterMap(
        params -> search(TutorSearchQuery.parse(catalog, settings, params)))))));
  }

  private Route search(TutorSearchQuery query) {
    int bound = query.availableAt() == null ? settings.maxScan() : Math.min(settings.maxScan(), settings.maxSlotChecks());
    AtomicInteger matched = new AtomicInteger();
    CompletionStage<SearchPage> page = candidates(query)
        .take(bound)
        .mapAsync(settings.slotCheckParallelism(), listing -> check(query, listing))
        .takeWhile(checked -> (checked.matched() ? matched.incrementAndGet() : matched.get()) <= query.limit(), true)
        .runWith(Sink.seq(), system)
        .thenApply(checked -> SearchPage.of(checked, query.limit(), bound));
    return reply(200, page, found -> TutorDtos.SearchResult.of(query.subject(), found));
  }

  /** The subject's tutors after the cursor, in tutor id order: from the directory, or the live pool. */
  private Source<DirectoryListing, NotUsed> candidates(TutorSearchQuery query) {
    if (!query.availableNow()) {
      return directory.bySubject(query.subject(), query.after(), settings.fetchSize());
    }
    CompletionStage<MatchPool.Available> available = sharding
        .entityRefFor(MatchPool.ENTITY_KEY, query.subject())
        .ask(replyTo -> new MatchPool.GetAvailable(query.language(), query.level(), replyTo), askTimeout);
    return Source.completionStage(available).mapConcat(answer -> answer.tutors().stream()
        .map(card -> listingOf(query.subject(), card))
        .filter(listing -> query.after() == null || listing.tutorId().compareTo(query.after()) > 0)
        .sorted(Comparator.comparing(DirectoryListing::tutorId))
        .toList());
  }

  private static DirectoryListing listingOf(String subject, TutorCard card) {
    TutorEntity.Rating rating = card.rating() == null ? TutorEntity.Rating.NONE : card.rating();
    return new DirectoryListing(subject, card.tutorId(), card.displayName(), card.subjectNames(), card.levelsFor(subject),
        card.languages(), card.rateCents(), card.currency(), rating.average(), rating.count(), false);
  }

  /** Whether a candidate passes the filters; with {@code availableAt}, its TutorEntity says whether a slot starts then. */
  private CompletionStage<SearchPage.Checked> check(TutorSearchQuery query, DirectoryListing listing) {
    if (!query.matches(listing)) {
      return CompletableFuture.completedFuture(new SearchPage.Checked(listing, false));
    }
    Instant at = query.availableAt();
    if (at == null) {
      return CompletableFuture.completedFuture(new SearchPage.Checked(listing, true));
    }
    return sharding.entityRefFor(TutorEntity.ENTITY_KEY, listing.tutorId())
        .<TutorEntity.BookableSlots>askWithStatus(replyTo -> new TutorEntity.GetSlots(at, at.plusSeconds(1), null, replyTo), askTimeout)
        .handleAsync((slots, error) -> {
          if (error == null) {
            return new SearchPage.Checked(listing, slots.slots().stream().anyMatch(slot -> slot.start().equals(at)));
          }
          if (unwrap(error) instanceof StatusReply.ErrorMessage) {
            return new SearchPage.Checked(listing, false); // refused (e.g. no such tutor): no slot
          }
          throw new CompletionException(unwrap(error)); // a timeout: the answer would be wrong, so 503
        }, executor);
  }
}
