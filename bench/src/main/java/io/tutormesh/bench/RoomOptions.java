package io.tutormesh.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The command line of {@link RoomBench}: `--name value` pairs and a few flags. */
final class RoomOptions {

  String host = "127.0.0.1";
  int httpPort = 8080;
  int wsPort = 8081;
  int rooms = 2000;
  double rate = 1000;
  Duration duration = Duration.ofSeconds(60);
  Duration warmup = Duration.ofSeconds(10);
  Duration idle = Duration.ofSeconds(10);
  Duration settleQuiet = ProjectionSettle.DEFAULT_QUIET;
  Duration settleMax = ProjectionSettle.DEFAULT_MAX;
  Duration drainTimeout = Duration.ofSeconds(15);
  int subjects = 12;
  int textChars = 100;
  int floorRooms = -1; // -1 = as many as --rooms
  int connectConcurrency = 200;
  int joinConcurrency = 100;
  int setupConcurrency = 64;
  double matchRate = 120;
  Duration matchWait = Duration.ofSeconds(75);
  int matchRounds = 3;
  int durationMinutes = 60;
  long maxRateCents = 6000;
  boolean keepTutorSockets = false;
  int boardOps = 100_000;
  int chatEvery = 500;
  int clearEvery = 500;
  int opWindow = 256;
  int resumeRuns = 20;
  int rawTail = 500;
  int reconnects = 30;
  double reconnectOpsPerSecond = 50;
  String probeSession = null;
  String probeStudent = null;
  long probeLastSeq = 0;
  int probeChats = 0;
  String prefix = "r" + Long.toString(System.currentTimeMillis() / 1000, 36);
  String jwtSecret = null;
  String out = null;
  String nodeCmd = null;
  long nodePid = 0;

  final List<String> raw = new ArrayList<>();

  static RoomOptions parse(String[] args) {
    RoomOptions o = new RoomOptions();
    o.raw.addAll(List.of(args));
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help", "-h" -> {
          System.out.println(usage());
          System.exit(0);
        }
        case "--keep-tutor-sockets" -> o.keepTutorSockets = true;
        default -> {
          if (!a.startsWith("--") || i + 1 >= args.length) {
            throw new IllegalArgumentException("unknown or incomplete option " + a + "\n" + usage());
          }
          String v = args[++i];
          switch (a) {
            case "--host" -> o.host = v;
            case "--http" -> o.httpPort = Integer.parseInt(v);
            case "--ws" -> o.wsPort = Integer.parseInt(v);
            case "--rooms" -> o.rooms = Integer.parseInt(v);
            case "--rate" -> o.rate = Double.parseDouble(v);
            case "--duration" -> o.duration = BenchOptions.duration(v);
            case "--warmup" -> o.warmup = BenchOptions.duration(v);
            case "--idle" -> o.idle = BenchOptions.duration(v);
            case "--settle-quiet" -> o.settleQuiet = BenchOptions.duration(v);
            case "--settle-max" -> o.settleMax = BenchOptions.duration(v);
            case "--drain-timeout" -> o.drainTimeout = BenchOptions.duration(v);
            case "--subjects" -> o.subjects = Integer.parseInt(v);
            case "--text-chars" -> o.textChars = Integer.parseInt(v);
            case "--floor-rooms" -> o.floorRooms = Integer.parseInt(v);
            case "--connect-concurrency" -> o.connectConcurrency = Integer.parseInt(v);
            case "--join-concurrency" -> o.joinConcurrency = Integer.parseInt(v);
            case "--setup-concurrency" -> o.setupConcurrency = Integer.parseInt(v);
            case "--match-rate" -> o.matchRate = Double.parseDouble(v);
            case "--match-wait" -> o.matchWait = BenchOptions.duration(v);
            case "--match-rounds" -> o.matchRounds = Integer.parseInt(v);
            case "--duration-minutes" -> o.durationMinutes = Integer.parseInt(v);
            case "--max-rate-cents" -> o.maxRateCents = Long.parseLong(v);
            case "--board-ops" -> o.boardOps = Integer.parseInt(v);
            case "--chat-every" -> o.chatEvery = Integer.parseInt(v);
            case "--clear-every" -> o.clearEvery = Integer.parseInt(v);
            case "--op-window" -> o.opWindow = Integer.parseInt(v);
            case "--resume-runs" -> o.resumeRuns = Integer.parseInt(v);
            case "--raw-tail" -> o.rawTail = Integer.parseInt(v);
            case "--reconnects" -> o.reconnects = Integer.parseInt(v);
            case "--reconnect-ops" -> o.reconnectOpsPerSecond = Double.parseDouble(v);
            case "--prefix" -> o.prefix = v;
            case "--probe-session" -> o.probeSession = v;
            case "--probe-student" -> o.probeStudent = v;
            case "--probe-last-seq" -> o.probeLastSeq = Long.parseLong(v);
            case "--probe-chats" -> o.probeChats = Integer.parseInt(v);
            case "--jwt-secret" -> o.jwtSecret = v;
            case "--out" -> o.out = v;
            case "--node-cmd" -> o.nodeCmd = v;
            case "--node-pid" -> o.nodePid = Long.parseLong(v);
            default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
          }
        }
      }
    }
    if (o.rooms < 1 || o.rate <= 0 || o.subjects < 1 || o.textChars < 1 || o.opWindow < 1 || o.matchRate <= 0) {
      throw new IllegalArgumentException("--rooms, --rate, --subjects, --text-chars, --op-window and --match-rate must be positive");
    }
    ProjectionSettle.check(o.settleQuiet, o.settleMax);
    if (o.floorRooms < 0) {
      o.floorRooms = o.rooms;
    }
    if (o.probeSession != null && (o.probeStudent == null || o.probeLastSeq < 1)) {
      throw new IllegalArgumentException("--probe-session needs --probe-student and --probe-last-seq (and --probe-chats)");
    }
    if (o.clearEvery < 2 || o.chatEvery < 1) {
      throw new IllegalArgumentException("--clear-every must be >= 2 and --chat-every >= 1");
    }
    return o;
  }

  static String usage() {
    return """
        RoomBench: the live room under load, against a RUNNING Tutormesh node (see bench/README.md).

          java -cp bench/target/tutormesh-bench.jar io.tutormesh.bench.RoomBench [options]

          --host H                 node address (127.0.0.1)
          --http P / --ws P        REST and WebSocket ports (8080 / 8081)
          --rooms N                rooms of 2 sockets under chat load (2000); one more room is
                                   made for the board/resume part
          --rate R                 chat messages per second across all rooms, open model (1000)
          --duration D             measured time (60s; 0 skips the chat part); --warmup D before
                                   it, not measured (10s); --idle D before that: rooms open, no
                                   chat, floor only (10s; 0 to skip)
        """ + ProjectionSettle.USAGE + """
          --text-chars C           chat text length; the floor's frames are as long as a chat
                                   frame with it (100)
          --floor-rooms F          rooms of 2 sockets on the bare Jetty broadcast floor (= --rooms)
          --drain-timeout D        after a sending window, wait at most D for its frames (15s)
          --subjects S             first S subjects of GET /v1/catalog, tutors and requests
                                   round-robin over them (12)
          --match-rate R           instant requests per second while matching the rooms (120)
          --match-wait D           per matching round, wait at most D for the matches (75s)
          --match-rounds K         requests that did not match are cancelled and asked again, at
                                   most K rounds (3)
          --keep-tutor-sockets     keep the /ws/tutor sockets open during the measurement
                                   (default: closed once every room is LIVE)
          --board-ops K            whiteboard ops written into the extra room (100000; 0 skips the
                                   board/resume part); --clear-every (500) ops a `clear` (a page
                                   turn), --chat-every (500) ops a chat message
          --op-window W            ops in flight (sent, not yet acknowledged) while writing (256)
          --resume-runs K          resumes measured per kind, each on a new socket (20)
          --raw-tail T             the second kind resumes the last T entries (500)
          --reconnects K           then K times: the student's socket is replaced by a new one that
                                   resumes after the last seq it had, while the tutor draws
                                   --reconnect-ops (50) strokes/s; each new socket's seqs are
                                   checked (30; 0 skips)
          --probe-session ID       instead of all the above: time the resume of an existing room
                                   (e.g. the board room of an earlier run, after a node restart
                                   on the same data): --probe-student ID (the session's student),
                                   --probe-last-seq N and --probe-chats C (from that run's report);
                                   the first upgrade and resume, then --resume-runs more
          --connect-concurrency N  socket upgrades in flight while connecting tutors and floor (200)
          --join-concurrency N     rooms joining (2 upgrades each) in flight (100)
          --setup-concurrency N    REST calls in flight while creating profiles (64)
          --prefix P               id prefix of this run's tutors and students (unique)
          --jwt-secret S           mint tokens locally (node started with TUTORMESH_JWT_SECRET=S)
                                   instead of POST /v1/dev/tokens
          --node-cmd "..."         how the node was started, copied into the report
          --node-pid PID           the node's pid (same machine): report its CPU and that of its
                                   children (the embedded Cassandra)
          --out FILE               also write the markdown report to FILE

        The board part sends ops as fast as the node acknowledges them: start the node with a
        raised inbound rate limit, e.g. -Dtutormesh.ws.rate.frames-per-second=100000
        -Dtutormesh.ws.rate.burst=100000 (bench/run-room.sh does).
        """;
  }

  String commandLine() {
    StringBuilder sb = new StringBuilder("java -cp bench/target/tutormesh-bench.jar io.tutormesh.bench.RoomBench");
    boolean secret = false;
    for (String r : raw) {
      sb.append(' ');
      if (secret) {
        sb.append("<secret>");
        secret = false;
        continue;
      }
      secret = r.equals("--jwt-secret");
      sb.append(r.isEmpty() || r.contains(" ") || r.contains("\"") ? "'" + r + "'" : r);
    }
    return sb.toString();
  }
}
