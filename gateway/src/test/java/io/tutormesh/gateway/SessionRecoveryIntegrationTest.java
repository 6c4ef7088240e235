package io.tutormesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.auth.JwtAuth;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.TestNodes;
import io.tutormesh.gateway.testing.WsClient;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A session in the middle of its dispatch survives the node: the ActorSystem is stopped while an
 * offer is outstanding, and a new node on the same Cassandra starts the session again by itself
 * (remembered entities), lets the old offer lapse and offers to the next tutor.
 */
class SessionRecoveryIntegrationTest {

  private static final Map<String, Object> SETTINGS =
      Map.of(
          "tutormesh.matching.offer-timeout", "2s",
          "tutormesh.matching.request-timeout", "60s",
          "tutormesh.matching.retry-interval", "100ms",
          "tutormesh.matching.remember-sessions", true);
  private static final JwtAuth SIGNER = JwtAuth.fromSecret(TestNodes.JWT_SECRET, Duration.ZERO);

  @Test
  void aSessionRestartedMidDispatchResumesOnTheNextNode() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 12);
    String slow = "tutor-slow-" + suffix;
    String quick = "tutor-quick-" + suffix;
    String studentId = "student-" + suffix;
    String studentToken = SIGNER.issue(studentId, Role.STUDENT, Duration.ofHours(1));
    String sessionId;

    Node first = TestNodes.start(SETTINGS);
    try {
      Api api = new Api(first.httpPort());
      putTutor(api, slow);
      putTutor(api, quick);
      assertThat(api.put("/v1/students/" + studentId, studentToken, "{\"displayName\":\"S\",\"level\":\"high\",\"languages\":[\"fr\"],\"timezone\":\"UTC\"}").status()).isEqualTo(200);
      Funding.fund(api, studentId, studentToken);
      try (WsClient slowSocket = WsClient.connect(first.wsPort(), "/ws/tutor", SIGNER.issue(slow, Role.TUTOR, Duration.ofHours(1)))) {
        awaitPresence(api, slow, "ONLINE");
        Api.Reply requested =
            api.post("/v1/instant-requests", studentToken, "{\"subject\":\"history\",\"level\":\"high\",\"language\":\"fr\",\"maxRateCents\":5000,\"durationMinutes\":30}");
        assertThat(requested.status()).as(requested.body()).isEqualTo(202);
        sessionId = requested.json().get("sessionId").asText();
        slowSocket.await("offer", o -> o.get("sessionId").asText().equals(sessionId)); // and never answered
      }
    } finally {
      first.stop();
    }

    Node second = TestNodes.start(SETTINGS);
    try {
      Api api = new Api(second.httpPort());
      String quickToken = SIGNER.issue(quick, Role.TUTOR, Duration.ofHours(1));
      try (WsClient quickSocket = WsClient.connect(second.wsPort(), "/ws/tutor", quickToken, (socket, frame) -> {
        if ("offer".equals(frame.path("type").asText())) {
          socket.send("{\"type\":\"accept\",\"offerId\":\"" + frame.get("offerId").asText() + "\"}");
        }
      })) {
        // Nobody touches the session: it starts again by itself and offers to the tutor online now.
        assertThat(quickSocket.await("matched").get("sessionId").asText()).isEqualTo(sessionId);
      }
      JsonNode session = api.get("/v1/sessions/" + sessionId, studentToken).json();
      assertThat(session.get("status").asText()).isEqualTo("MATCHED");
      assertThat(session.get("tutorId").asText()).isEqualTo(quick);
      assertThat(session.get("timeline").findValuesAsText("status")).containsExactly("MATCHING", "MATCHED");
      assertThat(api.get("/v1/tutors/" + slow, quickToken).json().get("presence").asText())
          .as("nobody is left online or busy by the crash").isEqualTo("OFFLINE");
    } finally {
      second.stop();
    }
  }

  private static void putTutor(Api api, String id) {
    String token = SIGNER.issue(id, Role.TUTOR, Duration.ofHours(1));
    String profile =
        "{\"displayName\":\"T\",\"subjects\":[{\"subject\":\"history\",\"levels\":[\"high\"]}],\"languages\":[\"fr\"],\"rateCents\":2500,\"currency\":\"EUR\",\"timezone\":\"UTC\"}";
    assertThat(api.put("/v1/tutors/" + id, token, profile).status()).isEqualTo(200);
  }

  private static void awaitPresence(Api api, String tutorId, String presence) throws InterruptedException {
    String token = SIGNER.issue(tutorId, Role.TUTOR, Duration.ofHours(1));
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!presence.equals(api.get("/v1/tutors/" + tutorId, token).json().path("presence").asText())) {
      if (System.nanoTime() > end) {
        throw new AssertionError(tutorId + " not " + presence);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }
}
