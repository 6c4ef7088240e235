package io.tutormesh.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bare Jetty server: unknown paths are 404, and stopping closes open sockets with 1001. */
class WsServerTest {

  /** Public: Jetty binds listener methods through method handles. */
  public static final class Quiet implements Session.Listener.AutoDemanding {}

  private final WebSocketClient client = new WebSocketClient();
  private WsServer server;

  @BeforeEach
  void start() throws Exception {
    client.start();
    server = new WsServer(
        new WsServer.Settings("127.0.0.1", 0, 64 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(5)),
        container -> container.addMapping("/ws/quiet", (request, response, callback) -> new Quiet()));
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    client.stop();
  }

  @Test
  void unknownPathsAreNotFound() throws Exception {
    assertThat(TestSocket.refusal(client, server.port(), "/ws/nothing-here")).isEqualTo(404);
  }

  @Test
  void stoppingTheServerClosesSocketsWithGoingAway() throws Exception {
    TestSocket socket = TestSocket.open(client, server.port(), "/ws/quiet");
    server.stop();
    assertThat(socket.awaitClose().code()).isEqualTo(1001);
  }
}
