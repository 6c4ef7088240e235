package io.tutormesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * N tutor sockets on {@code /ws/tutor}, one Jetty {@link WebSocketClient} for all of them. Every
 * {@code offer} is accepted at once; offers and matches are reported to a {@link Listener} with
 * the {@link System#nanoTime()} at which the frame's text was handed to the socket.
 */
public final class TutorFleet implements AutoCloseable {

  interface Listener {
    void onOffer(Tutor tutor, String sessionId, String offerId, long nanos, int frameChars);

    void onMatched(Tutor tutor, String sessionId, long nanos);
  }

  /** One tutor: its id, token, socket and what the bench knows of its sessions. */
  static final class Tutor {
    final String id;
    final String token;
    volatile Session session;
    volatile int closeCode;
    volatile String lastStatus;
    int reconnects;
    /** The MATCHED session the bench believes this tutor holds (null once its cancel answered 200). */
    String holding;
    int matches;

    Tutor(String id, String token) {
      this.id = id;
      this.token = token;
    }
  }

  private final WebSocketClient client;
  private final QueuedThreadPool threads;
  private final String baseUri;
  private volatile Listener listener;

  final LongAdder opened = new LongAdder();
  final LongAdder framesIn = new LongAdder();
  final LongAdder offers = new LongAdder();
  final LongAdder acceptsSent = new LongAdder();
  final LongAdder acceptSendFailures = new LongAdder();
  final LongAdder matchedFrames = new LongAdder();
  final LongAdder withdrawn = new LongAdder();
  final LongAdder pings = new LongAdder();
  final Map<String, AtomicInteger> statusFrames = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> errorCodes = new ConcurrentHashMap<>();
  final Map<String, String> firstErrorMessages = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> otherTypes = new ConcurrentHashMap<>();
  final Map<Integer, AtomicInteger> closes = new ConcurrentHashMap<>();
  final Map<String, String> firstCloseReasons = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> connectFailures = new ConcurrentHashMap<>();
  final Map<String, String> firstConnectFailure = new ConcurrentHashMap<>();
  final LongAdder socketErrors = new LongAdder();
  final Histogram connectLatency = Phase.histogram();
  final LongAdder offerChars = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final LongAdder reconnectFailures = new LongAdder();
  private volatile boolean closing;
  private final java.util.concurrent.ScheduledExecutorService reconnector =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-reconnect");
        t.setDaemon(true);
        return t;
      });
  /** Closed by the node, reconnected by the bench (as an app would), at most this many times per tutor. */
  static final int MAX_RECONNECTS = 10;

  TutorFleet(String host, int wsPort, int maxSockets) throws Exception {
    this.baseUri = "ws://" + host + ":" + wsPort + "/ws/tutor?token=";
    threads = new QueuedThreadPool(64, 8);
    threads.setName("bench-ws");
    threads.setDaemon(true);
    ClientConnector connector = new ClientConnector();
    connector.setSelectors(2);
    connector.setExecutor(threads);
    connector.setConnectTimeout(Duration.ofSeconds(30));
    connector.setIdleTimeout(Duration.ofHours(2));
    HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
    http.setExecutor(threads);
    // Every socket is its own TCP connection: let all of them exist at once.
    http.setMaxConnectionsPerDestination(maxSockets + 1000);
    http.setMaxRequestsQueuedPerDestination(maxSockets + 1000);
    http.setConnectTimeout(30_000);
    http.setIdleTimeout(TimeUnit.HOURS.toMillis(2));
    client = new WebSocketClient(http);
    client.setIdleTimeout(Duration.ofHours(2));
    client.setMaxTextMessageSize(1 << 20);
    client.setStopTimeout(5_000);
    client.start();
  }

  WebSocketClient client() {
    return client;
  }

  void listener(Listener l) {
    this.listener = l;
  }

  /** Opens a socket per tutor, at most {@code concurrency} upgrades in flight; returns when all have finished. */
  void connectAll(List<Tutor> tutors, int concurrency, Runnable progress) throws InterruptedException {
    Semaphore inFlight = new Semaphore(concurrency);
    List<CompletableFuture<?>> all = new ArrayList<>(tutors.size());
    for (Tutor t : tutors) {
      inFlight.acquire();
      long start = System.nanoTime();
      CompletableFuture<Session> f;
      try {
        f = client.connect(new Socket(t), URI.create(baseUri + URLEncoder.encode(t.token, StandardCharsets.UTF_8)));
      } catch (Exception e) {
        f = CompletableFuture.failedFuture(e);
      }
      all.add(f.whenComplete((s, err) -> {
        inFlight.release();
        if (err != null) {
          Throwable root = err;
          while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
          }
          String key = root.getClass().getSimpleName();
          connectFailures.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
          firstConnectFailure.putIfAbsent(key, String.valueOf(root.getMessage()));
        } else {
          Phase.record(connectLatency, System.nanoTime() - start);
        }
        progress.run();
      }));
    }
    for (CompletableFuture<?> f : all) {
      try {
        f.join();
      } catch (Exception ignored) {
        // counted above
      }
    }
  }

  int openCount(List<Tutor> tutors) {
    int n = 0;
    for (Tutor t : tutors) {
      Session s = t.session;
      if (s != null && s.isOpen()) {
        n++;
      }
    }
    return n;
  }

  static int connectFailureCount(Map<String, AtomicInteger> m) {
    return m.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  String summary() {
    return "frames in " + framesIn.sum()
        + ", offers " + offers.sum()
        + ", accepts sent " + acceptsSent.sum() + " (send failures " + acceptSendFailures.sum() + ")"
        + ", matched frames " + matchedFrames.sum()
        + ", offer-withdrawn " + withdrawn.sum()
        + ", status frames " + new TreeMap<>(counts(statusFrames))
        + ", error frames " + new TreeMap<>(counts(errorCodes))
        + ", other frame types " + new TreeMap<>(counts(otherTypes))
        + ", closes " + new TreeMap<>(counts(closes))
        + ", reconnects " + reconnects.sum() + " (failed " + reconnectFailures.sum() + ")"
        + ", socket errors " + socketErrors.sum()
        + ", protocol pings answered " + pings.sum();
  }

  static <K> Map<K, Integer> counts(Map<K, AtomicInteger> m) {
    Map<K, Integer> out = new java.util.HashMap<>();
    m.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Closes every socket (1000) with bounded concurrency, then stops the client. */
  void closeAll(List<Tutor> tutors) {
    closing = true;
    reconnector.shutdownNow();
    for (Tutor t : tutors) {
      Session s = t.session;
      if (s != null && s.isOpen()) {
        s.close(1000, "bench done", Callback.NOOP);
      }
    }
  }

  @Override
  public void close() throws Exception {
    client.stop();
  }

  private void scheduleReconnect(Tutor tutor) {
    synchronized (tutor) {
      if (tutor.reconnects >= MAX_RECONNECTS) {
        return;
      }
      tutor.reconnects++;
    }
    long delay = 1000 + (long) (Math.random() * 2000);
    try {
      reconnector.schedule(() -> {
        if (closing) {
          return;
        }
        reconnects.increment();
        try {
          client.connect(new Socket(tutor), URI.create(baseUri + URLEncoder.encode(tutor.token, StandardCharsets.UTF_8)))
              .whenComplete((s, err) -> {
                if (err != null) {
                  reconnectFailures.increment();
                  scheduleReconnect(tutor);
                }
              });
        } catch (Exception e) {
          reconnectFailures.increment();
        }
      }, delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException ignored) {
      // shutting down
    }
  }

  /** The endpoint of one tutor socket. */
  public final class Socket implements Session.Listener.AutoDemanding {
    private final Tutor tutor;

    Socket(Tutor tutor) {
      this.tutor = tutor;
    }

    @Override
    public void onWebSocketOpen(Session session) {
      tutor.session = session;
      opened.increment();
    }

    @Override
    public void onWebSocketText(String text) {
      long now = System.nanoTime();
      framesIn.increment();
      JsonNode frame = Rest.read(text);
      String type = frame.path("type").asText("");
      switch (type) {
        case "offer" -> {
          String offerId = frame.path("offerId").asText(null);
          String sessionId = frame.path("sessionId").asText(null);
          offers.increment();
          offerChars.add(text.length());
          if (offerId != null) {
            // Accept before any bookkeeping: the accept is on the critical path of time-to-matched.
            acceptsSent.increment();
            tutor.session.sendText("{\"type\":\"accept\",\"offerId\":\"" + offerId + "\"}", new Callback() {
              @Override
              public void fail(Throwable x) {
                acceptSendFailures.increment();
              }
            });
          }
          Listener l = listener;
          if (l != null && sessionId != null) {
            l.onOffer(tutor, sessionId, offerId, now, text.length());
          }
        }
        case "matched" -> {
          matchedFrames.increment();
          String sessionId = frame.path("sessionId").asText(null);
          Listener l = listener;
          if (l != null && sessionId != null) {
            l.onMatched(tutor, sessionId, now);
          }
        }
        case "offer-withdrawn" -> withdrawn.increment();
        case "status" -> {
          String status = frame.path("status").asText("?");
          tutor.lastStatus = status;
          statusFrames.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
        }
        case "error" -> {
          String code = frame.path("code").asText("?");
          errorCodes.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
          firstErrorMessages.putIfAbsent(code, frame.path("message").asText(""));
        }
        default -> otherTypes.computeIfAbsent(type, k -> new AtomicInteger()).incrementAndGet();
      }
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
      // A listener that sees pings must answer them itself (Jetty only auto-pongs for endpoints
      // that do not handle pings); the server drops a tutor it has not heard from.
      pings.increment();
      Session s = tutor.session;
      if (s != null) {
        s.sendPong(payload, Callback.NOOP);
      }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      tutor.closeCode = statusCode;
      closes.computeIfAbsent(statusCode, k -> new AtomicInteger()).incrementAndGet();
      firstCloseReasons.putIfAbsent(String.valueOf(statusCode), String.valueOf(reason));
      if (!closing) {
        scheduleReconnect(tutor);
      }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      socketErrors.increment();
      firstErrorMessages.putIfAbsent("socket:" + cause.getClass().getSimpleName(), String.valueOf(cause.getMessage()));
    }
  }
}
