package io.tutormesh.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The floor of {@link RoomBench}: a bare Jetty 12 WebSocket broadcast server inside the bench
 * process (127.0.0.1, random port, Jetty's default thread pool and connector, as the node's
 * {@code WsServer}) with rooms of two sockets: a text frame received on either socket of a room is
 * sent, as it is, to both of them. The client sockets use the same {@link WebSocketClient} as the
 * node's room sockets (same selectors and threads). While a phase runs a pacer sends frames of the
 * size of a chat frame at the phase's rate (open model, round-robin over the rooms, senders
 * alternating like the chat) and records scheduled send → arrival at the other socket and at the
 * sender's own. No JSON, no actors, no journal: what the machine and Jetty cost, under the same
 * CPU contention as the rooms.
 */
final class BroadcastFloor implements AutoCloseable {

  private static final int RING = 1 << 21;

  private final int rooms;
  private final Server server;
  private final ServerConnector connector;
  private final Session[][] serverSide;
  private final FloorSocket[][] clients;
  private final String padding;
  private final long epoch = System.nanoTime();
  private final AtomicReferenceArray<ChatPhase> phaseOf = new AtomicReferenceArray<>(RING);
  private final AtomicIntegerArray flags = new AtomicIntegerArray(RING);
  private long next;
  private volatile Thread pacer;
  private volatile boolean running;
  final LongAdder closes = new LongAdder();
  final LongAdder sendFailures = new LongAdder();

  BroadcastFloor(int rooms, int frameChars) throws Exception {
    this.rooms = rooms;
    this.serverSide = new Session[rooms][2];
    this.clients = new FloorSocket[rooms][2];
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("floor-server");
    threads.setDaemon(true);
    server = new Server(threads);
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
      container.setIdleTimeout(Duration.ofHours(2));
      container.setMaxTextMessageSize(64 * 1024);
      container.addMapping("/room", (request, response, callback) -> {
        String q = request.getHttpURI().getQuery();
        int room = -1;
        int role = -1;
        for (String kv : q == null ? new String[0] : q.split("&")) {
          if (kv.startsWith("r=")) {
            room = Integer.parseInt(kv.substring(2));
          } else if (kv.startsWith("p=")) {
            role = Integer.parseInt(kv.substring(2));
          }
        }
        return new Relay(room, role);
      });
    }));
    server.start();
    // "<index>|<scheduled µs since epoch>|<sender role>|" + padding: as long as a chat frame.
    int pad = Math.max(0, frameChars - 24);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < pad) {
      sb.append("abcdefghijklmnopqrstuvwxyz ");
    }
    padding = sb.substring(0, pad);
  }

  int port() {
    return connector.getLocalPort();
  }

  int rooms() {
    return rooms;
  }

  /** Opens both sockets of every floor room, at most {@code concurrency} upgrades in flight. */
  int connectAll(WebSocketClient client, int concurrency) throws Exception {
    Semaphore inFlight = new Semaphore(concurrency);
    List<CompletableFuture<Session>> all = new ArrayList<>();
    for (int r = 0; r < rooms; r++) {
      for (int p = 0; p < 2; p++) {
        inFlight.acquire();
        FloorSocket s = new FloorSocket(r, p);
        clients[r][p] = s;
        CompletableFuture<Session> f = client.connect(s, URI.create("ws://127.0.0.1:" + port() + "/room?r=" + r + "&p=" + p));
        all.add(f.whenComplete((x, e) -> inFlight.release()));
      }
    }
    int open = 0;
    for (CompletableFuture<Session> f : all) {
      try {
        f.get(60, TimeUnit.SECONDS);
        open++;
      } catch (Exception ignored) {
        // counted as not open
      }
    }
    // the server side registers on open; give the last ones a moment
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && serverOpen() < open) {
      LoadDriver.sleep(50);
    }
    return open;
  }

  private int serverOpen() {
    int n = 0;
    for (Session[] room : serverSide) {
      synchronized (room) {
        for (Session s : room) {
          if (s != null) {
            n++;
          }
        }
      }
    }
    return n;
  }

  /** Starts pacing frames at {@code rate}/s into {@code target}. */
  synchronized void start(ChatPhase target, double rate) {
    stop();
    running = true;
    Thread t = new Thread(() -> pace(target, rate), "floor-pacer");
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

  private void pace(ChatPhase phase, double rate) {
    long start = System.nanoTime();
    for (long i = 0; running; i++) {
      long target = start + (long) (i * 1e9 / rate);
      long now;
      while ((now = System.nanoTime()) < target) {
        LockSupport.parkNanos(target - now);
        if (!running) {
          return;
        }
      }
      Phase.record(phase.floorPacerLag, now - target);
      send(phase, target);
    }
  }

  private void send(ChatPhase phase, long scheduled) {
    long idx = next++;
    int room = (int) (idx % rooms);
    int role = (int) ((idx / rooms) % 2);
    FloorSocket s = clients[room][role];
    Session session = s == null ? null : s.session;
    if (session == null || !session.isOpen()) {
      sendFailures.increment();
      return;
    }
    int slot = (int) (idx & (RING - 1));
    flags.set(slot, 0);
    phaseOf.set(slot, phase);
    phase.floorSent.increment();
    String text = idx + "|" + (scheduled - epoch) / 1000 + "|" + role + "|" + padding;
    session.sendText(text, new Callback() {
      @Override
      public void fail(Throwable x) {
        sendFailures.increment();
      }
    });
  }

  @Override
  public void close() throws Exception {
    stop();
    for (FloorSocket[] room : clients) {
      for (FloorSocket s : room) {
        if (s != null && s.session != null && s.session.isOpen()) {
          s.session.close(1000, "bench done", Callback.NOOP);
        }
      }
    }
    LoadDriver.sleep(500);
    server.stop();
  }

  /** Server side: remember the room's sockets; send every text frame to both. */
  public final class Relay implements Session.Listener.AutoDemanding {
    private final int room;
    private final int role;

    Relay(int room, int role) {
      this.room = room;
      this.role = role;
    }

    @Override
    public void onWebSocketOpen(Session session) {
      if (room >= 0 && room < rooms && (role == 0 || role == 1)) {
        Session[] r = serverSide[room];
        synchronized (r) {
          r[role] = session;
        }
      } else {
        session.close(1008, "bad room", Callback.NOOP);
      }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      // a socket closed by the bench at the end: nothing to report
    }

    @Override
    public void onWebSocketText(String text) {
      Session[] r = serverSide[room];
      Session a;
      Session b;
      synchronized (r) {
        a = r[0];
        b = r[1];
      }
      if (a != null) {
        a.sendText(text, Callback.NOOP);
      }
      if (b != null) {
        b.sendText(text, Callback.NOOP);
      }
    }
  }

  /** Client side: one participant of a floor room. */
  public final class FloorSocket implements Session.Listener.AutoDemanding {
    private final int room;
    private final int role;
    volatile Session session;

    FloorSocket(int room, int role) {
      this.room = room;
      this.role = role;
    }

    @Override
    public void onWebSocketOpen(Session session) {
      this.session = session;
    }

    @Override
    public void onWebSocketText(String text) {
      long now = System.nanoTime();
      int a = text.indexOf('|');
      int b = text.indexOf('|', a + 1);
      int c = text.indexOf('|', b + 1);
      if (a <= 0 || b <= a || c <= b) {
        return;
      }
      long idx = Long.parseLong(text, 0, a, 10);
      long scheduled = epoch + Long.parseLong(text, a + 1, b, 10) * 1000;
      boolean own = Integer.parseInt(text, b + 1, c, 10) == role;
      int slot = (int) (idx & (RING - 1));
      ChatPhase p = phaseOf.get(slot);
      if (p == null) {
        return;
      }
      int bit = own ? 1 : 2;
      int before = flags.getAndUpdate(slot, f -> f | bit);
      if ((before & bit) != 0) {
        return;
      }
      if (own) {
        p.floorGotOwn.increment();
        Phase.record(p.floorOwn, now - scheduled);
      } else {
        p.floorGotOther.increment();
        Phase.record(p.floorOther, now - scheduled);
      }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      closes.increment();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      sendFailures.increment();
    }
  }
}
