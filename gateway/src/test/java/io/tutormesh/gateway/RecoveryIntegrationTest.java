package io.tutormesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.TestNodes;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Profiles survive the node: written through HTTP, the ActorSystem stopped completely, a new one
 * started on the same Cassandra answers the same, recovered from the journal.
 */
class RecoveryIntegrationTest {

  @Test
  void profilesAreRecoveredFromTheJournalByANewActorSystem() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 12);
    String tutorId = "tutor-" + suffix;
    String studentId = "student-" + suffix;
    String tutorBefore;
    String studentBefore;

    Node first = TestNodes.start();
    try {
      Api api = new Api(first.httpPort());
      String tutorToken = api.token(tutorId, "tutor");
      String studentToken = api.token(studentId, "student");
      assertThat(api.put("/v1/tutors/" + tutorId, tutorToken, ProfilesIntegrationTest.tutorJson("Ada", 4200)).status()).isEqualTo(200);
      assertThat(api.put("/v1/tutors/" + tutorId, tutorToken, ProfilesIntegrationTest.tutorJson("Ada", 4300)).status()).isEqualTo(200);
      assertThat(api.put("/v1/students/" + studentId, studentToken, ProfilesIntegrationTest.studentJson("Blaise")).status()).isEqualTo(200);
      tutorBefore = api.get("/v1/tutors/" + tutorId, tutorToken).body();
      studentBefore = api.get("/v1/students/" + studentId, studentToken).body();
    } finally {
      first.stop();
    }
    assertThat(first.whenTerminated().toCompletableFuture().isDone()).isTrue();

    // The second node runs outside dev mode: the same data, and no dev token endpoint.
    Node second = TestNodes.start(Map.of("tutormesh.dev-mode", false));
    try {
      Api api = new Api(second.httpPort());
      var signer = io.tutormesh.gateway.auth.JwtAuth.fromSecret(TestNodes.JWT_SECRET, java.time.Duration.ZERO);
      String tutorToken = signer.issue(tutorId, io.tutormesh.gateway.auth.Role.TUTOR, java.time.Duration.ofHours(1));
      String studentToken = signer.issue(studentId, io.tutormesh.gateway.auth.Role.STUDENT, java.time.Duration.ofHours(1));

      assertThat(api.get("/v1/tutors/" + tutorId, tutorToken).body()).isEqualTo(tutorBefore);
      assertThat(api.get("/v1/students/" + studentId, studentToken).body()).isEqualTo(studentBefore);
      assertThat(api.get("/v1/tutors/" + tutorId, tutorToken).json().get("rateCents").asLong()).isEqualTo(4300);

      Api.Reply devTokens = api.post("/v1/dev/tokens", null, "{\"sub\":\"x\",\"role\":\"admin\"}");
      ProfilesIntegrationTest.assertProblem(devTokens, 404);
    } finally {
      second.stop();
    }
  }
}
