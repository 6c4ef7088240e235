package io.tutormesh.bench;

import static io.tutormesh.bench.Bench.bounded;
import static io.tutormesh.bench.Bench.cpuCells;
import static io.tutormesh.bench.Bench.fmt;
import static io.tutormesh.bench.Bench.loadCatalog;
import static io.tutormesh.bench.Bench.machine;
import static io.tutormesh.bench.Bench.ms;
import static io.tutormesh.bench.Bench.nf;
import static io.tutormesh.bench.Bench.pcts;
import static io.tutormesh.bench.Bench.ratio;
import static io.tutormesh.bench.Bench.retry;
import static io.tutormesh.bench.Bench.say;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Instant matching under an open-model load, against a RUNNING node (see bench/README.md).
 *
 * <ol>
 *   <li>setup: N tutor profiles spread over the catalogue's subjects, one {@code /ws/tutor} socket
 *       each (auto-accepting every offer); M student profiles;
 *   <li>settling: until the node's projections have caught up with the setup's events ({@link
 *       ProjectionSettle});
 *   <li>the floor: a bare Jetty echo server in this process, paced at the same rate;
 *   <li>warm-up, then the measured phase (or --find-max steps): {@code POST /v1/instant-requests}
 *       on a fixed schedule; each matched session is cancelled by its student so that its tutor
 *       is offered again;
 *   <li>report: a summary and a markdown block for bench/RESULTS.md.
 * </ol>
 */
public final class MatchingBench {

  private final BenchOptions o;
  private final Rest rest;
  private String adminToken;
  private final List<String> subjects = new ArrayList<>();
  private final Map<String, List<String>> levels = new LinkedHashMap<>();
  private final List<TutorFleet.Tutor> tutors = new ArrayList<>();
  private final List<LoadDriver.Student> students = new ArrayList<>();
  private final StringBuilder notes = new StringBuilder();
  private TutorFleet fleet;
  private EchoFloor floor;
  private LoadDriver driver;
  private int tutorsInPools = -1;
  private int unverifiedSuspects;
  private long setupMillis;
  private long connectMillis;
  private ProjectionSettle.Result settled;

  private MatchingBench(BenchOptions o) {
    this.o = o;
    this.rest = new Rest(o.host, o.httpPort, o.jwtSecret);
  }

  public static void main(String[] args) throws Exception {
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    int code = new MatchingBench(o).run();
    System.exit(code);
  }

  private int run() throws Exception {
    say("MatchingBench: " + o.commandLine());
    say("node http://" + o.host + ":" + o.httpPort + "  ws://" + o.host + ":" + o.wsPort + "  prefix " + o.prefix
        + "  tutors " + o.tutors + "  students " + o.students);
    try {
      setup();
      settle();
      List<Phase> phases = o.findMax ? findMax() : List.of(measure());
      List<LoadDriver.Suspect> verified = verifySuspects();
      String metrics = scrapeMetrics();
      report(phases, verified, metrics);
      return 0;
    } catch (Exception e) {
      System.err.println("bench failed: " + e);
      e.printStackTrace();
      return 1;
    } finally {
      shutdown();
    }
  }

  // --- setup ---

  private void setup() throws Exception {
    long t0 = System.nanoTime();
    adminToken = rest.token(o.prefix + "-admin", "admin").get(30, TimeUnit.SECONDS);
    String currency = loadCatalog(rest, adminToken, o.subjects, subjects, levels);
    say("catalogue: " + subjects.size() + " subjects " + subjects + ", currency " + currency);

    AtomicInteger done = new AtomicInteger();
    String[] tutorTokens = new String[o.tutors];
    bounded(o.tutors, o.setupConcurrency, i -> {
      String id = o.prefix + "-t" + i;
      String subject = subjects.get(i % subjects.size());
      Map<String, Object> profile = new LinkedHashMap<>();
      profile.put("displayName", "Bench tutor " + i);
      profile.put("subjects", List.of(Map.of("subject", subject, "levels", levels.get(subject))));
      profile.put("languages", List.of("en", "fr"));
      profile.put("rateCents", 2000 + (i * 7919L) % 3001);
      profile.put("currency", currency);
      profile.put("timezone", "Europe/Paris");
      profile.put("bio", "Created by MatchingBench.");
      return retry(3, () -> rest.token(id, "tutor").thenCompose(token -> {
        tutorTokens[i] = token;
        return rest.expect("PUT", "/v1/tutors/" + id, token, profile, 200);
      })).whenComplete((r, e) -> progress(done, o.tutors, "tutor profiles"));
    });
    for (int i = 0; i < o.tutors; i++) {
      tutors.add(new TutorFleet.Tutor(o.prefix + "-t" + i, tutorTokens[i]));
    }

    done.set(0);
    LoadDriver.Student[] made = new LoadDriver.Student[o.students];
    bounded(o.students, o.setupConcurrency, i -> {
      String id = o.prefix + "-s" + i;
      Map<String, Object> profile = Map.of(
          "displayName", "Bench student " + i, "level", "high", "languages", List.of("en", "fr"), "timezone", "Europe/Paris");
      return retry(3, () -> rest.token(id, "student").thenCompose(token -> {
        made[i] = new LoadDriver.Student(id, token, "high");
        return rest.expect("PUT", "/v1/students/" + id, token, profile, 200);
      })).whenComplete((r, e) -> progress(done, o.students, "student profiles"));
    });
    for (LoadDriver.Student s : made) {
      students.add(s);
    }
    topUpIfNeeded();
    setupMillis = (System.nanoTime() - t0) / 1_000_000;
    say("profiles ready in " + setupMillis + " ms");

    fleet = new TutorFleet(o.host, o.wsPort, o.tutors);
    long c0 = System.nanoTime();
    done.set(0);
    fleet.connectAll(tutors, o.connectConcurrency, () -> progress(done, o.tutors, "tutor sockets"));
    connectMillis = (System.nanoTime() - c0) / 1_000_000;
    int open = fleet.openCount(tutors);
    say("tutor sockets open: " + open + " of " + o.tutors + " in " + connectMillis + " ms; failures "
        + TutorFleet.counts(fleet.connectFailures) + " " + fleet.firstConnectFailure);
    if (open == 0) {
      throw new IllegalStateException("no tutor socket could be opened on ws://" + o.host + ":" + o.wsPort + "/ws/tutor: "
          + fleet.firstConnectFailure);
    }
    if (open < o.tutors) {
      note("Only " + open + " of " + o.tutors + " tutor sockets opened; failures: " + TutorFleet.counts(fleet.connectFailures)
          + " " + fleet.firstConnectFailure);
    }
    waitForPools(open);

    floor = new EchoFloor(o.floorPayload);
    floor.connect(fleet.client());
    say("floor: Jetty echo on 127.0.0.1:" + floor.port() + ", payload " + o.floorPayload + " bytes");

    driver = new LoadDriver(o, rest, subjects, levels, students);
    driver.adminToken(adminToken);
    fleet.listener(driver);
  }

  /** Waits until the projections stopped catching up on the setup's events (--settle-quiet, --settle-max). */
  private void settle() {
    settled = ProjectionSettle.await(this::metricsText, o.settleQuiet, o.settleMax);
    if (!settled.settled()) {
      note(settled.line());
    }
  }

  /** With a money feature, an instant request places a hold: give every student credits once. */
  private void topUpIfNeeded() throws Exception {
    int failed = Bench.topUp(rest, adminToken, students, o.setupConcurrency, o.prefix);
    if (failed > 0) {
      note(failed + " student top-ups failed (402s may follow).");
    }
  }

  /** Waits until the match pools list the connected tutors (GET /v1/availability), at most 60 s. */
  private void waitForPools(int open) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int seen = -1;
    while (System.nanoTime() < deadline) {
      seen = 0;
      for (String subject : subjects) {
        var resp = rest.send("GET", "/v1/availability?subject=" + subject, adminToken, null).get(30, TimeUnit.SECONDS);
        if (resp.statusCode() == 503) {
          seen = -1; // busy (e.g. still absorbing the connections): ask again
          break;
        }
        if (resp.statusCode() != 200) {
          say("GET /v1/availability -> " + resp.statusCode() + ": not checking the pools");
          tutorsInPools = -1;
          LoadDriver.sleep(3000);
          return;
        }
        for (JsonNode t : Rest.read(resp.body()).path("tutors")) {
          if (t.path("tutorId").asText("").startsWith(o.prefix + "-t")) {
            seen++;
          }
        }
      }
      if (seen < 0) {
        LoadDriver.sleep(2000);
        continue;
      }
      tutorsInPools = seen;
      open = fleet.openCount(tutors); // reconnects of sockets the node closed count too
      if (seen >= open) {
        break;
      }
      LoadDriver.sleep(1000);
    }
    say("tutors of this run listed as available: " + seen + " of " + open + " open sockets");
    if (seen < open) {
      note("Only " + seen + " of " + open + " connected tutors were listed by GET /v1/availability after 60 s.");
    }
  }

  // --- phases ---

  private Phase idlePhase;

  /** Sockets open, no requests: what 10k connected tutors cost the node by themselves (heartbeats). */
  private void idle(double rate) {
    if (o.idle.isZero()) {
      return;
    }
    idlePhase = new Phase("idle", rate, o.idle.toNanos(), false);
    say(String.format("idle: %.0f s with the sockets open and no requests (floor at %s/s) ...", idlePhase.seconds(), fmt(rate)));
    NodeMetrics before = NodeMetrics.parse(metricsText());
    driver.run(idlePhase, floor, false);
    idlePhase.node = NodeMetrics.delta(before, NodeMetrics.parse(metricsText()));
    say("  cpu: " + idlePhase.cpu + "; floor p50/p99 " + ms(idlePhase.floorRtt, 50) + "/" + ms(idlePhase.floorRtt, 99) + " ms");
  }

  private Phase measure() {
    idle(o.rate);
    warmUp(o.rate);
    Phase measured = new Phase("measured", o.rate, o.duration.toNanos(), true);
    runPhase(measured);
    return measured;
  }

  /** Not measured; with --ramp in 5 equal steps at 20, 40, ... 100 % of the rate (a cold node takes a ramp better than a step). */
  private void warmUp(double rate) {
    if (o.warmup.isZero()) {
      return;
    }
    if (!o.ramp) {
      runPhase(new Phase("warm-up", rate, o.warmup.toNanos(), false));
      return;
    }
    for (int i = 1; i <= 5; i++) {
      runPhase(new Phase("warm-up " + (20 * i) + "%", rate * i / 5.0, o.warmup.toNanos() / 5, false));
    }
  }

  private List<Phase> findMax() {
    List<Phase> steps = new ArrayList<>();
    idle(o.startRate);
    warmUp(o.startRate);
    int failures = 0;
    for (double rate = o.startRate; rate <= o.maxRate + 1e-9; rate += o.rateStep) {
      Phase step = new Phase("step " + fmt(rate), rate, o.stepDuration.toNanos(), true);
      runPhase(step);
      steps.add(step);
      String verdict = verdict(step);
      say("  -> " + verdict);
      failures = verdict.startsWith("sustained") ? 0 : failures + 1;
      if (failures >= o.stopAfterFailures) {
        break;
      }
    }
    return steps;
  }

  private void runPhase(Phase phase) {
    say(String.format("%s: %s req/s for %.0f s ...", phase.name, fmt(phase.rate), phase.seconds()));
    Thread ticker = new Thread(() -> {
      long last = 0;
      while (!Thread.currentThread().isInterrupted()) {
        LoadDriver.sleep(5000);
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        long sent = phase.sent.sum();
        say(String.format("  %-10s sent %d (+%d), 202 %d, matched %d, in flight %d, free students %d, errors %d",
            phase.name, sent, sent - last, phase.accepted202.sum(), phase.matched.sum(), driver.inFlight.size(),
            driver.freeStudents(), phase.errors()));
        last = sent;
      }
    }, "bench-ticker");
    ticker.setDaemon(true);
    NodeMetrics before = NodeMetrics.parse(metricsText());
    phase.onlineAtStart = fleet.openCount(tutors);
    ticker.start();
    driver.run(phase, floor);
    phase.onlineAtEnd = fleet.openCount(tutors);
    ticker.interrupt();
    phase.node = NodeMetrics.delta(before, NodeMetrics.parse(metricsText()));
    say(String.format("  %s done: sent %d, 202 %d, matched %d (%.1f/s), match timeouts %d, POST errors %s, drained in %d ms",
        phase.name, phase.sent.sum(), phase.accepted202.sum(), phase.matched.sum(), phase.matchesPerSecond(),
        phase.matchTimeouts.sum(), phase.statusSummary(), phase.drainNanos / 1_000_000));
    say("  cpu: " + phase.cpu);
  }

  private String metricsText() {
    try {
      var resp = rest.send("GET", "/metrics", null, null).get(30, TimeUnit.SECONDS);
      return resp.statusCode() == 200 ? resp.body() : "";
    } catch (Exception e) {
      return "";
    }
  }

  /** The node's own view of a phase (Micrometer histogram buckets: each figure is a bucket's upper bound). */
  private static String nodeView(Phase p) {
    NodeMetrics n = p.node;
    String ir = "route=\"/v1/instant-requests\"";
    String cancel = "route=\"/v1/sessions/{id}/cancel\"";
    return String.format("node-side (bucket upper bounds, ms): time to offer p50 %s p99 %s; time to match p50 %s p99 %s;"
            + " POST /v1/instant-requests p50 %s p99 %s (%.0f answered: %.0f x 202); cancel p50 %s p99 %s;"
            + " GC pauses %.0f totalling %.0f ms; JVM threads started %.0f",
        nf(n.percentileMs("tutormesh_matching_time_to_offer_seconds", 50)),
        nf(n.percentileMs("tutormesh_matching_time_to_offer_seconds", 99)),
        nf(n.percentileMs("tutormesh_matching_time_to_match_seconds", 50)),
        nf(n.percentileMs("tutormesh_matching_time_to_match_seconds", 99)),
        nf(n.percentileMs("tutormesh_http_server_requests_seconds", 50, ir)),
        nf(n.percentileMs("tutormesh_http_server_requests_seconds", 99, ir)),
        n.sum("tutormesh_http_server_requests_seconds_count", ir),
        n.sum("tutormesh_http_server_requests_seconds_count", ir, "status=\"202\""),
        nf(n.percentileMs("tutormesh_http_server_requests_seconds", 50, cancel)),
        nf(n.percentileMs("tutormesh_http_server_requests_seconds", 99, cancel)),
        n.sum("jvm_gc_pause_seconds_count"), n.sum("jvm_gc_pause_seconds_sum") * 1000,
        n.sum("jvm_threads_started_threads_total"));
  }

  /** "sustained", or why not. */
  private String verdict(Phase p) {
    long scheduled = p.scheduled.sum();
    List<String> why = new ArrayList<>();
    double f = o.sustainedFraction;
    if (p.matched.sum() < f * p.rate * p.seconds()) {
      why.add(String.format("matches/s %.1f < %.0f%% of %s", p.matchesPerSecond(), f * 100, fmt(p.rate)));
    }
    if (p.matchedWithin.sum() < f * scheduled) {
      why.add(String.format("only %.1f%% matched within %d ms", 100.0 * p.matchedWithin.sum() / Math.max(1, scheduled),
          o.sustainedWithin.toMillis()));
    }
    if (p.errors() > o.sustainedMaxErrorFraction * scheduled) {
      why.add(String.format("errors %d > %.0f%%", p.errors(), o.sustainedMaxErrorFraction * 100));
    }
    // The bench's own lateness is not a criterion: latencies run from the scheduled instant, so a
    // late pacer already counts against "matched within". It is flagged when large.
    String pacer = p.pacerLag.getValueAtPercentile(99) > 50_000
        ? " (bench pacer p99 " + p.pacerLag.getValueAtPercentile(99) / 1000 + " ms late, included in the latencies)" : "";
    return (why.isEmpty() ? "sustained" : "NOT sustained: " + String.join("; ", why)) + pacer;
  }

  // --- after the run ---

  /** A suspect is a real double match if the new session was MATCHED before the held one ended (server timelines). */
  private List<LoadDriver.Suspect> verifySuspects() {
    List<LoadDriver.Suspect> real = new ArrayList<>();
    List<LoadDriver.Suspect> all;
    synchronized (driver.suspects) {
      all = new ArrayList<>(driver.suspects);
    }
    if (!all.isEmpty()) {
      say("checking " + all.size() + " tutors that got 'matched' while the bench still counted them as holding a session ...");
    }
    // Bounded: after an overload the node may answer 503 for a while; retry, but give up after 2 minutes.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    int unverified = 0;
    for (LoadDriver.Suspect s : all) {
      if (System.nanoTime() > deadline) {
        unverified++;
        continue;
      }
      try {
        JsonNode held = getWithRetry("/v1/sessions/" + s.heldSession(), deadline);
        JsonNode next = getWithRetry("/v1/sessions/" + s.newSession(), deadline);
        Instant heldEnd = null;
        for (JsonNode t : held.path("timeline")) {
          String st = t.path("status").asText();
          if (!st.equals("MATCHING") && !st.equals("MATCHED") && !st.equals("LIVE") && !st.equals("BOOKED")) {
            heldEnd = Instant.parse(t.path("at").asText());
            break;
          }
        }
        Instant nextMatched = null;
        for (JsonNode t : next.path("timeline")) {
          if (t.path("status").asText().equals("MATCHED")) {
            nextMatched = Instant.parse(t.path("at").asText());
            break;
          }
        }
        boolean sameTutor = s.tutorId().equals(held.path("tutorId").asText()) && s.tutorId().equals(next.path("tutorId").asText());
        if (sameTutor && nextMatched != null && (heldEnd == null || nextMatched.isBefore(heldEnd))) {
          real.add(s);
          note("DOUBLE MATCH: tutor " + s.tutorId() + " matched " + s.newSession() + " at " + nextMatched + " while "
              + s.heldSession() + " was " + held.path("status").asText() + (heldEnd == null ? "" : " until " + heldEnd));
        }
      } catch (Exception e) {
        unverified++;
        if (unverified <= 3) {
          note("could not verify suspect " + s + ": " + Rest.abbreviate(e.getMessage()));
        }
      }
    }
    unverifiedSuspects = unverified;
    if (unverified > 0) {
      note(unverified + " of " + all.size() + " double-match suspects could not be checked (the node did not answer"
          + " GET /v1/sessions/{id} within 2 minutes): double matches among them are not ruled out.");
    }
    return real;
  }

  private JsonNode getWithRetry(String path, long deadline) throws Exception {
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        return rest.expect("GET", path, adminToken, null, 200).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        last = e;
        LoadDriver.sleep(2000);
      }
    }
    throw last != null ? last : new IllegalStateException("no time left");
  }

  private String scrapeMetrics() {
    try {
      var resp = rest.send("GET", "/metrics", null, null).get(30, TimeUnit.SECONDS);
      if (resp.statusCode() != 200) {
        return "GET /metrics -> " + resp.statusCode();
      }
      StringBuilder sb = new StringBuilder();
      for (String line : resp.body().split("\n")) {
        if (line.startsWith("tutormesh_matching") && !line.contains("_bucket")) {
          sb.append(line).append('\n');
        }
      }
      return sb.toString();
    } catch (Exception e) {
      return "GET /metrics failed: " + e;
    }
  }

  // --- report ---

  private void report(List<Phase> phases, List<LoadDriver.Suspect> doubles, String metrics) throws IOException {
    String date = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    StringBuilder human = new StringBuilder();
    human.append("\n================ MatchingBench summary ================\n");
    for (Phase p : phases) {
      human.append(humanPhase(p));
    }
    human.append(String.format("double matches: sessions with 2+ 'matched' frames: %d %s; tutors holding two MATCHED sessions at once"
            + " (server timelines): %d (suspects: %d, not checkable: %d)%n",
        driver.sessionsWithTwoMatched.sum(), driver.doubleMatchedSessions.size() > 5 ? "" : driver.doubleMatchedSessions,
        doubles.size(), driver.suspects.size(), unverifiedSuspects));
    human.append("re-offers (a session offered to a 2nd tutor): ").append(driver.reOffers.sum())
        .append(", students quarantined after a failed POST: ").append(driver.studentsQuarantined.get()).append('\n');
    human.append(orphans()).append('\n');
    if (idlePhase != null) {
      human.append("idle (sockets open, no requests): cpu ").append(idlePhase.cpu).append("; floor p50/p99 ")
          .append(ms(idlePhase.floorRtt, 50)).append('/').append(ms(idlePhase.floorRtt, 99)).append(" ms; ")
          .append(nodeView(idlePhase)).append('\n');
    }
    human.append("tutor sockets: ").append(fleet.summary()).append('\n');
    human.append("settle: ").append(settled.line()).append('\n');
    if (!fleet.firstErrorMessages.isEmpty()) {
      human.append("first error frame per code: ").append(fleet.firstErrorMessages).append('\n');
    }
    if (!fleet.firstCloseReasons.isEmpty()) {
      human.append("close reasons: ").append(fleet.firstCloseReasons).append('\n');
    }
    human.append("tutor socket upgrade latency: ").append(pcts(fleet.connectLatency)).append('\n');
    human.append("node metrics (tutormesh_matching*, cumulative since node start):\n").append(metrics);
    if (notes.length() > 0) {
      human.append("notes:\n").append(notes);
    }
    System.out.println(human);

    String md = markdown(phases, doubles, metrics, date);
    System.out.println("---------------- markdown for bench/RESULTS.md ----------------");
    System.out.println(md);
    if (o.out != null) {
      Files.writeString(Path.of(o.out), md);
      say("markdown written to " + o.out);
    }
  }

  private String orphans() {
    String s = String.format("orphan sessions (offered/matched at a tutor, but their POST never returned a 202 to the bench;"
            + " cancelled as admin): %d, of which traced to a student whose POST failed: %d; cancel answers %s",
        driver.orphanSessions.sum(), driver.orphansOfFailedPosts.sum(), TutorFleet.counts(driver.orphanCancelStatuses));
    synchronized (driver.orphanExamples) {
      if (!driver.orphanExamples.isEmpty()) {
        s += "; e.g. " + String.join("; ", driver.orphanExamples);
      }
    }
    return s;
  }

  private String humanPhase(Phase p) {
    StringBuilder sb = new StringBuilder();
    long scheduled = p.scheduled.sum();
    sb.append(String.format("--- %s: offered %s req/s for %.0f s, tutor sockets open %d at start, %d at end ---%n", p.name,
        fmt(p.rate), p.seconds(), p.onlineAtStart, p.onlineAtEnd));
    sb.append(String.format("requests: scheduled %d, sent %d, 202 %d, non-202/exceptions: %s, no free student %d%n",
        scheduled, p.sent.sum(), p.accepted202.sum(), p.statusSummary(), p.noFreeStudent.sum()));
    if (!p.firstBodies.isEmpty()) {
      p.firstBodies.forEach((k, v) -> {
        if (!k.equals("HTTP 202")) {
          sb.append("   first ").append(k).append(": ").append(v).append('\n');
        }
      });
    }
    sb.append(String.format("matched: %d (%.2f%% of scheduled), within %d ms: %.2f%%, throughput %.1f matches/s,"
            + " match timeouts %d, late matches %d, offer before 202: %d of %d%n",
        p.matched.sum(), 100.0 * p.matched.sum() / Math.max(1, scheduled), o.sustainedWithin.toMillis(),
        100.0 * p.matchedWithin.sum() / Math.max(1, scheduled), p.matchesPerSecond(), p.matchTimeouts.sum(), p.lateMatches.sum(),
        p.offerBefore202.sum(), p.offered.sum()));
    sb.append(String.format("cancels: %d OK, statuses %s%n", p.cancelled.sum(), p.cancelStatuses));
    sb.append(String.format("%-34s %10s %10s %10s %10s %10s %8s%n", "latency (ms)", "p50", "p90", "p99", "p99.9", "max", "n"));
    row(sb, "engine (202 -> offer frame)", p.engine);
    row(sb, "POST sent -> offer frame", p.sentToOffer);
    row(sb, "POST sent -> 202", p.sentTo202);
    row(sb, "POST sent -> matched frame", p.sentToMatched);
    row(sb, "offer -> matched (accept path)", p.offerToMatched);
    row(sb, "cancel round trip", p.cancelRtt);
    row(sb, "FLOOR echo round trip", p.floorRtt);
    row(sb, "floor one way (client -> server)", p.floorOneWay);
    row(sb, "bench pacer lag", p.pacerLag);
    sb.append(String.format("ratios to the floor p99 (%.3f ms): engine p99 x%s, POST->offer p99 x%s, POST->matched p99 x%s%n",
        p99ms(p.floorRtt), ratio(p.engine, p.floorRtt), ratio(p.sentToOffer, p.floorRtt), ratio(p.sentToMatched, p.floorRtt)));
    sb.append(nodeView(p)).append('\n');
    sb.append("cpu during the sending window: ").append(p.cpu).append('\n');
    if (o.findMax) {
      sb.append("verdict: ").append(verdict(p)).append('\n');
    }
    return sb.toString();
  }

  private String markdown(List<Phase> phases, List<LoadDriver.Suspect> doubles, String metrics, String date) {
    StringBuilder md = new StringBuilder();
    md.append("### ").append(o.findMax ? "Find-max" : "Matching").append(" run ").append(date).append("\n\n");
    md.append("- machine: ").append(machine()).append('\n');
    md.append("- node and bench share the machine's cores (loopback); the node also runs its embedded Cassandra\n");
    md.append("- node: `").append(o.nodeCmd == null ? "(not given: pass --node-cmd)" : o.nodeCmd).append("`\n");
    md.append("- bench: `").append(o.commandLine()).append("`\n");
    md.append(String.format("- setup: %d tutors (%d subjects, languages en+fr, rate 2000-5000 cents), %d students; profiles in %.1f s,"
            + " sockets in %.1f s (%d open, %d listed available), upgrade p50/p99 %s/%s ms%n",
        o.tutors, subjects.size(), o.students, setupMillis / 1000.0, connectMillis / 1000.0, fleet.openCount(tutors),
        tutorsInPools, ms(fleet.connectLatency, 50), ms(fleet.connectLatency, 99)));
    md.append("- settle: ").append(settled.line()).append('\n');
    md.append(String.format("- requests: maxRateCents %d, durationMinutes %d, subjects round-robin, language en/fr alternating;"
        + " %s%n", o.maxRateCents, o.durationMinutes, o.cancel
            ? "each matched session is cancelled by its student (one more POST per match) so its tutor is offered again"
            : "matched tutors stay BUSY"));
    if (idlePhase != null) {
      md.append("- idle baseline (sockets open, no requests, ").append(String.format("%.0f s): ", idlePhase.seconds()))
          .append(idlePhase.cpu).append("; floor p50/p99 ").append(ms(idlePhase.floorRtt, 50)).append('/')
          .append(ms(idlePhase.floorRtt, 99)).append(" ms; GC pauses ")
          .append(String.format("%.0f totalling %.0f ms", idlePhase.node.sum("jvm_gc_pause_seconds_count"),
              idlePhase.node.sum("jvm_gc_pause_seconds_sum") * 1000)).append('\n');
    }
    md.append('\n');
    if (!o.findMax) {
      Phase p = phases.get(0);
      md.append(String.format("Tutor sockets open: %d at the start of the measured window, %d at its end.%n%n", p.onlineAtStart,
          p.onlineAtEnd));
      long scheduled = p.scheduled.sum();
      md.append(String.format("Offered %s req/s for %.0f s (open model): %d scheduled, %d answered 202, %d matched"
              + " (**%.1f matches/s**), %.2f%% within %d ms; errors: %s; match timeouts %d; no free student %d.%n%n",
          fmt(p.rate), p.seconds(), scheduled, p.accepted202.sum(), p.matched.sum(), p.matchesPerSecond(),
          100.0 * p.matchedWithin.sum() / Math.max(1, scheduled), o.sustainedWithin.toMillis(), p.statusSummary(),
          p.matchTimeouts.sum(), p.noFreeStudent.sum()));
      md.append("| latency (ms) | p50 | p99 | p99.9 | max | p99 / floor p99 |\n|---|---:|---:|---:|---:|---:|\n");
      mdRow(md, "**engine**: 202 received → first offer frame", p.engine, p.floorRtt);
      mdRow(md, "POST sent → first offer frame", p.sentToOffer, p.floorRtt);
      mdRow(md, "POST sent → 202", p.sentTo202, p.floorRtt);
      mdRow(md, "POST sent → matched frame", p.sentToMatched, p.floorRtt);
      mdRow(md, "offer → matched (accept, reserve, persist)", p.offerToMatched, p.floorRtt);
      mdRow(md, "cancel round trip", p.cancelRtt, p.floorRtt);
      mdRow(md, "**floor**: bare Jetty echo round trip, same run", p.floorRtt, p.floorRtt);
      mdRow(md, "floor one way (client → echo server)", p.floorOneWay, p.floorRtt);
      md.append(String.format("%nOffer arrived before the 202 was processed (engine time counted 0): %d of %d offers.%n",
          p.offerBefore202.sum(), p.offered.sum()));
      md.append(String.format("**Ratio engine p99 / floor p99 = %s** (POST → offer p99 / floor p99 = %s).%n",
          ratio(p.engine, p.floorRtt), ratio(p.sentToOffer, p.floorRtt)));
      md.append("\n").append(nodeView(p)).append(".\n");
      md.append("\nCPU during the measured window: ").append(p.cpu).append(".\n");
    } else {
      md.append(String.format("Steps of %.0f s, sustained = matches/s ≥ %.0f%% of the offered rate, ≥ %.0f%% of requests matched"
              + " within %d ms of its scheduled send, errors (non-202, exceptions, match timeouts, no free student) ≤ %.0f%%.%n%n",
          o.stepDuration.toMillis() / 1000.0, o.sustainedFraction * 100, o.sustainedFraction * 100, o.sustainedWithin.toMillis(),
          o.sustainedMaxErrorFraction * 100));
      md.append("| offered req/s | 202 | matches/s | ≤ 2 s | errors | engine p50 / p99 | POST→offer p99 | POST→matched p50 / p99 / p99.9 | floor p50 / p99 | engine p99 / floor p99 | CPU machine / node / Cassandra / bench / other (cores) | verdict |\n");
      md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
      double best = 0;
      for (Phase p : phases) {
        String v = verdict(p);
        if (v.startsWith("sustained")) {
          best = Math.max(best, p.rate);
        }
        long scheduled = p.scheduled.sum();
        md.append(String.format("| %s | %d | %.1f | %.1f%% | %d | %s / %s | %s | %s / %s / %s | %s / %s | %s | %s | %s |%n",
            fmt(p.rate), p.accepted202.sum(), p.matchesPerSecond(), 100.0 * p.matchedWithin.sum() / Math.max(1, scheduled),
            p.errors(), ms(p.engine, 50), ms(p.engine, 99), ms(p.sentToOffer, 99), ms(p.sentToMatched, 50), ms(p.sentToMatched, 99),
            ms(p.sentToMatched, 99.9), ms(p.floorRtt, 50), ms(p.floorRtt, 99), ratio(p.engine, p.floorRtt), cpuCells(p.cpu),
            v.replace("|", "/")));
      }
      md.append(String.format("%n**Highest sustained rate: %s req/s** (next step up was not sustained or was the last).%n",
          best == 0 ? "none of the steps" : fmt(best)));
      md.append("\nNode-side view per step:\n\n");
      for (Phase p : phases) {
        md.append("- ").append(fmt(p.rate)).append(" req/s: ").append(nodeView(p)).append('\n');
      }
    }
    md.append(String.format("%nDouble matches: %d sessions got two `matched` frames; %d tutors held two MATCHED sessions at once"
            + " (checked against the sessions' server timelines: %d suspects, %d of them could not be checked).%n",
        driver.sessionsWithTwoMatched.sum(), doubles.size(), driver.suspects.size(), unverifiedSuspects));
    md.append("\n").append(orphans()).append(".\n");
    md.append("\nTutor sockets: ").append(fleet.summary()).append(".\n");
    if (!fleet.firstErrorMessages.isEmpty()) {
      md.append("First error frame per code: `").append(fleet.firstErrorMessages).append("`.\n");
    }
    if (notes.length() > 0) {
      md.append("\nNotes:\n\n").append(notes.toString().lines().map(l -> "- " + l).reduce("", (a, b) -> a + b + "\n"));
    }
    if (!metrics.isBlank()) {
      md.append("\n<details><summary>node metrics after the run (tutormesh_matching*, cumulative)</summary>\n\n```\n")
          .append(metrics).append("```\n</details>\n");
    }
    return md.toString();
  }

  // --- helpers ---

  private static void row(StringBuilder sb, String name, org.HdrHistogram.Histogram h) {
    synchronized (h) {
      sb.append(String.format("%-34s %10s %10s %10s %10s %10s %8d%n", name, ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9),
          h.getTotalCount() == 0 ? "-" : String.format("%.3f", h.getMaxValue() / 1000.0), h.getTotalCount()));
    }
  }

  private static void mdRow(StringBuilder md, String name, org.HdrHistogram.Histogram h, org.HdrHistogram.Histogram floor) {
    synchronized (h) {
      md.append(String.format("| %s | %s | %s | %s | %s | %s |%n", name, ms(h, 50), ms(h, 99), ms(h, 99.9),
          h.getTotalCount() == 0 ? "-" : String.format("%.3f", h.getMaxValue() / 1000.0), ratio(h, floor)));
    }
  }

  private static double p99ms(org.HdrHistogram.Histogram h) {
    synchronized (h) {
      return h.getValueAtPercentile(99) / 1000.0;
    }
  }

  private void progress(AtomicInteger done, int total, String what) {
    int n = done.incrementAndGet();
    if (n % 2000 == 0 || n == total) {
      say("  " + what + ": " + n + "/" + total);
    }
  }

  private void note(String line) {
    synchronized (notes) {
      notes.append(line).append('\n');
    }
    say("NOTE " + line);
  }

  private void shutdown() {
    try {
      if (driver != null) {
        driver.close();
      }
      if (floor != null) {
        floor.close();
      }
      if (fleet != null) {
        fleet.closeAll(tutors);
        LoadDriver.sleep(1000);
        fleet.close();
      }
    } catch (Exception e) {
      System.err.println("shutdown: " + e);
    } finally {
      rest.close();
    }
  }
}
