package io.tutormesh.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** A real WebSocket client for tests: JSON frames in a queue, awaited with deadlines. */
public final class WsClient implements Session.Listener.AutoDemanding, AutoCloseable {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static WebSocketClient client;

  private final BlockingQueue<JsonNode> arrived = new LinkedBlockingQueue<>();
  private final List<JsonNode> unclaimed = new ArrayList<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final java.util.function.BiConsumer<WsClient, JsonNode> onFrame;
  private volatile Session session;
  private volatile Throwable error;

  private WsClient(java.util.function.BiConsumer<WsClient, JsonNode> onFrame) {
    this.onFrame = onFrame;
  }

  private static synchronized WebSocketClient client() throws Exception {
    if (client == null) {
      client = new WebSocketClient();
      client.setMaxTextMessageSize(1 << 20);
      client.start();
    }
    return client;
  }

  /** Connects to `ws://127.0.0.1:<port><path>?token=<token>`; fails if the upgrade is refused. */
  public static WsClient connect(int port, String path, String token) throws Exception {
    return connect(port, path, token, (socket, frame) -> {});
  }

  /** As {@link #connect(int, String, String)}, calling `onFrame` on every frame as it arrives (e.g. to auto-accept). */
  public static WsClient connect(int port, String path, String token, java.util.function.BiConsumer<WsClient, JsonNode> onFrame)
      throws Exception {
    WsClient listener = new WsClient(onFrame);
    URI uri = URI.create("ws://127.0.0.1:" + port + path + (token == null ? "" : "?token=" + token));
    client().connect(listener, uri).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return listener;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
  }

  @Override
  public void onWebSocketText(String text) {
    try {
      JsonNode frame = MAPPER.readTree(text);
      onFrame.accept(this, frame);
      arrived.add(frame);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A refused upgrade also fails the connect future (see {@link #refusal}): kept here, not logged. */
  @Override
  public void onWebSocketError(Throwable cause) {
    error = cause;
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closed.complete(statusCode);
  }

  public void send(String json) {
    session.sendText(json, Callback.NOOP);
  }

  /** The first frame (in arrival order) of `type` that matches; others stay for later awaits. */
  public JsonNode await(String type, Predicate<JsonNode> matching) throws InterruptedException {
    return awaitFrame(ofType(type).and(matching), "'" + type + "'");
  }

  public JsonNode await(String type) throws InterruptedException {
    return await(type, frame -> true);
  }

  /** The first frame of `type` that arrives within `wait`, or null. */
  public JsonNode poll(String type, Duration wait) throws InterruptedException {
    return find(ofType(type), wait);
  }

  /** The next `count` frames that match, in arrival order (others stay for later awaits). */
  public List<JsonNode> awaitInOrder(Predicate<JsonNode> matching, int count) throws InterruptedException {
    List<JsonNode> frames = new ArrayList<>();
    while (frames.size() < count) {
      frames.add(awaitFrame(matching, "matching"));
    }
    return frames;
  }

  private static Predicate<JsonNode> ofType(String type) {
    return frame -> type.equals(frame.path("type").asText());
  }

  private JsonNode awaitFrame(Predicate<JsonNode> matching, String what) throws InterruptedException {
    JsonNode frame = find(matching, WAIT);
    if (frame == null) {
      throw new AssertionError("no " + what + " frame within " + WAIT + "; got " + unclaimed + (error == null ? "" : "; socket error: " + error));
    }
    return frame;
  }

  private JsonNode find(Predicate<JsonNode> matching, Duration wait) throws InterruptedException {
    long end = System.nanoTime() + wait.toNanos();
    while (true) {
      for (Iterator<JsonNode> it = unclaimed.iterator(); it.hasNext(); ) {
        JsonNode frame = it.next();
        if (matching.test(frame)) {
          it.remove();
          return frame;
        }
      }
      long left = end - System.nanoTime();
      JsonNode next = left > 0 ? arrived.poll(left, TimeUnit.NANOSECONDS) : null;
      if (next == null) {
        return null;
      }
      unclaimed.add(next);
    }
  }

  /** The HTTP status that refused the upgrade; fails if the socket opened. */
  public static int refusal(int port, String path, String token) throws Exception {
    WsClient listener = new WsClient((socket, frame) -> {});
    URI uri = URI.create("ws://127.0.0.1:" + port + path + (token == null ? "" : "?token=" + token));
    try {
      client().connect(listener, uri).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof org.eclipse.jetty.websocket.api.exceptions.UpgradeException upgrade) {
        return upgrade.getResponseStatusCode();
      }
      throw e;
    }
    listener.close();
    throw new AssertionError("the upgrade of " + path + " was accepted");
  }

  /** The close status code, once the server closed the socket. */
  public int awaitClose() throws Exception {
    return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  public boolean isOpen() {
    return session != null && session.isOpen();
  }

  @Override
  public void close() {
    if (session != null && session.isOpen()) {
      session.close();
    }
  }
}
