package io.tutormesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * One participant's socket on {@code /ws/session/{sessionId}}. Every text frame is timestamped on
 * arrival ({@link System#nanoTime()}, before parsing) and handed to the socket's {@link Handler};
 * {@code status} frames are also remembered here (the room is LIVE when both of its sockets saw
 * LIVE). The seq bookkeeping ({@link #seq}) checks what API.md promises at each socket: chat and
 * wb frames carry one seq per session, contiguous and increasing.
 */
public final class RoomSocket implements Session.Listener.AutoDemanding {

  /** What to do with a frame; {@code nanos} is its arrival. */
  interface Handler {
    void onFrame(RoomSocket socket, String type, JsonNode frame, String text, long nanos);
  }

  /** Counters shared by a set of sockets. */
  static final class Stats {
    final LongAdder opened = new LongAdder();
    final LongAdder framesIn = new LongAdder();
    final LongAdder pings = new LongAdder();
    final LongAdder socketErrors = new LongAdder();
    final Map<String, AtomicInteger> types = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> errorCodes = new ConcurrentHashMap<>();
    final Map<String, String> firstErrors = new ConcurrentHashMap<>();
    final Map<Integer, AtomicInteger> closes = new ConcurrentHashMap<>();
    final Map<String, String> firstCloseReasons = new ConcurrentHashMap<>();

    String summary() {
      return "opened " + opened.sum() + ", frames in " + framesIn.sum() + " by type " + new TreeMap<>(TutorFleet.counts(types))
          + ", error frames " + new TreeMap<>(TutorFleet.counts(errorCodes)) + ", closes " + new TreeMap<>(TutorFleet.counts(closes))
          + ", socket errors " + socketErrors.sum() + ", protocol pings answered " + pings.sum();
    }
  }

  final int room;
  final int role;
  final String userId;
  final String token;
  final Stats stats;
  volatile Handler handler;
  volatile Session session;
  volatile String status;
  volatile int closeCode;
  final CompletableFuture<String> firstStatus = new CompletableFuture<>();
  final CompletableFuture<Void> live = new CompletableFuture<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();

  // seq bookkeeping (guarded by this)
  private final BitSet seen = new BitSet();
  private long maxSeq;
  private long entries;
  private long duplicates;
  private long outOfOrder;
  private long gaps;

  RoomSocket(int room, int role, String userId, String token, Stats stats, Handler handler) {
    this.room = room;
    this.role = role;
    this.userId = userId;
    this.token = token;
    this.stats = stats;
    this.handler = handler;
  }

  /** A WebSocket client for many sockets: one connection per socket, large frames allowed (a board). */
  static WebSocketClient client(String name, int maxSockets) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(64, 8);
    threads.setName(name);
    threads.setDaemon(true);
    ClientConnector connector = new ClientConnector();
    connector.setSelectors(2);
    connector.setExecutor(threads);
    connector.setConnectTimeout(Duration.ofSeconds(30));
    connector.setIdleTimeout(Duration.ofHours(2));
    HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
    http.setExecutor(threads);
    http.setMaxConnectionsPerDestination(maxSockets + 1000);
    http.setMaxRequestsQueuedPerDestination(maxSockets + 1000);
    http.setConnectTimeout(30_000);
    http.setIdleTimeout(TimeUnit.HOURS.toMillis(2));
    WebSocketClient client = new WebSocketClient(http);
    client.setIdleTimeout(Duration.ofHours(2));
    client.setMaxTextMessageSize(64 << 20);
    client.setStopTimeout(5_000);
    client.start();
    return client;
  }

  CompletableFuture<Session> connect(WebSocketClient client, String host, int wsPort, String sessionId) {
    try {
      return client.connect(this, URI.create("ws://" + host + ":" + wsPort + "/ws/session/" + sessionId + "?token="
          + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  boolean isOpen() {
    Session s = session;
    return s != null && s.isOpen();
  }

  void send(String text, LongAdder failures) {
    Session s = session;
    if (s == null) {
      failures.increment();
      return;
    }
    s.sendText(text, new Callback() {
      @Override
      public void fail(Throwable x) {
        failures.increment();
      }
    });
  }

  void close() {
    Session s = session;
    if (s != null && s.isOpen()) {
      s.close(1000, "bench done", Callback.NOOP);
    }
  }

  /** Notes a chat or wb frame's seq: a repeat is a duplicate, a lower new one out of order, a jump a gap. */
  synchronized void seq(long seq) {
    entries++;
    if (seq < 1 || seq > Integer.MAX_VALUE) {
      outOfOrder++;
      return;
    }
    if (seen.get((int) seq)) {
      duplicates++;
      return;
    }
    seen.set((int) seq);
    if (seq < maxSeq) {
      outOfOrder++;
    } else {
      if (seq > maxSeq + 1) {
        gaps++;
      }
      maxSeq = seq;
    }
  }

  synchronized long maxSeq() {
    return maxSeq;
  }

  synchronized long entries() {
    return entries;
  }

  synchronized long duplicates() {
    return duplicates;
  }

  synchronized long outOfOrder() {
    return outOfOrder;
  }

  synchronized long gaps() {
    return gaps;
  }

  /** Seqs in 1..upTo that never arrived here. */
  synchronized long missing(long upTo) {
    if (upTo < 1) {
      return 0;
    }
    return upTo - seen.get(1, (int) upTo + 1).cardinality();
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    stats.opened.increment();
  }

  @Override
  public void onWebSocketText(String text) {
    long now = System.nanoTime();
    stats.framesIn.increment();
    // A board frame (a resume's whole board, hundreds of KB) is not parsed here: that would delay
    // the frames behind it; its handler keeps the text.
    String type = quickType(text);
    JsonNode frame = type.equals("board") ? Rest.JSON.nullNode() : Rest.read(text);
    if (type.isEmpty()) {
      type = frame.path("type").asText("");
    }
    stats.types.computeIfAbsent(type, k -> new AtomicInteger()).incrementAndGet();
    if (type.equals("status")) {
      String s = frame.path("status").asText("?");
      status = s;
      firstStatus.complete(s);
      if (s.equals("LIVE")) {
        live.complete(null);
      }
    } else if (type.equals("error")) {
      String code = frame.path("code").asText("?");
      stats.errorCodes.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
      stats.firstErrors.putIfAbsent(code, frame.path("message").asText(""));
    }
    Handler h = handler;
    if (h != null) {
      h.onFrame(this, type, frame, text, now);
    }
  }

  /** The type of a frame that starts with {@code {"type":"...",} (the node writes it first), else "". */
  static String quickType(String text) {
    String start = "{\"type\":\"";
    if (!text.startsWith(start)) {
      return "";
    }
    int end = text.indexOf('"', start.length());
    return end < 0 ? "" : text.substring(start.length(), end);
  }

  @Override
  public void onWebSocketPing(ByteBuffer payload) {
    // The node pings every heartbeat and drops a socket it has not heard from: answer (Jetty does
    // not auto-pong for a listener that handles pings).
    stats.pings.increment();
    Session s = session;
    if (s != null) {
      s.sendPong(payload, Callback.NOOP);
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    closeCode = statusCode;
    stats.closes.computeIfAbsent(statusCode, k -> new AtomicInteger()).incrementAndGet();
    stats.firstCloseReasons.putIfAbsent(String.valueOf(statusCode), String.valueOf(reason));
    closed.complete(statusCode);
    firstStatus.complete("closed " + statusCode);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    stats.socketErrors.increment();
    stats.firstErrors.putIfAbsent("socket:" + cause.getClass().getSimpleName(), String.valueOf(cause.getMessage()));
    closed.complete(-1);
    firstStatus.complete("error " + cause);
  }
}
