package io.tutormesh.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.MatchingObserver;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.matching.Offer;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.session.SessionEntity.AcceptOffer;
import io.tutormesh.engine.session.SessionEntity.Cancel;
import io.tutormesh.engine.session.SessionEntity.CheckTutorHold;
import io.tutormesh.engine.session.SessionEntity.DeclineOffer;
import io.tutormesh.engine.session.SessionEntity.GetSession;
import io.tutormesh.engine.session.SessionEntity.SessionSummary;
import io.tutormesh.engine.session.SessionEntity.StartInstant;
import io.tutormesh.engine.session.SessionEntity.Status;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The instant dispatch of one session, with its neighbours faked: what it offers to whom, how it
 * moves on after a decline, a timeout or a tutor who cannot be reached, exactly one winner, the
 * endings, and resuming from its events after a restart. Every message crosses a serializer.
 */
class SessionEntityTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final MatchingSettings SETTINGS =
      new MatchingSettings(Duration.ofMillis(600), Duration.ofSeconds(30), 1, Duration.ofMillis(100), Duration.ofSeconds(45), 3, 15, 180);
  private static final InstantRequest CALCULUS = new InstantRequest("math", "university", "fr", 6000, 60);

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(TestSupport.testKitConfig()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Records everything the session sends and lets each test decide the answers. */
  static final class FakeLinks implements SessionEntity.Links {
    record Sent(String to, Object message) {}

    final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    final BlockingQueue<MatchPool.CandidateQuery> queries = new LinkedBlockingQueue<>();
    volatile Function<MatchPool.CandidateQuery, List<TutorCard>> candidates = q -> List.of();
    final ConcurrentHashMap<String, Boolean> refuseReservation = new ConcurrentHashMap<>();
    final List<String> reserved = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public CompletionStage<MatchPool.Candidates> findCandidates(MatchPool.CandidateQuery query) {
      queries.add(query);
      return CompletableFuture.completedFuture(new MatchPool.Candidates(candidates.apply(query)));
    }

    @Override
    public CompletionStage<Done> reserve(String tutorId, String sessionId, String studentId) {
      if (refuseReservation.containsKey(tutorId)) {
        return CompletableFuture.failedFuture(new IllegalStateException("busy"));
      }
      reserved.add(tutorId);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public void tutor(String tutorId, TutorEntity.Command command) {
      sent.add(new Sent("tutor:" + tutorId, command));
    }

    @Override
    public void pool(String subject, MatchPool.Command command) {
      sent.add(new Sent("pool:" + subject, command));
    }

    @Override
    public void student(String studentId, StudentEntity.Command command) {
      sent.add(new Sent("student:" + studentId, command));
    }

    @Override
    public void session(String sessionId, SessionEntity.Command command) {
      sent.add(new Sent("session:" + sessionId, command));
    }

    private final List<Sent> unclaimed = new ArrayList<>();

    /** The first message to `to` that matches, in the order sent (others stay for later awaits). */
    <T> T await(String to, Class<T> type, Predicate<T> matching) throws InterruptedException {
      long end = System.nanoTime() + WAIT.toNanos();
      while (true) {
        for (java.util.Iterator<Sent> it = unclaimed.iterator(); it.hasNext(); ) {
          Sent next = it.next();
          if (next.to().equals(to) && type.isInstance(next.message()) && matching.test(type.cast(next.message()))) {
            it.remove();
            return type.cast(next.message());
          }
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no " + type.getSimpleName() + " to " + to + " within " + WAIT + "; got " + unclaimed);
        }
        Sent arrived = sent.poll(left, TimeUnit.NANOSECONDS);
        if (arrived != null) {
          unclaimed.add(arrived);
        }
      }
    }

    Offer awaitOffer(String tutorId) throws InterruptedException {
      return await("tutor:" + tutorId, TutorEntity.DeliverOffer.class, d -> true).offer();
    }
  }

  private final FakeLinks links = new FakeLinks();

  /** The session settings of the test kit's config, with {@code matching}. */
  private static SessionEntity.Settings settings(MatchingSettings matching) {
    return SessionEntity.Settings.fromConfig(testKit.system().settings().config()).withMatching(matching);
  }

  private static TutorCard card(String tutorId, long rateCents) {
    return new TutorCard(tutorId, "Tutor " + tutorId, List.of(new SubjectOffer("math", List.of("university"))), List.of("fr"), rateCents, "EUR", Rating.NONE);
  }

  private ActorRef<SessionEntity.Command> spawn(String sessionId, PaymentGuard guard) {
    Behavior<SessionEntity.Command> behavior =
        SessionEntity.create(sessionId, settings(SETTINGS), links, guard, MatchingObserver.NONE, Clock.systemUTC(), null);
    return testKit.spawn(behavior);
  }

  private SessionSummary start(ActorRef<SessionEntity.Command> session, String studentId) {
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new StartInstant(studentId, CALCULUS, "EUR", reply.getRef()));
    return reply.receiveMessage(WAIT).getValue();
  }

  private SessionSummary get(ActorRef<SessionEntity.Command> session) {
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new GetSession(reply.getRef()));
    return reply.receiveMessage(WAIT).getValue();
  }

  private StatusReply<SessionSummary> accept(ActorRef<SessionEntity.Command> session, Offer offer, String tutorId) {
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new AcceptOffer(offer.offerId(), tutorId, reply.getRef()));
    return reply.receiveMessage(WAIT);
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  @Test
  void startAnswersMatchingAndOffersTheBestCandidateFirst() throws Exception {
    links.candidates = q -> List.of(card("ada", 4000), card("blaise", 4500));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);

    SessionSummary summary = start(session, "s1");

    assertThat(summary.status()).isEqualTo(Status.MATCHING);
    assertThat(summary.studentId()).isEqualTo("s1");
    assertThat(summary.timeline()).extracting(SessionEntity.TimelineEntry::status).containsExactly(Status.MATCHING);
    Offer offer = links.awaitOffer("ada");
    assertThat(offer.rateCents()).isEqualTo(4000);
    assertThat(offer.expiresAt()).isAfter(summary.start());
    assertThat(links.queries.poll()).satisfies(q -> {
      assertThat(q.subject()).isEqualTo("math");
      assertThat(q.level()).isEqualTo("university");
      assertThat(q.maxRateCents()).isEqualTo(6000);
      assertThat(q.exclude()).isEmpty();
    });
  }

  @Test
  void aDeclineMovesOnToTheNextCandidateAndTheAcceptMatches() throws Exception {
    links.candidates = q -> q.exclude().contains("ada") ? List.of(card("blaise", 4500)) : List.of(card("ada", 4000));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    start(session, "s2");
    Offer first = links.awaitOffer("ada");

    TestProbe<StatusReply<Done>> declined = testKit.createTestProbe();
    session.tell(new DeclineOffer(first.offerId(), "ada", declined.getRef()));
    assertThat(declined.receiveMessage(WAIT).isSuccess()).isTrue();
    links.await("pool:math", MatchPool.OfferOutcome.class, o -> o.tutorId().equals("ada") && o.outcome() == MatchPool.Outcome.DECLINED);

    Offer second = links.awaitOffer("blaise");
    StatusReply<SessionSummary> matched = accept(session, second, "blaise");
    assertThat(matched.isSuccess()).isTrue();
    assertThat(matched.getValue().status()).isEqualTo(Status.MATCHED);
    assertThat(matched.getValue().tutorId()).isEqualTo("blaise");
    assertThat(matched.getValue().rateCents()).isEqualTo(4500);
    assertThat(links.reserved).containsExactly("blaise");
    links.await("student:s2", StudentEntity.CloseInstantRequest.class, c -> true);
    links.await("pool:math", MatchPool.SessionMatched.class, m -> m.tutorId().equals("blaise") && m.studentId().equals("s2"));
    assertThat(get(session).timeline()).extracting(SessionEntity.TimelineEntry::status).containsExactly(Status.MATCHING, Status.MATCHED);
  }

  @Test
  void anOfferThatTimesOutIsAStrikeAndTheNextTutorIsOffered() throws Exception {
    links.candidates = q -> q.exclude().contains("ada") ? List.of(card("blaise", 4500)) : List.of(card("ada", 4000));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    start(session, "s3");
    Offer first = links.awaitOffer("ada");

    TutorEntity.OfferSettled settled =
        links.await("tutor:ada", TutorEntity.OfferSettled.class, s -> s.offerId().equals(first.offerId()));
    assertThat(settled.outcome()).isEqualTo(MatchPool.Outcome.EXPIRED);
    links.awaitOffer("blaise");
    assertThat(accept(session, first, "ada").isError()).as("an expired offer cannot be accepted").isTrue();
  }

  @Test
  void aTutorWhoCannotBeReachedIsSkipped() throws Exception {
    links.candidates = q -> q.exclude().contains("ada") ? List.of(card("blaise", 4500)) : List.of(card("ada", 4000));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    start(session, "s4");
    Offer first = links.awaitOffer("ada");

    session.tell(new SessionEntity.OfferUndeliverable(first.offerId(), "ada"));

    links.awaitOffer("blaise");
  }

  @Test
  void onlyTheOfferedTutorMayAcceptAndOnlyOnce() throws Exception {
    links.candidates = q -> List.of(card("ada", 4000));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    start(session, "s5");
    Offer offer = links.awaitOffer("ada");

    StatusReply<SessionSummary> impostor = accept(session, offer, "mallory");
    assertThat(impostor.isError()).isTrue();
    assertThat(Rejection.parse(impostor.getError().getMessage()).kind()).isEqualTo(Rejection.Kind.CONFLICT);

    assertThat(accept(session, offer, "ada").isSuccess()).isTrue();
    StatusReply<SessionSummary> stale = accept(session, offer, "ada");
    assertThat(stale.isError()).isTrue();
    assertThat(links.reserved).containsExactly("ada");
  }

  @Test
  void withAWaveOfTwoTheFirstAcceptWinsAndTheOtherOfferIsWithdrawn() throws Exception {
    MatchingSettings waves =
        new MatchingSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), 2, Duration.ofMillis(100), Duration.ofSeconds(45), 3, 15, 180);
    links.candidates = q -> List.of(card("ada", 4000), card("blaise", 4500));
    ActorRef<SessionEntity.Command> session =
        testKit.spawn(SessionEntity.create(id(), settings(waves), links, PaymentGuard.ALWAYS_YES, MatchingObserver.NONE, Clock.systemUTC(), null));
    start(session, "s6");
    Offer toAda = links.awaitOffer("ada");
    Offer toBlaise = links.awaitOffer("blaise");

    TestProbe<StatusReply<SessionSummary>> adaReply = testKit.createTestProbe();
    TestProbe<StatusReply<SessionSummary>> blaiseReply = testKit.createTestProbe();
    session.tell(new AcceptOffer(toBlaise.offerId(), "blaise", blaiseReply.getRef()));
    session.tell(new AcceptOffer(toAda.offerId(), "ada", adaReply.getRef()));

    assertThat(blaiseReply.receiveMessage(WAIT).isSuccess()).isTrue();
    assertThat(adaReply.receiveMessage(WAIT).isError()).isTrue();
    links.await("tutor:ada", TutorEntity.OfferSettled.class, s -> s.outcome() == MatchPool.Outcome.WITHDRAWN);
    assertThat(links.reserved).containsExactly("blaise");
    assertThat(get(session).tutorId()).isEqualTo("blaise");
  }

  @Test
  void aTutorWhoIsNoLongerAvailableWhenAcceptingIsTreatedAsADecline() throws Exception {
    links.candidates = q -> q.exclude().contains("ada") ? List.of(card("blaise", 4500)) : List.of(card("ada", 4000));
    links.refuseReservation.put("ada", true);
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    start(session, "s7");
    Offer offer = links.awaitOffer("ada");

    StatusReply<SessionSummary> refused = accept(session, offer, "ada");

    assertThat(refused.isError()).isTrue();
    links.awaitOffer("blaise");
    assertThat(get(session).status()).isEqualTo(Status.MATCHING);
  }

  @Test
  void nobodyWithinTheRequestTimeoutEndsNoTutorAndWithdrawsTheOffers() throws Exception {
    MatchingSettings quick =
        new MatchingSettings(Duration.ofSeconds(10), Duration.ofMillis(700), 1, Duration.ofMillis(100), Duration.ofSeconds(45), 3, 15, 180);
    links.candidates = q -> q.exclude().isEmpty() ? List.of(card("ada", 4000)) : List.of();
    ActorRef<SessionEntity.Command> session =
        testKit.spawn(SessionEntity.create(id(), settings(quick), links, PaymentGuard.ALWAYS_YES, MatchingObserver.NONE, Clock.systemUTC(), null));
    TestProbe<SessionEntity.Notification> watcher = testKit.createTestProbe();
    start(session, "s8");
    Offer offer = links.awaitOffer("ada");
    session.tell(new SessionEntity.Subscribe("c1", "s8", watcher.getRef()));
    watcher.expectMessage(WAIT, new SessionEntity.StatusChanged(get(session).sessionId(), Status.MATCHING, null));

    links.await("tutor:ada", TutorEntity.OfferSettled.class, s -> s.offerId().equals(offer.offerId()) && s.outcome() == MatchPool.Outcome.WITHDRAWN);
    links.await("student:s8", StudentEntity.CloseInstantRequest.class, c -> true);
    assertThat(((SessionEntity.StatusChanged) watcher.receiveMessage(WAIT)).status()).isEqualTo(Status.NO_TUTOR);
    assertThat(get(session).status()).isEqualTo(Status.NO_TUTOR);
  }

  @Test
  void theStudentMayCancelWhileMatchingButNotTwice() throws Exception {
    links.candidates = q -> List.of(card("ada", 4000));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    start(session, "s9");
    Offer offer = links.awaitOffer("ada");

    TestProbe<StatusReply<SessionSummary>> byStranger = testKit.createTestProbe();
    session.tell(new Cancel("stranger", false, byStranger.getRef()));
    assertThat(Rejection.parse(byStranger.receiveMessage(WAIT).getError().getMessage()).kind())
        .isEqualTo(Rejection.Kind.FORBIDDEN);

    TestProbe<StatusReply<SessionSummary>> cancel = testKit.createTestProbe();
    session.tell(new Cancel("s9", false, cancel.getRef()));
    assertThat(cancel.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.CANCELLED);
    links.await("tutor:ada", TutorEntity.OfferSettled.class, s -> s.offerId().equals(offer.offerId()) && s.outcome() == MatchPool.Outcome.WITHDRAWN);

    session.tell(new Cancel("s9", false, cancel.getRef()));
    assertThat(Rejection.parse(cancel.receiveMessage(WAIT).getError().getMessage()).kind())
        .isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(accept(session, offer, "ada").isError()).isTrue();
  }

  @Test
  void cancellingAMatchedSessionReleasesTheTutor() throws Exception {
    links.candidates = q -> List.of(card("ada", 4000));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    String sessionId = start(session, "s10").sessionId();
    accept(session, links.awaitOffer("ada"), "ada");

    TestProbe<StatusReply<SessionSummary>> cancel = testKit.createTestProbe();
    session.tell(new Cancel("ada", false, cancel.getRef()));

    assertThat(cancel.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.CANCELLED);
    links.await("tutor:ada", TutorEntity.Release.class, r -> r.sessionId().equals(sessionId));
  }

  @Test
  void aStudentWhoCannotPayIsRefusedAndNothingIsPersisted() throws Exception {
    links.candidates = q -> List.of(card("ada", 4000));
    PaymentGuard broke = (student, session, amount) -> CompletableFuture.completedFuture(Optional.of(Rejection.paymentRequired("needs " + amount)));
    ActorRef<SessionEntity.Command> session = spawn(id(), broke);

    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new StartInstant("s11", CALCULUS, "EUR", reply.getRef()));
    Rejection refusal = Rejection.parse(reply.receiveMessage(WAIT).getError().getMessage());

    assertThat(refusal.kind()).isEqualTo(Rejection.Kind.PAYMENT_REQUIRED);
    assertThat(refusal.detail()).contains("6000"); // 60 min at 60.00/h
    links.await("student:s11", StudentEntity.CloseInstantRequest.class, c -> true);
    links.await("pool:math", MatchPool.OfferOutcome.class, o -> o.outcome() == MatchPool.Outcome.WITHDRAWN);
    TestProbe<StatusReply<SessionSummary>> probe = testKit.createTestProbe();
    session.tell(new GetSession(probe.getRef()));
    assertThat(Rejection.parse(probe.receiveMessage(WAIT).getError().getMessage()).kind())
        .isEqualTo(Rejection.Kind.NOT_FOUND);
  }

  @Test
  void aSessionRestartedMidDispatchResumesFromItsEvents() throws Exception {
    links.candidates = q -> q.exclude().contains("ada") ? List.of(card("blaise", 4500)) : List.of(card("ada", 4000));
    String sessionId = id();
    ActorRef<SessionEntity.Command> first = spawn(sessionId, PaymentGuard.ALWAYS_YES);
    start(first, "s12");
    Offer offer = links.awaitOffer("ada");
    testKit.stop(first);

    ActorRef<SessionEntity.Command> second = spawn(sessionId, PaymentGuard.ALWAYS_YES);
    assertThat(get(second).status()).isEqualTo(Status.MATCHING);
    // The offer made before the restart still expires on time, and dispatch moves on.
    links.await("tutor:ada", TutorEntity.OfferSettled.class, s -> s.offerId().equals(offer.offerId()) && s.outcome() == MatchPool.Outcome.EXPIRED);
    Offer next = links.awaitOffer("blaise");
    assertThat(accept(second, next, "blaise").getValue().status()).isEqualTo(Status.MATCHED);
  }

  @Test
  void theHoldOfATutorCanBeCheckedForReconciliation() throws Exception {
    links.candidates = q -> List.of(card("ada", 4000));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    start(session, "s13");
    Offer offer = links.awaitOffer("ada");
    TestProbe<SessionEntity.TutorHold> hold = testKit.createTestProbe();

    session.tell(new CheckTutorHold("ada", hold.getRef()));
    assertThat(hold.receiveMessage(WAIT).holds()).isFalse();

    accept(session, offer, "ada");
    session.tell(new CheckTutorHold("ada", hold.getRef()));
    assertThat(hold.receiveMessage(WAIT).holds()).isTrue();
    session.tell(new CheckTutorHold("blaise", hold.getRef()));
    assertThat(hold.receiveMessage(WAIT).holds()).isFalse();
  }

  @Test
  void noCandidateNowMeansLookingAgainLater() throws Exception {
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    links.candidates = q -> asked.incrementAndGet() < 3 ? List.of() : List.of(card("ada", 4000));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);

    assertThat(start(session, "s14").status()).isEqualTo(Status.MATCHING);

    links.awaitOffer("ada");
    assertThat(asked.get()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void unknownSessionsAreNotFound() {
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    TestProbe<StatusReply<SessionSummary>> probe = testKit.createTestProbe();
    session.tell(new GetSession(probe.getRef()));
    assertThat(Rejection.parse(probe.receiveMessage(WAIT).getError().getMessage()).kind())
        .isEqualTo(Rejection.Kind.NOT_FOUND);
  }
  // --- deadlines and abandoned requests ---

  private List<Object> stored(String sessionId) {
    return PersistenceTestKit.create(testKit.system()).persistedInStorage("Session|" + sessionId);
  }

  private static Rejection.Kind kindOf(StatusReply<?> reply) {
    return Rejection.parse(reply.getError().getMessage()).kind();
  }

  @Test
  void aStartPastItsDeadlineIsRefusedPersistsNothingAndClosesTheRequest() throws Exception {
    links.candidates = q -> List.of(card("ada", 4000));
    String sessionId = id();
    ActorRef<SessionEntity.Command> session = spawn(sessionId, PaymentGuard.ALWAYS_YES);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();

    session.tell(new StartInstant("s20", CALCULUS, "EUR", Instant.now().minusSeconds(1), reply.getRef()));

    StatusReply<SessionSummary> refused = reply.receiveMessage(WAIT);
    assertThat(kindOf(refused)).isEqualTo(Rejection.Kind.UNAVAILABLE);
    links.await("student:s20", StudentEntity.CloseInstantRequest.class, c -> c.sessionId().equals(sessionId));
    assertThat(links.queries).as("no candidate was even looked for").isEmpty();
    assertThat(stored(sessionId)).isEmpty();
    TestProbe<StatusReply<SessionSummary>> probe = testKit.createTestProbe();
    session.tell(new GetSession(probe.getRef()));
    assertThat(kindOf(probe.receiveMessage(WAIT))).isEqualTo(Rejection.Kind.NOT_FOUND);
    assertThat(links.sent).noneMatch(sent -> sent.message() instanceof TutorEntity.DeliverOffer);
  }

  @Test
  void aDeadlineThatPassesWhileTheStartIsCheckedStillPersistsNothing() throws Exception {
    Instant t0 = Instant.parse("2026-11-28T10:00:00Z");
    TestSupport.TestClock clock = new TestSupport.TestClock(t0);
    CompletableFuture<Optional<Rejection>> paymentAnswer = new CompletableFuture<>();
    links.candidates = q -> List.of(card("ada", 4000));
    String sessionId = id();
    ActorRef<SessionEntity.Command> session = testKit.spawn(
        SessionEntity.create(sessionId, settings(SETTINGS), links, (student, id, amount) -> paymentAnswer, MatchingObserver.NONE, clock, null));
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();

    session.tell(new StartInstant("s21", CALCULUS, "EUR", t0.plusSeconds(3), reply.getRef()));
    links.queries.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS); // the check has begun
    clock.advance(Duration.ofSeconds(4));
    paymentAnswer.complete(Optional.empty());

    assertThat(kindOf(reply.receiveMessage(WAIT))).isEqualTo(Rejection.Kind.UNAVAILABLE);
    // The candidate the pool handed out is given back, and the student's request closed.
    links.await("pool:math", MatchPool.OfferOutcome.class, o -> o.tutorId().equals("ada") && o.outcome() == MatchPool.Outcome.WITHDRAWN);
    links.await("student:s21", StudentEntity.CloseInstantRequest.class, c -> c.sessionId().equals(sessionId));
    assertThat(stored(sessionId)).isEmpty();
    assertThat(links.sent).noneMatch(sent -> sent.message() instanceof TutorEntity.DeliverOffer);
  }

  @Test
  void aStartBeforeItsDeadlineRunsAsUsual() throws Exception {
    links.candidates = q -> List.of(card("ada", 4000));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();

    session.tell(new StartInstant("s22", CALCULUS, "EUR", Instant.now().plusSeconds(30), reply.getRef()));

    assertThat(reply.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.MATCHING);
    links.awaitOffer("ada");
  }

  @Test
  void anAbandonedRequestWhileMatchingIsCancelledAndItsOffersWithdrawn() throws Exception {
    links.candidates = q -> List.of(card("ada", 4000));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    String sessionId = start(session, "s23").sessionId();
    Offer offer = links.awaitOffer("ada");

    session.tell(new SessionEntity.AbandonRequest("s23"));

    links.await("tutor:ada", TutorEntity.OfferSettled.class, o -> o.offerId().equals(offer.offerId()) && o.outcome() == MatchPool.Outcome.WITHDRAWN);
    links.await("pool:math", MatchPool.OfferOutcome.class, o -> o.tutorId().equals("ada") && o.outcome() == MatchPool.Outcome.WITHDRAWN);
    SessionSummary after = get(session);
    assertThat(after.status()).isEqualTo(Status.CANCELLED);
    assertThat(after.timeline()).extracting(SessionEntity.TimelineEntry::status).containsExactly(Status.MATCHING, Status.CANCELLED);
    assertThat(accept(session, offer, "ada").isError()).isTrue();
    assertThat(links.reserved).isEmpty();
    assertThat(stored(sessionId)).last().isInstanceOf(SessionEntity.SessionCancelled.class);
  }

  @Test
  void anAbandonedRequestThatWasMatchedIsCancelledAndItsTutorReleased() throws Exception {
    links.candidates = q -> List.of(card("ada", 4000));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    String sessionId = start(session, "s24").sessionId();
    assertThat(accept(session, links.awaitOffer("ada"), "ada").getValue().status()).isEqualTo(Status.MATCHED);

    session.tell(new SessionEntity.AbandonRequest("s24"));

    links.await("tutor:ada", TutorEntity.Release.class, r -> r.sessionId().equals(sessionId));
    SessionSummary after = get(session);
    assertThat(after.status()).isEqualTo(Status.CANCELLED);
    assertThat(after.tutorId()).isEqualTo("ada");
  }

  @Test
  void anAbandonForAnotherStudentOrAnEndedSessionChangesNothing() throws Exception {
    links.candidates = q -> List.of(card("ada", 4000));
    ActorRef<SessionEntity.Command> session = spawn(id(), PaymentGuard.ALWAYS_YES);
    String sessionId = start(session, "s25").sessionId();
    links.awaitOffer("ada");

    session.tell(new SessionEntity.AbandonRequest("someone-else"));
    assertThat(get(session).status()).isEqualTo(Status.MATCHING);

    TestProbe<StatusReply<SessionSummary>> cancel = testKit.createTestProbe();
    session.tell(new Cancel("s25", false, cancel.getRef()));
    assertThat(cancel.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.CANCELLED);
    int events = stored(sessionId).size();
    session.tell(new SessionEntity.AbandonRequest("s25"));
    assertThat(get(session).status()).isEqualTo(Status.CANCELLED);
    assertThat(stored(sessionId)).hasSize(events);
  }

  @Test
  void anAbandonWhileTheStartIsCheckedMeansNoOfferGoesOut() throws Exception {
    CompletableFuture<Optional<Rejection>> paymentAnswer = new CompletableFuture<>();
    links.candidates = q -> List.of(card("ada", 4000));
    String sessionId = id();
    ActorRef<SessionEntity.Command> session = spawn(sessionId, (student, id, amount) -> paymentAnswer);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();

    session.tell(new StartInstant("s27", CALCULUS, "EUR", Instant.now().plusSeconds(30), reply.getRef()));
    links.queries.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS); // the check has begun
    session.tell(new SessionEntity.AbandonRequest("s27"));
    TestProbe<StatusReply<SessionSummary>> probe = testKit.createTestProbe();
    session.tell(new GetSession(probe.getRef())); // queued behind the abandon: it has been handled
    paymentAnswer.complete(Optional.empty());

    assertThat(kindOf(reply.receiveMessage(WAIT))).isEqualTo(Rejection.Kind.UNAVAILABLE);
    assertThat(kindOf(probe.receiveMessage(WAIT))).isEqualTo(Rejection.Kind.NOT_FOUND);
    links.await("pool:math", MatchPool.OfferOutcome.class, o -> o.tutorId().equals("ada") && o.outcome() == MatchPool.Outcome.WITHDRAWN);
    assertThat(stored(sessionId)).isEmpty();
    assertThat(links.sent).noneMatch(sent -> sent.message() instanceof TutorEntity.DeliverOffer);
  }

  @Test
  void aSessionAbandonedBeforeItsStartArrivedNeverStarts() throws Exception {
    links.candidates = q -> List.of(card("ada", 4000));
    String sessionId = id();
    ActorRef<SessionEntity.Command> session = spawn(sessionId, PaymentGuard.ALWAYS_YES);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();

    session.tell(new SessionEntity.AbandonRequest("s26"));
    session.tell(new StartInstant("s26", CALCULUS, "EUR", Instant.now().plusSeconds(30), reply.getRef()));

    assertThat(kindOf(reply.receiveMessage(WAIT))).isEqualTo(Rejection.Kind.UNAVAILABLE);
    links.await("student:s26", StudentEntity.CloseInstantRequest.class, c -> c.sessionId().equals(sessionId));
    assertThat(stored(sessionId)).isEmpty();
  }
}
