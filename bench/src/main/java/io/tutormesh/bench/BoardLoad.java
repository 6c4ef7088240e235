package io.tutormesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The board part of {@link RoomBench}: one LIVE room gets {@code --board-ops} whiteboard ops over
 * its student's socket, as fast as the node acknowledges them ({@code --op-window} in flight), in
 * a lesson-like mix — mostly strokes of about 20 points, some shapes and texts, erases of recent
 * items, a few undos, a {@code clear} every {@code --clear-every} ops (a page turn) and a chat
 * message every {@code --chat-every} ops. The bench keeps the board those ops must leave. Then,
 * each on a NEW socket, {@code --resume-runs} times: {@code resume {afterSeq:0}} (the node sends
 * the board instead of the ops, then every chat message) and {@code resume} of the last
 * {@code --raw-tail} entries (sent as they are), timed from the resume frame's send to the arrival
 * of the replay's last frame (the seqs are known from the acknowledgements).
 */
final class BoardLoad {

  private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#111111"};
  private static final String[] FORMS = {"rect", "ellipse", "line", "arrow"};

  private final RoomOptions o;
  private final WebSocketClient client;
  private final ChatLoad.ChatRoom room;
  private final String sessionId;
  /** A probe of an existing room (--probe-session): the chat messages it holds; -1 when this bench wrote them. */
  private int knownChats = -1;
  private final String studentId;
  private final String studentToken;
  final RoomSocket.Stats stats = new RoomSocket.Stats();
  private final CpuMeter cpu;

  // writing
  final Map<String, AtomicInteger> kinds = new TreeMap<>();
  final Histogram ackLatency = Phase.histogram();
  final LongAdder sendFailures = new LongAdder();
  final LongAdder errors = new LongAdder();
  long sentFrames;
  long sentChars;
  int opsSent;
  int chatsSent;
  long fillNanos;
  volatile long lastSeq;
  final List<Long> chatSeqs = new ArrayList<>();
  final Set<String> expectedBoard = new HashSet<>();
  volatile String abort;
  CpuMeter.Usage fillCpu;
  private long[] sentAt;
  private final BitSet acked = new BitSet();
  private final AtomicInteger ackCount = new AtomicInteger();
  private Semaphore window;

  // resuming
  final Histogram connect = Phase.histogram();
  final Histogram fullTotal = Phase.histogram();
  final Histogram fullToBoard = Phase.histogram();
  final Histogram rawTotal = Phase.histogram();
  final List<String> problems = new ArrayList<>();
  long boardFrameChars;
  int boardItems;
  boolean boardMatches;
  long fullFrames;
  long rawFrames;
  long rawChars;
  int fullDone;
  int rawDone;
  CpuMeter.Usage resumeCpu;

  BoardLoad(RoomOptions o, WebSocketClient client, ChatLoad.ChatRoom room, String studentId, String studentToken) {
    this.o = o;
    this.client = client;
    this.room = room;
    this.sessionId = room == null ? o.probeSession : room.sessionId();
    this.studentId = studentId;
    this.studentToken = studentToken;
    this.cpu = new CpuMeter(o.nodePid);
  }

  // --- writing ---

  /** Sends every op and chat message of the lesson and waits for their acknowledgements. */
  void fill() {
    int total = o.boardOps + o.boardOps / o.chatEvery + 1;
    sentAt = new long[total];
    window = new Semaphore(o.opWindow);
    RoomSocket writer = room.sockets()[0];
    RoomSocket other = room.sockets()[1];
    writer.handler = this::onWriterFrame;
    other.handler = (socket, type, frame, text, nanos) -> {
      if (type.equals("chat") || type.equals("wb")) {
        socket.seq(frame.path("seq").asLong(-1));
      }
    };
    Random random = new Random(42);
    TreeMap<Long, String> onBoard = new TreeMap<>(); // op index -> item id, what the ops leave
    Map<String, Long> indexOf = new HashMap<>();
    CpuMeter.Sample c0 = cpu.sample();
    long start = System.nanoTime();
    long lastReport = start;
    int k = 0;
    try {
      for (int i = 0; i < o.boardOps && abort == null; i++) {
        if (i % o.chatEvery == o.chatEvery / 2) {
          if (!send(writer, k, "{\"type\":\"chat\",\"text\":\"see the diagram on this page, then try the next exercise\","
              + "\"clientId\":\"b" + k + "\"}")) {
            break;
          }
          k++;
          chatsSent++;
          kind("chat");
        }
        String op = op(i, random, onBoard, indexOf);
        if (!send(writer, k, "{\"type\":\"wb\",\"op\":" + op + ",\"clientId\":\"b" + k + "\"}")) {
          break;
        }
        k++;
        opsSent++;
        long now = System.nanoTime();
        if (now - lastReport > TimeUnit.SECONDS.toNanos(10)) {
          lastReport = now;
          Bench.say(String.format("  board: %d sent, %d acknowledged (%.0f/s), last seq %d", k, ackCount.get(),
              ackCount.get() / ((now - start) / 1e9), lastSeq));
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (ackCount.get() < k && abort == null && System.nanoTime() < deadline) {
        LoadDriver.sleep(10);
      }
      if (ackCount.get() < k && abort == null) {
        abort = (k - ackCount.get()) + " of " + k + " frames not acknowledged 60 s after the last was sent";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort = "interrupted";
    }
    fillNanos = System.nanoTime() - start;
    fillCpu = CpuMeter.between(c0, cpu.sample());
    sentFrames = k;
    expectedBoard.addAll(onBoard.values());
    // the other participant must have got every entry too
    LoadDriver.sleep(500);
    long missing = other.missing(lastSeq);
    if (missing > 0 || other.duplicates() > 0 || other.outOfOrder() > 0) {
      problems.add("the tutor's socket in the board room: up to seq " + lastSeq + ", missing " + missing + ", duplicates "
          + other.duplicates() + ", out of order " + other.outOfOrder());
    }
  }

  private boolean send(RoomSocket writer, int k, String frame) throws InterruptedException {
    if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
      abort = "no acknowledgement for 30 s with " + o.opWindow + " frames in flight (" + ackCount.get() + " of " + k + " acknowledged)";
      return false;
    }
    if (abort != null) {
      return false;
    }
    sentChars += frame.length();
    sentAt[k] = System.nanoTime();
    writer.send(frame, sendFailures);
    return true;
  }

  private void kind(String kind) {
    kinds.computeIfAbsent(kind, x -> new AtomicInteger()).incrementAndGet();
  }

  /** The i-th op of the lesson, and what it does to the board the bench keeps. */
  private String op(int i, Random r, TreeMap<Long, String> onBoard, Map<String, Long> indexOf) {
    if (i > 0 && i % o.clearEvery == 0) {
      onBoard.clear();
      indexOf.clear();
      kind("clear");
      return "{\"kind\":\"clear\"}";
    }
    double p = r.nextDouble();
    String color = COLORS[r.nextInt(COLORS.length)];
    if (p < 0.06 && !onBoard.isEmpty()) {
      // erase 1-3 of the 20 newest items
      List<String> recent = new ArrayList<>(onBoard.descendingMap().values()).subList(0, Math.min(20, onBoard.size()));
      Set<String> ids = new HashSet<>();
      int n = 1 + r.nextInt(3);
      for (int j = 0; j < n; j++) {
        ids.add(recent.get(r.nextInt(recent.size())));
      }
      StringBuilder sb = new StringBuilder("{\"kind\":\"erase\",\"ids\":[");
      int j = 0;
      for (String id : ids) {
        sb.append(j++ == 0 ? "" : ",").append('"').append(id).append('"');
        onBoard.remove(indexOf.remove(id));
      }
      kind("erase");
      return sb.append("]}").toString();
    }
    if (p < 0.08 && !onBoard.isEmpty()) {
      // every op is the student's: undo removes the newest item on the board
      indexOf.remove(onBoard.pollLastEntry().getValue());
      kind("undo");
      return "{\"kind\":\"undo\"}";
    }
    String id;
    String op;
    if (p < 0.15) {
      id = "h" + i;
      double x = coord(r, 1500);
      double y = coord(r, 800);
      String fill = r.nextInt(3) == 0 ? "\"" + COLORS[r.nextInt(COLORS.length)] + "\"" : "null";
      op = "{\"kind\":\"shape\",\"id\":\"" + id + "\",\"shape\":\"" + FORMS[r.nextInt(FORMS.length)] + "\",\"x\":" + x + ",\"y\":" + y
          + ",\"w\":" + coord(r, 300) + ",\"h\":" + coord(r, 200) + ",\"color\":\"" + color + "\",\"fill\":" + fill + "}";
      kind("shape");
    } else if (p < 0.20) {
      id = "t" + i;
      op = "{\"kind\":\"text\",\"id\":\"" + id + "\",\"x\":" + coord(r, 1500) + ",\"y\":" + coord(r, 850)
          + ",\"text\":\"f(x) = x squared, so the slope doubles\",\"color\":\"" + color + "\",\"size\":18}";
      kind("text");
    } else {
      id = "s" + i;
      StringBuilder sb = new StringBuilder("{\"kind\":\"stroke\",\"id\":\"" + id + "\",\"points\":[");
      double x = coord(r, 1500);
      double y = coord(r, 850);
      int points = 16 + r.nextInt(9);
      for (int j = 0; j < points; j++) {
        sb.append(j == 0 ? "" : ",").append('[').append(x).append(',').append(y).append(']');
        x = Math.round((x + r.nextGaussian() * 6) * 10) / 10.0;
        y = Math.round((y + r.nextGaussian() * 6) * 10) / 10.0;
      }
      op = sb.append("],\"color\":\"").append(color).append("\",\"width\":").append(1 + r.nextInt(4)).append('}').toString();
      kind("stroke");
    }
    onBoard.put((long) i, id);
    indexOf.put(id, (long) i);
    return op;
  }

  private static double coord(Random r, int max) {
    return Math.round(r.nextDouble() * max * 10) / 10.0;
  }

  private void onWriterFrame(RoomSocket socket, String type, JsonNode frame, String text, long nanos) {
    if (type.equals("error")) {
      errors.increment();
      String code = frame.path("code").asText("?");
      if (code.equals("rate-limited")) {
        abort = "the node rate-limited the writer (error frame rate-limited: " + frame.path("message").asText()
            + "): start it with -Dtutormesh.ws.rate.frames-per-second=100000 -Dtutormesh.ws.rate.burst=100000";
      }
      return;
    }
    if (!type.equals("chat") && !type.equals("wb")) {
      return;
    }
    long seq = frame.path("seq").asLong(-1);
    socket.seq(seq);
    if (!studentId.equals(frame.path("from").asText())) {
      return;
    }
    String clientId = frame.path("clientId").asText("");
    if (!clientId.startsWith("b")) {
      return;
    }
    int k;
    try {
      k = Integer.parseInt(clientId, 1, clientId.length(), 10);
    } catch (NumberFormatException e) {
      return;
    }
    synchronized (acked) {
      if (k < 0 || k >= sentAt.length || acked.get(k)) {
        return;
      }
      acked.set(k);
      if (seq > lastSeq) {
        lastSeq = seq;
      }
      if (type.equals("chat")) {
        chatSeqs.add(seq);
      }
    }
    Phase.record(ackLatency, nanos - sentAt[k]);
    ackCount.incrementAndGet();
    window.release();
  }

  // --- resuming ---

  /** {@code --resume-runs} resumes of each kind, each on a new socket of the student. */
  void resumes() {
    if (lastSeq == 0) {
      problems.add("nothing was written: no resume measured");
      return;
    }
    CpuMeter.Sample c0 = cpu.sample();
    int expectedChats;
    synchronized (acked) {
      expectedChats = knownChats >= 0 ? knownChats : chatSeqs.size();
    }
    int failures = 0;
    for (int r = 0; r < o.resumeRuns && failures < 3; r++) {
      Probe p = resumeOnce(0, expectedChats);
      failures = p == null ? failures + 1 : 0;
      if (p != null) {
        fullDone++;
        Phase.record(fullTotal, p.doneAt - p.sentAt);
        Phase.record(fullToBoard, p.boardAt - p.sentAt);
        fullFrames = p.frames;
        if (r == 0 && knownChats < 0) {
          checkBoard(p);
        } else if (r == 0) {
          boardFrameChars = p.board.length();
          boardItems = Rest.read(p.board).path("items").size();
        }
        if (p.wbs > 0 || p.orderErrors > 0) {
          problem("full resume " + r + ": " + p.wbs + " wb frames (expected none: board instead), " + p.orderErrors + " out of order");
        }
      }
    }
    long afterSeq = Math.max(0, lastSeq - o.rawTail);
    failures = 0;
    for (int r = 0; r < o.resumeRuns && failures < 3; r++) {
      Probe p = resumeOnce(afterSeq, -1);
      failures = p == null ? failures + 1 : 0;
      if (p != null) {
        rawDone++;
        Phase.record(rawTotal, p.doneAt - p.sentAt);
        rawFrames = p.frames;
        rawChars = p.chars;
        if (p.board != null || p.orderErrors > 0 || p.frames != lastSeq - afterSeq) {
          problem("tail resume " + r + ": " + p.frames + " frames for " + (lastSeq - afterSeq) + " entries, "
              + (p.board != null ? "a board frame, " : "") + p.orderErrors + " out of order");
        }
      }
    }
    resumeCpu = CpuMeter.between(c0, cpu.sample());
  }

  private Probe resumeOnce(long afterSeq, int expectedChats) {
    Probe probe = new Probe(afterSeq, expectedChats);
    RoomSocket socket = new RoomSocket(-1, 0, studentId, studentToken, stats, probe);
    try {
      long c0 = System.nanoTime();
      socket.connect(client, o.host, o.wsPort, sessionId).get(15, TimeUnit.SECONDS);
      String status = socket.firstStatus.get(15, TimeUnit.SECONDS);
      Phase.record(connect, System.nanoTime() - c0);
      if (!status.equals("LIVE")) {
        problem("a resume socket got status " + status);
      }
      probe.sentAt = System.nanoTime();
      socket.send("{\"type\":\"resume\",\"afterSeq\":" + afterSeq + "}", sendFailures);
      probe.done.get(20, TimeUnit.SECONDS);
      return probe;
    } catch (Exception e) {
      problem("resume afterSeq " + afterSeq + " did not complete: " + e + " (" + probe.frames + " frames, board "
          + (probe.board != null) + ", chats " + probe.chats + ", last seq " + probe.lastEntrySeq + ")");
      return null;
    } finally {
      socket.close();
      try {
        socket.closed.get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // counted by the socket stats
      }
      LoadDriver.sleep(100);
    }
  }

  // --- reconnect with resume while the room is busy ---

  int reconnectRuns;
  int reconnectsWithDuplicates;
  int reconnectsOutOfOrder;
  int reconnectsWithGaps;
  long reconnectDuplicates;
  long reconnectOutOfOrder;
  long reconnectMissing;
  long reconnectFrames;
  final List<String> reconnectExamples = new ArrayList<>();
  /** Reconnects whose stream still had a hole 10 s after the new socket opened. */
  int reconnectsIncomplete;
  /** The room's last seq at the end (the reconnect part adds entries). */
  long finalSeq;

  /**
   * What an app does after losing its connection: the student's socket is closed, a new one opens
   * and, on its {@code status} frame, sends {@code resume {afterSeq: the last seq it had}}, while
   * the tutor keeps drawing ({@code opsPerSecond} small strokes over the tutor's socket). Every
   * new socket's stream of chat/wb seqs must continue the old one: afterSeq+1, +2, ... each once,
   * in order (API: live frames after the status, history by resume, no gap, no duplicate).
   */
  void reconnects(int runs, double opsPerSecond) {
    RoomSocket writer = room.sockets()[1];
    writer.handler = null;
    java.util.concurrent.atomic.AtomicBoolean drawing = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread pacer = new Thread(() -> {
      long start = System.nanoTime();
      for (long k = 0; drawing.get(); k++) {
        long target = start + (long) (k * 1e9 / opsPerSecond);
        long now;
        while ((now = System.nanoTime()) < target) {
          java.util.concurrent.locks.LockSupport.parkNanos(target - now);
        }
        writer.send("{\"type\":\"wb\",\"op\":{\"kind\":\"stroke\",\"id\":\"rc" + k + "\",\"points\":[[1,2],[3,4.5],[6,7]],"
            + "\"color\":\"#112233\",\"width\":2},\"clientId\":\"rc" + k + "\"}", sendFailures);
      }
    }, "bench-drawer");
    pacer.setDaemon(true);
    Tracker current = new Tracker(lastSeq);
    RoomSocket socket = room.sockets()[0];
    socket.handler = current;
    pacer.start();
    LoadDriver.sleep(1000);
    try {
      for (int r = 0; r < runs; r++) {
        long seen = current.max();
        socket.close();
        try {
          socket.closed.get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // counted by the stats
        }
        LoadDriver.sleep(200);
        Tracker next = new Tracker(seen);
        RoomSocket fresh = new RoomSocket(-1, 0, studentId, studentToken, stats, next);
        next.onStatus = () -> fresh.send("{\"type\":\"resume\",\"afterSeq\":" + seen + "}", sendFailures);
        try {
          fresh.connect(client, o.host, o.wsPort, sessionId).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
          problem("reconnect " + r + " failed: " + e);
          continue;
        }
        // at least 1.5 s of traffic; then until every seq after afterSeq up to the highest seen has
        // arrived (the replay may wait behind the session's backlog), at most 10 s
        long c0 = System.nanoTime();
        while (true) {
          LoadDriver.sleep(100);
          long elapsed = System.nanoTime() - c0;
          if (elapsed >= TimeUnit.MILLISECONDS.toNanos(1500) && next.missingNow() == 0) {
            break;
          }
          if (elapsed > TimeUnit.SECONDS.toNanos(10)) {
            reconnectsIncomplete++;
            break;
          }
        }
        reconnectRuns++;
        next.evaluate(r);
        socket = fresh;
        current = next;
      }
    } finally {
      drawing.set(false);
      try {
        pacer.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LoadDriver.sleep(1000);
      finalSeq = current.max();
      socket.close();
    }
  }

  /** The chat/wb seqs one socket got, in arrival order; resumes after {@code afterSeq} when its status comes. */
  private final class Tracker implements RoomSocket.Handler {
    final long afterSeq;
    final List<Long> seqs = new ArrayList<>();
    volatile Runnable onStatus;
    private boolean statusSeen;

    Tracker(long afterSeq) {
      this.afterSeq = afterSeq;
    }

    synchronized long max() {
      long m = afterSeq;
      for (long s : seqs) {
        m = Math.max(m, s);
      }
      return m;
    }

    @Override
    public void onFrame(RoomSocket socket, String type, JsonNode frame, String text, long nanos) {
      if (type.equals("status")) {
        Runnable r = onStatus;
        boolean first;
        synchronized (this) {
          first = !statusSeen;
          statusSeen = true;
        }
        if (first && r != null) {
          r.run();
        }
        return;
      }
      if (type.equals("chat") || type.equals("wb")) {
        synchronized (this) {
          seqs.add(frame.path("seq").asLong(-1));
        }
      }
    }

    /** Seqs after afterSeq, up to the highest seen, that have not arrived (yet). */
    synchronized long missingNow() {
      Set<Long> seen = new HashSet<>();
      long max = afterSeq;
      for (long s : seqs) {
        if (s > afterSeq) {
          seen.add(s);
          max = Math.max(max, s);
        }
      }
      return (max - afterSeq) - seen.size();
    }

    synchronized void evaluate(int run) {
      Set<Long> seen = new HashSet<>();
      long max = afterSeq;
      long dups = 0;
      long ooo = 0;
      for (long s : seqs) {
        if (s <= afterSeq || !seen.add(s)) {
          dups++;
        } else if (s < max) {
          ooo++;
        }
        max = Math.max(max, s);
      }
      long missing = (max - afterSeq) - seen.size();
      reconnectFrames += seqs.size();
      reconnectDuplicates += dups;
      reconnectOutOfOrder += ooo;
      reconnectMissing += missing;
      if (dups > 0) {
        reconnectsWithDuplicates++;
      }
      if (ooo > 0) {
        reconnectsOutOfOrder++;
      }
      if (missing > 0) {
        reconnectsWithGaps++;
      }
      if ((dups > 0 || ooo > 0 || missing > 0) && reconnectExamples.size() < 3) {
        reconnectExamples.add("reconnect " + run + ": resume afterSeq " + afterSeq + ", seqs in arrival order "
            + seqs.subList(0, Math.min(12, seqs.size())) + (seqs.size() > 12 ? " ..." : "") + " (" + dups + " duplicate, " + ooo
            + " out of order, " + missing + " missing)");
      }
    }
  }

  // --- an existing room after a node restart (--probe-session) ---

  final List<String> coldAttempts = new ArrayList<>();
  long coldUpgradeNanos = -1;
  long coldResumeNanos = -1;
  long coldToBoardNanos = -1;

  /**
   * The first resume of an existing room, on a node that has just started: upgrade attempts (each
   * asks the session, which may still be recovering its events) until one succeeds, then
   * {@code resume {afterSeq:0}} until the board and every chat message have arrived.
   */
  void cold(long lastSeq, int chats) {
    this.lastSeq = lastSeq;
    this.knownChats = chats;
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(180);
    Probe probe = new Probe(0, chats);
    RoomSocket socket = null;
    while (System.nanoTime() < deadline) {
      RoomSocket attempt = new RoomSocket(-1, 0, studentId, studentToken, stats, probe);
      long a0 = System.nanoTime();
      try {
        attempt.connect(client, o.host, o.wsPort, sessionId).get(60, TimeUnit.SECONDS);
        String status = attempt.firstStatus.get(60, TimeUnit.SECONDS);
        coldAttempts.add(String.format("+%.1f s: upgraded in %.0f ms, status %s", (a0 - t0) / 1e9, (System.nanoTime() - a0) / 1e6, status));
        socket = attempt;
        break;
      } catch (Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        coldAttempts.add(String.format("+%.1f s: failed after %.0f ms: %s", (a0 - t0) / 1e9, (System.nanoTime() - a0) / 1e6,
            Rest.abbreviate(root.getClass().getSimpleName() + " " + root.getMessage())));
        Bench.say("  " + coldAttempts.get(coldAttempts.size() - 1));
        LoadDriver.sleep(250);
      }
    }
    if (socket == null) {
      problem("no upgrade succeeded within 180 s");
      return;
    }
    coldUpgradeNanos = System.nanoTime() - t0;
    try {
      probe.sentAt = System.nanoTime();
      socket.send("{\"type\":\"resume\",\"afterSeq\":0}", sendFailures);
      probe.done.get(120, TimeUnit.SECONDS);
      coldResumeNanos = probe.doneAt - probe.sentAt;
      coldToBoardNanos = probe.boardAt - probe.sentAt;
      boardFrameChars = probe.board.length();
      JsonNode board = Rest.read(probe.board);
      boardItems = board.path("items").size();
      // the room may have grown after the report that gave --probe-last-seq (e.g. its reconnect part)
      this.lastSeq = Math.max(lastSeq, Math.max(board.path("seq").asLong(0), probe.lastEntrySeq));
    } catch (Exception e) {
      problem("the first resume did not complete: " + e + " (" + probe.frames + " frames, chats " + probe.chats + ")");
    } finally {
      socket.close();
    }
  }

  private void checkBoard(Probe p) {
    boardFrameChars = p.board.length();
    JsonNode board = Rest.read(p.board);
    boardItems = board.path("items").size();
    Set<String> ids = new HashSet<>();
    board.path("items").forEach(item -> ids.add(item.path("id").asText()));
    boardMatches = ids.equals(expectedBoard) && board.path("seq").asLong() == lastSeq;
    if (!boardMatches) {
      Set<String> extra = new HashSet<>(ids);
      extra.removeAll(expectedBoard);
      Set<String> lacking = new HashSet<>(expectedBoard);
      lacking.removeAll(ids);
      problem("the board frame (seq " + board.path("seq").asLong() + ", " + ids.size() + " items) differs from what the ops leave (seq "
          + lastSeq + ", " + expectedBoard.size() + " items): " + extra.size() + " extra e.g. " + extra.stream().limit(3).toList()
          + ", " + lacking.size() + " lacking e.g. " + lacking.stream().limit(3).toList());
    }
  }

  private void problem(String line) {
    synchronized (problems) {
      if (problems.size() < 20) {
        problems.add(line);
      }
    }
    Bench.say("  PROBLEM " + line);
  }

  /** One resume on one socket: complete when the replay's last frame has arrived. */
  private final class Probe implements RoomSocket.Handler {
    final long afterSeq;
    /** Full resume: the chat messages to expect after the board; -1: a tail resume (every entry). */
    final int expectedChats;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile long sentAt;
    long boardAt;
    long doneAt;
    String board;
    int chats;
    int wbs;
    long frames;
    long chars;
    long lastEntrySeq;
    int orderErrors;

    Probe(long afterSeq, int expectedChats) {
      this.afterSeq = afterSeq;
      this.expectedChats = expectedChats;
    }

    @Override
    public void onFrame(RoomSocket socket, String type, JsonNode frame, String text, long nanos) {
      if (sentAt == 0) {
        return;
      }
      switch (type) {
        case "board" -> {
          boardAt = nanos;
          board = text;
        }
        case "chat", "wb" -> {
          long seq = frame.path("seq").asLong(-1);
          if (seq <= Math.max(lastEntrySeq, afterSeq)) {
            orderErrors++;
          }
          lastEntrySeq = Math.max(lastEntrySeq, seq);
          if (type.equals("chat")) {
            chats++;
          } else {
            wbs++;
          }
        }
        case "error" -> {
          done.completeExceptionally(new IllegalStateException("error frame " + text));
          return;
        }
        default -> {
          return;
        }
      }
      frames++;
      chars += text.length();
      boolean complete = expectedChats >= 0 ? board != null && chats >= expectedChats : lastEntrySeq >= lastSeq;
      if (complete && !done.isDone()) {
        doneAt = nanos;
        done.complete(null);
      }
    }
  }
}
