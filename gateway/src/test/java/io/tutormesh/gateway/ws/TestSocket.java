package io.tutormesh.gateway.ws;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** A real Jetty client socket for tests: frames land in a queue, awaited with deadlines. */
public final class TestSocket implements Session.Listener.AutoDemanding {

  static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  record CloseStatus(int code, String reason) {}

  private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
  private final BlockingQueue<ByteBuffer> pongs = new LinkedBlockingQueue<>();
  private volatile Session session;

  /** Opens a socket; fails the test if the upgrade is refused. */
  static TestSocket open(WebSocketClient client, int port, String pathAndQuery) throws Exception {
    TestSocket socket = new TestSocket();
    client.connect(socket, URI.create("ws://127.0.0.1:" + port + pathAndQuery)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return socket;
  }

  /** The HTTP status of a refused upgrade; fails the test if the socket opened. */
  static int refusal(WebSocketClient client, int port, String pathAndQuery) throws Exception {
    TestSocket socket = new TestSocket();
    try {
      client.connect(socket, URI.create("ws://127.0.0.1:" + port + pathAndQuery)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UpgradeException upgrade) {
        return upgrade.getResponseStatusCode();
      }
      throw e;
    }
    socket.close();
    return fail("the upgrade of " + pathAndQuery + " was accepted");
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
  }

  @Override
  public void onWebSocketText(String text) {
    try {
      frames.add(MAPPER.readTree(text));
    } catch (IOException e) {
      throw new UncheckedIOException("the server sent non-JSON: " + text, e);
    }
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    pongs.add(BufferUtil.copy(payload));
  }

  /** The payload of the next protocol-level pong. */
  ByteBuffer nextPong() throws InterruptedException {
    ByteBuffer pong = pongs.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return pong != null ? pong : fail("no pong within " + WAIT);
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closed.complete(new CloseStatus(statusCode, reason));
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    closed.completeExceptionally(cause);
  }

  /** Sends a text frame and waits until it is written. */
  void send(String text) throws Exception {
    Callback.Completable done = new Callback.Completable();
    session.sendText(text, done);
    done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Sends without waiting (for bursts). */
  void sendAsync(String text) {
    session.sendText(text, Callback.NOOP);
  }

  /** The next frame, whatever its type. */
  JsonNode next() throws InterruptedException {
    JsonNode frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (frame == null) {
      fail("no frame within " + WAIT);
    }
    return frame;
  }

  /** The next frame, if one comes within {@code wait}. */
  JsonNode poll(Duration wait) throws InterruptedException {
    return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next frame of this type; frames of other types before it are skipped. */
  JsonNode next(String type) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> skipped = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      JsonNode frame = frames.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
      if (frame != null && type.equals(frame.path("type").asText())) {
        return frame;
      }
      if (frame != null) {
        skipped.add(frame.toString());
      }
    }
    return fail("no " + type + " frame within " + WAIT + "; skipped " + skipped);
  }

  /** Asserts that nothing arrives within {@code wait}. */
  void expectNothing(Duration wait) throws InterruptedException {
    JsonNode frame = frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    if (frame != null) {
      fail("expected no frame, got " + frame);
    }
  }

  CloseStatus awaitClose() throws Exception {
    try {
      return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail("the socket did not close within " + WAIT);
    }
  }

  Session session() {
    return session;
  }

  boolean isOpen() {
    return session != null && session.isOpen();
  }

  void close() {
    if (session != null) {
      session.close();
    }
  }
}
