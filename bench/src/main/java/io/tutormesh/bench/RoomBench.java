package io.tutormesh.bench;

import static io.tutormesh.bench.Bench.bounded;
import static io.tutormesh.bench.Bench.fmt;
import static io.tutormesh.bench.Bench.loadCatalog;
import static io.tutormesh.bench.Bench.machine;
import static io.tutormesh.bench.Bench.ms;
import static io.tutormesh.bench.Bench.pcts;
import static io.tutormesh.bench.Bench.ratio;
import static io.tutormesh.bench.Bench.retry;
import static io.tutormesh.bench.Bench.say;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The live room under load, against a RUNNING node (see bench/README.md).
 *
 * <ol>
 *   <li>setup: N+1 tutors (auto-accepting on {@code /ws/tutor}) and N+1 students; each student's
 *       instant request is matched; both participants join {@code /ws/session/{id}} until every
 *       room is LIVE; the tutor sockets are closed;
 *   <li>the floor: a bare Jetty broadcast server in this process, rooms of two sockets;
 *   <li>settling: until the node's projections have caught up with the setup's events ({@link
 *       ProjectionSettle});
 *   <li>idle, warm-up, measured: chat at a fixed total rate over N rooms (open model), the floor at
 *       the same rate in the same window;
 *   <li>the board: the extra room gets 100,000 whiteboard ops; then resumes on new sockets;
 *   <li>report: a summary and a markdown block for bench/RESULTS.md.
 * </ol>
 */
public final class RoomBench {

  /** A matched session: who is in it. */
  record Matched(String sessionId, LoadDriver.Student student, TutorFleet.Tutor tutor) {}

  private final RoomOptions o;
  private final Rest rest;
  private String adminToken;
  private final List<String> subjects = new ArrayList<>();
  private final Map<String, List<String>> levels = new LinkedHashMap<>();
  private final List<TutorFleet.Tutor> tutors = new ArrayList<>();
  private final List<LoadDriver.Student> students = new ArrayList<>();
  private final StringBuilder notes = new StringBuilder();
  private final RoomSocket.Stats roomStats = new RoomSocket.Stats();
  private final List<ChatLoad.ChatRoom> chatRooms = new ArrayList<>();
  private final Map<Integer, AtomicInteger> postStatuses = new TreeMap<>();
  private final Map<String, String> firstPostBodies = new TreeMap<>();
  private final Histogram joinLatency = Phase.histogram();
  /** POST /v1/instant-requests sent → its answer, by outcome; and, for a POST that did not answer 202, sent → matched frame. */
  private final Histogram post202 = Phase.histogram();
  private final Histogram postFailed = Phase.histogram();
  private final Histogram failedPostToMatched = Phase.histogram();
  private TutorFleet fleet;
  private WebSocketClient roomClient;
  private BroadcastFloor floor;
  private ChatLoad chat;
  private BoardLoad board;
  private ChatLoad.ChatRoom boardRoom;
  private Matched boardMatched;
  private int spareTutors;
  private long setupMillis;
  private ProjectionSettle.Result settled;
  private long tutorConnectMillis;
  private long matchMillis;
  private int matchRoundsUsed;
  private int matchedCount;
  private long joinMillis;
  private int liveRooms;
  private int floorOpen;
  private final List<ChatPhase> phases = new ArrayList<>();
  private ChatLoad.Integrity integrity;
  private NodeMetrics boardNode = new NodeMetrics();

  private RoomBench(RoomOptions o) {
    this.o = o;
    this.rest = new Rest(o.host, o.httpPort, o.jwtSecret);
  }

  public static void main(String[] args) throws Exception {
    RoomOptions o;
    try {
      o = RoomOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    int code = new RoomBench(o).run();
    System.exit(code);
  }

  private int run() {
    say("RoomBench: " + o.commandLine());
    say("node http://" + o.host + ":" + o.httpPort + "  ws://" + o.host + ":" + o.wsPort + "  prefix " + o.prefix + "  rooms "
        + o.rooms + (o.boardOps > 0 ? " + 1 (board)" : ""));
    try {
      if (o.probeSession != null) {
        probe();
        return 0;
      }
      setup();
      settle();
      if (!o.duration.isZero() && !chatRooms.isEmpty()) {
        chatPhases();
      }
      if (o.boardOps > 0 && boardRoom != null) {
        boardPart();
      }
      report();
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
    int rooms = o.rooms + (o.boardOps > 0 ? 1 : 0);
    // A few spare tutors: a tutor held by a session the bench does not know of (a failed POST
    // that the node went on with) must not leave a student without a room.
    int perSubject = (int) Math.max(1, Math.ceil(rooms * 0.02 / subjects.size()));
    spareTutors = perSubject * subjects.size();
    int tutorCount = rooms + spareTutors;
    say("catalogue: " + subjects.size() + " subjects " + subjects + "; " + tutorCount + " tutors (" + spareTutors + " spare), "
        + rooms + " students");

    AtomicInteger done = new AtomicInteger();
    String[] tutorTokens = new String[tutorCount];
    bounded(tutorCount, o.setupConcurrency, i -> {
      String id = o.prefix + "-t" + i;
      String subject = subjects.get(i % subjects.size());
      Map<String, Object> profile = new LinkedHashMap<>();
      profile.put("displayName", "Bench tutor " + i);
      profile.put("subjects", List.of(Map.of("subject", subject, "levels", levels.get(subject))));
      profile.put("languages", List.of("en", "fr"));
      profile.put("rateCents", 2000 + (i * 7919L) % 3001);
      profile.put("currency", currency);
      profile.put("timezone", "Europe/Paris");
      profile.put("bio", "Created by RoomBench.");
      return retry(3, () -> rest.token(id, "tutor").thenCompose(token -> {
        tutorTokens[i] = token;
        return rest.expect("PUT", "/v1/tutors/" + id, token, profile, 200);
      })).whenComplete((r, e) -> progress(done, tutorCount, "tutor profiles"));
    });
    for (int i = 0; i < tutorCount; i++) {
      tutors.add(new TutorFleet.Tutor(o.prefix + "-t" + i, tutorTokens[i]));
    }
    done.set(0);
    LoadDriver.Student[] made = new LoadDriver.Student[rooms];
    bounded(rooms, o.setupConcurrency, i -> {
      String id = o.prefix + "-s" + i;
      Map<String, Object> profile = Map.of(
          "displayName", "Bench student " + i, "level", "high", "languages", List.of("en", "fr"), "timezone", "Europe/Paris");
      return retry(3, () -> rest.token(id, "student").thenCompose(token -> {
        made[i] = new LoadDriver.Student(id, token, "high");
        return rest.expect("PUT", "/v1/students/" + id, token, profile, 200);
      })).whenComplete((r, e) -> progress(done, rooms, "student profiles"));
    });
    students.addAll(List.of(made));
    int failedTopUps = Bench.topUp(rest, adminToken, students, o.setupConcurrency, o.prefix);
    if (failedTopUps > 0) {
      note(failedTopUps + " student top-ups failed (402s may follow).");
    }
    setupMillis = (System.nanoTime() - t0) / 1_000_000;
    say("profiles ready in " + setupMillis + " ms");

    fleet = new TutorFleet(o.host, o.wsPort, tutorCount);
    long c0 = System.nanoTime();
    done.set(0);
    fleet.connectAll(tutors, o.connectConcurrency, () -> progress(done, tutorCount, "tutor sockets"));
    tutorConnectMillis = (System.nanoTime() - c0) / 1_000_000;
    int open = fleet.openCount(tutors);
    say("tutor sockets open: " + open + " of " + tutorCount + " in " + tutorConnectMillis + " ms");
    if (open == 0) {
      throw new IllegalStateException("no tutor socket could be opened: " + fleet.firstConnectFailure);
    }
    waitForPools();

    List<Matched> matched = match(rooms);
    roomClient = RoomSocket.client("bench-room", 2 * (rooms + o.floorRooms));
    List<ChatLoad.ChatRoom> live = join(matched);
    if (!o.keepTutorSockets) {
      fleet.closeAll(tutors);
      LoadDriver.sleep(1000);
      fleet.close();
      say("tutor sockets closed (the rooms stay LIVE)");
    }
    if (o.boardOps > 0 && !live.isEmpty()) {
      boardRoom = live.remove(live.size() - 1);
    }
    chatRooms.addAll(live.subList(0, Math.min(o.rooms, live.size())));
    if (chatRooms.size() < o.rooms) {
      note("Only " + chatRooms.size() + " of " + o.rooms + " rooms went LIVE: the chat load ran over those.");
    }
    chat = new ChatLoad(chatRooms, o.textChars, o.nodePid);
    chatRooms.forEach(r -> {
      for (RoomSocket s : r.sockets()) {
        s.handler = chat;
      }
    });
    floor = new BroadcastFloor(o.floorRooms, chat.frameChars());
    floorOpen = floor.connectAll(roomClient, o.connectConcurrency);
    say("floor: Jetty broadcast on 127.0.0.1:" + floor.port() + ", " + o.floorRooms + " rooms, " + floorOpen + " of "
        + 2 * o.floorRooms + " sockets open, frames of " + chat.frameChars() + " chars");
  }

  /** Waits until the projections stopped catching up on the setup's events (--settle-quiet, --settle-max). */
  private void settle() {
    settled = ProjectionSettle.await(this::metricsText, o.settleQuiet, o.settleMax);
    if (!settled.settled()) {
      note(settled.line());
    }
  }

  /** Waits until GET /v1/availability lists this run's connected tutors, at most 60 s. */
  private void waitForPools() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int seen = -1;
    int open = fleet.openCount(tutors);
    while (System.nanoTime() < deadline) {
      seen = 0;
      for (String subject : subjects) {
        var resp = rest.send("GET", "/v1/availability?subject=" + subject, adminToken, null).get(30, TimeUnit.SECONDS);
        if (resp.statusCode() != 200) {
          seen = -1;
          break;
        }
        for (JsonNode t : Rest.read(resp.body()).path("tutors")) {
          if (t.path("tutorId").asText("").startsWith(o.prefix + "-t")) {
            seen++;
          }
        }
      }
      open = fleet.openCount(tutors);
      if (seen >= open) {
        break;
      }
      LoadDriver.sleep(1000);
    }
    say("tutors listed as available: " + seen + " of " + open + " open sockets");
  }

  /**
   * Every student asks for a tutor (paced at --match-rate) until its session is MATCHED. A round
   * ends when every request is matched, or nothing matched for --match-stall, or after
   * --match-wait; then requests that did not match are cancelled and asked again (at most
   * --match-rounds rounds). Sessions matched at a tutor socket but never announced by a 202 (the
   * node went on with a POST that failed) are adopted when they belong to a student still without
   * a session, else cancelled as admin so that their tutor is free again.
   */
  private List<Matched> match(int rooms) throws Exception {
    long t0 = System.nanoTime();
    String[] sessionOf = new String[rooms];
    long[] postSentAt = new long[rooms];
    Map<String, Long> matchedAt = new ConcurrentHashMap<>();
    Map<String, TutorFleet.Tutor> matchedBy = new ConcurrentHashMap<>();
    Map<String, TutorFleet.Tutor> tutorById = new LinkedHashMap<>();
    tutors.forEach(t -> tutorById.put(t.id, t));
    Map<String, Integer> studentIndex = new LinkedHashMap<>();
    for (int i = 0; i < rooms; i++) {
      studentIndex.put(students.get(i).id, i);
    }
    fleet.listener(new TutorFleet.Listener() {
      @Override
      public void onOffer(TutorFleet.Tutor tutor, String sessionId, String offerId, long nanos, int frameChars) {}

      @Override
      public void onMatched(TutorFleet.Tutor tutor, String sessionId, long nanos) {
        matchedAt.putIfAbsent(sessionId, nanos);
        matchedBy.put(sessionId, tutor);
      }
    });
    for (int round = 1; round <= o.matchRounds; round++) {
      if (round > 1) {
        sweepOrphans(sessionOf, matchedBy, studentIndex, postSentAt, matchedAt);
      }
      List<Integer> todo = new ArrayList<>();
      for (int i = 0; i < rooms; i++) {
        if (sessionOf[i] == null || !matchedBy.containsKey(sessionOf[i])) {
          todo.add(i);
        }
      }
      if (todo.isEmpty()) {
        break;
      }
      matchRoundsUsed = round;
      if (round > 1) {
        say("matching round " + round + ": " + todo.size() + " students without a matched session; cancelling and asking again");
        for (int i : todo) {
          if (sessionOf[i] != null) {
            describeUnmatched(sessionOf[i], students.get(i));
            retire(sessionOf[i], students.get(i), matchedBy, tutorById);
            if (!matchedBy.containsKey(sessionOf[i])) {
              sessionOf[i] = null;
            }
          }
        }
        todo.removeIf(i -> sessionOf[i] != null);
      }
      say(String.format("matching round %d: %d instant requests at %s/s ...", round, todo.size(), fmt(o.matchRate)));
      List<CompletableFuture<?>> posts = new ArrayList<>();
      long start = System.nanoTime();
      for (int n = 0; n < todo.size(); n++) {
        // a cold node takes a ramp better than a step: the first 5 s of round 1 ramp up to the rate
        long target = start + rampedOffset(n, round == 1 ? 5.0 : 0.0);
        long now;
        while ((now = System.nanoTime()) < target) {
          LockSupport.parkNanos(target - now);
        }
        int i = todo.get(n);
        LoadDriver.Student s = students.get(i);
        String subject = subjects.get(i % subjects.size());
        List<String> lv = levels.get(subject);
        String body = "{\"subject\":\"" + subject + "\",\"level\":\"" + lv.get((i / subjects.size()) % lv.size())
            + "\",\"language\":\"" + ((i / subjects.size()) % 2 == 0 ? "en" : "fr") + "\",\"maxRateCents\":" + o.maxRateCents
            + ",\"durationMinutes\":" + o.durationMinutes + "}";
        long sent = System.nanoTime();
        postSentAt[i] = sent;
        posts.add(rest.send("POST", "/v1/instant-requests", s.token, body).whenComplete((resp, e) -> {
          int code = e != null ? -1 : resp.statusCode();
          Phase.record(code == 202 ? post202 : postFailed, System.nanoTime() - sent);
          synchronized (postStatuses) {
            postStatuses.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
            if (code != 202) {
              firstPostBodies.putIfAbsent(String.valueOf(code), e != null ? String.valueOf(e) : Rest.abbreviate(resp.body()));
            }
          }
          if (code == 202) {
            sessionOf[i] = Rest.read(resp.body()).path("sessionId").asText(null);
          }
        }));
      }
      for (CompletableFuture<?> f : posts) {
        try {
          f.get(60, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // counted as a status -1
        }
      }
      long deadline = System.nanoTime() + o.matchWait.toNanos();
      long lastSay = System.nanoTime();
      long lastProgress = System.nanoTime();
      int lastWaiting = -1;
      while (System.nanoTime() < deadline) {
        int waiting = 0;
        for (int i : todo) {
          if (sessionOf[i] == null || !matchedBy.containsKey(sessionOf[i])) {
            waiting++;
          }
        }
        if (waiting == 0) {
          break;
        }
        if (waiting != lastWaiting) {
          lastWaiting = waiting;
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > MATCH_STALL_NANOS) {
          say("  no match for " + MATCH_STALL_NANOS / 1_000_000_000 + " s: " + waiting + " students still without one");
          break;
        }
        if (System.nanoTime() - lastSay > TimeUnit.SECONDS.toNanos(5)) {
          lastSay = System.nanoTime();
          // every POST of the round has answered: a matched session no 202 announced will never get one
          sweepOrphans(sessionOf, matchedBy, studentIndex, postSentAt, matchedAt);
          say("  waiting for " + waiting + " matches; POST answers " + TutorFleet.counts(postStatuses) + "; matched frames "
              + fleet.matchedFrames.sum() + ", tutor error frames " + TutorFleet.counts(fleet.errorCodes));
        }
        LoadDriver.sleep(200);
      }
    }
    sweepOrphans(sessionOf, matchedBy, studentIndex, postSentAt, matchedAt);
    List<Matched> out = new ArrayList<>();
    for (int i = 0; i < rooms; i++) {
      TutorFleet.Tutor t = sessionOf[i] == null ? null : matchedBy.get(sessionOf[i]);
      if (t != null) {
        out.add(new Matched(sessionOf[i], students.get(i), t));
      } else if (sessionOf[i] != null) {
        describeUnmatched(sessionOf[i], students.get(i));
      }
    }
    matchedCount = out.size();
    matchMillis = (System.nanoTime() - t0) / 1_000_000;
    say("matched: " + out.size() + " of " + rooms + " sessions in " + matchMillis + " ms, " + matchRoundsUsed + " round(s); POST answers "
        + TutorFleet.counts(postStatuses) + "; orphans adopted " + orphansAdopted + ", cancelled " + orphansCancelled);
    if (orphansAdopted + orphansCancelled > 0) {
      note((orphansAdopted + orphansCancelled) + " sessions were matched at a tutor socket although their POST had not answered 202"
          + " (RESULTS.md problem 2): " + orphansAdopted + " adopted by their student, " + orphansCancelled + " cancelled as admin.");
    }
    if (out.size() < rooms) {
      note("Only " + out.size() + " of " + rooms + " sessions were matched after " + matchRoundsUsed + " rounds; POST answers "
          + TutorFleet.counts(postStatuses) + " " + firstPostBodies);
    }
    return out;
  }

  /**
   * When request n is due (nanos after the start): at --match-rate, except that the first
   * {@code rampSeconds} go linearly from 10 % of it to all of it.
   */
  private long rampedOffset(int n, double rampSeconds) {
    double r = o.matchRate;
    if (rampSeconds <= 0) {
      return (long) (n * 1e9 / r);
    }
    // requests sent during the ramp: integral of r*(0.1 + 0.9 t/T) dt over [0, T]
    double inRamp = r * rampSeconds * 0.55;
    if (n >= inRamp) {
      return (long) ((rampSeconds + (n - inRamp) / r) * 1e9);
    }
    // solve r*(0.1 t + 0.45 t^2 / T) = n for t
    double a = 0.45 * r / rampSeconds;
    double b = 0.1 * r;
    double t = (-b + Math.sqrt(b * b + 4 * a * n)) / (2 * a);
    return (long) (t * 1e9);
  }

  private static final long MATCH_STALL_NANOS = TimeUnit.SECONDS.toNanos(20);
  private int orphansAdopted;
  private int orphansCancelled;

  /** Matched sessions no 202 announced: adopted by their student if it has none, else cancelled as admin. */
  private void sweepOrphans(String[] sessionOf, Map<String, TutorFleet.Tutor> matchedBy, Map<String, Integer> studentIndex,
      long[] postSentAt, Map<String, Long> matchedAt) {
    java.util.Set<String> known = new java.util.HashSet<>();
    for (String s : sessionOf) {
      if (s != null) {
        known.add(s);
      }
    }
    for (String sid : new ArrayList<>(matchedBy.keySet())) {
      if (known.contains(sid)) {
        continue;
      }
      try {
        JsonNode session = rest.expect("GET", "/v1/sessions/" + sid, adminToken, null, 200).get(30, TimeUnit.SECONDS);
        Integer i = studentIndex.get(session.path("studentId").asText(""));
        boolean adopt = i != null && session.path("status").asText().equals("MATCHED")
            && (sessionOf[i] == null || !matchedBy.containsKey(sessionOf[i]));
        if (adopt) {
          if (sessionOf[i] != null) {
            retire(sessionOf[i], students.get(i), matchedBy, new LinkedHashMap<>());
          }
          sessionOf[i] = sid;
          orphansAdopted++;
          Long at = matchedAt.get(sid);
          if (at != null && postSentAt[i] != 0) {
            Phase.record(failedPostToMatched, at - postSentAt[i]);
          }
        } else {
          var resp = rest.send("POST", "/v1/sessions/" + sid + "/cancel", adminToken, null).get(30, TimeUnit.SECONDS);
          matchedBy.remove(sid);
          orphansCancelled++;
          say("  cancelled session " + sid + " (matched, no 202, student " + session.path("studentId").asText() + "): "
              + resp.statusCode());
        }
      } catch (Exception e) {
        say("  could not check session " + sid + ": " + e);
      }
    }
  }

  private void describeUnmatched(String sessionId, LoadDriver.Student s) {
    try {
      JsonNode session = rest.expect("GET", "/v1/sessions/" + sessionId, adminToken, null, 200).get(30, TimeUnit.SECONDS);
      say("  unmatched: student " + s.id + " session " + sessionId + " " + session.path("status").asText() + " "
          + session.path("subject").asText() + "/" + session.path("level").asText() + "/" + session.path("language").asText()
          + " timeline " + session.path("timeline"));
    } catch (Exception e) {
      say("  unmatched: student " + s.id + " session " + sessionId + ": " + e);
    }
  }

  /** A session that did not match in its round: cancel it, unless it was matched after all. */
  private void retire(String sessionId, LoadDriver.Student s, Map<String, TutorFleet.Tutor> matchedBy, Map<String, TutorFleet.Tutor> byId) {
    try {
      var resp = rest.send("POST", "/v1/sessions/" + sessionId + "/cancel", s.token, null).get(30, TimeUnit.SECONDS);
      if (resp.statusCode() == 200) {
        return;
      }
      JsonNode session = rest.expect("GET", "/v1/sessions/" + sessionId, adminToken, null, 200).get(30, TimeUnit.SECONDS);
      TutorFleet.Tutor t = byId.get(session.path("tutorId").asText(""));
      if (session.path("status").asText().equals("MATCHED") && t != null) {
        matchedBy.put(sessionId, t);
      }
    } catch (Exception e) {
      say("  could not retire session " + sessionId + ": " + e);
    }
  }

  /** Both participants join each room (student first); returns the rooms where both sockets saw LIVE. */
  private List<ChatLoad.ChatRoom> join(List<Matched> matched) throws Exception {
    say("joining " + matched.size() + " rooms (" + o.joinConcurrency + " at a time) ...");
    long t0 = System.nanoTime();
    Semaphore inFlight = new Semaphore(o.joinConcurrency);
    List<CompletableFuture<ChatLoad.ChatRoom>> all = new ArrayList<>();
    AtomicInteger done = new AtomicInteger();
    Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    for (int j = 0; j < matched.size(); j++) {
      Matched m = matched.get(j);
      int index = j;
      inFlight.acquire();
      RoomSocket student = new RoomSocket(j, 0, m.student().id, m.student().token, roomStats, null);
      RoomSocket tutor = new RoomSocket(j, 1, m.tutor().id, m.tutor().token, roomStats, null);
      long start = System.nanoTime();
      CompletableFuture<ChatLoad.ChatRoom> f = connect(student, m.sessionId(), 3)
          .thenCompose(x -> connect(tutor, m.sessionId(), 3))
          .thenCompose(x -> CompletableFuture.allOf(student.live, tutor.live).orTimeout(60, TimeUnit.SECONDS))
          .thenApply(x -> {
            Phase.record(joinLatency, System.nanoTime() - start);
            return new ChatLoad.ChatRoom(index, m.sessionId(), new RoomSocket[] {student, tutor});
          });
      all.add(f.whenComplete((r, e) -> {
        inFlight.release();
        if (e != null) {
          Throwable root = e;
          while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
          }
          failures.computeIfAbsent(root.getClass().getSimpleName() + ": " + Rest.abbreviate(root.getMessage()), k -> new AtomicInteger())
              .incrementAndGet();
        }
        progress(done, matched.size(), "rooms joined");
      }));
    }
    List<ChatLoad.ChatRoom> live = new ArrayList<>();
    for (CompletableFuture<ChatLoad.ChatRoom> f : all) {
      try {
        live.add(f.get(180, TimeUnit.SECONDS));
      } catch (Exception ignored) {
        // counted in failures
      }
    }
    joinMillis = (System.nanoTime() - t0) / 1_000_000;
    liveRooms = live.size();
    say("rooms LIVE: " + live.size() + " of " + matched.size() + " in " + joinMillis + " ms; join " + pcts(joinLatency)
        + (failures.isEmpty() ? "" : "; failures " + TutorFleet.counts(failures)));
    if (!failures.isEmpty()) {
      note("Rooms that did not go LIVE: " + TutorFleet.counts(failures));
    }
    if (o.boardOps > 0 && !live.isEmpty()) {
      boardMatched = matched.get(live.get(live.size() - 1).index());
    }
    return live;
  }

  private CompletableFuture<org.eclipse.jetty.websocket.api.Session> connect(RoomSocket socket, String sessionId, int attempts) {
    return socket.connect(roomClient, o.host, o.wsPort, sessionId).handle((s, e) -> {
      if (e == null) {
        return CompletableFuture.completedFuture(s);
      }
      if (attempts <= 1) {
        return CompletableFuture.<org.eclipse.jetty.websocket.api.Session>failedFuture(e);
      }
      return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(1000, TimeUnit.MILLISECONDS))
          .thenCompose(x -> connect(socket, sessionId, attempts - 1));
    }).thenCompose(f -> f);
  }

  // --- the chat phases ---

  private void chatPhases() {
    if (!o.idle.isZero()) {
      runPhase(new ChatPhase("idle", o.rate, o.idle.toNanos(), false));
    }
    if (!o.warmup.isZero()) {
      runPhase(new ChatPhase("warm-up", o.rate, o.warmup.toNanos(), true));
    }
    runPhase(new ChatPhase("measured", o.rate, o.duration.toNanos(), true));
    LoadDriver.sleep(1000);
    integrity = chat.integrity();
    say("delivery check over all phases: " + integrity);
  }

  private void runPhase(ChatPhase p) {
    say(String.format("%s: %s for %.0f s over %d rooms (floor: %d rooms, same rate) ...", p.name,
        p.chat ? fmt(p.rate) + " chat messages/s" : "no chat", p.seconds(), chatRooms.size(), o.floorRooms));
    Thread ticker = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        LoadDriver.sleep(5000);
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        say(String.format("  %-9s sent %d (arrived: other %d, own %d), floor sent %d (other %d, own %d)", p.name, p.sent.sum(),
            p.gotOther.sum(), p.gotOwn.sum(), p.floorSent.sum(), p.floorGotOther.sum(), p.floorGotOwn.sum()));
      }
    }, "bench-ticker");
    ticker.setDaemon(true);
    NodeMetrics before = NodeMetrics.parse(metricsText());
    ticker.start();
    chat.run(p, floor, o.drainTimeout.toNanos());
    ticker.interrupt();
    p.node = NodeMetrics.delta(before, NodeMetrics.parse(metricsText()));
    phases.add(p);
    say(String.format("  %s done: sent %d, arrived other %d / own %d; room p50/p99 %s/%s ms (own %s/%s); floor p50/p99 %s/%s ms;"
            + " drained in %d ms", p.name, p.sent.sum(), p.gotOther.sum(), p.gotOwn.sum(), ms(p.toOther, 50), ms(p.toOther, 99),
        ms(p.toOwn, 50), ms(p.toOwn, 99), ms(p.floorOther, 50), ms(p.floorOther, 99), p.drainNanos / 1_000_000));
    say("  cpu: " + p.cpu);
  }

  // --- the board ---

  private void boardPart() {
    say(String.format("board: %d ops (clear every %d, a chat every %d) into room %s, %d in flight ...", o.boardOps, o.clearEvery,
        o.chatEvery, boardRoom.sessionId(), o.opWindow));
    board = new BoardLoad(o, roomClient, boardRoom, boardMatched.student().id, boardMatched.student().token);
    NodeMetrics before = NodeMetrics.parse(metricsText());
    board.fill();
    NodeMetrics after = NodeMetrics.parse(metricsText());
    boardNode = NodeMetrics.delta(before, after);
    say(String.format("  written: %d frames (%d ops, %d chats) in %.1f s = %.0f/s; last seq %d; ack %s%s", board.sentFrames,
        board.opsSent, board.chatsSent, board.fillNanos / 1e9, board.sentFrames / (board.fillNanos / 1e9), board.lastSeq,
        pcts(board.ackLatency), board.abort == null ? "" : "; STOPPED: " + board.abort));
    say("  cpu: " + board.fillCpu);
    say(String.format("resume: %d runs of each kind on new sockets ...", o.resumeRuns));
    board.resumes();
    say("  full (afterSeq 0): " + pcts(board.fullTotal) + "; to the board frame " + pcts(board.fullToBoard));
    say("  tail (last " + o.rawTail + "): " + pcts(board.rawTotal) + "; connect " + pcts(board.connect));
    if (o.reconnects > 0) {
      say(String.format("reconnect: %d times, the tutor drawing %s strokes/s ...", o.reconnects, fmt(o.reconnectOpsPerSecond)));
      board.reconnects(o.reconnects, o.reconnectOpsPerSecond);
      say(String.format("  %d reconnects, %d frames: duplicates %d (in %d reconnects), out of order %d (%d), missing %d (%d) %s",
          board.reconnectRuns, board.reconnectFrames, board.reconnectDuplicates, board.reconnectsWithDuplicates,
          board.reconnectOutOfOrder, board.reconnectsOutOfOrder, board.reconnectMissing, board.reconnectsWithGaps,
          board.reconnectExamples));
    }
  }

  /** --probe-session: the resume of an existing room, first (cold) and then warm. */
  private void probe() throws Exception {
    say("probe: session " + o.probeSession + ", student " + o.probeStudent + ", last seq " + o.probeLastSeq + ", " + o.probeChats
        + " chat messages");
    roomClient = RoomSocket.client("bench-probe", 100);
    String token = rest.token(o.probeStudent, "student").get(30, TimeUnit.SECONDS);
    BoardLoad b = new BoardLoad(o, roomClient, null, o.probeStudent, token);
    CpuMeter cpu = new CpuMeter(o.nodePid);
    CpuMeter.Sample c0 = cpu.sample();
    b.cold(o.probeLastSeq, o.probeChats);
    CpuMeter.Usage coldCpu = CpuMeter.between(c0, cpu.sample());
    say(String.format("  first upgrade after %.0f ms (%d attempts), first resume %.1f ms (board after %.1f ms)", b.coldUpgradeNanos / 1e6,
        b.coldAttempts.size(), b.coldResumeNanos / 1e6, b.coldToBoardNanos / 1e6));
    b.resumes();
    String date = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    StringBuilder md = new StringBuilder();
    md.append("### Room probe ").append(date).append("\n\n");
    md.append("- machine: ").append(machine()).append('\n');
    md.append("- node: `").append(o.nodeCmd == null ? "(not given: pass --node-cmd)" : o.nodeCmd).append("`\n");
    md.append("- bench: `").append(o.commandLine()).append("`\n");
    md.append(String.format("- the room: session %s, last seq %d, %d chat messages; the bench starts as soon as the node logs"
        + " `tutormesh ready`%n", o.probeSession, o.probeLastSeq, o.probeChats));
    md.append(String.format("- first socket: **upgrade succeeded %.0f ms** after the first attempt; attempts: %s%n", b.coldUpgradeNanos / 1e6,
        b.coldAttempts));
    md.append(String.format("- first `resume {afterSeq:0}` → board + every chat message: **%.1f ms** (board frame after %.1f ms, %d items,"
        + " %.0f KB); CPU meanwhile: %s%n", b.coldResumeNanos / 1e6, b.coldToBoardNanos / 1e6, b.boardItems, b.boardFrameChars / 1024.0,
        coldCpu));
    md.append(String.format("- then, each on a new socket: full resume p50 %s / p90 %s / max %s ms (%d/%d); last %d entries p50 %s / max %s ms"
            + " (%d/%d); connect p50 %s ms; CPU: %s%n", ms(b.fullTotal, 50), ms(b.fullTotal, 90), ms(b.fullTotal, 100), b.fullDone,
        o.resumeRuns, o.rawTail, ms(b.rawTotal, 50), ms(b.rawTotal, 100), b.rawDone, o.resumeRuns, ms(b.connect, 50), b.resumeCpu));
    if (!b.problems.isEmpty()) {
      md.append("- problems: ").append(b.problems).append('\n');
    }
    md.append("- sockets: ").append(b.stats.summary()).append('\n');
    System.out.println("\n---------------- markdown for bench/RESULTS.md ----------------");
    System.out.println(md);
    if (o.out != null) {
      Files.writeString(Path.of(o.out), md.toString());
      say("markdown written to " + o.out);
    }
  }

  private String metricsText() {
    try {
      var resp = rest.send("GET", "/metrics", null, null).get(30, TimeUnit.SECONDS);
      return resp.statusCode() == 200 ? resp.body() : "";
    } catch (Exception e) {
      return "";
    }
  }

  // --- report ---

  private void report() throws Exception {
    String date = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    StringBuilder md = new StringBuilder();
    md.append("### Room run ").append(date).append("\n\n");
    md.append("- machine: ").append(machine()).append('\n');
    md.append("- node and bench share the machine's cores (loopback); the node also runs its embedded Cassandra\n");
    md.append("- node: `").append(o.nodeCmd == null ? "(not given: pass --node-cmd)" : o.nodeCmd).append("`\n");
    md.append("- bench: `").append(o.commandLine()).append("`\n");
    md.append(String.format("- setup: %d tutors (%d spare; %d subjects, languages en+fr), %d students; profiles in %.1f s; tutor"
            + " sockets in %.1f s; **%d sessions matched** in %.1f s (%d round(s), requests at %s/s; POST answers %s); **%d rooms"
            + " LIVE** (both sockets got `status` LIVE) in %.1f s, %d at a time, student socket upgrade → both LIVE p50 %s / p99 %s"
            + " ms; tutor `/ws/tutor` sockets %s%n",
        tutors.size(), spareTutors, subjects.size(), students.size(), setupMillis / 1000.0, tutorConnectMillis / 1000.0, matchedCount,
        matchMillis / 1000.0, matchRoundsUsed, fmt(o.matchRate), TutorFleet.counts(postStatuses), liveRooms, joinMillis / 1000.0,
        o.joinConcurrency, ms(joinLatency, 50), ms(joinLatency, 99), o.keepTutorSockets ? "kept open" : "closed after the join"));
    if (post202.getTotalCount() + postFailed.getTotalCount() > 0) {
      md.append(String.format("- setup's instant requests (first 5 s ramped up to %s/s): POST → 202 %s; POST → other answers (%s) %s;"
              + " %d sessions matched at a tutor although their POST had not answered 202, adopted by their student (%d cancelled):"
              + " POST sent → `matched` frame for them %s%n", fmt(o.matchRate), pcts(post202),
          postStatuses.entrySet().stream().filter(e -> e.getKey() != 202).map(e -> e.getKey() + " × " + e.getValue()).toList(),
          pcts(postFailed), orphansAdopted, orphansCancelled, pcts(failedPostToMatched)));
    }
    md.append("- settle: ").append(settled.line()).append('\n');
    if (!phases.isEmpty()) {
      chatMarkdown(md);
    }
    if (board != null) {
      boardMarkdown(md);
    }
    md.append("\nRoom sockets (every LIVE room, the board room's two included): ").append(roomStats.summary()).append(".\n");
    if (!roomStats.firstErrors.isEmpty()) {
      md.append("First error per code: `").append(roomStats.firstErrors).append("`.\n");
    }
    if (!roomStats.firstCloseReasons.isEmpty()) {
      md.append("First close reason per code: `").append(roomStats.firstCloseReasons).append("`.\n");
    }
    if (board != null) {
      md.append("Board-room resume sockets: ").append(board.stats.summary()).append(".\n");
    }
    if (fleet != null) {
      md.append("Tutor sockets (matching): ").append(fleet.summary()).append(".\n");
    }
    if (notes.length() > 0) {
      md.append("\nNotes:\n\n").append(notes.toString().lines().map(l -> "- " + l).reduce("", (a, b) -> a + b + "\n"));
    }
    System.out.println("\n---------------- markdown for bench/RESULTS.md ----------------");
    System.out.println(md);
    if (o.out != null) {
      Files.writeString(Path.of(o.out), md.toString());
      say("markdown written to " + o.out);
    }
  }

  private void chatMarkdown(StringBuilder md) {
    ChatPhase m = phases.get(phases.size() - 1);
    md.append(String.format("- chat: %d rooms × 2 sockets, %s messages/s in total (open model; room i mod N, student and tutor in"
            + " turn; %.2f per room per second), text %d chars (chat frame sent: %d chars); latencies from the scheduled send%n",
        chatRooms.size(), fmt(o.rate), o.rate / Math.max(1, chatRooms.size()), o.textChars, chat.frameChars()));
    md.append(String.format("- floor: bare Jetty 12 broadcast in the bench JVM, %d rooms × 2 sockets (%d open), same client as the"
            + " rooms, frames of %d chars, same rate, same window%n", o.floorRooms, floorOpen, chat.frameChars()));
    for (ChatPhase p : phases) {
      if (!p.chat) {
        md.append(String.format("- idle baseline (rooms open, no chat, %.0f s): %s; floor alone p50/p99 %s/%s ms; node GC pauses %.0f"
                + " totalling %.0f ms%n", p.seconds(), p.cpu, ms(p.floorOther, 50), ms(p.floorOther, 99),
            p.node.sum("jvm_gc_pause_seconds_count"), p.node.sum("jvm_gc_pause_seconds_sum") * 1000));
      } else if (p != m) {
        md.append(String.format("- %s (%.0f s, not reported below): room p50/p99 %s/%s ms, floor %s/%s ms; %s%n", p.name, p.seconds(),
            ms(p.toOther, 50), ms(p.toOther, 99), ms(p.floorOther, 50), ms(p.floorOther, 99), p.cpu));
      }
    }
    md.append(String.format("%nMeasured window: %.0f s, %d messages scheduled, %d sent (not sent: socket closed %d; send failures %d).%n%n",
        m.seconds(), m.scheduled.sum(), m.sent.sum(), m.notSent.sum(), m.sendFailed.sum()));
    md.append("| latency (ms) | p50 | p99 | p99.9 | max | n | p99 / floor p99 |\n|---|---:|---:|---:|---:|---:|---:|\n");
    mdRow(md, "**room: send → chat frame at the other participant**", m.toOther, m.floorOther);
    mdRow(md, "room: send → sender's own copy (ack, with seq)", m.toOwn, m.floorOther);
    mdRow(md, "**floor: send → other socket** (bare Jetty broadcast)", m.floorOther, m.floorOther);
    mdRow(md, "floor: send → sender's own copy", m.floorOwn, m.floorOther);
    mdRow(md, "bench pacer lag (rooms)", m.pacerLag, m.floorOther);
    mdRow(md, "bench pacer lag (floor)", m.floorPacerLag, m.floorOther);
    String r = ratio(m.toOther, m.floorOther);
    boolean met = !r.equals("-") && Double.parseDouble(r) <= 3.0 && chatRooms.size() >= 2000;
    md.append(String.format("%n**Ratio room p99 / floor p99 = %s** (own copy: %s). Target (2,000 rooms, p99 ≤ 3 × the bare broadcast):"
            + " **%s**.%n", r, ratio(m.toOwn, m.floorOther), met ? "met" : "not met"
            + (chatRooms.size() < 2000 ? " (fewer than 2,000 rooms)" : "")));
    md.append("\n| delivery | sent | arrived at the other | arrived at the sender | never arrived (other / own) | arrived twice (other / own) |\n"
        + "|---|---:|---:|---:|---:|---:|\n");
    for (ChatPhase p : phases) {
      if (!p.chat) {
        continue;
      }
      md.append(String.format("| rooms, %s | %d | %d | %d | %d / %d | %d / %d |%n", p.name, p.sent.sum(), p.gotOther.sum(), p.gotOwn.sum(),
          p.sent.sum() - p.gotOther.sum(), p.sent.sum() - p.gotOwn.sum(), p.againOther.sum(), p.againOwn.sum()));
    }
    md.append(String.format("| floor, %s | %d | %d | %d | %d / %d | - |%n", m.name, m.floorSent.sum(), m.floorGotOther.sum(),
        m.floorGotOwn.sum(), m.floorSent.sum() - m.floorGotOther.sum(), m.floorSent.sum() - m.floorGotOwn.sum()));
    if (integrity != null) {
      ChatLoad.Integrity g = integrity;
      md.append(String.format("%nSeq check at every socket over warm-up + measured (API: contiguous from 1, increasing, each once): %d sockets,"
              + " %d chat frames; **missing %d, duplicated %d, out of order %d** (gaps seen %d); rooms affected %d; sockets closed at"
              + " the end %d; chat frames with a foreign clientId %d.%n", g.sockets(), g.entries(), g.missing(), g.duplicates(),
          g.outOfOrder(), g.gaps(), g.roomsAffected(), g.closedSockets(), chat.foreign));
      g.examples().forEach(e -> md.append("  - ").append(e).append('\n'));
    }
    md.append(String.format("%nCPU during the measured window: %s.%n", m.cpu));
    md.append(String.format("Node-side: GC pauses %.0f totalling %.0f ms; JVM threads started %.0f; store time (chat read by the sender's"
            + " socket → stored entry back at it, tutormesh_room_store_time; bucket bounds) p50 %s / p99 %s / p99.9 %s ms (n %.0f).%n",
        m.node.sum("jvm_gc_pause_seconds_count"), m.node.sum("jvm_gc_pause_seconds_sum") * 1000,
        m.node.sum("jvm_threads_started_threads_total"), storeMs(m.node, 50), storeMs(m.node, 99), storeMs(m.node, 99.9),
        m.node.sum("tutormesh_room_store_time_seconds_count", "kind=\"chat\"")));
    md.append(String.format("Floor: %d closes, %d send failures.%n", floor.closes.sum(), floor.sendFailures.sum()));
  }

  private void boardMarkdown(StringBuilder md) {
    BoardLoad b = board;
    md.append(String.format("%n#### Board and resume (room %s, student %s)%n%n", boardRoom.sessionId(), boardMatched.student().id));
    md.append(String.format("- written over the student's socket, %d frames in flight at most: %d frames (%d ops: %s; the chat"
            + " frames are among them), %.1f MB of JSON, in %.1f s = **%.0f frames/s**; last seq %d; send → ack p50 %s / p99 %s / max"
            + " %s ms%s%n", o.opWindow, b.sentFrames, b.opsSent, TutorFleet.counts(b.kinds), b.sentChars / 1e6, b.fillNanos / 1e9,
        b.sentFrames / (b.fillNanos / 1e9), b.lastSeq, ms(b.ackLatency, 50), ms(b.ackLatency, 99), ms(b.ackLatency, 100),
        b.abort == null ? "" : "; **stopped: " + b.abort + "**"));
    md.append(String.format("- CPU while writing: %s; node GC pauses %.0f totalling %.0f ms%n", b.fillCpu,
        boardNode.sum("jvm_gc_pause_seconds_count"), boardNode.sum("jvm_gc_pause_seconds_sum") * 1000));
    md.append(String.format("- the board at the end: %d items expected (what the ops leave after the last clear); the `board` frame"
            + " had %d items, %.0f KB: **%s**%n", b.expectedBoard.size(), b.boardItems, b.boardFrameChars / 1024.0,
        b.boardMatches ? "identical ids, seq = last seq" : "DIFFERENT (see problems)"));
    md.append(String.format("- CPU during the resumes: %s%n%n", b.resumeCpu));
    md.append(String.format("| resume, each on a new socket (ms) | p50 | p90 | max | n | frames | size |%n|---|---:|---:|---:|---:|---:|---:|%n"));
    md.append(String.format("| connect: upgrade → `status` frame | %s | %s | %s | %d | 1 | - |%n", ms(b.connect, 50), ms(b.connect, 90),
        ms(b.connect, 100), b.connect.getTotalCount()));
    md.append(String.format("| **`resume {afterSeq:0}` → board + every chat message** | %s | %s | %s | %d/%d | %d | %.0f KB board |%n",
        ms(b.fullTotal, 50), ms(b.fullTotal, 90), ms(b.fullTotal, 100), b.fullDone, o.resumeRuns, b.fullFrames,
        b.boardFrameChars / 1024.0));
    md.append(String.format("| `resume {afterSeq:0}` → the `board` frame | %s | %s | %s | %d | 1 | - |%n", ms(b.fullToBoard, 50),
        ms(b.fullToBoard, 90), ms(b.fullToBoard, 100), b.fullToBoard.getTotalCount()));
    md.append(String.format("| `resume` of the last %d entries (raw) | %s | %s | %s | %d/%d | %d | %.0f KB |%n", o.rawTail,
        ms(b.rawTotal, 50), ms(b.rawTotal, 90), ms(b.rawTotal, 100), b.rawDone, o.resumeRuns, b.rawFrames, b.rawChars / 1024.0));
    boolean met;
    synchronized (b.fullTotal) {
      met = b.fullDone == o.resumeRuns && b.fullTotal.getTotalCount() > 0 && b.fullTotal.getMaxValue() < 200_000 && o.boardOps >= 100_000
          && b.abort == null;
    }
    md.append(String.format("%nTarget (resume of a 100k-op board under 200 ms): **%s** (p50 %s ms, max %s ms).%n",
        met ? "met" : "not met", ms(b.fullTotal, 50), ms(b.fullTotal, 100)));
    if (b.reconnectRuns > 0) {
      md.append(String.format("%nReconnect with resume while the tutor draws %s strokes/s: %d times the student's socket was replaced by a"
              + " new one that sent `resume {afterSeq: last seq it had}` on its `status` frame; each watched for 1.5 s and then until"
              + " no seq was missing (at most 10 s): %d chat/wb frames, **duplicates %d** (in %d of the reconnects), **out of order %d**"
              + " (%d), **still missing after 10 s %d** (%d reconnects).%n",
          fmt(o.reconnectOpsPerSecond), b.reconnectRuns, b.reconnectFrames, b.reconnectDuplicates, b.reconnectsWithDuplicates,
          b.reconnectOutOfOrder, b.reconnectsOutOfOrder, b.reconnectMissing, b.reconnectsIncomplete));
      b.reconnectExamples.forEach(e -> md.append("  - ").append(e).append('\n'));
    }
    long last = Math.max(b.lastSeq, b.finalSeq);
    synchronized (b.chatSeqs) {
      md.append(String.format("%nThe room at the end: last seq %d, %d chat messages. After a node restart on the same data:"
              + " `TM_BENCH_KEEP_DATA=1 bench/run-room.sh --probe-session %s --probe-student %s --probe-last-seq %d --probe-chats %d`.%n",
          last, b.chatSeqs.size(), boardRoom.sessionId(), boardMatched.student().id, last, b.chatSeqs.size()));
    }
    if (!b.problems.isEmpty()) {
      md.append("\nBoard problems:\n\n");
      b.problems.forEach(p -> md.append("- ").append(p).append('\n'));
    }
  }

  /** The node's chat store time at {@code pct}, in ms (a histogram bucket's upper bound). */
  private static String storeMs(NodeMetrics node, double pct) {
    double ms = node.percentileMs("tutormesh_room_store_time_seconds", pct, "kind=\"chat\"");
    return Double.isNaN(ms) ? "-" : String.format("%.3f", ms);
  }

  private static void mdRow(StringBuilder md, String name, Histogram h, Histogram floor) {
    synchronized (h) {
      md.append(String.format("| %s | %s | %s | %s | %s | %d | %s |%n", name, ms(h, 50), ms(h, 99), ms(h, 99.9),
          h.getTotalCount() == 0 ? "-" : String.format("%.3f", h.getMaxValue() / 1000.0), h.getTotalCount(), ratio(h, floor)));
    }
  }

  // --- helpers ---

  private void progress(AtomicInteger done, int total, String what) {
    int n = done.incrementAndGet();
    if (n % 1000 == 0 || n == total) {
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
      if (floor != null) {
        floor.close();
      }
      for (ChatLoad.ChatRoom r : chatRooms) {
        for (RoomSocket s : r.sockets()) {
          s.close();
        }
      }
      if (boardRoom != null) {
        for (RoomSocket s : boardRoom.sockets()) {
          s.close();
        }
      }
      LoadDriver.sleep(1000);
      if (roomClient != null) {
        roomClient.stop();
      }
      if (fleet != null) {
        fleet.closeAll(tutors);
        fleet.close();
      }
    } catch (Exception e) {
      System.err.println("shutdown: " + e);
    } finally {
      rest.close();
    }
  }
}
