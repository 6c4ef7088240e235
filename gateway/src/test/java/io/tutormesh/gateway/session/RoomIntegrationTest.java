package io.tutormesh.gateway.session;

import static io.tutormesh.gateway.session.Fixtures.assertBadField;
import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.sample;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static io.tutormesh.gateway.session.Rooms.ENTRY;
import static io.tutormesh.gateway.session.Rooms.assertError;
import static io.tutormesh.gateway.session.Rooms.awaitTrue;
import static io.tutormesh.gateway.session.Rooms.chat;
import static io.tutormesh.gateway.session.Rooms.close;
import static io.tutormesh.gateway.session.Rooms.seqs;
import static io.tutormesh.gateway.session.Rooms.stroke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.session.Rooms.Room;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
import io.tutormesh.gateway.testing.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live room end to end: real sockets, real REST, the real Cassandra. Each test matches its own
 * tutor and student (a language of its own, so that no other test's tutor takes its request).
 */
class RoomIntegrationTest {

  private static Node node;
  private static Rooms rooms;
  private static Api api;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNodes.start(Map.of("tutormesh.room.board-replay-limit", "20"));
    rooms = new Rooms(node);
    api = rooms.api();
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.stop();
    }
  }

  @Test
  void chatAndBoardOpsAreStoredInOneOrderAcknowledgedAndNeverStoredTwice() throws Exception {
    Room room = rooms.matched();
    WsClient[] sockets = rooms.live(room);
    WsClient student = sockets[0];
    WsClient tutor = sockets[1];
    assertThat(student.await("presence").toString()).contains(room.tutorId(), "joined");
    assertThat(tutor.await("presence").toString()).contains(room.studentId(), "joined");

    // Not only ASCII: frames go out as the UTF-8 bytes encoded once for both sockets.
    String hello = "bonjour, \u00e7a va ? 5 \u20ac \ud83d\ude42";
    student.send(chat(hello, "c1"));
    JsonNode ack = student.await("chat");
    assertThat(ack.get("seq").asLong()).isEqualTo(1);
    assertThat(ack.get("from").asText()).isEqualTo(room.studentId());
    assertThat(ack.get("text").asText()).isEqualTo(hello);
    assertThat(ack.get("clientId").asText()).isEqualTo("c1");
    assertThat(Instant.parse(ack.get("at").asText())).isBeforeOrEqualTo(Instant.now());
    JsonNode atTutor = tutor.await("chat");
    assertThat(atTutor.get("seq").asLong()).isEqualTo(1);
    assertThat(atTutor.get("text").asText()).isEqualTo(hello);

    tutor.send(stroke("s1", 10));
    JsonNode op = tutor.await("wb");
    assertThat(op.get("seq").asLong()).isEqualTo(2);
    assertThat(op.get("from").asText()).isEqualTo(room.tutorId());
    assertThat(op.get("op").get("kind").asText()).isEqualTo("stroke");
    assertThat(student.await("wb").get("seq").asLong()).isEqualTo(2);

    // A resend of c1 gets the first frame back and stores nothing; contact details are masked.
    student.send(chat(hello, "c1"));
    assertThat(student.await("chat").get("seq").asLong()).isEqualTo(1);
    student.send(chat("write to ada@example.com or call +33 6 12 34 56 78, 2+2=4", "c2"));
    JsonNode masked = student.await("chat");
    assertThat(masked.get("seq").asLong()).isEqualTo(3);
    assertThat(masked.get("text").asText()).contains("[hidden]", "2+2=4").doesNotContain("@", "56 78");
    assertThat(tutor.await("chat").get("seq").asLong()).as("the tutor never saw the resend").isEqualTo(3);

    JsonNode all = rooms.transcript(room, room.studentToken(), "");
    assertThat(all.get("lastSeq").asLong()).isEqualTo(3);
    assertThat(all.get("events").findValuesAsText("type")).containsExactly("chat", "wb", "chat");
    assertThat(all.get("events").findValuesAsText("seq")).containsExactly("1", "2", "3");
    JsonNode tail = rooms.transcript(room, room.tutorToken(), "?afterSeq=1&limit=1");
    assertThat(tail.get("events")).hasSize(1);
    assertThat(tail.get("events").get(0).get("seq").asLong()).isEqualTo(2);
    assertThat(tail.get("nextAfterSeq").asLong()).isEqualTo(2);

    // The node timed each chat message from its socket to the stored entry (not the resend: not
    // stored again); an op is timed only with a clientId, and this one had none.
    String metrics = api.get("/metrics", null).body();
    assertThat(sample(metrics, "tutormesh_room_store_time_seconds_count{kind=\"chat\"}")).isGreaterThanOrEqualTo(2.0);
    assertThat(sample(metrics, "tutormesh_room_store_time_seconds_count{kind=\"wb\"}")).isGreaterThanOrEqualTo(0.0);
    close(room, sockets);
  }

  @Test
  void aResumeReplaysExactlyWhatCameAfterThenLiveFramesContinue() throws Exception {
    Room room = rooms.matched();
    WsClient[] sockets = rooms.live(room);
    WsClient student = sockets[0];
    for (int i = 1; i <= 10; i++) {
      student.send(i % 3 == 0 ? stroke("s" + i, i) : chat("message " + i, "m" + i));
    }
    assertThat(seqs(student.awaitInOrder(ENTRY, 10))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);

    WsClient again = rooms.join(room, room.tutorToken());
    again.await("status");
    again.send("{\"type\":\"resume\",\"afterSeq\":4}");
    List<JsonNode> replayed = again.awaitInOrder(ENTRY, 6);
    assertThat(seqs(replayed)).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(replayed.get(1).get("type").asText()).isEqualTo("wb");
    assertThat(replayed.get(0).get("text").asText()).isEqualTo("message 5");
    student.send(chat("after the resume", "m11"));
    assertThat(again.awaitInOrder(ENTRY, 1).get(0).get("seq").asLong()).isEqualTo(11);

    for (String bad : List.of("-1", "12", "\"4\"", "1.5", "null")) {
      again.send("{\"type\":\"resume\",\"afterSeq\":" + bad + "}");
      assertError(again, "bad-seq");
    }
    again.send("{\"type\":\"resume\",\"afterSeq\":11}");
    student.send(chat("still live", "m12"));
    assertThat(again.awaitInOrder(ENTRY, 1).get(0).get("seq").asLong()).as("nothing after 11 but the live one").isEqualTo(12);
    again.close();
    close(room, sockets);
  }

  @Test
  void aReconnectingClientGetsItsReplayBeforeAnyLiveFrame() throws Exception {
    Room room = rooms.matched();
    WsClient[] sockets = rooms.live(room);
    WsClient student = sockets[0];
    for (int i = 1; i <= 5; i++) {
      student.send(chat("before " + i, "b" + i));
    }
    assertThat(seqs(student.awaitInOrder(ENTRY, 5))).containsExactly(1L, 2L, 3L, 4L, 5L);

    // The tutor reconnects; a message is posted between its status frame and its resume.
    WsClient again = rooms.join(room, room.tutorToken());
    again.await("status");
    student.send(chat("while reconnecting", "w1"));
    assertThat(student.awaitInOrder(ENTRY, 1).get(0).get("seq").asLong()).isEqualTo(6);
    again.send("{\"type\":\"resume\",\"afterSeq\":2}");
    assertThat(seqs(again.awaitInOrder(ENTRY, 4))).as("the replay first, each once").containsExactly(3L, 4L, 5L, 6L);
    student.send(chat("after", "a1"));
    assertThat(seqs(again.awaitInOrder(ENTRY, 1))).containsExactly(7L);

    // A client that does not resume gets the live frames after the grace, in order.
    WsClient plain = rooms.join(room, room.tutorToken());
    plain.await("status");
    student.send(chat("live only", "l1"));
    assertThat(seqs(plain.awaitInOrder(ENTRY, 1))).containsExactly(8L);
    plain.close();
    again.close();
    close(room, sockets);
  }

  @Test
  void aLongBoardResumesAsTheBoardItselfThenTheChat() throws Exception {
    Room room = rooms.matched();
    WsClient[] sockets = rooms.live(room);
    WsClient tutor = sockets[1];
    tutor.send(chat("let's draw", "c0"));
    for (int i = 1; i <= 30; i++) {
      tutor.send(stroke("s" + i, i));
    }
    tutor.send("{\"type\":\"wb\",\"op\":{\"kind\":\"erase\",\"ids\":[\"s1\",\"s2\"]}}");
    tutor.send(chat("two erased", "c1"));
    assertThat(seqs(tutor.awaitInOrder(ENTRY, 33))).endsWith(33L);

    WsClient student = rooms.join(room, room.studentToken());
    student.await("status");
    student.send("{\"type\":\"resume\",\"afterSeq\":0}");
    JsonNode board = student.await("board");
    assertThat(board.get("seq").asLong()).isEqualTo(33);
    assertThat(board.get("items")).hasSize(28);
    assertThat(board.get("items").get(0).get("id").asText()).isEqualTo("s3");
    assertThat(board.get("items").get(0).get("op").get("kind").asText()).isEqualTo("stroke");
    List<JsonNode> chat = student.awaitInOrder(ENTRY, 2);
    assertThat(seqs(chat)).containsExactly(1L, 33L);
    assertThat(chat).allMatch(f -> f.get("type").asText().equals("chat"));

    // A short tail is replayed op by op.
    student.send("{\"type\":\"resume\",\"afterSeq\":30}");
    assertThat(seqs(student.awaitInOrder(ENTRY, 3))).containsExactly(31L, 32L, 33L);
    student.close();
    close(room, sockets);
  }

  @Test
  void signallingGoesToTheOtherParticipantOnlyAndIsNeverStored() throws Exception {
    Room room = rooms.matched();
    WsClient[] sockets = rooms.live(room);
    WsClient student = sockets[0];
    WsClient tutor = sockets[1];
    student.send("{\"type\":\"signal\",\"kind\":\"offer\",\"payload\":{\"sdp\":\"v=0 o=- 1 2 IN IP4 127.0.0.1\",\"type\":\"offer\"}}");
    JsonNode signal = tutor.await("signal");
    assertThat(signal.get("from").asText()).isEqualTo(room.studentId());
    assertThat(signal.get("kind").asText()).isEqualTo("offer");
    assertThat(signal.get("payload").get("sdp").asText()).startsWith("v=0");
    tutor.send("{\"type\":\"signal\",\"kind\":\"ice\",\"payload\":{\"candidate\":\"candidate:1 1 UDP 1 10.0.0.1 5000 typ host\"}}");
    assertThat(student.await("signal").get("kind").asText()).isEqualTo("ice");
    // The sender never gets its own signal back: the next signal or chat it sees is the chat.
    student.send(chat("can you hear me?", "c1"));
    assertThat(student.awaitInOrder(f -> List.of("signal", "chat").contains(f.path("type").asText()), 1).get(0).get("type").asText()).isEqualTo("chat");
    assertThat(rooms.transcript(room, room.studentToken(), "").get("events").findValuesAsText("type")).containsExactly("chat");

    student.send("{\"type\":\"signal\",\"kind\":\"hello\",\"payload\":{}}");
    assertError(student, "bad-field");
    student.send("{\"type\":\"signal\",\"kind\":\"offer\",\"payload\":\"sdp\"}");
    assertError(student, "bad-field");
    student.send("{\"type\":\"signal\",\"kind\":\"offer\",\"payload\":{\"sdp\":\"" + "x".repeat(20_000) + "\"}}");
    assertError(student, "too-large");
    for (int i = 0; i < 60; i++) {
      student.send("{\"type\":\"signal\",\"kind\":\"ice\",\"payload\":{\"n\":" + i + "}}");
    }
    assertError(student, "rate-limited");
    assertPingPong(student);

    tutor.close();
    assertThat(student.await("presence", f -> f.get("state").asText().equals("left")).get("userId").asText()).isEqualTo(room.tutorId());
    awaitTrue(() -> {
      student.send("{\"type\":\"signal\",\"kind\":\"ice\",\"payload\":{}}");
      try {
        return student.await("error", f -> List.of("peer-absent", "rate-limited").contains(f.get("code").asText())).get("code").asText().equals("peer-absent");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, "peer-absent once the tutor left");
    close(room, sockets);
  }

  @Test
  void badRoomFramesGetAnErrorAndChangeNothing() throws Exception {
    Room room = rooms.matched();
    WsClient student = rooms.join(room, room.studentToken());
    student.await("status");
    student.send("{\"type\":\"wb\",\"op\":{\"kind\":\"spray\",\"id\":\"x\"}}");
    assertError(student, "bad-op");
    student.send("{\"type\":\"wb\",\"op\":{\"kind\":\"stroke\",\"id\":\"s1\",\"points\":[[1,2]],\"color\":\"red\",\"width\":2}}");
    assertError(student, "bad-op");
    student.send("{\"type\":\"wb\"}");
    assertError(student, "bad-op");
    student.send(chat("x".repeat(4001), "long"));
    assertError(student, "too-long");
    student.send("{\"type\":\"chat\",\"text\":\"no id\"}");
    assertError(student, "bad-field");
    student.send("{\"type\":\"chat\",\"text\":42,\"clientId\":\"c\"}");
    assertError(student, "bad-field");
    student.send(chat("   ", "blank"));
    assertError(student, "bad-field");
    student.send(chat("bad id", "has space"));
    assertError(student, "bad-field");
    student.send("{\"type\":\"dance\"}");
    assertError(student, "unknown-type");
    student.send("{not json");
    assertError(student, "bad-json");
    assertThat(rooms.transcript(room, room.studentToken(), "").get("lastSeq").asLong()).isZero();

    student.send(chat("x".repeat(4000), "max"));
    assertThat(student.await("chat").get("seq").asLong()).as("the first stored entry is seq 1").isEqualTo(1);
    student.send("{\"type\":\"chat\",\"text\":\"" + "x".repeat(70 * 1024) + "\",\"clientId\":\"huge\"}");
    assertThat(student.awaitClose()).isEqualTo(1009);
    assertThat(rooms.transcript(room, room.studentToken(), "").get("lastSeq").asLong()).isEqualTo(1);
    room.tutorSocket().close();
  }

  @Test
  void eitherParticipantEndsALiveSessionAndTheTutorIsFreeAgain() throws Exception {
    Room room = rooms.matched();
    WsClient student = rooms.join(room, room.studentToken());
    student.await("status");
    Reply early = api.post("/v1/sessions/" + room.sessionId() + "/end", room.studentToken(), "{}");
    assertProblem(early, 409);
    WsClient tutor = rooms.join(room, room.tutorToken());
    student.await("status", f -> f.get("status").asText().equals("LIVE"));
    assertThat(api.post("/v1/sessions/" + room.sessionId() + "/end", api.token(unique("student"), "student"), "{}").status()).isEqualTo(403);
    assertThat(api.post("/v1/sessions/" + room.sessionId() + "/cancel", room.studentToken(), "{}").status()).as("a live session is ended, not cancelled").isEqualTo(409);

    tutor.send("{\"type\":\"end\"}");
    assertThat(student.await("status", f -> f.get("status").asText().equals("COMPLETED")).get("tutorId").asText()).isEqualTo(room.tutorId());
    assertThat(tutor.await("status", f -> f.get("status").asText().equals("COMPLETED"))).isNotNull();
    assertThat(student.awaitClose()).isEqualTo(1000);
    assertThat(tutor.awaitClose()).isEqualTo(1000);

    JsonNode ended = rooms.session(room.sessionId(), room.studentToken());
    assertThat(ended.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(ended.get("timeline").findValuesAsText("status")).containsExactly("MATCHING", "MATCHED", "LIVE", "COMPLETED");
    Instant startedAt = Instant.parse(ended.get("startedAt").asText());
    assertThat(Instant.parse(ended.get("endedAt").asText())).isAfterOrEqualTo(startedAt);
    awaitTrue(() -> "ONLINE".equals(api.get("/v1/tutors/" + room.tutorId(), room.tutorToken()).json().path("presence").asText()), "tutor available again");

    assertThat(WsClient.refusal(rooms.wsPort(), "/ws/session/" + room.sessionId(), room.studentToken())).isEqualTo(409);
    assertProblem(api.post("/v1/sessions/" + room.sessionId() + "/end", room.tutorToken(), "{}"), 409);
    assertThat(rooms.transcript(room, room.studentToken(), "").get("events")).isEmpty();
    room.tutorSocket().close();
  }

  @Test
  void onlyTheParticipantsEnterTheRoomOrReadIt() throws Exception {
    Room room = rooms.matched();
    String path = "/ws/session/" + room.sessionId();
    String otherStudent = api.token(unique("student"), "student");
    assertThat(WsClient.refusal(rooms.wsPort(), path, otherStudent)).as("a third user").isEqualTo(403);
    assertThat(WsClient.refusal(rooms.wsPort(), path, api.token(room.studentId(), "tutor"))).as("the student's id with a tutor token").isEqualTo(403);
    assertThat(WsClient.refusal(rooms.wsPort(), path, api.token(unique("partner"), "partner"))).isEqualTo(403);
    assertThat(WsClient.refusal(rooms.wsPort(), path, api.token(unique("admin"), "admin"))).isEqualTo(403);
    assertThat(WsClient.refusal(rooms.wsPort(), path, null)).isEqualTo(401);

    String transcriptPath = "/v1/sessions/" + room.sessionId() + "/transcript";
    assertProblem(api.get(transcriptPath, otherStudent), 403);
    assertProblem(api.get(transcriptPath, api.token(unique("partner"), "partner")), 403);
    assertProblem(api.get(transcriptPath, null), 401);
    assertThat(api.get(transcriptPath, api.token(unique("admin"), "admin")).status()).isEqualTo(200);
    assertBadField(api.get(transcriptPath + "?afterSeq=-1", room.studentToken()), "afterSeq");
    assertBadField(api.get(transcriptPath + "?afterSeq=abc", room.studentToken()), "afterSeq");
    assertBadField(api.get(transcriptPath + "?limit=0", room.studentToken()), "limit");
    assertProblem(api.get("/v1/sessions/" + unique("nosuch") + "/transcript", room.studentToken()), 404);

    Reply ice = api.get("/v1/sessions/" + room.sessionId() + "/ice-servers", room.tutorToken());
    assertThat(ice.status()).as(ice.body()).isEqualTo(200);
    assertThat(ice.json().get("iceServers").get(0).get("urls").get(0).asText()).startsWith("stun:");
    assertProblem(api.get("/v1/sessions/" + room.sessionId() + "/ice-servers", otherStudent), 403);

    Reply cancelled = api.post("/v1/sessions/" + room.sessionId() + "/cancel", room.studentToken(), "{}");
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(WsClient.refusal(rooms.wsPort(), path, room.studentToken())).as("an ended session").isEqualTo(409);
    room.tutorSocket().close();
  }

  /** The socket still answers (pings may be dropped while a rate limit refills: asked again until the deadline). */
  private static void assertPingPong(WsClient socket) throws InterruptedException {
    awaitTrue(() -> {
      try {
        socket.send("{\"type\":\"ping\"}");
        return socket.poll("pong", Duration.ofMillis(200)) != null;
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, "a pong");
  }
}
