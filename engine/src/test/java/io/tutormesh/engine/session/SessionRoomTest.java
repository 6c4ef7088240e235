package io.tutormesh.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchingObserver;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.matching.Offer;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.room.BoardOp;
import io.tutormesh.engine.room.RoomEntry;
import io.tutormesh.engine.room.RoomSettings;
import io.tutormesh.engine.session.SessionEntity.BoardPage;
import io.tutormesh.engine.session.SessionEntity.Notification;
import io.tutormesh.engine.session.SessionEntity.Posted;
import io.tutormesh.engine.session.SessionEntity.PresenceChanged;
import io.tutormesh.engine.session.SessionEntity.Refused;
import io.tutormesh.engine.session.SessionEntity.ReplayPage;
import io.tutormesh.engine.session.SessionEntity.SessionSummary;
import io.tutormesh.engine.session.SessionEntity.Status;
import io.tutormesh.engine.session.SessionEntity.StatusChanged;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.engine.tutor.TutorEntity.Rating;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The room of one matched session, its neighbours faked: joining (LIVE), ordered and idempotent
 * chat and whiteboard, resumes (raw and compacted), signalling, the end, an empty room ending by
 * itself, and the room rebuilt from the events after a restart. Every message crosses a serializer.
 */
class SessionRoomTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final MatchingSettings MATCHING =
      new MatchingSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), 1, Duration.ofMillis(100), Duration.ofSeconds(45), 3, 15, 180);
  private static final RoomSettings ROOM =
      RoomSettings.fromConfig(ConfigFactory.defaultReference()).withBoardReplayLimit(3).withAbandonTimeout(Duration.ofSeconds(30));
  private static final InstantRequest REQUEST = new InstantRequest("math", "university", "fr", 6000, 60);

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(TestSupport.testKitConfig()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final SessionEntityTest.FakeLinks links = new SessionEntityTest.FakeLinks();

  private record Matched(String sessionId, ActorRef<SessionEntity.Command> session) {}

  /** The session settings of the test kit's config, with {@link #MATCHING} and {@code room}. */
  private static SessionEntity.Settings settings(RoomSettings room) {
    return SessionEntity.Settings.fromConfig(testKit.system().settings().config()).withMatching(MATCHING).withRoom(room);
  }

  private ActorRef<SessionEntity.Command> spawn(String sessionId, RoomSettings room) {
    return testKit.spawn(SessionEntity.create(sessionId, settings(room), links, PaymentGuard.ALWAYS_YES, MatchingObserver.NONE, Clock.systemUTC(), null));
  }

  /** Student "sam" matched with tutor "ada". */
  private Matched matched(RoomSettings room) throws Exception {
    links.candidates = q -> List.of(new TutorCard("ada", "Ada", List.of(new SubjectOffer("math", List.of("university"))), List.of("fr"), 4000, "EUR", Rating.NONE));
    String sessionId = UUID.randomUUID().toString();
    ActorRef<SessionEntity.Command> session = spawn(sessionId, room);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    session.tell(new SessionEntity.StartInstant("sam", REQUEST, "EUR", reply.getRef()));
    reply.receiveMessage(WAIT);
    Offer offer = links.awaitOffer("ada");
    session.tell(new SessionEntity.AcceptOffer(offer.offerId(), "ada", reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).getValue().status()).isEqualTo(Status.MATCHED);
    return new Matched(sessionId, session);
  }

  private TestProbe<Notification> join(Matched m, String userId) {
    TestProbe<Notification> probe = testKit.createTestProbe();
    m.session().tell(new SessionEntity.Subscribe(UUID.randomUUID().toString(), userId, probe.getRef()));
    return probe;
  }

  private static <T extends Notification> T next(TestProbe<Notification> probe, Class<T> type) {
    return type.cast(probe.fishForMessage(WAIT, n -> type.isInstance(n)
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0));
  }

  private static BoardOp stroke(String id) {
    return new BoardOp.Stroke(id, List.of(new BoardOp.Point(1, 2), new BoardOp.Point(3, 4)), "#000000", 2);
  }

  private SessionSummary get(Matched m) {
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    m.session().tell(new SessionEntity.GetSession(reply.getRef()));
    return reply.receiveMessage(WAIT).getValue();
  }

  @Test
  void bothParticipantsJoiningMakeItLiveAndEachSeesTheOther() throws Exception {
    Matched m = matched(ROOM);
    TestProbe<Notification> sam = join(m, "sam");
    assertThat(next(sam, StatusChanged.class).status()).isEqualTo(Status.MATCHED);
    TestProbe<Notification> ada = join(m, "ada");
    assertThat(next(sam, PresenceChanged.class)).isEqualTo(new PresenceChanged("ada", true));
    assertThat(next(ada, PresenceChanged.class)).isEqualTo(new PresenceChanged("sam", true));
    assertThat(next(sam, StatusChanged.class).status()).isEqualTo(Status.LIVE);
    SessionSummary live = get(m);
    assertThat(live.status()).isEqualTo(Status.LIVE);
    assertThat(live.startedAt()).isNotNull();
    assertThat(live.timeline()).extracting(SessionEntity.TimelineEntry::status).containsExactly(Status.MATCHING, Status.MATCHED, Status.LIVE);
  }

  @Test
  void chatAndOpsShareOneSequenceAndAResendIsNotStoredTwice() throws Exception {
    Matched m = matched(ROOM);
    TestProbe<Notification> sam = join(m, "sam");
    TestProbe<Notification> ada = join(m, "ada");
    m.session().tell(new SessionEntity.PostChat("sam", "mail me: sam@example.org", "c1", sam.getRef()));
    Posted first = next(sam, Posted.class);
    assertThat(first.entry().seq()).isEqualTo(1);
    assertThat(first.entry().text()).isEqualTo("mail me: [hidden]");
    assertThat(first.again()).isFalse();
    assertThat(next(ada, Posted.class).entry()).isEqualTo(first.entry());

    m.session().tell(new SessionEntity.PostBoardOp("ada", stroke("s1"), null, ada.getRef()));
    assertThat(next(ada, Posted.class).entry().seq()).isEqualTo(2);
    assertThat(next(sam, Posted.class).entry().kind()).isEqualTo(RoomEntry.Kind.WB);

    m.session().tell(new SessionEntity.PostChat("sam", "mail me: sam@example.org", "c1", sam.getRef()));
    Posted again = next(sam, Posted.class);
    assertThat(again.again()).isTrue();
    assertThat(again.entry().seq()).isEqualTo(1);
    m.session().tell(new SessionEntity.PostChat("ada", "same id, other sender", "c1", ada.getRef()));
    assertThat(next(ada, Posted.class).entry().seq()).as("clientIds are per sender").isEqualTo(3);
    assertThat(next(sam, Posted.class).entry().seq()).as("sam never saw its resend as new").isEqualTo(3);
  }

  @Test
  void badChatAndStrangersAreRefusedAndNothingIsStored() throws Exception {
    Matched m = matched(ROOM);
    TestProbe<Notification> sam = join(m, "sam");
    m.session().tell(new SessionEntity.PostChat("sam", "x".repeat(4001), "c1", sam.getRef()));
    assertThat(next(sam, Refused.class).code()).isEqualTo("too-long");
    m.session().tell(new SessionEntity.PostChat("sam", " ", "c2", sam.getRef()));
    assertThat(next(sam, Refused.class).code()).isEqualTo("bad-field");
    m.session().tell(new SessionEntity.PostChat("sam", "hi", "bad id!", sam.getRef()));
    assertThat(next(sam, Refused.class).code()).isEqualTo("bad-field");
    TestProbe<Notification> eve = testKit.createTestProbe();
    m.session().tell(new SessionEntity.PostChat("eve", "hi", "c3", eve.getRef()));
    assertThat(next(eve, Refused.class).code()).isEqualTo("not-allowed");
    m.session().tell(new SessionEntity.RelaySignal("sam", "offer", "{}", sam.getRef()));
    assertThat(next(sam, Refused.class).code()).as("nobody to signal to").isEqualTo("peer-absent");

    TestProbe<StatusReply<SessionEntity.Transcript>> transcript = testKit.createTestProbe();
    m.session().tell(new SessionEntity.GetTranscript("sam", false, 0, 100, transcript.getRef()));
    assertThat(transcript.receiveMessage(WAIT).getValue().lastSeq()).isZero();
    m.session().tell(new SessionEntity.GetTranscript("eve", false, 0, 100, transcript.getRef()));
    assertThat(Rejection.parse(transcript.receiveMessage(WAIT).getError().getMessage()).kind()).isEqualTo(Rejection.Kind.FORBIDDEN);
  }

  @Test
  void aResumeReplaysTheTailOrTheBoardAndTheChat() throws Exception {
    Matched m = matched(ROOM);
    TestProbe<Notification> sam = join(m, "sam");
    m.session().tell(new SessionEntity.PostChat("sam", "hello", "c1", sam.getRef()));
    for (int i = 1; i <= 5; i++) {
      m.session().tell(new SessionEntity.PostBoardOp("sam", stroke("s" + i), null, sam.getRef()));
    }
    m.session().tell(new SessionEntity.PostChat("sam", "done", "c2", sam.getRef()));
    for (int i = 0; i < 7; i++) {
      next(sam, Posted.class);
    }

    TestProbe<Notification> reader = testKit.createTestProbe();
    m.session().tell(new SessionEntity.Resume("ada", 4, reader.getRef()));
    ReplayPage tail = next(reader, ReplayPage.class);
    assertThat(tail.entries()).extracting(RoomEntry::seq).containsExactly(5L, 6L, 7L);
    assertThat(tail.last()).isTrue();
    assertThat(tail.upTo()).isEqualTo(7);

    m.session().tell(new SessionEntity.Resume("ada", 0, reader.getRef()));
    BoardPage board = next(reader, BoardPage.class);
    assertThat(board.seq()).isEqualTo(7);
    assertThat(board.items()).extracting(i -> i.id()).containsExactly("s1", "s2", "s3", "s4", "s5");
    assertThat(board.last()).isTrue();
    ReplayPage chat = next(reader, ReplayPage.class);
    assertThat(chat.entries()).extracting(RoomEntry::seq).containsExactly(1L, 7L);

    m.session().tell(new SessionEntity.Resume("ada", 8, reader.getRef()));
    assertThat(next(reader, Refused.class).code()).isEqualTo("bad-seq");
  }

  @Test
  void aFullBoardRefusesDrawingsUntilSomethingIsCleared() throws Exception {
    Matched m = matched(ROOM.withMaxBoardBytes(1000));
    TestProbe<Notification> sam = join(m, "sam");
    int drawn = 0;
    Notification answer;
    do {
      m.session().tell(new SessionEntity.PostBoardOp("sam", stroke("s" + drawn++), null, sam.getRef()));
      answer = sam.fishForMessage(WAIT, n -> n instanceof Posted || n instanceof Refused
          ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
          : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
    } while (answer instanceof Posted && drawn < 100);
    assertThat(answer).isInstanceOf(Refused.class);
    assertThat(((Refused) answer).code()).isEqualTo("board-full");
    m.session().tell(new SessionEntity.PostBoardOp("sam", new BoardOp.Clear(), null, sam.getRef()));
    assertThat(next(sam, Posted.class).entry().op()).isInstanceOf(BoardOp.Clear.class);
    m.session().tell(new SessionEntity.PostBoardOp("sam", stroke("again"), null, sam.getRef()));
    assertThat(next(sam, Posted.class).entry().seq()).as("the refused op took no seq").isEqualTo(drawn + 1);
  }

  @Test
  void aLongReplayComesInPagesInOrder() throws Exception {
    Matched m = matched(ROOM);
    TestProbe<Notification> sam = join(m, "sam");
    int count = 450;
    for (int i = 1; i <= count; i++) {
      m.session().tell(new SessionEntity.PostChat("sam", "line " + i, "c" + i, sam.getRef()));
    }
    for (int i = 0; i < count; i++) {
      next(sam, Posted.class);
    }
    TestProbe<Notification> reader = testKit.createTestProbe();
    m.session().tell(new SessionEntity.Resume("ada", 0, reader.getRef()));
    List<Long> seqs = new ArrayList<>();
    ReplayPage page;
    int pages = 0;
    do {
      page = next(reader, ReplayPage.class);
      pages++;
      page.entries().forEach(e -> seqs.add(e.seq()));
    } while (!page.last());
    assertThat(pages).isGreaterThan(1);
    assertThat(seqs).hasSize(count);
    assertThat(seqs).isSorted().startsWith(1L).endsWith((long) count);
  }

  @Test
  void endingALiveSessionCompletesItAndFreesTheTutor() throws Exception {
    Matched m = matched(ROOM);
    TestProbe<StatusReply<SessionSummary>> reply = testKit.createTestProbe();
    m.session().tell(new SessionEntity.End("sam", false, reply.getRef()));
    assertThat(Rejection.parse(reply.receiveMessage(WAIT).getError().getMessage()).kind()).as("not live yet").isEqualTo(Rejection.Kind.CONFLICT);
    TestProbe<Notification> sam = join(m, "sam");
    join(m, "ada");
    assertThat(next(sam, StatusChanged.class).status()).isEqualTo(Status.MATCHED);
    assertThat(next(sam, StatusChanged.class).status()).isEqualTo(Status.LIVE);
    m.session().tell(new SessionEntity.End("eve", false, reply.getRef()));
    assertThat(Rejection.parse(reply.receiveMessage(WAIT).getError().getMessage()).kind()).isEqualTo(Rejection.Kind.FORBIDDEN);

    m.session().tell(new SessionEntity.End("ada", false, reply.getRef()));
    SessionSummary ended = reply.receiveMessage(WAIT).getValue();
    assertThat(ended.status()).isEqualTo(Status.COMPLETED);
    assertThat(ended.endedAt()).isAfterOrEqualTo(ended.startedAt());
    assertThat(next(sam, StatusChanged.class).status()).isEqualTo(Status.COMPLETED);
    links.await("tutor:ada", TutorEntity.Release.class, r -> r.sessionId().equals(m.sessionId()));
    m.session().tell(new SessionEntity.End("ada", false, reply.getRef()));
    assertThat(reply.receiveMessage(WAIT).isError()).isTrue();
  }

  @Test
  void anEmptyLiveRoomCompletesByItself() throws Exception {
    Matched m = matched(ROOM.withAbandonTimeout(Duration.ofMillis(300)));
    String samConnection = UUID.randomUUID().toString();
    TestProbe<Notification> sam = testKit.createTestProbe();
    m.session().tell(new SessionEntity.Subscribe(samConnection, "sam", sam.getRef()));
    TestProbe<Notification> ada = join(m, "ada");
    assertThat(next(sam, StatusChanged.class).status()).isEqualTo(Status.MATCHED);
    assertThat(next(sam, StatusChanged.class).status()).isEqualTo(Status.LIVE);
    assertThat(next(ada, PresenceChanged.class)).isEqualTo(new PresenceChanged("sam", true));
    m.session().tell(new SessionEntity.Unsubscribe(samConnection));
    assertThat(next(ada, PresenceChanged.class)).isEqualTo(new PresenceChanged("sam", false));
    ada.stop();

    links.await("tutor:ada", TutorEntity.Release.class, r -> r.sessionId().equals(m.sessionId()));
    SessionSummary ended = get(m);
    assertThat(ended.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void theRoomIsRebuiltFromTheEventsAfterARestart() throws Exception {
    Matched m = matched(ROOM);
    TestProbe<Notification> sam = join(m, "sam");
    join(m, "ada");
    m.session().tell(new SessionEntity.PostChat("sam", "before", "c1", sam.getRef()));
    m.session().tell(new SessionEntity.PostBoardOp("sam", stroke("s1"), "op1", sam.getRef()));
    next(sam, Posted.class);
    next(sam, Posted.class);
    testKit.stop(m.session());

    Matched again = new Matched(m.sessionId(), spawn(m.sessionId(), ROOM));
    assertThat(get(again).status()).isEqualTo(Status.LIVE);
    TestProbe<Notification> reader = testKit.createTestProbe();
    again.session().tell(new SessionEntity.PostBoardOp("sam", stroke("s1"), "op1", reader.getRef()));
    assertThat(next(reader, Posted.class).again()).as("the clientId survived the restart").isTrue();
    again.session().tell(new SessionEntity.PostChat("sam", "after", "c2", reader.getRef()));
    assertThat(next(reader, Posted.class).entry().seq()).isEqualTo(3);
    again.session().tell(new SessionEntity.Resume("sam", 0, reader.getRef()));
    assertThat(next(reader, ReplayPage.class).entries()).extracting(RoomEntry::text).containsExactly("before", null, "after");
  }
}
