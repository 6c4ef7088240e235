package io.tutormesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.TestNodes;
import io.tutormesh.gateway.testing.WsClient;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes in one cluster: any node serves any socket and any request. A tutor online on one
 * node is seen by a partner on the other (distributed pub-sub) and matched with a student who
 * asked through the other (sharding forwards every command to the entity's node).
 */
class TwoNodeClusterTest {

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
  void aTutorOnOneNodeIsSeenAndMatchedThroughTheOther() throws Exception {
    Api viaSeed = new Api(seed.httpPort());
    Api viaOther = new Api(other.httpPort());
    String suffix = UUID.randomUUID().toString().substring(0, 10);
    String tutorId = "tutor-" + suffix;
    String studentId = "student-" + suffix;
    String tutorToken = viaSeed.token(tutorId, "tutor");
    String studentToken = viaOther.token(studentId, "student");
    String partnerToken = viaOther.token("partner-" + suffix, "partner");
    String profile =
        "{\"displayName\":\"Ada\",\"subjects\":[{\"subject\":\"german\",\"levels\":[\"adult\"]}],\"languages\":[\"de\"],\"rateCents\":3500,\"currency\":\"EUR\",\"timezone\":\"Europe/Berlin\"}";
    assertThat(viaSeed.put("/v1/tutors/" + tutorId, tutorToken, profile).status()).isEqualTo(200);
    assertThat(viaOther.put("/v1/students/" + studentId, studentToken, "{\"displayName\":\"S\",\"level\":\"adult\",\"languages\":[\"de\"],\"timezone\":\"UTC\"}").status()).isEqualTo(200);
    Funding.fund(viaOther, studentId, studentToken);

    try (WsClient partner = WsClient.connect(other.wsPort(), "/ws/availability", partnerToken);
        WsClient tutor = WsClient.connect(seed.wsPort(), "/ws/tutor", tutorToken, (socket, frame) -> {
          if ("offer".equals(frame.path("type").asText())) {
            socket.send("{\"type\":\"accept\",\"offerId\":\"" + frame.get("offerId").asText() + "\"}");
          }
        })) {
      partner.send("{\"type\":\"subscribe\",\"subject\":\"german\"}");
      JsonNode snapshot = partner.await("snapshot");
      // The tutor's presence crosses to the partner's node, as a snapshot entry or as a delta.
      JsonNode available = null;
      for (JsonNode entry : snapshot.get("tutors")) {
        if (entry.get("tutorId").asText().equals(tutorId)) {
          available = entry;
        }
      }
      if (available == null) {
        available = partner.await("available", a -> a.get("tutorId").asText().equals(tutorId));
      }
      assertThat(available.get("rateCents").asLong()).isEqualTo(3500);

      Api.Reply requested =
          viaOther.post("/v1/instant-requests", studentToken, "{\"subject\":\"german\",\"level\":\"adult\",\"language\":\"de\",\"maxRateCents\":4000,\"durationMinutes\":30}");
      assertThat(requested.status()).as(requested.body()).isEqualTo(202);
      String sessionId = requested.json().get("sessionId").asText();

      assertThat(tutor.await("matched").get("sessionId").asText()).isEqualTo(sessionId);
      partner.await("unavailable", u -> u.get("tutorId").asText().equals(tutorId));
      assertThat(viaSeed.get("/v1/sessions/" + sessionId, studentToken).json().get("tutorId").asText()).isEqualTo(tutorId);
      assertThat(viaOther.post("/v1/sessions/" + sessionId + "/cancel", studentToken, "{}").status()).isEqualTo(200);
    }
  }
}
