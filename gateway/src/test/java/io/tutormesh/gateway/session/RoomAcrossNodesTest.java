package io.tutormesh.gateway.session;

import static io.tutormesh.gateway.session.Rooms.ENTRY;
import static io.tutormesh.gateway.session.Rooms.chat;
import static io.tutormesh.gateway.session.Rooms.seqs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.session.Rooms.Room;
import io.tutormesh.gateway.testing.TestNodes;
import io.tutormesh.gateway.testing.WsClient;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One room, its two participants on two nodes of one cluster: every frame, presence and signal
 * crosses between the nodes (the session lives on one of them), and a resume from the other node
 * comes back complete and in order, in pages.
 */
class RoomAcrossNodesTest {

  private static List<Node> cluster;
  private static Node seed;
  private static Node other;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestNodes.startCluster();
    seed = cluster.get(0);
    other = cluster.get(1);
  }

  @AfterAll
  static void stopCluster() {
    TestNodes.stopAll(cluster);
  }

  @Test
  void theParticipantsMayBeOnDifferentNodes() throws Exception {
    Rooms viaSeed = new Rooms(seed);
    Rooms viaOther = new Rooms(other);
    Room room = viaSeed.matched();
    WsClient student = viaSeed.join(room, room.studentToken());
    student.await("status");
    WsClient tutor = viaOther.join(room, room.tutorToken());
    student.await("status", f -> f.get("status").asText().equals("LIVE"));
    tutor.await("status", f -> f.get("status").asText().equals("LIVE"));
    assertThat(student.await("presence").get("userId").asText()).isEqualTo(room.tutorId());

    String page = "x".repeat(3000);
    for (int i = 1; i <= 30; i++) {
      student.send(chat("s" + i + " " + page, "s" + i));
      tutor.send(chat("t" + i + " " + page, "t" + i));
    }
    List<JsonNode> seenByStudent = student.awaitInOrder(ENTRY, 60);
    List<JsonNode> seenByTutor = tutor.awaitInOrder(ENTRY, 60);
    List<Long> all = LongStream.rangeClosed(1, 60).boxed().toList();
    assertThat(seqs(seenByStudent)).isEqualTo(all);
    assertThat(seqs(seenByTutor)).as("both sides see one order").isEqualTo(all);
    assertThat(seenByTutor.get(59).get("text").asText()).isEqualTo(seenByStudent.get(59).get("text").asText());

    tutor.send("{\"type\":\"signal\",\"kind\":\"answer\",\"payload\":{\"type\":\"answer\",\"sdp\":\"v=0\"}}");
    assertThat(student.await("signal").get("from").asText()).isEqualTo(room.tutorId());

    // 60 entries of 3 KB do not fit in one message between nodes: the replay comes in pages.
    // A resume through each node: one of them is not the session's.
    for (Rooms via : List.of(viaSeed, viaOther)) {
      WsClient again = via.join(room, room.studentToken());
      again.await("status");
      again.send("{\"type\":\"resume\",\"afterSeq\":0}");
      assertThat(seqs(again.awaitInOrder(ENTRY, 60))).isEqualTo(all);
      again.close();
    }
    Rooms.close(room, student, tutor);
  }
}
