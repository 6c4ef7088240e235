package io.tutormesh.gateway.session;

import static io.tutormesh.gateway.session.Rooms.ENTRY;
import static io.tutormesh.gateway.session.Rooms.awaitTrue;
import static io.tutormesh.gateway.session.Rooms.chat;
import static io.tutormesh.gateway.session.Rooms.seqs;
import static io.tutormesh.gateway.session.Rooms.stroke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.session.Rooms.Room;
import io.tutormesh.gateway.testing.TestNodes;
import io.tutormesh.gateway.testing.WsClient;
import io.tutormesh.persistence.testing.SharedCassandra;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

/**
 * The room across the node's life: a restart of the ActorSystem (nothing acknowledged is lost; a
 * long lesson comes back from its last snapshot), rooms nobody is in, and a client that stops
 * reading. Each test runs its own node, configured
 * for what it shows.
 */
class RoomLifecycleIntegrationTest {

  @Test
  void nothingAcknowledgedIsLostWhenTheNodeRestarts() throws Exception {
    Node first = TestNodes.start();
    Room room;
    try {
      Rooms rooms = new Rooms(first);
      room = rooms.matched();
      WsClient[] sockets = rooms.live(room);
      for (int i = 1; i <= 6; i++) {
        sockets[0].send(i % 2 == 0 ? stroke("s" + i, i) : chat("before the restart " + i, "b" + i));
      }
      assertThat(seqs(sockets[0].awaitInOrder(ENTRY, 6))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      Rooms.close(room, sockets);
    } finally {
      first.stop();
    }

    Node second = TestNodes.start();
    try {
      Rooms rooms = new Rooms(second);
      WsClient tutor = rooms.join(room, room.tutorToken());
      assertThat(tutor.await("status").get("status").asText()).isEqualTo("LIVE");
      tutor.send("{\"type\":\"resume\",\"afterSeq\":0}");
      java.util.List<JsonNode> replayed = tutor.awaitInOrder(ENTRY, 6);
      assertThat(seqs(replayed)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      assertThat(replayed.get(0).get("text").asText()).isEqualTo("before the restart 1");
      tutor.send(chat("after the restart", "a1"));
      assertThat(tutor.awaitInOrder(ENTRY, 1).get(0).get("seq").asLong()).isEqualTo(7);
      assertThat(rooms.transcript(room, room.studentToken(), "").get("lastSeq").asLong()).isEqualTo(7);
      tutor.close();
    } finally {
      second.stop();
    }
  }

  @Test
  void aLongLessonRecoversFromItsLastSnapshotAfterARestart() throws Exception {
    int entries = 2000;
    int snapshotEvery = 100;
    Map<String, Object> settings = Map.of(
        "tutormesh.room.snapshot-every", snapshotEvery,
        "tutormesh.room.board-replay-limit", 50,
        "tutormesh.ws.rate.frames-per-second", "10000",
        "tutormesh.ws.rate.burst", "10000");
    Node first = TestNodes.start(settings);
    Room room;
    try {
      Rooms rooms = new Rooms(first);
      room = rooms.matched();
      WsClient[] sockets = rooms.live(room);
      // Every 5th entry a chat message, the others strokes, each with an id of its own.
      for (int batch = 0; batch < entries / 100; batch++) {
        for (int i = batch * 100 + 1; i <= batch * 100 + 100; i++) {
          sockets[0].send(i % 5 == 0 ? chat("line " + i, "c" + i) : stroke("s" + i, i % 1000));
        }
        assertThat(seqs(sockets[0].awaitInOrder(ENTRY, 100)).get(99)).isEqualTo(batch * 100 + 100L);
      }
      String sessionId = room.sessionId();
      awaitTrue(() -> lastSnapshot(sessionId) > entries - snapshotEvery, "a snapshot of the last events");
      Rooms.close(room, sockets);
    } finally {
      first.stop();
    }

    Node second = TestNodes.start(settings);
    try {
      Rooms rooms = new Rooms(second);
      WsClient tutor = rooms.join(room, room.tutorToken());
      assertThat(tutor.await("status").get("status").asText()).isEqualTo("LIVE");

      // From the start: the board (1,600 strokes), then the 400 chat messages, nothing missing.
      tutor.send("{\"type\":\"resume\",\"afterSeq\":0}");
      JsonNode board = tutor.await("board");
      assertThat(board.get("seq").asLong()).isEqualTo(entries);
      assertThat(board.get("items")).hasSize(entries * 4 / 5);
      assertThat(board.get("items").get(0).get("id").asText()).isEqualTo("s1");
      java.util.List<JsonNode> chat = tutor.awaitInOrder(ENTRY, entries / 5);
      assertThat(seqs(chat)).containsExactlyElementsOf(LongStream.rangeClosed(1, entries / 5).map(i -> i * 5).boxed().toList());
      assertThat(chat).allMatch(f -> f.get("type").asText().equals("chat"));

      // From a recent seq: the entries one by one, from the room the snapshot and its tail rebuilt.
      tutor.send("{\"type\":\"resume\",\"afterSeq\":" + (entries - 20) + "}");
      java.util.List<JsonNode> tail = tutor.awaitInOrder(ENTRY, 20);
      assertThat(seqs(tail)).containsExactlyElementsOf(LongStream.rangeClosed(entries - 19, entries).boxed().toList());
      assertThat(tail.get(19).get("text").asText()).isEqualTo("line " + entries);
      assertThat(tutor.poll("board", java.time.Duration.ZERO)).isNull();

      // The transcript still has every entry, the ops the room no longer keeps read from the journal.
      java.util.List<Long> transcript = new java.util.ArrayList<>();
      String query = "?afterSeq=0&limit=1000";
      JsonNode page;
      do {
        page = rooms.transcript(room, room.studentToken(), query);
        page.get("events").forEach(e -> transcript.add(e.get("seq").asLong()));
        query = "?afterSeq=" + page.path("nextAfterSeq").asLong() + "&limit=1000";
      } while (page.hasNonNull("nextAfterSeq"));
      assertThat(transcript).containsExactlyElementsOf(LongStream.rangeClosed(1, entries).boxed().toList());
      JsonNode firstPage = rooms.transcript(room, room.studentToken(), "?afterSeq=0&limit=2");
      assertThat(firstPage.get("events").get(0).get("op").get("id").asText()).isEqualTo("s1");
      assertThat(firstPage.get("lastSeq").asLong()).isEqualTo(entries);

      tutor.send(chat("after the restart", "a1"));
      assertThat(tutor.awaitInOrder(ENTRY, 1).get(0).get("seq").asLong()).isEqualTo(entries + 1);
      tutor.close();
    } finally {
      second.stop();
    }
  }

  /** The journal sequence number of the session's newest snapshot in Cassandra, 0 if none. */
  private static long lastSnapshot(String sessionId) {
    SharedCassandra cassandra = SharedCassandra.get();
    var row = cassandra.session()
        .execute("SELECT sequence_nr FROM " + cassandra.keyspace() + ".snapshots WHERE persistence_id = ? LIMIT 1", "Session|" + sessionId)
        .one();
    return row == null ? 0 : row.getLong("sequence_nr");
  }

  @Test
  void aRoomNobodyIsInEndsByItself() throws Exception {
    Node node = TestNodes.start(Map.of("tutormesh.room.abandon-timeout", "2s"));
    try {
      Rooms rooms = new Rooms(node);
      Room live = rooms.matched();
      WsClient[] sockets = rooms.live(live);
      sockets[0].send(chat("see you", "c1"));
      sockets[0].await("chat");
      Rooms.close(live, sockets);
      awaitTrue(() -> "COMPLETED".equals(rooms.session(live.sessionId(), live.studentToken()).path("status").asText()), "the empty live room completed");
      assertThat(rooms.session(live.sessionId(), live.studentToken()).get("timeline").findValuesAsText("status"))
          .containsExactly("MATCHING", "MATCHED", "LIVE", "COMPLETED");

      Room unopened = rooms.matched();
      awaitTrue(() -> "CANCELLED".equals(rooms.session(unopened.sessionId(), unopened.studentToken()).path("status").asText()), "the room nobody opened is cancelled");
      awaitTrue(() -> "ONLINE".equals(rooms.api().get("/v1/tutors/" + unopened.tutorId(), unopened.tutorToken()).json().path("presence").asText()), "its tutor is free again");
      unopened.tutorSocket().close();
    } finally {
      node.stop();
    }
  }

  @Test
  void aParticipantThatStopsReadingIsClosedAndTheRoomGoesOn() throws Exception {
    Node node = TestNodes.start(Map.of(
        "tutormesh.ws.max-queued-frames", "8",
        "tutormesh.ws.rate.frames-per-second", "1000",
        "tutormesh.ws.rate.burst", "1000",
        "tutormesh.presence.heartbeat-interval", "2s"));
    WebSocketClient client = new WebSocketClient();
    client.start();
    try {
      Rooms rooms = new Rooms(node);
      Room room = rooms.matched();
      WsClient student = rooms.join(room, room.studentToken());
      student.await("status");
      NotReading tutor = new NotReading();
      client.connect(tutor, URI.create("ws://127.0.0.1:" + rooms.wsPort() + "/ws/session/" + room.sessionId() + "?token=" + room.tutorToken()))
          .get(10, TimeUnit.SECONDS);
      student.await("presence", f -> f.get("state").asText().equals("joined"));

      String points = "[" + "[1234.5,6789.25],".repeat(1999) + "[1,1]]";
      int sent = 0;
      JsonNode left = null;
      while (sent < 1000 && left == null) {
        sent++;
        // One id, redrawn: every op is a 34 KB frame for the reader, while the board keeps one item.
        student.send("{\"type\":\"wb\",\"op\":{\"kind\":\"stroke\",\"id\":\"s1\",\"points\":" + points + ",\"color\":\"#000000\",\"width\":1}}");
        student.awaitInOrder(ENTRY, 1);
        left = student.poll("presence", java.time.Duration.ZERO);
      }
      if (left == null) {
        left = student.await("presence");
      }
      assertThat(left.get("state").asText()).isEqualTo("left");
      assertThat(left.get("userId").asText()).isEqualTo(room.tutorId());
      assertThat(sent).as("the slow socket was dropped long before every op was sent").isLessThan(1000);

      WsClient again = rooms.join(room, room.tutorToken());
      again.await("status");
      again.send(chat("back, and reading", "r1"));
      assertThat(again.awaitInOrder(ENTRY, 1).get(0).get("seq").asLong()).isEqualTo(sent + 1);
      again.close();
      Rooms.close(room, student);
    } finally {
      client.stop();
      node.stop();
    }
  }

  /** A client that opens the socket and never reads from it (no demand): its TCP buffers fill up. */
  public static final class NotReading implements Session.Listener {
    final CompletableFuture<Session> opened = new CompletableFuture<>();

    @Override
    public void onWebSocketOpen(Session session) {
      opened.complete(session);
    }
  }
}
