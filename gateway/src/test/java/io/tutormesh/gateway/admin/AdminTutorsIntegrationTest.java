package io.tutormesh.gateway.admin;

import static io.tutormesh.gateway.session.Fixtures.assertBadField;
import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.tutorJson;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.availability.TutorPresence;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Suspending and reinstating tutors through real HTTP, on a real node and the embedded Cassandra. */
class AdminTutorsIntegrationTest {

  private static Node node;
  private static Api api;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNodes.start();
    api = new Api(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.stop();
    }
  }

  private static String tutor(String id) {
    String token = api.token(id, "tutor");
    Reply created = api.put("/v1/tutors/" + id, token, tutorJson("Sofia", "math", List.of("high"), List.of("ru", "en"), 4000));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    return token;
  }

  @Test
  void onlyAdminsSuspendAndReinstate() {
    String id = unique("tutor");
    String tutorToken = tutor(id);
    String suspend = "/v1/admin/tutors/" + id + "/suspend";
    String reinstate = "/v1/admin/tutors/" + id + "/reinstate";
    String body = "{\"reason\":\"too many no-shows\"}";

    assertProblem(api.post(suspend, null, body), 401);
    assertProblem(api.post(suspend, tutorToken, body), 403);
    assertProblem(api.post(suspend, api.token(unique("partner"), "partner"), body), 403);
    assertProblem(api.post(suspend, api.token(unique("student"), "student"), body), 403);
    assertProblem(api.post(reinstate, tutorToken, null), 403);
    assertProblem(api.post(reinstate, null, null), 401);

    String admin = api.token(unique("admin"), "admin");
    Reply suspended = api.post(suspend, admin, body);
    assertThat(suspended.status()).as(suspended.body()).isEqualTo(200);
    assertThat(suspended.json().get("tutorId").asText()).isEqualTo(id);
    assertThat(suspended.json().get("displayName").asText()).isEqualTo("Sofia");
    assertThat(suspended.json().get("presence").asText()).isEqualTo("OFFLINE");
    assertThat(api.post(suspend, admin, "{}").status()).as("suspending again is harmless").isEqualTo(200);

    Reply reinstated = api.post(reinstate, admin, null);
    assertThat(reinstated.status()).as(reinstated.body()).isEqualTo(200);
    assertThat(reinstated.json().get("tutorId").asText()).isEqualTo(id);
    assertThat(api.post(reinstate, admin, "{}").status()).as("reinstating again changes nothing").isEqualTo(200);
  }

  @Test
  void badAdminCallsAreProblems() {
    String id = unique("tutor");
    tutor(id);
    String admin = api.token(unique("admin"), "admin");
    assertBadField(api.post("/v1/admin/tutors/" + id + "/suspend", admin, "{\"reason\":\"" + "x".repeat(501) + "\"}"), "reason");
    assertBadField(api.post("/v1/admin/tutors/" + id + "/suspend", admin, "{\"reason\":"), "");
    assertBadField(api.post("/v1/admin/tutors/" + id + "/suspend", admin, ""), "");
    assertBadField(api.post("/v1/admin/tutors/bad%20id!/suspend", admin, "{}"), "id");
    assertProblem(api.post("/v1/admin/tutors/" + unique("nobody") + "/suspend", admin, "{}"), 404);
    assertProblem(api.post("/v1/admin/tutors/" + unique("nobody") + "/reinstate", admin, null), 404);
    assertProblem(api.get("/v1/admin/tutors/" + id + "/suspend", admin), 405);
    assertProblem(api.post("/v1/admin/tutors/" + id + "/fire", admin, "{}"), 404);
  }

  @Test
  void aSuspendedTutorGetsNoOffersUntilReinstated() throws Exception {
    String id = unique("tutor");
    tutor(id);
    String admin = api.token(unique("admin"), "admin");
    try (TutorPresence presence = TutorPresence.connect(node, id)) {
      assertThat(api.get("/v1/tutors/" + id, admin).json().get("presence").asText()).isEqualTo("ONLINE");

      Reply suspended = api.post("/v1/admin/tutors/" + id + "/suspend", admin, "{\"reason\":\"checking documents\"}");
      assertThat(suspended.status()).as(suspended.body()).isEqualTo(200);
      assertThat(suspended.json().get("presence").asText()).isEqualTo("AWAY");
      TutorEntity.PresenceChanged told = presence.socket().expectMessageClass(TutorEntity.PresenceChanged.class, Duration.ofSeconds(10));
      assertThat(told.reason()).contains("checking documents");
      assertThatThrownBy(() -> presence.setAvailable(true)).hasMessageContaining("suspended");

      assertThat(api.post("/v1/admin/tutors/" + id + "/reinstate", admin, null).status()).isEqualTo(200);
      assertThat(presence.setAvailable(true).presence()).isEqualTo(TutorEntity.Presence.ONLINE);
      assertThat(api.get("/v1/tutors/" + id, admin).json().get("presence").asText()).isEqualTo("ONLINE");
    }
  }
}
