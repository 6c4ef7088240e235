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
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

/**
 * The room across the node's life: a restart of the ActorSystem (nothing acknowledged is lost),
 * rooms nobody is in, and a client that stops reading. Each test runs its own node, configured
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
