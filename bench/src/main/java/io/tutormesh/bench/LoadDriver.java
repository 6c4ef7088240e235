package io.tutormesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The students' side and the bookkeeping that joins both sides by sessionId.
 *
 * <p>Open model: a pacer thread fires {@code POST /v1/instant-requests} at fixed instants
 * ({@code start + i / rate}, {@link System#nanoTime()}), with {@code sendAsync}, whatever the
 * node answers; latencies are measured from that scheduled instant, so a late pacer cannot hide
 * a slow node (the pacer's own lag is reported). Each request takes a free student from a FIFO
 * pool: a student has at most one open request (the API answers 409 otherwise) and goes back to
 * the tail of the pool once its session was matched and cancelled, or given up.
 */
final class LoadDriver implements TutorFleet.Listener {

  /** A student of the pool. */
  static final class Student {
    final String id;
    final String token;
    final String level;

    Student(String id, String token, String level) {
      this.id = id;
      this.token = token;
      this.level = level;
    }
  }

  /** One instant request. */
  static final class Req {
    final Phase phase;
    final Student student;
    final long intended;
    long sent;
    long got202;
    String sessionId;
    /** 0 in flight, 1 matched (cancel pending/done), 2 gave up (timeout), 3 failed at the POST. */
    int state;
    boolean finished;

    Req(Phase phase, Student student, long intended) {
      this.phase = phase;
      this.student = student;
      this.intended = intended;
    }
  }

  /** Everything seen for one sessionId, from either side, in whatever order it arrives. */
  static final class Track {
    Req req;
    long offerAt;
    int offers;
    boolean offerRecorded;
    long matchedAt;
    int matchedFrames;
    TutorFleet.Tutor matchedTutor;
    boolean matchHandled;
  }

  /** A tutor got `matched` for a new session while the bench still believed it held another. */
  record Suspect(String tutorId, String heldSession, String newSession) {}

  private final BenchOptions options;
  private final Rest rest;
  private final List<String> subjects;
  private final Map<String, List<String>> levelsBySubject;
  private final Queue<Student> free = new ConcurrentLinkedQueue<>();
  final Map<String, Track> tracks = new ConcurrentHashMap<>();
  final Set<Req> inFlight = ConcurrentHashMap.newKeySet();
  final List<Suspect> suspects = new ArrayList<>();
  final LongAdder sessionsWithTwoMatched = new LongAdder();
  final List<String> doubleMatchedSessions = new ArrayList<>();
  final LongAdder reOffers = new LongAdder();
  final LongAdder unknownSessionFrames = new LongAdder();
  /** Students put aside after a POST that may have opened a request anyway (503, exception, 409). */
  final AtomicInteger studentsQuarantined = new AtomicInteger();
  /** Sessions offered/matched to a tutor although the bench never got their 202 (see {@link #sweepOrphans}). */
  final LongAdder orphanSessions = new LongAdder();
  final LongAdder orphansOfFailedPosts = new LongAdder();
  final Map<Integer, AtomicInteger> orphanCancelStatuses = new ConcurrentHashMap<>();
  final List<String> orphanExamples = new ArrayList<>();
  private final Map<String, Long> orphanCandidates = new ConcurrentHashMap<>();
  /** When each student's last POST failed without a 202 (what an orphan session is traced back to). */
  private final Map<String, Long> failedPostAt = new ConcurrentHashMap<>();
  private String adminToken;
  private final ScheduledExecutorService sweeper;
  private final AtomicInteger counter = new AtomicInteger();
  private volatile Phase current;
  private final CpuMeter cpu;

  LoadDriver(BenchOptions options, Rest rest, List<String> subjects, Map<String, List<String>> levelsBySubject, List<Student> students) {
    this.options = options;
    this.rest = rest;
    this.subjects = subjects;
    this.levelsBySubject = levelsBySubject;
    this.free.addAll(students);
    this.cpu = new CpuMeter(options.nodePid);
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-sweeper");
      t.setDaemon(true);
      return t;
    });
    sweeper.scheduleWithFixedDelay(this::sweep, 250, 250, TimeUnit.MILLISECONDS);
    sweeper.scheduleWithFixedDelay(this::sweepOrphans, 1, 1, TimeUnit.SECONDS);
  }

  void adminToken(String token) {
    this.adminToken = token;
  }

  int freeStudents() {
    return free.size();
  }

  /**
   * Runs one phase: fires requests at {@code phase.rate} for {@code phase.durationNanos}, then
   * waits (at most --drain-timeout) for the phase's requests to finish.
   */
  void run(Phase phase, EchoFloor floor) {
    run(phase, floor, true);
  }

  /** With {@code send} false: no requests, only the floor and the CPU meter (sockets idle). */
  void run(Phase phase, EchoFloor floor, boolean send) {
    current = phase;
    if (floor != null) {
      floor.start(phase, phase.rate);
    }
    CpuMeter.Sample cpuStart = cpu.sample();
    long start = System.nanoTime();
    phase.startNanos = start;
    long count = send ? Math.round(phase.rate * phase.durationNanos / 1e9) : 0;
    if (!send) {
      sleep(phase.durationNanos / 1_000_000);
    }
    for (long i = 0; i < count; i++) {
      long target = start + (long) (i * 1e9 / phase.rate);
      long now;
      while ((now = System.nanoTime()) < target) {
        LockSupport.parkNanos(target - now);
      }
      Phase.record(phase.pacerLag, now - target);
      fire(phase, target, i);
    }
    phase.endNanos = System.nanoTime();
    phase.cpu = CpuMeter.between(cpuStart, cpu.sample());
    if (floor != null) {
      floor.stop();
    }
    long drainUntil = System.nanoTime() + options.drainTimeout.toNanos();
    while (System.nanoTime() < drainUntil && inFlight.stream().anyMatch(r -> r.phase == phase)) {
      sleep(50);
    }
    phase.drainNanos = System.nanoTime() - phase.endNanos;
  }

  private void fire(Phase phase, long intended, long i) {
    phase.scheduled.increment();
    Student student = free.poll();
    if (student == null) {
      phase.noFreeStudent.increment();
      return;
    }
    int n = counter.getAndIncrement();
    String subject = subjects.get(n % subjects.size());
    List<String> levels = levelsBySubject.get(subject);
    String level = levels.get((n / subjects.size()) % levels.size());
    String language = (n & 1) == 0 ? "en" : "fr";
    String body = "{\"subject\":\"" + subject + "\",\"level\":\"" + level + "\",\"language\":\"" + language
        + "\",\"maxRateCents\":" + options.maxRateCents + ",\"durationMinutes\":" + options.durationMinutes + "}";
    Req req = new Req(phase, student, intended);
    inFlight.add(req);
    HttpRequest request = rest.request("POST", "/v1/instant-requests", student.token, body);
    req.sent = System.nanoTime();
    phase.sent.increment();
    rest.client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete((resp, error) -> onPostAnswer(req, resp, error, System.nanoTime()));
  }

  private void onPostAnswer(Req req, HttpResponse<String> resp, Throwable error, long now) {
    Phase phase = req.phase;
    if (error != null) {
      phase.exception(error);
      // The node may have opened the request anyway: keep this student aside for a while.
      failedPostAt.put(req.student.id, now);
      finish(req, 3, false);
      quarantine(req.student);
      return;
    }
    int code = resp.statusCode();
    if (code != 202) {
      phase.status(code, resp.body());
      if (code == 503 || code == 409 || code >= 500) {
        // 503: the gateway stopped waiting, but the request may be open (and matched) anyway;
        // 409: the student still has one open. Either way it is not free now.
        failedPostAt.put(req.student.id, now);
        finish(req, 3, false);
        quarantine(req.student);
      } else {
        finish(req, 3, true);
      }
      return;
    }
    phase.status(202, null);
    phase.accepted202.increment();
    Phase.record(phase.sentTo202, now - req.intended);
    JsonNode json = Rest.read(resp.body());
    String sessionId = json.path("sessionId").asText(null);
    if (sessionId == null) {
      phase.status(-202, "202 without sessionId: " + resp.body());
      finish(req, 3, true);
      return;
    }
    Track track = tracks.computeIfAbsent(sessionId, k -> new Track());
    orphanCandidates.remove(sessionId);
    boolean matchNow;
    synchronized (track) {
      req.sessionId = sessionId;
      req.got202 = now;
      track.req = req;
      recordOffer(track);
      matchNow = track.matchedAt != 0 && !track.matchHandled;
      if (matchNow) {
        track.matchHandled = true;
      }
    }
    if (matchNow) {
      onMatchComplete(track);
    }
  }

  @Override
  public void onOffer(TutorFleet.Tutor tutor, String sessionId, String offerId, long nanos, int frameChars) {
    Track track = tracks.computeIfAbsent(sessionId, k -> new Track());
    synchronized (track) {
      track.offers++;
      if (track.offers > 1) {
        reOffers.increment();
      }
      if (track.offerAt == 0) {
        track.offerAt = nanos;
      }
      if (track.req == null) {
        orphanCandidates.putIfAbsent(sessionId, nanos);
      }
      recordOffer(track);
    }
  }

  /** Records engine time and sent → offer once both the 202 and the first offer are known. */
  private static void recordOffer(Track track) {
    Req req = track.req;
    if (track.offerRecorded || req == null || track.offerAt == 0) {
      return;
    }
    track.offerRecorded = true;
    Phase phase = req.phase;
    phase.offered.increment();
    long engine = track.offerAt - req.got202;
    if (engine <= 0) {
      phase.offerBefore202.increment();
      engine = 0;
    }
    Phase.record(phase.engine, engine);
    Phase.record(phase.sentToOffer, track.offerAt - req.intended);
  }

  @Override
  public void onMatched(TutorFleet.Tutor tutor, String sessionId, long nanos) {
    Track track = tracks.computeIfAbsent(sessionId, k -> new Track());
    boolean handle = false;
    synchronized (track) {
      track.matchedFrames++;
      if (track.req == null) {
        orphanCandidates.putIfAbsent(sessionId, nanos);
      }
      if (track.matchedFrames == 1) {
        track.matchedAt = nanos;
        track.matchedTutor = tutor;
        if (track.req != null && !track.matchHandled) {
          track.matchHandled = true;
          handle = true;
        }
      } else if (track.matchedFrames == 2) {
        sessionsWithTwoMatched.increment();
        synchronized (doubleMatchedSessions) {
          doubleMatchedSessions.add(sessionId);
        }
      }
    }
    synchronized (tutor) {
      if (tutor.holding != null && !tutor.holding.equals(sessionId)) {
        synchronized (suspects) {
          suspects.add(new Suspect(tutor.id, tutor.holding, sessionId));
        }
      }
      tutor.holding = sessionId;
      tutor.matches++;
    }
    if (handle) {
      onMatchComplete(track);
    }
  }

  /** Both the 202 and the matched frame are in: record, then cancel so that the tutor is free again. */
  private void onMatchComplete(Track track) {
    Req req = track.req;
    Phase phase = req.phase;
    synchronized (req) {
      if (req.state != 0) {
        // Given up (timeout) before the match arrived; its cancel is already on the way.
        phase.lateMatches.increment();
        return;
      }
      req.state = 1;
    }
    long toMatch = track.matchedAt - req.intended;
    phase.matched.increment();
    if (toMatch <= options.sustainedWithin.toNanos()) {
      phase.matchedWithin.increment();
    }
    Phase.record(phase.sentToMatched, toMatch);
    if (track.offerAt != 0) {
      Phase.record(phase.offerToMatched, track.matchedAt - track.offerAt);
    }
    if (options.cancel) {
      cancel(req, track.matchedTutor);
    } else {
      finish(req, 1, true);
    }
  }

  private void cancel(Req req, TutorFleet.Tutor tutor) {
    long start = System.nanoTime();
    String sessionId = req.sessionId;
    rest.send("POST", "/v1/sessions/" + sessionId + "/cancel", req.student.token, null).whenComplete((resp, error) -> {
      Phase phase = req.phase;
      Phase.record(phase.cancelRtt, System.nanoTime() - start);
      int code = error != null ? -1 : resp.statusCode();
      phase.cancelStatus(code);
      if (code == 200) {
        phase.cancelled.increment();
        if (tutor != null) {
          synchronized (tutor) {
            if (sessionId.equals(tutor.holding)) {
              tutor.holding = null;
            }
          }
        }
      }
      finish(req, req.state, true);
    });
  }

  /** Requests that got their 202 but no match within --match-timeout: cancel (counted as a timeout). */
  private void sweep() {
    try {
      long now = System.nanoTime();
      long limit = options.matchTimeout.toNanos();
      for (Req req : inFlight) {
        if (req.got202 == 0 || now - req.intended < limit) {
          continue;
        }
        synchronized (req) {
          if (req.state != 0) {
            continue;
          }
          req.state = 2;
        }
        req.phase.matchTimeouts.increment();
        Track track = tracks.get(req.sessionId);
        cancel(req, track == null ? null : track.matchedTutor);
      }
    } catch (RuntimeException e) {
      System.err.println("sweeper: " + e);
    }
  }

  /**
   * Offers and matches for sessions whose 202 never reached the bench, 10 s on: the node created
   * (and, since tutors accept everything, matched) a request whose POST failed or never answered.
   * The bench cancels them as admin so that their tutors are offered again, and counts them: an
   * error answer must leave nothing half-done (API.md, "Errors").
   */
  private void sweepOrphans() {
    try {
      long now = System.nanoTime();
      for (Map.Entry<String, Long> e : orphanCandidates.entrySet()) {
        if (now - e.getValue() < TimeUnit.SECONDS.toNanos(10)) {
          continue;
        }
        String sessionId = e.getKey();
        Track track = tracks.get(sessionId);
        if (track == null || !orphanCandidates.remove(sessionId, e.getValue())) {
          continue;
        }
        synchronized (track) {
          if (track.req != null) {
            continue;
          }
        }
        orphanSessions.increment();
        if (adminToken == null) {
          continue;
        }
        rest.send("POST", "/v1/sessions/" + sessionId + "/cancel", adminToken, null).whenComplete((resp, error) -> {
          int code = error != null ? -1 : resp.statusCode();
          orphanCancelStatuses.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
          if (resp != null) {
            JsonNode s = Rest.read(resp.body());
            String studentId = s.path("studentId").asText(null);
            boolean traced = studentId != null && failedPostAt.containsKey(studentId);
            if (traced) {
              orphansOfFailedPosts.increment();
            }
            synchronized (orphanExamples) {
              if (orphanExamples.size() < 3) {
                orphanExamples.add("session " + sessionId + " of student " + studentId + " (admin cancel answered " + code
                    + (code == 200 ? ", now " + s.path("status").asText("?") : "") + ")"
                    + (traced ? ": that student's POST had failed" : ""));
              }
            }
            TutorFleet.Tutor tutor = track.matchedTutor;
            if (code == 200 && tutor != null) {
              synchronized (tutor) {
                if (sessionId.equals(tutor.holding)) {
                  tutor.holding = null;
                }
              }
            }
          }
        });
      }
    } catch (RuntimeException e) {
      System.err.println("orphan sweeper: " + e);
    }
  }

  /** Back into the pool after --student-quarantine (past the node's request-timeout, the request is closed). */
  private void quarantine(Student student) {
    studentsQuarantined.incrementAndGet();
    sweeper.schedule(() -> {
      free.add(student);
    }, options.studentQuarantine.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void finish(Req req, int state, boolean reuseStudent) {
    synchronized (req) {
      if (req.finished) {
        return;
      }
      req.finished = true;
      if (req.state == 0) {
        req.state = state;
      }
    }
    inFlight.remove(req);
    if (reuseStudent) {
      free.add(req.student);
    }
  }

  Phase current() {
    return current;
  }

  void close() {
    sweeper.shutdownNow();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
