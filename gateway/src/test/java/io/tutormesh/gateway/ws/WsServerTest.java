package io.tutormesh.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bare Jetty server: unknown paths are 404, stopping closes open sockets with 1001, and a text
 * message longer than the input buffer arrives whole.
 */
class WsServerTest {

  /** Public: Jetty binds listener methods through method handles. */
  public static final class Quiet implements Session.Listener.AutoDemanding {}

  /** Sends every text message back as it came. */
  public static final class Echo implements Session.Listener.AutoDemanding {
    private Session session;

    @Override
    public void onWebSocketOpen(Session session) {
      this.session = session;
    }

    @Override
    public void onWebSocketText(String text) {
      session.sendText(text, org.eclipse.jetty.websocket.api.Callback.NOOP);
    }
  }

  private final WebSocketClient client = new WebSocketClient();
  private WsServer server;

  @BeforeEach
  void start() throws Exception {
    client.start();
    server = new WsServer(
        new WsServer.Settings("127.0.0.1", 0, 64 * 1024, 256, Duration.ofSeconds(30), Duration.ofSeconds(5)),
        container -> {
          container.addMapping("/ws/quiet", (request, response, callback) -> new Quiet());
          container.addMapping("/ws/echo", (request, response, callback) -> new Echo());
        });
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
  void aMessageLongerThanTheInputBufferArrivesWhole() throws Exception {
    TestSocket socket = TestSocket.open(client, server.port(), "/ws/echo");
    // Multi-byte characters across the 256-byte reads: 3 bytes each, 30,000 bytes of UTF-8.
    String text = "\"" + "\u20ac".repeat(9_999) + "\"";
    socket.send(text);

    assertThat(socket.next().asText()).isEqualTo("\u20ac".repeat(9_999));
  }

  @Test
  void anInputBufferUnder256BytesIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new WsServer.Settings("127.0.0.1", 0, 64 * 1024, 255, Duration.ofSeconds(30), Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input-buffer");
  }

  @Test
  void stoppingTheServerClosesSocketsWithGoingAway() throws Exception {
    TestSocket socket = TestSocket.open(client, server.port(), "/ws/quiet");
    server.stop();
    assertThat(socket.awaitClose().code()).isEqualTo(1001);
  }
}
