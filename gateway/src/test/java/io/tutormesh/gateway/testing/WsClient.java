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

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closed.complete(statusCode);
  }

  public void send(String json) {
    session.sendText(json, Callback.NOOP);
  }

  /** The first frame (in arrival order) of `type` that matches; others stay for later awaits. */
  public JsonNode await(String type, Predicate<JsonNode> matching) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (true) {
      for (Iterator<JsonNode> it = unclaimed.iterator(); it.hasNext(); ) {
        JsonNode frame = it.next();
        if (type.equals(frame.path("type").asText()) && matching.test(frame)) {
          it.remove();
          return frame;
        }
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no '" + type + "' frame within " + WAIT + "; got " + unclaimed);
      }
      JsonNode next = arrived.poll(left, TimeUnit.NANOSECONDS);
      if (next != null) {
        unclaimed.add(next);
      }
    }
  }

  public JsonNode await(String type) throws InterruptedException {
    return await(type, frame -> true);
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
