package io.tutormesh.engine.tutor;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.AvailabilityEvent;
import io.tutormesh.engine.matching.MatchPool;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.matching.Offer;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.tutor.TutorEntity.Connect;
import io.tutormesh.engine.tutor.TutorEntity.Disconnect;
import io.tutormesh.engine.tutor.TutorEntity.GetTutor;
import io.tutormesh.engine.tutor.TutorEntity.Heartbeat;
import io.tutormesh.engine.tutor.TutorEntity.Notification;
import io.tutormesh.engine.tutor.TutorEntity.OfferSettled;
import io.tutormesh.engine.tutor.TutorEntity.Presence;
import io.tutormesh.engine.tutor.TutorEntity.PresenceState;
import io.tutormesh.engine.tutor.TutorEntity.Reserve;
import io.tutormesh.engine.tutor.TutorEntity.SetAvailability;
import io.tutormesh.engine.tutor.TutorEntity.TutorSummary;
import io.tutormesh.engine.tutor.TutorEntity.UpdateProfile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tutor's volatile presence and its durable reservations: what the pools and partners are
 * told, offers shown and handed back, strikes, replacement of a connection, suspension, and the
 * single writer that never lets two sessions hold one tutor.
 */
class TutorPresenceTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final MatchingSettings SETTINGS =
      new MatchingSettings(Duration.ofSeconds(15), Duration.ofSeconds(60), 1, Duration.ofSeconds(1), Duration.ofSeconds(45), 3, 15, 180);

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(TestSupport.testKitConfig()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static final class FakeLinks implements TutorEntity.Links {
    record Sent(String to, Object message) {}

    final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    private final List<Sent> unclaimed = new ArrayList<>();
    volatile boolean sessionHolds = true;

    @Override
    public void pool(String subject, MatchPool.Command command) {
      sent.add(new Sent("pool:" + subject, command));
    }

    @Override
    public void session(String sessionId, SessionEntity.Command command) {
      sent.add(new Sent("session:" + sessionId, command));
    }

    @Override
    public CompletionStage<SessionEntity.TutorHold> checkHold(String sessionId, String tutorId) {
      sent.add(new Sent("check:" + sessionId, tutorId));
      return CompletableFuture.completedFuture(new SessionEntity.TutorHold(sessionId, tutorId, sessionHolds));
    }

    @Override
    public void publish(AvailabilityEvent event) {
      sent.add(new Sent("topic:" + event.subject(), event));
    }

    <T> T await(String to, Class<T> type, Predicate<T> matching) throws InterruptedException {
      long end = System.nanoTime() + WAIT.toNanos();
      while (true) {
        for (Iterator<Sent> it = unclaimed.iterator(); it.hasNext(); ) {
          Sent next = it.next();
          if (next.to().equals(to) && type.isInstance(next.message()) && matching.test(type.cast(next.message()))) {
            it.remove();
            return type.cast(next.message());
          }
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no " + type.getSimpleName() + " to " + to + "; got " + unclaimed);
        }
        Sent arrived = sent.poll(left, TimeUnit.NANOSECONDS);
        if (arrived != null) {
          unclaimed.add(arrived);
        }
      }
    }

    /** Forgets everything sent so far. */
    void clear() {
      sent.clear();
      unclaimed.clear();
    }
  }

  private final FakeLinks links = new FakeLinks();
  private final String tutorId = "tutor-" + UUID.randomUUID();

  private ActorRef<TutorEntity.Command> spawnTutor() {
    return testKit.spawn(TutorEntity.create(tutorId, TestSupport.defaultRules(), SETTINGS, links, Clock.systemUTC()));
  }

  private ActorRef<TutorEntity.Command> registeredTutor() {
    ActorRef<TutorEntity.Command> tutor = spawnTutor();
    TestProbe<StatusReply<TutorSummary>> reply = testKit.createTestProbe();
    tutor.tell(new UpdateProfile(TestSupport.validTutor(), reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).isSuccess()).isTrue();
    return tutor;
  }

  private PresenceState connect(ActorRef<TutorEntity.Command> tutor, String connectionId, TestProbe<Notification> socket) {
    TestProbe<StatusReply<PresenceState>> reply = testKit.createTestProbe();
    tutor.tell(new Connect(connectionId, socket.getRef(), reply.getRef()));
    return reply.receiveMessage(WAIT).getValue();
  }

  private StatusReply<PresenceState> setAvailable(ActorRef<TutorEntity.Command> tutor, String connectionId, boolean available) {
    TestProbe<StatusReply<PresenceState>> reply = testKit.createTestProbe();
    tutor.tell(new SetAvailability(connectionId, available, reply.getRef()));
    return reply.receiveMessage(WAIT);
  }

  private Presence presence(ActorRef<TutorEntity.Command> tutor) {
    TestProbe<StatusReply<TutorSummary>> reply = testKit.createTestProbe();
    tutor.tell(new GetTutor(reply.getRef()));
    return reply.receiveMessage(WAIT).getValue().presence();
  }

  private StatusReply<Done> reserve(ActorRef<TutorEntity.Command> tutor, String sessionId) {
    TestProbe<StatusReply<Done>> reply = testKit.createTestProbe();
    tutor.tell(new Reserve(sessionId, "student-1", reply.getRef()));
    return reply.receiveMessage(WAIT);
  }

  private Offer offer(String sessionId) {
    return new Offer(UUID.randomUUID().toString(), sessionId, tutorId, "student-1", "math", "university", "fr", 60, 4500, "EUR", Instant.now().plusSeconds(15));
  }

  @Test
  void aTutorWithoutProfileCannotGoOnline() {
    TestProbe<StatusReply<PresenceState>> reply = testKit.createTestProbe();
    spawnTutor().tell(new Connect("c1", testKit.<Notification>createTestProbe().getRef(), reply.getRef()));
    assertThat(Rejection.parse(reply.receiveMessage(WAIT).getError().getMessage()).kind()).isEqualTo(Rejection.Kind.NOT_FOUND);
  }

  @Test
  void connectingPutsTheTutorOnlineInEveryPoolAndTopicOfItsSubjects() throws Exception {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    assertThat(presence(tutor)).isEqualTo(Presence.OFFLINE);

    PresenceState state = connect(tutor, "c1", testKit.createTestProbe());

    assertThat(state.presence()).isEqualTo(Presence.ONLINE);
    assertThat(presence(tutor)).isEqualTo(Presence.ONLINE);
    links.await("pool:math", MatchPool.TutorAvailable.class, a -> a.card().tutorId().equals(tutorId));
    links.await("pool:programming", MatchPool.TutorAvailable.class, a -> a.card().tutorId().equals(tutorId));
    links.await("topic:math", AvailabilityEvent.TutorAvailable.class, a -> a.card().levelsFor("math").contains("university"));
    links.await("topic:programming", AvailabilityEvent.TutorAvailable.class, a -> true);
  }

  @Test
  void awayAndBackAreAnnouncedAndOfflineOnDisconnect() throws Exception {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    connect(tutor, "c1", testKit.createTestProbe());
    links.clear();

    assertThat(setAvailable(tutor, "c1", false).getValue().presence()).isEqualTo(Presence.AWAY);
    links.await("pool:math", MatchPool.TutorUnavailable.class, u -> u.tutorId().equals(tutorId));
    links.await("topic:math", AvailabilityEvent.TutorUnavailable.class, u -> u.tutorId().equals(tutorId));

    assertThat(setAvailable(tutor, "c1", true).getValue().presence()).isEqualTo(Presence.ONLINE);
    links.await("topic:math", AvailabilityEvent.TutorAvailable.class, a -> true);

    tutor.tell(new Disconnect("c1"));
    links.await("topic:math", AvailabilityEvent.TutorUnavailable.class, u -> true);
    assertThat(presence(tutor)).isEqualTo(Presence.OFFLINE);
  }

  @Test
  void aSocketThatDiesWithoutSayingSoPutsTheTutorOffline() throws Exception {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    TestProbe<Notification> socket = testKit.createTestProbe();
    connect(tutor, "c1", socket);

    socket.stop();

    links.await("topic:math", AvailabilityEvent.TutorUnavailable.class, u -> true);
    assertThat(presence(tutor)).isEqualTo(Presence.OFFLINE);
  }

  @Test
  void aSecondConnectionReplacesTheFirst() {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    TestProbe<Notification> first = testKit.createTestProbe();
    connect(tutor, "c1", first);

    connect(tutor, "c2", testKit.createTestProbe());

    first.expectMessage(WAIT, new TutorEntity.Replaced("c1"));
    assertThat(setAvailable(tutor, "c1", false).isError()).isTrue();
    tutor.tell(new Disconnect("c1"));
    assertThat(presence(tutor)).as("the old connection's close does not take the new one offline").isEqualTo(Presence.ONLINE);
  }

  @Test
  void offersReachTheSocketOnlyWhenOnlineAndGoBackWhenItCloses() throws Exception {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    TestProbe<Notification> socket = testKit.createTestProbe();
    connect(tutor, "c1", socket);

    Offer shown = offer("session-1");
    tutor.tell(new TutorEntity.DeliverOffer(shown));
    assertThat(socket.expectMessageClass(TutorEntity.OfferMade.class, WAIT).offer()).isEqualTo(shown);

    setAvailable(tutor, "c1", false);
    Offer notShown = offer("session-2");
    tutor.tell(new TutorEntity.DeliverOffer(notShown));
    links.await("session:session-2", SessionEntity.OfferUndeliverable.class, u -> u.offerId().equals(notShown.offerId()));

    tutor.tell(new Disconnect("c1"));
    links.await("session:session-1", SessionEntity.OfferUndeliverable.class, u -> u.offerId().equals(shown.offerId()));
  }

  @Test
  void threeTimeoutsInARowSetTheTutorAwayAndSaySo() throws Exception {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    TestProbe<Notification> socket = testKit.createTestProbe();
    connect(tutor, "c1", socket);

    for (int i = 0; i < 3; i++) {
      Offer offer = offer("session-" + i);
      tutor.tell(new TutorEntity.DeliverOffer(offer));
      socket.expectMessageClass(TutorEntity.OfferMade.class, WAIT);
      tutor.tell(new OfferSettled(offer.offerId(), MatchPool.Outcome.EXPIRED));
      assertThat(socket.expectMessageClass(TutorEntity.OfferWithdrawn.class, WAIT).reason()).isEqualTo(MatchPool.Outcome.EXPIRED);
    }

    TutorEntity.PresenceChanged away = socket.expectMessageClass(TutorEntity.PresenceChanged.class, WAIT);
    assertThat(away.presence()).isEqualTo(Presence.AWAY);
    assertThat(away.reason()).contains("timed out");
    assertThat(presence(tutor)).isEqualTo(Presence.AWAY);
  }

  @Test
  void aNoShowIsAStrikeThatSetsTheTutorAwayAndSaysWhy() throws Exception {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    TestProbe<Notification> socket = testKit.createTestProbe();
    connect(tutor, "c1", socket);

    tutor.tell(new TutorEntity.NoShowStrike("session-9"));

    TutorEntity.PresenceChanged away = socket.expectMessageClass(TutorEntity.PresenceChanged.class, WAIT);
    assertThat(away.presence()).isEqualTo(Presence.AWAY);
    assertThat(away.reason()).contains("session-9");
    assertThat(presence(tutor)).isEqualTo(Presence.AWAY);
    // Already away: a second one says nothing more.
    tutor.tell(new TutorEntity.NoShowStrike("session-9"));
    socket.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aDeclineBreaksTheRunOfTimeouts() {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    TestProbe<Notification> socket = testKit.createTestProbe();
    connect(tutor, "c1", socket);
    MatchPool.Outcome[] outcomes = {MatchPool.Outcome.EXPIRED, MatchPool.Outcome.EXPIRED, MatchPool.Outcome.DECLINED, MatchPool.Outcome.EXPIRED};
    for (MatchPool.Outcome outcome : outcomes) {
      Offer offer = offer("s");
      tutor.tell(new TutorEntity.DeliverOffer(offer));
      socket.expectMessageClass(TutorEntity.OfferMade.class, WAIT);
      tutor.tell(new OfferSettled(offer.offerId(), outcome));
      if (outcome == MatchPool.Outcome.EXPIRED) {
        socket.expectMessageClass(TutorEntity.OfferWithdrawn.class, WAIT);
      }
    }
    assertThat(presence(tutor)).isEqualTo(Presence.ONLINE);
    socket.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aBusyTutorCannotBeBookedOverItsInstantSessionAndABookedLessonSoonRefusesALongOne() throws Exception {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    TestProbe<StatusReply<TutorEntity.TutorSchedule>> scheduled = testKit.createTestProbe();
    tutor.tell(new TutorEntity.SetSchedule(TutorSlotsTest.ALL_DAY, scheduled.getRef()));
    assertThat(scheduled.receiveMessage(WAIT).isSuccess()).isTrue();
    connect(tutor, "c1", testKit.createTestProbe());
    // The first :00 or :30 at least 2 h 10 min ahead (min-notice 2 h): 130 to 160 minutes from now,
    // within the longest instant session (180 minutes).
    long step = Duration.ofMinutes(30).toSeconds();
    long earliest = Instant.now().plus(Duration.ofMinutes(130)).getEpochSecond();
    Instant start = Instant.ofEpochSecond((earliest + step - 1) / step * step);
    TestProbe<SessionEntity.SlotAnswer> slot = testKit.createTestProbe();
    TestProbe<StatusReply<Done>> reply = testKit.createTestProbe();

    tutor.tell(new Reserve("instant-1", "student-1", 60, reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).isSuccess()).isTrue();
    tutor.tell(new TutorEntity.ReserveSlot("booked-1", "student-2", "math", "university", start, 60, slot.getRef()));
    SessionEntity.SlotAnswer refused = slot.receiveMessage(WAIT);
    assertThat(refused.reserved()).isFalse();
    assertThat(Rejection.parse(refused.refusal()).detail()).contains("instant session");

    tutor.tell(new TutorEntity.Release("instant-1"));
    tutor.tell(new TutorEntity.ReserveSlot("booked-1", "student-2", "math", "university", start, 60, slot.getRef()));
    assertThat(slot.receiveMessage(WAIT).reserved()).isTrue();
    tutor.tell(new Reserve("instant-long", "student-1", 180, reply.getRef()));
    assertThat(Rejection.parse(reply.receiveMessage(WAIT).getError().getMessage()).detail()).contains("booked lesson");
    tutor.tell(new Reserve("instant-short", "student-1", 60, reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).isSuccess()).isTrue();
  }

  @Test
  void oneReservationAtATimeDurablyAndIdempotently() throws Exception {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    connect(tutor, "c1", testKit.createTestProbe());

    assertThat(reserve(tutor, "session-a").isSuccess()).isTrue();
    assertThat(reserve(tutor, "session-a").isSuccess()).as("same session again").isTrue();
    StatusReply<Done> other = reserve(tutor, "session-b");
    assertThat(Rejection.parse(other.getError().getMessage()).kind()).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(presence(tutor)).isEqualTo(Presence.BUSY);
    links.await("topic:math", AvailabilityEvent.TutorUnavailable.class, u -> true);

    testKit.stop(tutor);
    ActorRef<TutorEntity.Command> restarted = spawnTutor();
    assertThat(presence(restarted)).as("BUSY survives a restart").isEqualTo(Presence.BUSY);
    assertThat(reserve(restarted, "session-b").isError()).isTrue();

    restarted.tell(new TutorEntity.Release("session-a"));
    assertThat(presence(restarted)).as("released, and no socket after the restart").isEqualTo(Presence.OFFLINE);
  }

  @Test
  void anAwayOrOfflineTutorCannotBeReserved() {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    assertThat(reserve(tutor, "session-a").isError()).as("offline").isTrue();
    connect(tutor, "c1", testKit.createTestProbe());
    setAvailable(tutor, "c1", false);
    assertThat(reserve(tutor, "session-a").isError()).as("away").isTrue();
  }

  @Test
  void aHeartbeatAfterARestartAnnouncesTheConnectionAgain() throws Exception {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    TestProbe<Notification> socket = testKit.createTestProbe();
    connect(tutor, "c1", socket);
    testKit.stop(tutor);
    ActorRef<TutorEntity.Command> restarted = spawnTutor();
    assertThat(presence(restarted)).isEqualTo(Presence.OFFLINE);
    links.clear();

    restarted.tell(new Heartbeat("c1", socket.getRef(), true));

    links.await("pool:math", MatchPool.TutorAvailable.class, a -> true);
    assertThat(presence(restarted)).isEqualTo(Presence.ONLINE);
  }

  @Test
  void aReservationItsSessionDoesNotHoldIsReleasedAtTheNextHeartbeat() throws Exception {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    TestProbe<Notification> socket = testKit.createTestProbe();
    connect(tutor, "c1", socket);
    reserve(tutor, "session-lost");
    links.await("topic:math", AvailabilityEvent.TutorUnavailable.class, u -> true);
    links.clear(); // only what the heartbeat causes counts below
    links.sessionHolds = false;

    tutor.tell(new Heartbeat("c1", socket.getRef(), true));

    links.await("check:session-lost", String.class, id -> id.equals(tutorId));
    links.await("topic:math", AvailabilityEvent.TutorAvailable.class, a -> true);
    assertThat(presence(tutor)).isEqualTo(Presence.ONLINE);
  }

  @Test
  void aSuspendedTutorIsAwayCannotComeBackAndCannotBeReserved() throws Exception {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    TestProbe<Notification> socket = testKit.createTestProbe();
    connect(tutor, "c1", socket);

    TestProbe<StatusReply<TutorSummary>> reply = testKit.createTestProbe();
    tutor.tell(new TutorEntity.Suspend("chargebacks", reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).getValue().presence()).isEqualTo(Presence.AWAY);
    assertThat(socket.expectMessageClass(TutorEntity.PresenceChanged.class, WAIT).reason()).contains("chargebacks");
    links.await("topic:math", AvailabilityEvent.TutorUnavailable.class, u -> true);

    assertThat(setAvailable(tutor, "c1", true).getError().getMessage()).contains("suspended");
    assertThat(reserve(tutor, "session-a").isError()).isTrue();

    tutor.tell(new TutorEntity.Reinstate(reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).isSuccess()).isTrue();
    assertThat(setAvailable(tutor, "c1", true).getValue().presence()).isEqualTo(Presence.ONLINE);
  }

  @Test
  void theCardThePoolsGetCarriesTheNextBookedStartAndIsRefreshedWhenTheCalendarChanges() throws Exception {
    ActorRef<TutorEntity.Command> tutor = registeredTutor();
    TestProbe<StatusReply<TutorEntity.TutorSchedule>> scheduled = testKit.createTestProbe();
    tutor.tell(new TutorEntity.SetSchedule(TutorSlotsTest.ALL_DAY, scheduled.getRef()));
    assertThat(scheduled.receiveMessage(WAIT).isSuccess()).isTrue();
    connect(tutor, "c1", testKit.createTestProbe());
    links.await("pool:math", MatchPool.TutorAvailable.class, a -> a.card().nextBookedStart() == null);

    Instant start = Instant.now().plus(Duration.ofHours(3)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    TestProbe<SessionEntity.SlotAnswer> answer = testKit.createTestProbe();
    tutor.tell(new TutorEntity.ReserveSlot("booked-1", "student-1", "math", "university", start, 60, answer.getRef()));
    assertThat(answer.receiveMessage(WAIT).reserved()).isTrue();
    links.await("pool:math", MatchPool.TutorAvailable.class, a -> start.equals(a.card().nextBookedStart()));

    TestProbe<SessionEntity.SlotFreed> freed = testKit.createTestProbe();
    tutor.tell(new TutorEntity.ReleaseSlot("booked-1", freed.getRef()));
    assertThat(freed.receiveMessage(WAIT).sessionId()).isEqualTo("booked-1");
    links.await("pool:math", MatchPool.TutorAvailable.class, a -> a.card().nextBookedStart() == null);
  }
}
