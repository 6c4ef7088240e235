package io.tutormesh.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The command line of {@link MatchingBench}: `--name value` pairs and a few flags. */
final class BenchOptions {

  String host = "127.0.0.1";
  int httpPort = 8080;
  int wsPort = 8081;
  int tutors = 10_000;
  double rate = 200;
  Duration duration = Duration.ofSeconds(60);
  Duration warmup = Duration.ofSeconds(10);
  int subjects = 12;
  int students = 0; // 0 = computed from the highest rate
  int connectConcurrency = 200;
  int setupConcurrency = 64;
  int durationMinutes = 15;
  long maxRateCents = 6000;
  Duration matchTimeout = Duration.ofSeconds(10);
  Duration drainTimeout = Duration.ofSeconds(15);
  Duration studentQuarantine = Duration.ofSeconds(70);
  Duration idle = Duration.ofSeconds(10);
  Duration settleQuiet = ProjectionSettle.DEFAULT_QUIET;
  Duration settleMax = ProjectionSettle.DEFAULT_MAX;
  boolean cancel = true;
  String prefix = "b" + Long.toString(System.currentTimeMillis() / 1000, 36);
  String jwtSecret = null;
  String out = null;
  String nodeCmd = null;
  long nodePid = 0;
  int floorPayload = 300;
  Duration sustainedWithin = Duration.ofSeconds(2);
  double sustainedFraction = 0.98;
  double sustainedMaxErrorFraction = 0.01;

  boolean findMax = false;
  boolean ramp = false;
  Duration stepDuration = Duration.ofSeconds(20);
  double startRate = 200;
  double rateStep = 200;
  double maxRate = 3000;
  int stopAfterFailures = 2;

  final List<String> raw = new ArrayList<>();

  static BenchOptions parse(String[] args) {
    BenchOptions o = new BenchOptions();
    o.raw.addAll(List.of(args));
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help", "-h" -> {
          System.out.println(usage());
          System.exit(0);
        }
        case "--find-max" -> o.findMax = true;
        case "--no-cancel" -> o.cancel = false;
        case "--ramp" -> o.ramp = true;
        default -> {
          if (!a.startsWith("--") || i + 1 >= args.length) {
            throw new IllegalArgumentException("unknown or incomplete option " + a + "\n" + usage());
          }
          String v = args[++i];
          switch (a) {
            case "--host" -> o.host = v;
            case "--http" -> o.httpPort = Integer.parseInt(v);
            case "--ws" -> o.wsPort = Integer.parseInt(v);
            case "--tutors" -> o.tutors = Integer.parseInt(v);
            case "--rate" -> o.rate = Double.parseDouble(v);
            case "--duration" -> o.duration = duration(v);
            case "--warmup" -> o.warmup = duration(v);
            case "--subjects" -> o.subjects = Integer.parseInt(v);
            case "--students" -> o.students = Integer.parseInt(v);
            case "--connect-concurrency" -> o.connectConcurrency = Integer.parseInt(v);
            case "--setup-concurrency" -> o.setupConcurrency = Integer.parseInt(v);
            case "--duration-minutes" -> o.durationMinutes = Integer.parseInt(v);
            case "--max-rate-cents" -> o.maxRateCents = Long.parseLong(v);
            case "--match-timeout" -> o.matchTimeout = duration(v);
            case "--drain-timeout" -> o.drainTimeout = duration(v);
            case "--student-quarantine" -> o.studentQuarantine = duration(v);
            case "--idle" -> o.idle = duration(v);
            case "--settle-quiet" -> o.settleQuiet = duration(v);
            case "--settle-max" -> o.settleMax = duration(v);
            case "--prefix" -> o.prefix = v;
            case "--jwt-secret" -> o.jwtSecret = v;
            case "--out" -> o.out = v;
            case "--node-cmd" -> o.nodeCmd = v;
            case "--node-pid" -> o.nodePid = Long.parseLong(v);
            case "--floor-payload" -> o.floorPayload = Integer.parseInt(v);
            case "--sustained-within" -> o.sustainedWithin = duration(v);
            case "--sustained-fraction" -> o.sustainedFraction = Double.parseDouble(v);
            case "--step-duration" -> o.stepDuration = duration(v);
            case "--start-rate" -> o.startRate = Double.parseDouble(v);
            case "--rate-step" -> o.rateStep = Double.parseDouble(v);
            case "--max-rate" -> o.maxRate = Double.parseDouble(v);
            case "--stop-after-failures" -> o.stopAfterFailures = Integer.parseInt(v);
            default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
          }
        }
      }
    }
    if (o.tutors < 1 || o.rate <= 0 || o.subjects < 1) {
      throw new IllegalArgumentException("--tutors, --rate and --subjects must be positive");
    }
    ProjectionSettle.check(o.settleQuiet, o.settleMax);
    if (o.students <= 0) {
      double top = o.findMax ? o.maxRate : o.rate;
      // A student is busy from its POST until its session is cancelled (tens of ms when healthy,
      // up to --match-timeout when not); FIFO reuse keeps each one idle for seconds in between.
      // A student whose POST failed (503, exception, 409) sits out --student-quarantine, since the
      // node may have opened its request anyway: leave room for that.
      o.students = (int) Math.max(3000, Math.ceil(top * 10));
    }
    return o;
  }

  /** "60s", "2m", "500ms", "1h" or a bare number of seconds. */
  static Duration duration(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    if (s.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
    }
    if (s.endsWith("s")) {
      return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
    }
    if (s.endsWith("m")) {
      return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000));
    }
    if (s.endsWith("h")) {
      return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 3_600_000));
    }
    return Duration.ofMillis((long) (Double.parseDouble(s) * 1000));
  }

  static String usage() {
    return """
        MatchingBench: instant-matching load against a RUNNING Tutormesh node (see bench/README.md).

          java -cp bench/target/tutormesh-bench.jar io.tutormesh.bench.MatchingBench [options]

          --host H                 node address (127.0.0.1)
          --http P / --ws P        REST and WebSocket ports (8080 / 8081)
          --tutors N               tutors created and connected on /ws/tutor (10000)
          --subjects S             first S subjects of GET /v1/catalog (12)
          --rate R                 instant requests per second, open model (200)
          --duration D             measured time (60s); --warmup D before it, not measured (10s)
          --ramp                   warm up in 5 equal steps at 20, 40, 60, 80, 100 % of --rate
          --students M             student pool, reused FIFO (default max(3000, 10 x top rate))
          --student-quarantine D   a student whose POST failed (503, 409, exception) is reused
                                   only after D (70s: past the node's request-timeout)
          --idle D                 before the warm-up, measure CPU with the sockets open and no
                                   requests (10s; 0 to skip)
        """ + ProjectionSettle.USAGE + """
          --match-timeout D        a request not matched by then is cancelled and counted (10s)
          --no-cancel              keep matched tutors BUSY (default: the student cancels each
                                   matched session so that its tutor is offered again)
          --find-max               step the rate: --start-rate (200) + --rate-step (200) up to
                                   --max-rate (3000), --step-duration (20s) each, stop after
                                   --stop-after-failures (2) unsustained steps in a row
          --sustained-within D     sustained = >= --sustained-fraction (0.98) matched within D (2s),
                                   matches/s >= that fraction of the offered rate, errors <= 1%
          --connect-concurrency N  socket upgrades in flight while connecting (200)
          --setup-concurrency N    REST calls in flight while creating profiles (64)
          --floor-payload B        echo frame size for the floor (300)
          --prefix P               id prefix of the tutors and students of this run (unique)
          --jwt-secret S           mint tokens locally (node started with TUTORMESH_JWT_SECRET=S)
                                   instead of POST /v1/dev/tokens
          --node-cmd "..."         how the node was started, copied into the report
          --node-pid PID           the node's pid (same machine): report its CPU use and that of
                                   its children (the embedded Cassandra) per phase
          --out FILE               also write the markdown report to FILE
        """;
  }

  String commandLine() {
    StringBuilder sb = new StringBuilder("java -cp bench/target/tutormesh-bench.jar io.tutormesh.bench.MatchingBench");
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
