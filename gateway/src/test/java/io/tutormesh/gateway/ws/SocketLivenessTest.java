package io.tutormesh.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats over real Jetty: the server pings every heartbeat interval; a client that answers
 * (Jetty and browsers pong by themselves) stays, one that stops answering is dropped after the
 * idle timeout.
 */
class SocketLivenessTest {

  private static final WsSettings QUICK =
      new WsSettings(16, 20, 40, 2, Duration.ofMillis(200), Duration.ofMillis(1500), Duration.ofSeconds(3));

  private static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local"));
  private static final WebSocketClient client = new WebSocketClient();
  private static WsServer server;

  @BeforeAll
  static void start() throws Exception {
    client.start();
    server = new WsServer(
        new WsServer.Settings("127.0.0.1", 0, 64 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(5)),
        container -> container.addMapping("/ws/test", (request, response, callback) -> new SocketListener(
            testKit.system(), "ws-test-" + UUID.randomUUID(), TokenBucket.of(QUICK), wire -> SocketActorTest.BurstSocket.create(QUICK, wire))));
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
    client.stop();
    testKit.shutdownTestKit();
  }

  /** A client that sees the server's pings and answers them only while {@code answering}. */
  public static final class PingedClient implements Session.Listener.AutoDemanding {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final boolean answering;
    private volatile Session session;

    PingedClient(boolean answering) {
      this.answering = answering;
    }

    @Override
    public void onWebSocketOpen(Session session) {
      this.session = session;
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
      events.add("ping");
      if (answering) {
        session.sendPong(payload, Callback.NOOP);
      }
    }

    @Override
    public void onWebSocketText(String text) {
      events.add(text);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      events.add("error " + cause);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      events.add("closed " + statusCode + " " + reason);
    }

    String next() throws InterruptedException {
      String event = events.poll(5, TimeUnit.SECONDS);
      assertThat(event).as("an event within 5 s").isNotNull();
      return event;
    }
  }

  private static PingedClient connect(boolean answering) throws Exception {
    PingedClient pinged = new PingedClient(answering);
    client.connect(pinged, java.net.URI.create("ws://127.0.0.1:" + server.port() + "/ws/test")).get(5, TimeUnit.SECONDS);
    return pinged;
  }

  @Test
  void aClientThatAnswersPingsStays() throws Exception {
    PingedClient pinged = connect(true);
    // Fifteen pings span twice the idle timeout: the socket is still up and answers.
    for (int i = 0; i < 15; i++) {
      assertThat(pinged.next()).isEqualTo("ping");
    }
    pinged.session.sendText("{\"type\":\"ping\"}", Callback.NOOP);
    String next = pinged.next();
    while (next.equals("ping")) {
      next = pinged.next();
    }
    assertThat(next).contains("pong");
    pinged.session.close();
  }

  @Test
  void aClientThatStopsAnsweringIsDropped() throws Exception {
    PingedClient silent = connect(false);
    String event = silent.next();
    while (event.equals("ping")) {
      event = silent.next();
    }
    assertThat(event).matches("(closed|error).*");
  }
}
