package io.tutormesh.bench;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The floor: a bare Jetty 12 WebSocket echo server inside the bench process (127.0.0.1, random
 * port) and one client socket, opened with the tutors' own {@link WebSocketClient} so that it
 * shares their selector and threads. While a phase runs, a pacer sends a frame of the same size
 * as an offer at the phase's rate (open model, like the requests) and records the send → echo
 * round trip; since both ends live in this JVM it also records send → server-side receive (one
 * way). Nothing in it touches the node: it is what the machine and Jetty cost, under the same
 * CPU contention as the measured run.
 */
public final class EchoFloor implements AutoCloseable {

  private static final int RING = 1 << 20;

  private final Server server;
  private final ServerConnector connector;
  private final AtomicLongArray sentAt = new AtomicLongArray(RING);
  private final String padding;
  private volatile Session clientSession;
  private volatile Phase phase;
  private volatile Thread pacer;
  private volatile boolean running;

  EchoFloor(int payloadBytes) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("floor-echo");
    threads.setDaemon(true);
    server = new Server(threads);
    connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
      container.setIdleTimeout(Duration.ofHours(2));
      container.addMapping("/echo", (request, response, callback) -> new Echo());
    }));
    server.start();
    StringBuilder sb = new StringBuilder();
    while (sb.length() < Math.max(0, payloadBytes - 24)) {
      sb.append("abcdefghijklmnopqrstuvwxyz0123456789");
    }
    padding = sb.substring(0, Math.max(0, payloadBytes - 24));
  }

  void connect(WebSocketClient client) throws Exception {
    clientSession = client.connect(new Client(), URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/echo"))
        .get(10, TimeUnit.SECONDS);
  }

  int port() {
    return connector.getLocalPort();
  }

  /** Starts pacing echo frames at {@code rate}/s into {@code target}'s floor histograms. */
  synchronized void start(Phase target, double rate) {
    stop();
    phase = target;
    running = true;
    long interval = (long) (1e9 / rate);
    Thread t = new Thread(() -> pace(interval), "floor-pacer");
    t.setDaemon(true);
    pacer = t;
    t.start();
  }

  synchronized void stop() {
    running = false;
    Thread t = pacer;
    pacer = null;
    if (t != null) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void pace(long interval) {
    long seq = 0;
    long start = System.nanoTime();
    while (running) {
      long target = start + seq * interval;
      long now;
      while ((now = System.nanoTime()) < target) {
        LockSupport.parkNanos(target - now);
        if (!running) {
          return;
        }
      }
      send(seq++);
    }
  }

  private void send(long seq) {
    Session s = clientSession;
    Phase p = phase;
    if (s == null || p == null) {
      return;
    }
    String text = String.format("%020d|", seq) + padding;
    int slot = (int) (seq & (RING - 1));
    if (sentAt.get(slot) != 0) {
      p.floorLost.increment(); // the echo of the frame that used this slot never came back
    }
    sentAt.set(slot, System.nanoTime());
    p.floorSent.increment();
    s.sendText(text, Callback.NOOP);
  }

  private static long seqOf(String text) {
    int bar = text.indexOf('|');
    return bar <= 0 ? -1 : Long.parseLong(text.substring(0, bar));
  }

  @Override
  public void close() throws Exception {
    stop();
    Session s = clientSession;
    if (s != null) {
      s.close();
    }
    server.stop();
  }

  /** Server side: echo every text frame; note when it arrived. */
  public final class Echo implements Session.Listener.AutoDemanding {
    private Session session;

    @Override
    public void onWebSocketOpen(Session session) {
      this.session = session;
    }

    @Override
    public void onWebSocketText(String text) {
      long now = System.nanoTime();
      long seq = seqOf(text);
      Phase p = phase;
      if (seq >= 0 && p != null) {
        long sent = sentAt.get((int) (seq & (RING - 1)));
        if (sent != 0) {
          Phase.record(p.floorOneWay, now - sent);
        }
      }
      session.sendText(text, Callback.NOOP);
    }
  }

  /** Client side: the round trip. */
  public final class Client implements Session.Listener.AutoDemanding {
    @Override
    public void onWebSocketText(String text) {
      long now = System.nanoTime();
      long seq = seqOf(text);
      Phase p = phase;
      if (seq < 0 || p == null) {
        return;
      }
      int slot = (int) (seq & (RING - 1));
      long sent = sentAt.getAndSet(slot, 0);
      if (sent != 0) {
        Phase.record(p.floorRtt, now - sent);
      }
    }
  }
}
