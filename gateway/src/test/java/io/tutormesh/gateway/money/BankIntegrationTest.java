package io.tutormesh.gateway.money;

import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.auth.JwtAuth;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.session.Fixtures;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
import io.tutormesh.gateway.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bank test of the money: hundreds of concurrent operations over real REST and WebSockets,
 * against the real embedded Cassandra, while entities are stopped at random and the node's
 * ActorSystem is replaced by a new one on the same Cassandra half-way through; then the books.
 *
 * <p>40 students each run two lanes at once on their one wallet: top-ups (random packs; `pm_card_ok`,
 * `pm_wallet_ok`, `pm_transfer_ok`, and `pm_card_declined` / `pm_card_error`, which must credit
 * nothing) and instant lessons with 15 tutors online over `/ws/tutor` who accept every offer (each
 * lesson cancelled right away, cancelled once matched by either side, or joined and ended; some
 * ended lessons disputed and then refunded or released by an admin, some refunded by an admin
 * outright). Each tutor pays out its available earnings now and then, sometimes more than is
 * available (409) or to a failing account (502). Top-ups and payouts are sent again with the same
 * Idempotency-Key, some racing the first attempt, some after its answer. Every client sends a
 * request again, unchanged, on a failed connection or a 503 ({@link RetryingClient}), so nothing is
 * lost by the restarts; only 2xx answers count as acknowledged. Sessions are not remembered here
 * (the keyspace is shared by every test cluster, see {@link TestNodes}): reading each session at the
 * end starts a stopped one again, which resumes its settlement as remembering would.
 *
 * <p>Checked once everything settled: no wallet or earnings negative; every Idempotency-Key applied
 * once (one top-up id per key, one wallet credit per top-up, one payout per key); every acknowledged
 * top-up, payout, cancellation, end, dispute, refund and release present; every session's escrow
 * split exactly (held = captured + refunded; captured = the tutor's net + commission); the ledger
 * balanced, and each of our accounts in it equal to what the entities say.
 *
 * <p>The money equation, from {@link io.tutormesh.engine.ledger.Postings}: every posting moves an
 * amount from one account to another, so all accounts add up to 0. A top-up moves its price out of
 * {@code provider:clearing} and its credit beyond the price plus its bonus out of {@code
 * platform:promotions}, into {@code student:<id>}; a match moves the escrow from the student to
 * {@code escrow:<session>}; a settlement moves the uncaptured part back to the student, the net to
 * {@code tutor:<id>} and the commission to {@code platform:commission}; a refund reverses the net
 * and the commission into the escrow and gives the captured part back to the student; a payout moves
 * money from {@code tutor:<id>} to {@code provider:payouts}. So, for the accounts of this test:
 *
 * <pre>
 *   Σ students (balanceCents + heldCents) + Σ escrow of our sessions
 *     + Σ tutors (availableCents + pendingCents) + Σ tutors' commissionCents
 *   = Σ acknowledged top-ups (priceCents [provider:clearing] + (creditCents − priceCents) + bonusCents [platform:promotions])
 *     − Σ acknowledged payouts (amountCents [provider:payouts])
 * </pre>
 *
 * The ledger check is global (the keyspace is shared with other tests), so it is compared account
 * by account for our students, tutors and sessions; the commission account is shared, so our part
 * of it is the tutors' own {@code commissionCents}.
 */
class BankIntegrationTest {

  private static final Logger log = LoggerFactory.getLogger(BankIntegrationTest.class);

  private static final int STUDENTS = 40;
  private static final int TUTORS = 15;
  private static final int TOP_UPS_PER_STUDENT = 3;
  private static final int LESSONS_PER_STUDENT = 3;
  private static final String SUBJECT = "chemistry";
  private static final String LANGUAGE = "da";
  private static final List<String> PACKS = List.of("starter", "standard", "large");
  private static final List<String> SETTLING_STATUSES = List.of("MATCHING", "MATCHED", "LIVE", "BOOKED");
  /** A client gives up on one request (sent again and again) after this. */
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(90);
  private static final Duration RESTART_DEADLINE = Duration.ofSeconds(120);
  private static final Duration RUN_DEADLINE = Duration.ofSeconds(240);
  private static final Duration SETTLE_DEADLINE = Duration.ofSeconds(90);
  /** The ledger is a projection: events by tag arrive after the plugin's eventual-consistency delay. */
  private static final Duration LEDGER_DEADLINE = Duration.ofSeconds(90);
  private static final Map<String, Object> SETTINGS = Map.ofEntries(
      Map.entry("tutormesh.matching.request-timeout", "15s"),
      Map.entry("tutormesh.matching.offer-timeout", "3s"),
      Map.entry("tutormesh.matching.retry-interval", "300ms"),
      Map.entry("tutormesh.money.dispute-window", "20s"),
      Map.entry("tutormesh.money.payout-delay-after-window", "3s"),
      Map.entry("tutormesh.money.settlement-retry-interval", "500ms"),
      Map.entry("tutormesh.money.provider-retry-interval", "500ms"),
      // A stopped tutor entity learns its socket again at the next heartbeat.
      Map.entry("tutormesh.presence.heartbeat-interval", "2s"),
      Map.entry("tutormesh.room.abandon-timeout", "15s"),
      // A request whose entity was stopped under it is answered 503 (and sent again) sooner.
      Map.entry("tutormesh.ask-timeout", "6s"),
      Map.entry("tutormesh.matching.accept-budget", "6s"),
      Map.entry("pekko.cluster.sharding.entity-restart-backoff", "500ms"));
  private static final JwtAuth SIGNER = JwtAuth.fromSecret(TestNodes.JWT_SECRET, Duration.ZERO);

  private record Student(String id, String token) {}

  /** A tutor online over `/ws/tutor` that accepts every offer; connected again to each new node. */
  private static final class Tutor implements AutoCloseable {
    final String id;
    final String token;
    private volatile WsClient socket;

    Tutor(String id) {
      this.id = id;
      this.token = SIGNER.issue(id, Role.TUTOR, Duration.ofHours(1));
    }

    void connect(int wsPort) throws Exception {
      close();
      socket = WsClient.connect(wsPort, "/ws/tutor", token, (ws, frame) -> {
        if ("offer".equals(frame.path("type").asText())) {
          ws.send("{\"type\":\"accept\",\"offerId\":\"" + frame.get("offerId").asText() + "\"}");
        }
      });
    }

    @Override
    public void close() {
      if (socket != null) {
        socket.close();
      }
    }
  }

  private record TopUpAck(String studentId, String key, String topUpId, long priceCents, long creditCents, long bonusCents) {}

  private record PayoutAck(String tutorId, String key, String payoutId, long amountCents) {}

  /**
   * What the entities say at one moment, read over REST; {@code unstarted}: sessions that a hold
   * names but that never started (their request was withdrawn before anything was written).
   */
  private record Books(Map<String, JsonNode> wallets, Map<String, JsonNode> earnings, Map<String, JsonNode> sessions, Set<String> unstarted) {}

  private RetryingClient bank;
  private String admin;
  private final List<Student> students = new ArrayList<>();
  private final Map<String, Tutor> tutors = new TreeMap<>();
  private final ConcurrentMap<String, TopUpAck> topUps = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, PayoutAck> payouts = new ConcurrentHashMap<>();
  /** Every session we know of, with its student. */
  private final ConcurrentMap<String, String> sessions = new ConcurrentHashMap<>();
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final Set<String> ended = ConcurrentHashMap.newKeySet();
  private final Set<String> disputed = ConcurrentHashMap.newKeySet();
  private final Set<String> refunded = ConcurrentHashMap.newKeySet();
  private final Set<String> released = ConcurrentHashMap.newKeySet();
  private final ConcurrentMap<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
  private final AtomicInteger lessonsDone = new AtomicInteger();
  private final AtomicBoolean payoutsOpen = new AtomicBoolean(true);
  private final AtomicBoolean chaosOn = new AtomicBoolean();
  private final AtomicLong entitiesStopped = new AtomicLong();
  private final ExecutorService lanes = Executors.newCachedThreadPool();
  private final ExecutorService racers = Executors.newCachedThreadPool();
  private final ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopEverything() {
    chaos.shutdownNow();
    lanes.shutdownNow();
    racers.shutdownNow();
    tutors.values().forEach(Tutor::close);
    if (bank != null) {
      bank.node().stop();
    }
  }

  @Test
  void concurrentMoneyThroughRestartsKeepsTheBooksBalanced() throws Exception {
    long seed = System.nanoTime();
    log.info("Bank test seed {}", seed);
    bank = new RetryingClient(TestNodes.start(SETTINGS), CALL_DEADLINE);
    admin = SIGNER.issue(unique("bank-admin"), Role.ADMIN, Duration.ofHours(1));
    openAccounts(seed);

    List<Future<?>> clients = new ArrayList<>();
    for (int i = 0; i < students.size(); i++) {
      Student s = students.get(i);
      Random lessonDice = new Random(seed + 2L * i);
      Random moneyDice = new Random(seed + 2L * i + 1);
      clients.add(lanes.submit(() -> {
        lessonLane(s, lessonDice);
        return null;
      }));
      clients.add(lanes.submit(() -> {
        topUpLane(s, moneyDice);
        return null;
      }));
    }
    List<Future<?>> payers = new ArrayList<>();
    int t = 0;
    for (Tutor tutor : tutors.values()) {
      Random dice = new Random(seed + 1000 + t++);
      payers.add(lanes.submit(() -> {
        payoutLane(tutor, dice);
        return null;
      }));
    }
    Random chaosDice = new Random(seed - 1);
    chaosOn.set(true);
    chaos.scheduleWithFixedDelay(() -> stopSomeEntities(chaosDice), 500, 500, TimeUnit.MILLISECONDS);

    // A third of the way through the lessons (or after 30 s), the node goes and a new one takes over.
    long restartAt = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (lessonsDone.get() < STUDENTS * LESSONS_PER_STUDENT / 3 && System.nanoTime() < restartAt) {
      TimeUnit.MILLISECONDS.sleep(100); // poll interval, bounded by restartAt
    }
    restartNode();

    awaitAll(clients);
    payoutsOpen.set(false);
    awaitAll(payers);
    chaosOn.set(false);
    log.info("Bank test operations: {}; requests sent again: {}; entities stopped: {}", new TreeMap<>(counts()), bank.retries(), entitiesStopped.get());

    assertThat(counts().values().stream().mapToInt(Integer::intValue).sum()).as("operations").isGreaterThanOrEqualTo(300);
    assertThat(entitiesStopped.get()).as("entities stopped in the middle").isPositive();
    assertThat(ended).as("lessons ended").isNotEmpty();
    assertThat(cancelled).as("lessons cancelled").isNotEmpty();
    assertThat(payouts).as("payouts").isNotEmpty();

    Books books = settledBooks();
    checkBooks(books);
    checkLedger(books);
  }

  // --- the accounts ---

  private void openAccounts(long seed) throws Exception {
    for (int i = 0; i < TUTORS; i++) {
      Tutor tutor = new Tutor(unique("bank-tutor"));
      long rate = 2000 + 100L * i;
      Reply profile = bank.call("PUT", "/v1/tutors/" + tutor.id, tutor.token,
          Fixtures.tutorJson("Tess", SUBJECT, List.of("high"), List.of(LANGUAGE), rate), Map.of());
      assertThat(profile.status()).as(profile.body()).isEqualTo(200);
      tutor.connect(bank.wsPort());
      tutors.put(tutor.id, tutor);
    }
    List<Future<?>> registered = new ArrayList<>();
    for (int i = 0; i < STUDENTS; i++) {
      String id = unique("bank-student");
      Student s = new Student(id, SIGNER.issue(id, Role.STUDENT, Duration.ofHours(1)));
      students.add(s);
      Random dice = new Random(seed + 5000 + i);
      registered.add(lanes.submit(() -> {
        Reply profile = bank.call("PUT", "/v1/students/" + s.id(), s.token(), Fixtures.studentJson("Sam"), Map.of());
        assertThat(profile.status()).as(profile.body()).isEqualTo(200);
        topUp(s, "large", "pm_card_ok", dice);
        return null;
      }));
    }
    awaitAll(registered);
    for (Tutor tutor : tutors.values()) {
      awaitOnline(tutor);
    }
  }

  private void awaitOnline(Tutor tutor) throws InterruptedException {
    Lessons.await(() -> bank.get("/v1/tutors/" + tutor.id, tutor.token).json(), j -> "ONLINE".equals(j.path("presence").asText()),
        "tutor " + tutor.id + " online", CALL_DEADLINE);
  }

  // --- restarts ---

  /** Stops the node's ActorSystem completely (clients keep retrying) and starts a new node on the same Cassandra. */
  private void restartNode() throws Exception {
    chaosOn.set(false);
    Node old = bank.node();
    old.stop();
    old.whenTerminated().toCompletableFuture().get(RESTART_DEADLINE.toSeconds(), TimeUnit.SECONDS); // the ActorSystem is gone
    bank.switchTo(TestNodes.start(SETTINGS));
    for (Tutor tutor : tutors.values()) {
      tutor.connect(bank.wsPort());
    }
    chaosOn.set(true);
    count("node restarted");
  }

  /** Stops a random student, tutor and session entity of ours, if running (a crash: no passivation). */
  private void stopSomeEntities(Random dice) {
    if (!chaosOn.get()) {
      return;
    }
    Node node = bank.node();
    stopEntity(node, StudentEntity.ENTITY_KEY.name(), students.get(dice.nextInt(students.size())).id());
    List<String> tutorIds = List.copyOf(tutors.keySet());
    stopEntity(node, TutorEntity.ENTITY_KEY.name(), tutorIds.get(dice.nextInt(tutorIds.size())));
    List<String> sessionIds = List.copyOf(sessions.keySet());
    if (!sessionIds.isEmpty()) {
      stopEntity(node, SessionEntity.ENTITY_KEY.name(), sessionIds.get(dice.nextInt(sessionIds.size())));
    }
  }

  /** Sharding runs entity `id` of `type` as `/system/sharding/{type}/{shard}/{id}`; a PoisonPill stops it wherever it is. */
  private void stopEntity(Node node, String type, String id) {
    Adapter.toClassic(node.system())
        .actorSelection("/system/sharding/" + type + "/*/" + id)
        .resolveOne(Duration.ofSeconds(1))
        .thenAccept(entity -> {
          entity.tell(PoisonPill.getInstance(), ActorRef.noSender());
          entitiesStopped.incrementAndGet();
        }); // not running: nothing to stop
  }

  // --- the clients ---

  private void topUpLane(Student s, Random dice) throws Exception {
    for (int i = 0; i < TOP_UPS_PER_STUDENT; i++) {
      TimeUnit.MILLISECONDS.sleep(dice.nextInt(1500)); // think time
      int roll = dice.nextInt(10);
      String method = roll < 5 ? "pm_card_ok" : roll < 6 ? "pm_wallet_ok" : roll < 7 ? "pm_transfer_ok" : roll < 8 ? "pm_card_declined" : "pm_card_error";
      topUp(s, PACKS.get(dice.nextInt(PACKS.size())), method, dice);
    }
  }

  /** One top-up under a fresh key, maybe sent again (racing, or after the answer): every answer the same. */
  private void topUp(Student s, String packId, String method, Random dice) throws Exception {
    String key = UUID.randomUUID().toString();
    String body = "{\"packId\":\"" + packId + "\",\"paymentMethod\":\"" + method + "\"}";
    List<Reply> answers = sameKey(
        () -> bank.call("POST", "/v1/students/" + s.id() + "/wallet/top-ups", s.token(), body, Map.of("Idempotency-Key", key)), dice);
    int expected = switch (method) {
      case "pm_card_declined" -> 402;
      case "pm_card_error" -> 502;
      default -> 201;
    };
    for (Reply answer : answers) {
      assertThat(answer.status()).as(method + ": " + answer.body()).isEqualTo(expected);
    }
    count("top-up " + expected);
    if (expected != 201) {
      return;
    }
    assertThat(answers.stream().map(a -> a.json().get("topUpId").asText()).distinct()).as("one top-up per key").hasSize(1);
    JsonNode paid = answers.get(0).json();
    assertThat(paid.get("status").asText()).isEqualTo("SUCCEEDED");
    topUps.put(key, new TopUpAck(s.id(), key, paid.get("topUpId").asText(), paid.get("priceCents").asLong(),
        paid.get("creditCents").asLong(), paid.get("bonusCents").asLong()));
  }

  private void payoutLane(Tutor tutor, Random dice) throws Exception {
    while (payoutsOpen.get()) {
      TimeUnit.MILLISECONDS.sleep(800 + dice.nextInt(1200)); // think time
      Reply earnings = bank.get("/v1/tutors/" + tutor.id + "/earnings", tutor.token);
      assertThat(earnings.status()).as(earnings.body()).isEqualTo(200);
      long available = earnings.json().get("availableCents").asLong();
      assertThat(available).as("available earnings of " + tutor.id).isNotNegative();
      if (available == 0) {
        continue;
      }
      int roll = dice.nextInt(100);
      if (roll < 15) {
        payout(tutor, available + 1 + dice.nextInt(500), "acct_ok", dice); // more than available: 409
      } else if (roll < 22) {
        payout(tutor, Math.min(available, 100), "acct_error", dice); // the provider fails: 502
      } else if (roll < 50) {
        payout(tutor, available, "acct_ok", dice);
      } else {
        payout(tutor, 1 + (long) (dice.nextDouble() * available), "acct_ok", dice);
      }
    }
  }

  /**
   * One payout under a fresh key, maybe sent again. A 409 (more than available) records nothing, so
   * a later attempt may pay if earnings became available meanwhile; every 201 is the same payout.
   */
  private void payout(Tutor tutor, long amountCents, String account, Random dice) throws Exception {
    String key = UUID.randomUUID().toString();
    String body = Lessons.payoutJson(amountCents, account);
    List<Reply> answers = sameKey(
        () -> bank.call("POST", "/v1/tutors/" + tutor.id + "/payouts", tutor.token, body, Map.of("Idempotency-Key", key)), dice);
    for (Reply answer : answers) {
      assertThat(answer.status()).as(answer.body()).isIn(account.equals("acct_error") ? List.of(502) : List.of(201, 409));
      count("payout " + answer.status());
    }
    List<Reply> paid = answers.stream().filter(a -> a.status() == 201).toList();
    if (paid.isEmpty()) {
      return;
    }
    assertThat(paid.stream().map(a -> a.json().get("payoutId").asText()).distinct()).as("one payout per key").hasSize(1);
    JsonNode first = paid.get(0).json();
    assertThat(first.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(first.get("amountCents").asLong()).isEqualTo(amountCents);
    assertThat(first.get("availableCents").asLong()).isNotNegative();
    payouts.put(key, new PayoutAck(tutor.id, key, first.get("payoutId").asText(), amountCents));
  }

  /** The attempt, plus (a third of the time) the same request racing it, plus (a quarter) once more after its answer. */
  private List<Reply> sameKey(Supplier<Reply> attempt, Random dice) throws Exception {
    CompletableFuture<Reply> racing = dice.nextInt(3) == 0 ? CompletableFuture.supplyAsync(attempt, racers) : null;
    List<Reply> answers = new ArrayList<>();
    answers.add(attempt.get());
    if (racing != null) {
      answers.add(racing.get(CALL_DEADLINE.toSeconds() + 10, TimeUnit.SECONDS));
    }
    if (dice.nextInt(4) == 0) {
      answers.add(attempt.get());
    }
    return answers;
  }

  private void lessonLane(Student s, Random dice) throws Exception {
    for (int i = 0; i < LESSONS_PER_STUDENT; i++) {
      try {
        TimeUnit.MILLISECONDS.sleep(dice.nextInt(1000)); // think time
        lesson(s, dice);
      } finally {
        lessonsDone.incrementAndGet();
      }
    }
  }

  private void lesson(Student s, Random dice) throws Exception {
    long maxRateCents = 3500 + 100L * dice.nextInt(16); // at least every tutor's rate
    int minutes = 30 + 15 * dice.nextInt(4);
    Reply requested = bank.post("/v1/instant-requests", s.token(), Fixtures.instantJson(SUBJECT, "high", LANGUAGE, maxRateCents, minutes));
    assertThat(requested.status()).as(requested.body()).isIn(202, 402, 409);
    count("instant request " + requested.status());
    if (requested.status() != 202) {
      return; // not enough credit (a top-up failed or is still to come), or a retried request still open
    }
    String sessionId = requested.json().get("sessionId").asText();
    sessions.put(sessionId, s.id());
    int roll = dice.nextInt(100);
    if (roll < 10) {
      cancel(sessionId, s.token());
      return;
    }
    JsonNode session = Lessons.await(() -> read(sessionId, s.token()), j -> !"MATCHING".equals(j.get("status").asText()),
        "session " + sessionId + " out of MATCHING", CALL_DEADLINE);
    String status = session.get("status").asText();
    if (!"MATCHED".equals(status)) {
      count("lesson " + status);
      return;
    }
    Tutor tutor = tutors.get(session.get("tutorId").asText());
    assertThat(tutor).as("matched with one of our tutors: " + session).isNotNull();
    if (roll < 30) {
      cancel(sessionId, dice.nextBoolean() ? s.token() : tutor.token);
      return;
    }
    if (!taught(sessionId, s, tutor, dice)) {
      return;
    }
    int next = dice.nextInt(100);
    if (next < 35) {
      disputeAndResolve(sessionId, s, dice);
    } else if (next < 42) {
      Reply refund = whileSettling(() -> bank.post("/v1/admin/sessions/" + sessionId + "/refund", admin, "{\"reason\":\"goodwill\"}"));
      acknowledged("admin refund", refund, refunded, sessionId, "REFUNDED");
    }
  }

  private void cancel(String sessionId, String token) {
    Reply cancel = bank.post("/v1/sessions/" + sessionId + "/cancel", token, null);
    acknowledged("cancel", cancel, cancelled, sessionId, "CANCELLED");
  }

  /**
   * A 200 is acknowledged (and must show `status`); a 409 is not (the session had moved on, or a
   * retry found its first attempt applied and the answer lost with the old node).
   */
  private void acknowledged(String what, Reply reply, Set<String> acks, String sessionId, String status) {
    assertThat(reply.status()).as(what + " " + sessionId + ": " + reply.body()).isIn(200, 409);
    count(what + " " + reply.status());
    if (reply.status() == 200) {
      assertThat(reply.json().get("status").asText()).as(reply.body()).isEqualTo(status);
      acks.add(sessionId);
    }
  }

  /** Both join the room (again on a new node), and one of them ends the lesson once it is LIVE. */
  private boolean taught(String sessionId, Student s, Tutor tutor, Random dice) throws Exception {
    List<WsClient> room = new ArrayList<>();
    int roomPort = -1;
    long end = System.nanoTime() + CALL_DEADLINE.toNanos();
    try {
      while (true) {
        JsonNode session = read(sessionId, s.token());
        String status = session.get("status").asText();
        if ("LIVE".equals(status)) {
          break;
        }
        if (!"MATCHED".equals(status)) {
          count("lesson " + status + " before it went live");
          return false;
        }
        if (roomPort != bank.wsPort() || room.size() < 2 || !room.stream().allMatch(WsClient::isOpen)) {
          room.forEach(WsClient::close);
          room.clear();
          roomPort = bank.wsPort();
          try {
            room.add(WsClient.connect(roomPort, "/ws/session/" + sessionId, s.token()));
            room.add(WsClient.connect(roomPort, "/ws/session/" + sessionId, tutor.token));
          } catch (ExecutionException | TimeoutException e) {
            count("room join refused or slow (the node is going, or busy): joined again");
            roomPort = -1;
          }
        }
        if (System.nanoTime() > end) {
          throw new AssertionError("session " + sessionId + " did not go live within " + CALL_DEADLINE + ": " + session);
        }
        TimeUnit.MILLISECONDS.sleep(100); // poll interval, bounded by the deadline
      }
      Reply ending = bank.post("/v1/sessions/" + sessionId + "/end", dice.nextBoolean() ? s.token() : tutor.token, "{}");
      acknowledged("end", ending, ended, sessionId, "COMPLETED");
      return ending.status() == 200;
    } finally {
      room.forEach(WsClient::close);
    }
  }

  private void disputeAndResolve(String sessionId, Student s, Random dice) throws InterruptedException {
    Reply dispute = whileSettling(() -> bank.post("/v1/sessions/" + sessionId + "/dispute", s.token(), "{\"reason\":\"the tutor left early\"}"));
    acknowledged("dispute", dispute, disputed, sessionId, "DISPUTED");
    if (!"DISPUTED".equals(read(sessionId, admin).get("status").asText())) {
      return;
    }
    if (dice.nextBoolean()) {
      Reply refund = whileSettling(() -> bank.post("/v1/admin/sessions/" + sessionId + "/refund", admin, "{\"reason\":\"upheld\"}"));
      acknowledged("dispute refund", refund, refunded, sessionId, "REFUNDED");
    } else {
      Reply release = whileSettling(() -> bank.post("/v1/admin/sessions/" + sessionId + "/release", admin, "{\"reason\":\"rejected\"}"));
      acknowledged("dispute release", release, released, sessionId, "COMPLETED");
    }
  }

  /** A dispute step is refused (409) while the session's money is still being settled: asked again until it is not. */
  private static Reply whileSettling(Supplier<Reply> step) throws InterruptedException {
    return Lessons.await(step, r -> r.status() != 409 || !r.json().path("detail").asText().contains("still being settled"),
        "the settlement done", CALL_DEADLINE);
  }

  private JsonNode read(String sessionId, String token) {
    Reply reply = bank.get("/v1/sessions/" + sessionId, token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
  }

  private Map<String, Integer> counts() {
    Map<String, Integer> counts = new HashMap<>();
    outcomes.forEach((outcome, n) -> counts.put(outcome, n.get()));
    return counts;
  }

  private static void awaitAll(List<Future<?>> futures) throws Exception {
    long end = System.nanoTime() + RUN_DEADLINE.toNanos();
    for (Future<?> future : futures) {
      try {
        future.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error error) {
          throw error; // a failed assertion of a client
        }
        throw e;
      }
    }
  }

  // --- the books ---

  /** The books once nothing moves any more: no hold, every session ended and its money where it goes. */
  private Books settledBooks() throws InterruptedException {
    long end = System.nanoTime() + SETTLE_DEADLINE.toNanos();
    Books books = books();
    List<String> moving = unsettled(books);
    while (!moving.isEmpty()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not settled within " + SETTLE_DEADLINE + ": " + moving);
      }
      TimeUnit.MILLISECONDS.sleep(250); // poll interval, bounded by the deadline
      books = books();
      moving = unsettled(books);
    }
    return books;
  }

  private Books books() {
    Map<String, JsonNode> wallets = new TreeMap<>();
    for (Student s : students) {
      Reply wallet = bank.get("/v1/students/" + s.id() + "/wallet", s.token());
      assertThat(wallet.status()).as(wallet.body()).isEqualTo(200);
      wallets.put(s.id(), wallet.json());
      // Sessions whose 202 was lost with a restart are ours too: their holds name them.
      for (JsonNode entry : wallet.json().get("entries")) {
        if ("HOLD".equals(entry.get("kind").asText())) {
          sessions.putIfAbsent(entry.get("reference").asText(), s.id());
        }
      }
    }
    Map<String, JsonNode> earnings = new TreeMap<>();
    for (Tutor tutor : tutors.values()) {
      Reply reply = bank.get("/v1/tutors/" + tutor.id + "/earnings", tutor.token);
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      earnings.put(tutor.id, reply.json());
    }
    Map<String, JsonNode> read = new TreeMap<>();
    Set<String> unstarted = new HashSet<>();
    for (String id : sessions.keySet()) {
      Reply session = bank.get("/v1/sessions/" + id, admin);
      assertThat(session.status()).as(session.body()).isIn(200, 404);
      if (session.status() == 404) {
        unstarted.add(id);
      } else {
        read.put(id, session.json());
      }
    }
    return new Books(wallets, earnings, read, unstarted);
  }

  /** What is still moving: empty once every hold is gone and every session's saga is done. */
  private List<String> unsettled(Books books) {
    List<String> moving = new ArrayList<>();
    books.unstarted().forEach(id -> {
      JsonNode wallet = books.wallets().get(sessions.get(id));
      if (entries(wallet, "HOLD_RELEASED", id).isEmpty()) {
        moving.add("the hold of " + id + " (never started) not released");
      }
    });
    books.wallets().forEach((id, w) -> {
      if (w.get("heldCents").asLong() != 0) {
        moving.add("student " + id + " holds " + w.get("heldCents").asLong());
      }
    });
    books.sessions().forEach((id, session) -> {
      String status = session.get("status").asText();
      if (SETTLING_STATUSES.contains(status)) {
        moving.add("session " + id + " " + status);
      } else if (taught(session)) {
        JsonNode credit = credit(books, session);
        String expected = switch (status) {
          case "REFUNDED" -> "REFUNDED";
          case "DISPUTED" -> "DISPUTED";
          default -> null;
        };
        if (credit == null || (expected != null && !expected.equals(credit.get("status").asText()))
            || (expected == null && "DISPUTED".equals(credit.get("status").asText()))) {
          moving.add("credit of " + id + " (" + status + "): " + credit);
        }
        if ("REFUNDED".equals(status) && entries(books.wallets().get(session.get("studentId").asText()), "SESSION_REFUND", id).isEmpty()) {
          moving.add("refund of " + id + " not in the wallet");
        }
      }
    });
    return moving;
  }

  /** The lesson went live and was ended: the student was charged and the tutor credited. */
  private static boolean taught(JsonNode session) {
    return session.get("timeline").findValuesAsText("status").contains("COMPLETED");
  }

  private static JsonNode credit(Books books, JsonNode session) {
    JsonNode earnings = books.earnings().get(session.get("tutorId").asText());
    for (JsonNode entry : earnings.get("entries")) {
      if (entry.get("sessionId").asText().equals(session.get("sessionId").asText())) {
        return entry;
      }
    }
    return null;
  }

  private static List<JsonNode> entries(JsonNode wallet, String kind, String reference) {
    return StreamSupport.stream(wallet.get("entries").spliterator(), false)
        .filter(e -> e.get("kind").asText().equals(kind) && e.get("reference").asText().equals(reference))
        .toList();
  }

  private void checkBooks(Books books) {
    // Nothing negative; every list complete (the views show the latest 100).
    books.wallets().forEach((id, w) -> {
      assertThat(w.get("balanceCents").asLong()).as("balance of " + id).isNotNegative();
      assertThat(w.get("heldCents").asLong()).as("held of " + id).isNotNegative();
      assertThat(w.get("entries").size()).as("entries of " + id).isLessThan(100);
    });
    books.earnings().forEach((id, e) -> {
      for (String field : List.of("availableCents", "pendingCents", "paidOutCents", "commissionCents")) {
        assertThat(e.get(field).asLong()).as(field + " of " + id).isNotNegative();
      }
      assertThat(e.get("entries").size()).as("credits of " + id).isLessThan(100);
      assertThat(e.get("payouts").size()).as("payouts of " + id).isLessThan(100);
    });

    // Each key applied once, each acknowledged top-up credited once, nothing else credited.
    for (Student s : students) {
      JsonNode wallet = books.wallets().get(s.id());
      List<TopUpAck> acked = topUps.values().stream().filter(a -> a.studentId().equals(s.id())).toList();
      Map<String, Long> credited = new HashMap<>();
      for (JsonNode entry : wallet.get("entries")) {
        String kind = entry.get("kind").asText();
        if (kind.equals("TOP_UP") || kind.equals("BONUS")) {
          Long before = credited.put(kind + " " + entry.get("reference").asText(), entry.get("amountCents").asLong());
          assertThat(before).as("top-up " + kind + " " + entry + " credited twice to " + s.id()).isNull();
        }
      }
      Map<String, Long> expected = new HashMap<>();
      for (TopUpAck ack : acked) {
        expected.put("TOP_UP " + ack.topUpId(), ack.creditCents());
        if (ack.bonusCents() > 0) {
          expected.put("BONUS " + ack.topUpId(), ack.bonusCents());
        }
      }
      assertThat(credited).as("top-ups credited to " + s.id()).isEqualTo(expected);
    }
    assertThat(topUps.values().stream().map(TopUpAck::topUpId).distinct().count()).as("one top-up id per key").isEqualTo(topUps.size());

    // Each acknowledged payout paid once, nothing else paid.
    for (Tutor tutor : tutors.values()) {
      JsonNode earnings = books.earnings().get(tutor.id);
      Map<String, Long> paid = new HashMap<>();
      for (JsonNode p : earnings.get("payouts")) {
        assertThat(p.get("status").asText()).as(p.toString()).isIn("SUCCEEDED", "FAILED", "DECLINED");
        if (p.get("status").asText().equals("SUCCEEDED")) {
          assertThat(paid.put(p.get("payoutId").asText(), p.get("amountCents").asLong())).as("payout listed twice: " + p).isNull();
        }
      }
      Map<String, Long> expected = new HashMap<>();
      payouts.values().stream().filter(a -> a.tutorId().equals(tutor.id)).forEach(a -> expected.put(a.payoutId(), a.amountCents()));
      assertThat(paid).as("payouts of " + tutor.id).isEqualTo(expected);
      assertThat(earnings.get("paidOutCents").asLong()).isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
    }

    // Every acknowledged session operation is there, and every escrow split exactly.
    Map<String, JsonNode> all = books.sessions();
    cancelled.forEach(id -> assertThat(all.get(id).get("status").asText()).as(all.get(id).toString()).isEqualTo("CANCELLED"));
    ended.forEach(id -> assertThat(taught(all.get(id))).as(all.get(id).toString()).isTrue());
    disputed.forEach(id -> assertThat(all.get(id).get("timeline").findValuesAsText("status")).as(all.get(id).toString()).contains("DISPUTED"));
    refunded.forEach(id -> assertThat(all.get(id).get("status").asText()).as(all.get(id).toString()).isEqualTo("REFUNDED"));
    released.forEach(id -> {
      assertThat(all.get(id).get("status").asText()).as(all.get(id).toString()).isEqualTo("COMPLETED");
      assertThat(credit(books, all.get(id)).get("status").asText()).isEqualTo("AVAILABLE");
    });
    long escrowOutstanding = 0;
    for (JsonNode session : all.values()) {
      String id = session.get("sessionId").asText();
      JsonNode escrow = session.get("escrow");
      JsonNode wallet = books.wallets().get(session.get("studentId").asText());
      if (escrow.get("status").asText().equals("HELD")) {
        escrowOutstanding += escrow.get("heldCents").asLong();
      } else if (!escrow.get("status").asText().equals("NONE")) {
        assertThat(escrow.get("heldCents").asLong()).as("escrow split of " + session)
            .isEqualTo(escrow.get("releasedCents").asLong() + escrow.get("refundedCents").asLong());
      }
      List<JsonNode> charges = entries(wallet, "CHARGE", id);
      if (!taught(session)) {
        assertThat(charges.stream().mapToLong(c -> c.get("amountCents").asLong()).sum()).as("charged for " + session).isZero();
        continue;
      }
      JsonNode credit = credit(books, session);
      long gross = credit.get("grossCents").asLong();
      assertThat(gross).as("credit of " + session).isPositive();
      assertThat(credit.get("netCents").asLong() + credit.get("commissionCents").asLong()).as(credit.toString()).isEqualTo(gross);
      assertThat(charges).as("charges for " + id).hasSize(1);
      assertThat(charges.get(0).get("amountCents").asLong()).as("charge for " + session).isEqualTo(-gross);
      if (session.get("status").asText().equals("REFUNDED")) {
        assertThat(credit.get("status").asText()).isEqualTo("REFUNDED");
        assertThat(entries(wallet, "SESSION_REFUND", id)).singleElement()
            .satisfies(refund -> assertThat(refund.get("amountCents").asLong()).isEqualTo(gross));
      } else {
        assertThat(escrow.get("releasedCents").asLong()).as("captured for " + session).isEqualTo(gross);
        assertThat(entries(wallet, "SESSION_REFUND", id)).isEmpty();
      }
    }
    assertThat(escrowOutstanding).as("escrow outstanding once settled").isZero();

    // Money in minus money out is where it should be.
    long students = books.wallets().values().stream().mapToLong(w -> w.get("balanceCents").asLong() + w.get("heldCents").asLong()).sum();
    long tutorsOwed = books.earnings().values().stream().mapToLong(e -> e.get("availableCents").asLong() + e.get("pendingCents").asLong()).sum();
    long commission = books.earnings().values().stream().mapToLong(e -> e.get("commissionCents").asLong()).sum();
    long moneyIn = topUps.values().stream().mapToLong(a -> a.priceCents() + (a.creditCents() - a.priceCents()) + a.bonusCents()).sum();
    long moneyOut = payouts.values().stream().mapToLong(PayoutAck::amountCents).sum();
    log.info("Bank test books: students {} + escrow {} + tutors {} + commission {} = in {} - out {}",
        students, escrowOutstanding, tutorsOwed, commission, moneyIn, moneyOut);
    assertThat(students + escrowOutstanding + tutorsOwed + commission).as("the money equation").isEqualTo(moneyIn - moneyOut);
  }

  private JsonNode ledger() {
    Reply reply = bank.get("/v1/admin/ledger/check", admin);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  /** Our accounts whose ledger balance is not what the entities say (yet), with both amounts. */
  private static Map<String, String> behind(JsonNode check, Map<String, Long> expected) {
    Map<String, String> behind = new TreeMap<>();
    expected.forEach((account, cents) -> {
      long posted = Lessons.account(check, account);
      if (posted != cents) {
        behind.put(account, posted + " / " + cents);
      }
    });
    return behind;
  }

  /** The ledger projection catches up with every one of our accounts, and is balanced. */
  private void checkLedger(Books books) throws InterruptedException {
    Map<String, Long> expected = new TreeMap<>();
    books.wallets().forEach((id, w) -> expected.put("student:" + id, w.get("balanceCents").asLong() + w.get("heldCents").asLong()));
    books.earnings().forEach((id, e) -> expected.put("tutor:" + id, e.get("availableCents").asLong() + e.get("pendingCents").asLong()));
    books.sessions().keySet().forEach(id -> expected.put("escrow:" + id, 0L));
    long end = System.nanoTime() + LEDGER_DEADLINE.toNanos();
    JsonNode check = ledger();
    Map<String, String> behind = behind(check, expected);
    while (!behind.isEmpty()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("the ledger did not catch up with our accounts within " + LEDGER_DEADLINE + " (ledger / entities): " + behind);
      }
      TimeUnit.MILLISECONDS.sleep(500); // poll interval, bounded by the deadline
      check = ledger();
      behind = behind(check, expected);
    }
    assertThat(check.get("balanced").asBoolean()).as("balanced").isTrue();
    assertThat(check.get("debitsCents").asLong()).isEqualTo(check.get("creditsCents").asLong());
    assertThat(check.get("reconciliation").asText()).isIn("RECONCILED", "LAGGING");
    JsonNode caughtUp = check;
    long ledgerOurs = expected.keySet().stream().mapToLong(a -> Lessons.account(caughtUp, a)).sum();
    long commission = books.earnings().values().stream().mapToLong(e -> e.get("commissionCents").asLong()).sum();
    long moneyIn = topUps.values().stream().mapToLong(a -> a.creditCents() + a.bonusCents()).sum();
    long moneyOut = payouts.values().stream().mapToLong(PayoutAck::amountCents).sum();
    assertThat(ledgerOurs + commission).as("the money equation in the ledger").isEqualTo(moneyIn - moneyOut);
  }
}
