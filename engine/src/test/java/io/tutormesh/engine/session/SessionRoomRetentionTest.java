package io.tutormesh.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchingObserver;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.room.Board;
import io.tutormesh.engine.room.BoardOp;
import io.tutormesh.engine.room.Room;
import io.tutormesh.engine.room.RoomEntry;
import io.tutormesh.engine.room.RoomSettings;
import io.tutormesh.engine.session.SessionEntity.BoardPage;
import io.tutormesh.engine.session.SessionEntity.Command;
import io.tutormesh.engine.session.SessionEntity.Event;
import io.tutormesh.engine.session.SessionEntity.Live;
import io.tutormesh.engine.session.SessionEntity.Notification;
import io.tutormesh.engine.session.SessionEntity.Posted;
import io.tutormesh.engine.session.SessionEntity.Refused;
import io.tutormesh.engine.session.SessionEntity.ReplayPage;
import io.tutormesh.engine.session.SessionEntity.SessionSnapshot;
import io.tutormesh.engine.session.SessionEntity.State;
import io.tutormesh.engine.session.SessionEntity.Transcript;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A long lesson's room stays bounded and recovers from snapshots: it keeps every chat message
 * (up to a cap) but only the last board-replay-limit ops, a resume behind them gets the board,
 * the transcript reads the dropped ops back from the journal, and a restart from the last
 * snapshot and the events after it gives the same room. A LIVE session is set up from its
 * events; commands, events, state and snapshots cross the serializer.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionRoomRetentionTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final MatchingSettings MATCHING =
      new MatchingSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), 1, Duration.ofMillis(100), Duration.ofSeconds(45), 3, 15, 180);
  /** Keeps 3 ops, 4 chat messages; a snapshot every 5 events. */
  private static final RoomSettings ROOM =
      RoomSettings.fromConfig(TestSupport.testKitConfig())
          .withBoardReplayLimit(3)
          .withMaxChatEntries(4)
          .withSnapshotEvery(5)
          .withReadJournal(PersistenceTestKitReadJournal.Identifier())
          .withAbandonTimeout(Duration.ofMinutes(10));
  private static final InstantRequest REQUEST = new InstantRequest("math", "university", "fr", 6000, 60);

  /**
   * Snapshots are serialized, as Cassandra's store does (the testkit's store keeps them as objects
   * by default, and warns that this is on).
   */
  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ConfigFactory.parseString("pekko.persistence.testkit.snapshots.serialize = on").withFallback(TestSupport.testKitConfig()))
      .build();

  private final SessionEntityTest.FakeLinks links = new SessionEntityTest.FakeLinks();

  /** The session settings of the test kit's config, with {@link #MATCHING} and {@code room}. */
  private SessionEntity.Settings settings(RoomSettings room) {
    return SessionEntity.Settings.fromConfig(testKit.system().settings().config()).withMatching(MATCHING).withRoom(room);
  }

  private EventSourcedBehaviorTestKit<Command, Event, State> kit(String sessionId, RoomSettings room) {
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        SessionEntity.create(sessionId, settings(room), links, PaymentGuard.ALWAYS_YES, MatchingObserver.NONE, Clock.systemUTC(), null),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  /** Student "sam" and tutor "ada" are in the room: LIVE, journal sequence numbers 1 to 4. */
  private EventSourcedBehaviorTestKit<Command, Event, State> live(String sessionId) {
    EventSourcedBehaviorTestKit<Command, Event, State> kit = kit(sessionId, ROOM);
    Instant now = Instant.now();
    kit.initialize(
        new SessionEntity.InstantRequested(sessionId, "sam", REQUEST, "EUR", now),
        new SessionEntity.TutorMatched(sessionId, "ada", "offer-1", 4000, now),
        new SessionEntity.ParticipantJoined(sessionId, "sam", now),
        new SessionEntity.ParticipantJoined(sessionId, "ada", now));
    assertThat(kit.getState()).isInstanceOf(Live.class);
    return kit;
  }

  private static BoardOp stroke(String id) {
    return new BoardOp.Stroke(id, List.of(new BoardOp.Point(1, 2), new BoardOp.Point(3, 4)), "#000000", 2);
  }

  private static Notification chat(EventSourcedBehaviorTestKit<Command, Event, State> kit, String text, String clientId) {
    return kit.<Notification>runCommand(replyTo -> new SessionEntity.PostChat("sam", text, clientId, replyTo)).reply();
  }

  private static Posted op(EventSourcedBehaviorTestKit<Command, Event, State> kit, String id) {
    return (Posted) kit.<Notification>runCommand(replyTo -> new SessionEntity.PostBoardOp("ada", stroke(id), "op-" + id, replyTo)).reply();
  }

  /**
   * seq 1 chat, 2..6 ops s1..s5, 7 chat, 8 op s6: ops 2 to 4 are no longer kept. Journal
   * sequence numbers 5 to 12, so snapshots at 5 and 10.
   */
  private static void lesson(EventSourcedBehaviorTestKit<Command, Event, State> kit) {
    chat(kit, "hello", "c1");
    for (int i = 1; i <= 5; i++) {
      op(kit, "s" + i);
    }
    chat(kit, "look", "c2");
    op(kit, "s6");
  }

  private static Room room(EventSourcedBehaviorTestKit<Command, Event, State> kit) {
    return ((Live) kit.getState()).room();
  }

  private static List<Long> seqs(List<RoomEntry> entries) {
    return entries.stream().map(RoomEntry::seq).toList();
  }

  /** board pages (if any), then replay pages, as the session sends them for a resume. */
  private record Replay(List<Board.Item> board, List<RoomEntry> entries) {}

  private Replay resume(EventSourcedBehaviorTestKit<Command, Event, State> kit, long afterSeq) {
    TestProbe<Notification> reader = testKit.createTestProbe();
    kit.runCommand(new SessionEntity.Resume("sam", afterSeq, reader.getRef()));
    return replay(reader);
  }

  private Replay resume(ActorRef<Command> session, long afterSeq) {
    TestProbe<Notification> reader = testKit.createTestProbe();
    session.tell(new SessionEntity.Resume("sam", afterSeq, reader.getRef()));
    return replay(reader);
  }

  private static Replay replay(TestProbe<Notification> reader) {
    List<Board.Item> board = new ArrayList<>();
    List<RoomEntry> entries = new ArrayList<>();
    while (true) {
      Notification next = reader.receiveMessage(WAIT);
      if (next instanceof BoardPage page) {
        board.addAll(page.items());
      } else if (next instanceof ReplayPage page) {
        entries.addAll(page.entries());
        if (page.last()) {
          return new Replay(board, entries);
        }
      } else {
        throw new AssertionError("unexpected " + next);
      }
    }
  }

  private static Transcript transcript(EventSourcedBehaviorTestKit<Command, Event, State> kit, long afterSeq, int limit) {
    return kit.<StatusReply<Transcript>>runCommand(replyTo -> new SessionEntity.GetTranscript("sam", false, afterSeq, limit, replyTo)).reply().getValue();
  }

  @Test
  void theRoomKeepsEveryChatMessageButOnlyTheLastOps() {
    EventSourcedBehaviorTestKit<Command, Event, State> kit = live(UUID.randomUUID().toString());
    lesson(kit);
    Room room = room(kit);
    assertThat(room.seq()).isEqualTo(8);
    assertThat(room.keptOps()).isEqualTo(3);
    assertThat(room.chatCount()).isEqualTo(2);
    assertThat(seqs(room.after(0, 100))).containsExactly(1L, 5L, 6L, 7L, 8L);
    assertThat(room.board().items()).extracting(Board.Item::id).containsExactly("s1", "s2", "s3", "s4", "s5", "s6");
  }

  @Test
  void aResumeBehindTheKeptOpsGetsTheBoardAndTheChatWithNoGap() {
    EventSourcedBehaviorTestKit<Command, Event, State> kit = live(UUID.randomUUID().toString());
    lesson(kit);

    Replay fromStart = resume(kit, 0);
    assertThat(fromStart.board()).extracting(Board.Item::id).containsExactly("s1", "s2", "s3", "s4", "s5", "s6");
    assertThat(seqs(fromStart.entries())).containsExactly(1L, 7L);

    Replay behind = resume(kit, 3);
    assertThat(behind.board()).as("op 4 is no longer kept: the board replaces the ops").hasSize(6);
    assertThat(seqs(behind.entries())).containsExactly(7L);

    Replay tail = resume(kit, 4);
    assertThat(tail.board()).as("every op after 4 is kept, and only 3 of them").isEmpty();
    assertThat(seqs(tail.entries())).containsExactly(5L, 6L, 7L, 8L);
  }

  @Test
  void aResumeFromBeforeADroppedOpTakesTheBoardEvenIfTheLimitWasRaisedSince() {
    String sessionId = UUID.randomUUID().toString();
    EventSourcedBehaviorTestKit<Command, Event, State> kit = live(sessionId);
    lesson(kit);
    // The same session started again with a higher limit (the testkit's own actor stays idle). It
    // recovers from the snapshot at journal sequence number 10 (room seq 6, ops 2 and 3 dropped,
    // 4 to 6 kept) and keeps every op after it. From seq 2, only 4 of the 5 ops that follow are
    // held, fewer than the new limit: replaying them one by one would skip op 3.
    ActorRef<Command> raised = testKit.spawn(
        SessionEntity.create(sessionId, settings(ROOM.withBoardReplayLimit(10)), links, PaymentGuard.ALWAYS_YES, MatchingObserver.NONE, Clock.systemUTC(), null));
    Replay behind = resume(raised, 2);
    assertThat(behind.board()).extracting(Board.Item::id).containsExactly("s1", "s2", "s3", "s4", "s5", "s6");
    assertThat(seqs(behind.entries())).containsExactly(7L);
    Replay tail = resume(raised, 3);
    assertThat(tail.board()).isEmpty();
    assertThat(seqs(tail.entries())).containsExactly(4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void aFullChatRefusesMessagesAndChangesNothing() {
    EventSourcedBehaviorTestKit<Command, Event, State> kit = live(UUID.randomUUID().toString());
    for (int i = 1; i <= 4; i++) {
      assertThat(chat(kit, "line " + i, "c" + i)).isInstanceOf(Posted.class);
    }
    var refused = kit.<Notification>runCommand(replyTo -> new SessionEntity.PostChat("sam", "one too many", "c5", replyTo));
    assertThat(refused.reply()).isInstanceOf(Refused.class);
    assertThat(((Refused) refused.reply()).code()).isEqualTo("chat-full");
    assertThat(refused.hasNoEvents()).isTrue();
    assertThat(room(kit).seq()).isEqualTo(4);
    Posted again = (Posted) chat(kit, "line 2", "c2");
    assertThat(again.again()).as("a resend is still acknowledged").isTrue();
    assertThat(again.entry().seq()).isEqualTo(2);
    assertThat(op(kit, "s1").entry().seq()).as("the board goes on").isEqualTo(5);
  }

  @Test
  void theTranscriptReadsTheOpsTheRoomNoLongerKeepsFromTheJournal() {
    EventSourcedBehaviorTestKit<Command, Event, State> kit = live(UUID.randomUUID().toString());
    lesson(kit);
    Transcript all = transcript(kit, 0, 100);
    assertThat(seqs(all.entries())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(all.lastSeq()).isEqualTo(8);
    assertThat(all.entries().get(1).op()).isEqualTo(stroke("s1"));
    assertThat(all.entries().get(6).text()).isEqualTo("look");

    List<Long> paged = new ArrayList<>();
    long after = 0;
    for (Transcript page = transcript(kit, after, 3); !page.entries().isEmpty(); page = transcript(kit, after, 3)) {
      assertThat(page.entries()).hasSizeLessThanOrEqualTo(3);
      paged.addAll(seqs(page.entries()));
      after = page.entries().get(page.entries().size() - 1).seq();
    }
    assertThat(paged).containsExactlyElementsOf(LongStream.rangeClosed(1, 8).boxed().toList());
    assertThat(seqs(transcript(kit, 6, 100).entries())).as("from memory").containsExactly(7L, 8L);
  }

  @Test
  void aRestartFromTheLastSnapshotAndTheEventsAfterItGivesTheSameRoom() {
    String sessionId = UUID.randomUUID().toString();
    EventSourcedBehaviorTestKit<Command, Event, State> kit = live(sessionId);
    lesson(kit);
    op(kit, "s7");
    Room before = room(kit);
    assertThat(before.seq()).isEqualTo(9);

    var snapshots = kit.snapshotTestKit().orElseThrow().persistedInStorage("Session|" + sessionId);
    assertThat(snapshots).extracting(s -> ((SnapshotMeta) s.first()).sequenceNr()).containsExactlyInAnyOrder(5L, 10L);
    SessionSnapshot last = snapshots.stream()
        .filter(s -> ((SnapshotMeta) s.first()).sequenceNr() == 10)
        .map(s -> (SessionSnapshot) s.second())
        .findFirst()
        .orElseThrow();
    assertThat(last.state()).isInstanceOf(Live.class);
    assertThat(last.room().seq()).as("taken at journal sequence number 10").isEqualTo(6);
    assertThat(last.room().ops()).hasSize(3);

    State restarted = kit.restart().state();
    Room after = ((Live) restarted).room();
    assertThat(after.seq()).isEqualTo(9);
    assertThat(after.after(0, 100)).isEqualTo(before.after(0, 100));
    assertThat(after.board().items()).isEqualTo(before.board().items());
    assertThat(after.keepsEverythingAfter(4)).isFalse();
    assertThat(after.keepsEverythingAfter(5)).isTrue();
    assertThat(after.joined()).containsExactly("sam", "ada");

    Posted again = op(kit, "s7");
    assertThat(again.again()).as("a recent clientId survived the restart").isTrue();
    assertThat(again.entry().seq()).isEqualTo(9);
    assertThat(op(kit, "s8").entry().seq()).isEqualTo(10);
    assertThat(seqs(resume(kit, 0).entries())).containsExactly(1L, 7L);
    assertThat(seqs(transcript(kit, 0, 100).entries())).containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
  }

  @Test
  void aSnapshotCanCarryEveryStateType() throws Exception {
    var listed = SessionSnapshot.class.getDeclaredField("state").getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class);
    List<String> types = Arrays.stream(listed.value()).map(t -> t.value().getName()).toList();
    assertThat(types).as("SessionSnapshot.state must list every State type").containsExactlyInAnyOrderElementsOf(leaves(State.class));
  }

  private static List<String> leaves(Class<?> type) {
    return type.isSealed() ? Arrays.stream(type.getPermittedSubclasses()).flatMap(t -> leaves(t).stream()).toList() : List.of(type.getName());
  }
}
