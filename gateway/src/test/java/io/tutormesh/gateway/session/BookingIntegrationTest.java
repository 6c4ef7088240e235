package io.tutormesh.gateway.session;

import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.TestNodes;
import io.tutormesh.gateway.testing.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * POST /v1/bookings against a real node and Cassandra: the saga (tutor's slot, student's hold,
 * BOOKED), the tutor as the single writer of its calendar (ten students racing for one slot, one
 * wins, the others' wallets untouched), bad input, cancellation fees, the booked room and the
 * no-show. Tutors are available around the clock (UTC), and the node books on a 1-minute grid
 * with no minimum notice and no buffer, so that lessons can start within the test; a late
 * cancellation is one within the default 12 h of the start.
 */
class BookingIntegrationTest {

  /** Long enough for a lesson booked on the next minute to start and pass its no-show grace. */
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  /** 30.00 an hour: a 60-minute booking holds 3,000. */
  private static final long RATE = 3000;

  private static Node node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(Map.of(
        "tutormesh.schedule.slot-step", "1m",
        "tutormesh.schedule.min-notice", "0s",
        "tutormesh.schedule.buffer", "0s",
        "tutormesh.room.no-show-grace", "2s"));
    api = new Api(node.httpPort());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop();
    }
  }

  record User(String id, String token) {}

  private static final String ALL_DAY = "{\"timezone\":\"UTC\",\"weekly\":["
      + String.join(",", java.util.stream.Stream.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
          .map(day -> "{\"day\":\"" + day + "\",\"start\":\"00:00\",\"end\":\"24:00\"}").toList())
      + "],\"exceptions\":[]}";

  private static User student(boolean funded) {
    String id = unique("booker");
    String token = api.token(id, "student");
    assertThat(api.put("/v1/students/" + id, token, Fixtures.studentJson("Bea")).status()).isEqualTo(200);
    if (funded) {
      assertThat(Funding.fund(api, id, token)).isEqualTo(Funding.CREDIT_CENTS);
    }
    return new User(id, token);
  }

  private static User tutor() {
    String id = unique("bookee");
    String token = api.token(id, "tutor");
    Reply profile = api.put("/v1/tutors/" + id, token, Fixtures.tutorJson("Tara", "physics", List.of("high"), List.of("en"), RATE));
    assertThat(profile.status()).as(profile.body()).isEqualTo(200);
    Reply schedule = api.put("/v1/tutors/" + id + "/schedule", token, ALL_DAY);
    assertThat(schedule.status()).as(schedule.body()).isEqualTo(200);
    return new User(id, token);
  }

  private static String bookingJson(String tutorId, Object start, int minutes) {
    return """
        {"tutorId":"%s","subject":"physics","level":"high","start":"%s","durationMinutes":%d}
        """.formatted(tutorId, start, minutes);
  }

  private static Reply book(User student, String tutorId, Object start, int minutes) {
    return api.post("/v1/bookings", student.token(), bookingJson(tutorId, start, minutes));
  }

  private static String booked(User student, User tutor, Instant start) {
    Reply reply = book(student, tutor.id(), start, 60);
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    assertThat(reply.json().get("status").asText()).isEqualTo("BOOKED");
    assertThat(reply.header("Location")).contains("/v1/sessions/" + reply.json().get("sessionId").asText());
    return reply.json().get("sessionId").asText();
  }

  /** A slot on the 1-minute grid at least `ahead` from now. */
  private static Instant slot(Duration ahead) {
    Instant at = Instant.now().plus(ahead).truncatedTo(ChronoUnit.MINUTES);
    return at.isBefore(Instant.now().plus(ahead)) ? at.plus(Duration.ofMinutes(1)) : at;
  }

  private static JsonNode session(String sessionId, String token) {
    Reply reply = api.get("/v1/sessions/" + sessionId, token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private static JsonNode wallet(User s) {
    return api.get("/v1/students/" + s.id() + "/wallet", s.token()).json();
  }

  private static <T> T await(Supplier<T> read, Predicate<T> done, String what) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    T last = read.get();
    while (!done.test(last)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + DEADLINE + ": " + what + "; last: " + last);
      }
      TimeUnit.MILLISECONDS.sleep(100); // poll interval, bounded by the deadline
      last = read.get();
    }
    return last;
  }

  private static void awaitWallet(User s, long balance, long held) throws InterruptedException {
    await(() -> wallet(s), w -> w.get("balanceCents").asLong() == balance && w.get("heldCents").asLong() == held,
        "wallet of " + s.id() + " at " + balance + " (held " + held + ")");
  }

  @Test
  void aBookingHoldsTheTutorsRateTimesDurationAndShowsAsBooked() throws Exception {
    User student = student(true);
    User tutor = tutor();
    Instant start = slot(Duration.ofHours(48));
    String sessionId = booked(student, tutor, start);

    JsonNode session = session(sessionId, student.token());
    assertThat(session.get("kind").asText()).isEqualTo("BOOKED");
    assertThat(session.get("status").asText()).isEqualTo("BOOKED");
    assertThat(Instant.parse(session.get("start").asText())).isEqualTo(start);
    assertThat(session.get("tutorId").asText()).isEqualTo(tutor.id());
    assertThat(session.get("durationMinutes").asInt()).isEqualTo(60);
    assertThat(session.get("rateCents").asLong()).isEqualTo(RATE);
    assertThat(session.get("escrow").get("status").asText()).isEqualTo("HELD");
    assertThat(session.get("escrow").get("heldCents").asLong()).isEqualTo(3000);
    assertThat(session(sessionId, tutor.token()).get("status").asText()).as("the tutor sees it").isEqualTo("BOOKED");
    awaitWallet(student, Funding.CREDIT_CENTS - 3000, 3000);

    Reply again = book(student(true), tutor.id(), start, 60);
    assertThat(again.status()).as(again.body()).isEqualTo(409);

    Reply calendar = api.get("/v1/tutors/" + tutor.id() + "/bookings", tutor.token());
    assertThat(calendar.status()).as(calendar.body()).isEqualTo(200);
    assertThat(calendar.json().get("bookings")).hasSize(1);
    JsonNode booking = calendar.json().get("bookings").get(0);
    assertThat(booking.get("sessionId").asText()).isEqualTo(sessionId);
    assertThat(booking.get("studentId").asText()).isEqualTo(student.id());
    assertThat(Instant.parse(booking.get("end").asText())).isEqualTo(start.plus(Duration.ofHours(1)));
    assertThat(api.get("/v1/tutors/" + tutor.id() + "/bookings", student.token()).status()).isEqualTo(403);

    // The tutor's calendar feed has the lesson, as ical4j reads it back.
    Reply ics = api.get("/v1/tutors/" + tutor.id() + "/calendar.ics", tutor.token());
    assertThat(ics.status()).as(ics.body()).isEqualTo(200);
    net.fortuna.ical4j.model.Calendar parsed = new net.fortuna.ical4j.data.CalendarBuilder().build(new java.io.StringReader(ics.body()));
    List<net.fortuna.ical4j.model.component.VEvent> events = parsed.getComponents(net.fortuna.ical4j.model.Component.VEVENT);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getUid().orElseThrow().getValue()).isEqualTo(sessionId);
    assertThat(events.get(0).getDateTimeStart().getValue()).isEqualTo(
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC).format(start));
  }

  @Test
  void tenStudentsRacingForOneSlotMakeExactlyOneBookingAndTheOthersKeepTheirMoney() throws Exception {
    User tutor = tutor();
    List<User> students = IntStream.range(0, 10).mapToObj(i -> student(true)).toList();
    Instant start = slot(Duration.ofHours(24));
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<CompletableFuture<Reply>> replies = students.stream()
          .map(s -> CompletableFuture.supplyAsync(() -> book(s, tutor.id(), start, 60), pool))
          .toList();
      List<Integer> statuses = replies.stream().map(CompletableFuture::join).map(Reply::status).toList();
      assertThat(statuses).as(statuses.toString()).containsOnly(201, 409);
      assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
      for (int i = 0; i < students.size(); i++) {
        boolean won = statuses.get(i) == 201;
        awaitWallet(students.get(i), Funding.CREDIT_CENTS - (won ? 3000 : 0), won ? 3000 : 0);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badBookingsAreRefusedAndLeaveNothingBehind() throws Exception {
    User student = student(true);
    User tutor = tutor();
    Instant free = slot(Duration.ofHours(30));

    assertThat(book(student, tutor.id(), slot(Duration.ofHours(-1)), 60).status()).as("past").isEqualTo(409);
    assertThat(book(student, tutor.id(), free.plusSeconds(5), 60).status()).as("off the grid").isEqualTo(409);
    assertThat(book(student, tutor.id(), free, 10).status()).as("too short").isEqualTo(400);
    assertThat(book(student, tutor.id(), free, 181).status()).as("too long").isEqualTo(400);
    assertThat(book(student, tutor.id(), free.plus(Duration.ofDays(200)), 60).status()).as("beyond the horizon").isEqualTo(409);
    assertThat(book(student, tutor.id(), "tomorrow", 60).status()).as("not an instant").isEqualTo(400);
    assertThat(api.post("/v1/bookings", student.token(), "{\"subject\":\"physics\",\"level\":\"high\",\"start\":\"" + free + "\",\"durationMinutes\":60}").status())
        .as("no tutor").isEqualTo(400);
    assertThat(api.post("/v1/bookings", student.token(), "{not json").status()).isEqualTo(400);
    assertThat(book(student, unique("nobody"), free, 60).status()).as("unknown tutor").isEqualTo(404);
    assertThat(api.post("/v1/bookings", student.token(), bookingJson(tutor.id(), free, 60).replace("physics", "latin")).status())
        .as("a subject the tutor does not teach").isEqualTo(409);
    assertThat(api.post("/v1/bookings", tutor.token(), bookingJson(tutor.id(), free, 60)).status()).as("a tutor token").isEqualTo(403);
    User selfBooker = new User(tutor.id(), api.token(tutor.id(), "student"));
    assertThat(book(selfBooker, tutor.id(), free, 60).status()).as("booking oneself").isEqualTo(409);
    User broke = student(false);
    Reply noMoney = book(broke, tutor.id(), free, 60);
    assertThat(noMoney.status()).as(noMoney.body()).isEqualTo(402);
    assertThat(noMoney.isProblem()).isTrue();

    awaitWallet(student, Funding.CREDIT_CENTS, 0);
    // Nothing was reserved by the refused bookings (the unpaid one's slot released): the slot is still free.
    await(() -> book(student, tutor.id(), free, 60).status(), s -> s == 201, "the slot still bookable");
  }

  @Test
  void aCancellationWellBeforeTheStartGivesEverythingBackAndFreesTheSlot() throws Exception {
    User student = student(true);
    User tutor = tutor();
    Instant start = slot(Duration.ofHours(48));
    String sessionId = booked(student, tutor, start);

    Reply cancelled = api.post("/v1/sessions/" + sessionId + "/cancel", student.token(), null);
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("status").asText()).isEqualTo("CANCELLED");
    assertThat(cancelled.json().get("escrow").get("status").asText()).isEqualTo("REFUNDED");
    awaitWallet(student, Funding.CREDIT_CENTS, 0);
    await(() -> api.get("/v1/tutors/" + tutor.id() + "/bookings", tutor.token()).json().get("bookings"), b -> b.isEmpty(),
        "the lesson gone from the tutor's calendar");
    await(() -> book(student, tutor.id(), start, 60).status(), s -> s == 201, "the slot bookable again");
  }

  @Test
  void aLateCancellationByTheStudentPaysTheTutorItsShare() throws Exception {
    User student = student(true);
    User tutor = tutor();
    String sessionId = booked(student, tutor, slot(Duration.ofHours(2)));

    Reply cancelled = api.post("/v1/sessions/" + sessionId + "/cancel", student.token(), null);
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    JsonNode escrow = cancelled.json().get("escrow");
    assertThat(escrow.get("status").asText()).isEqualTo("RELEASED");
    assertThat(escrow.get("releasedCents").asLong()).isEqualTo(1500);
    assertThat(escrow.get("refundedCents").asLong()).isEqualTo(1500);
    awaitWallet(student, Funding.CREDIT_CENTS - 1500, 0);
    await(() -> api.get("/v1/tutors/" + tutor.id() + "/earnings", tutor.token()).json(),
        e -> e.path("entries").findValuesAsText("sessionId").contains(sessionId), "the tutor credited its share");

    User other = student(true);
    String byTutor = booked(other, tutor, slot(Duration.ofHours(3)));
    Reply tutorCancelled = api.post("/v1/sessions/" + byTutor + "/cancel", tutor.token(), null);
    assertThat(tutorCancelled.json().get("escrow").get("status").asText()).isEqualTo("REFUNDED");
    awaitWallet(other, Funding.CREDIT_CENTS, 0);
  }

  @Test
  void theRoomOpensBeforeTheStartAndACompletedLessonCostsTheBookedPrice() throws Exception {
    User student = student(true);
    User tutor = tutor();
    String later = booked(student, tutor, slot(Duration.ofHours(5)));
    assertThatThrownBy(() -> WsClient.connect(node.wsPort(), "/ws/session/" + later, student.token()).close())
        .as("the room of a lesson hours ahead is not open yet");

    String sessionId = booked(student, tutor, slot(Duration.ofMinutes(5)));
    try (WsClient studentRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, student.token());
        WsClient tutorRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, tutor.token())) {
      studentRoom.await("status", f -> "LIVE".equals(f.get("status").asText()));
      Reply ended = api.post("/v1/sessions/" + sessionId + "/end", tutor.token(), null);
      assertThat(ended.status()).as(ended.body()).isEqualTo(200);
      assertThat(ended.json().get("status").asText()).isEqualTo("COMPLETED");
      assertThat(ended.json().get("escrow").get("releasedCents").asLong()).as("the booked price, not per minute").isEqualTo(3000);
    }
    // The lesson hours ahead still holds its price.
    awaitWallet(student, Funding.CREDIT_CENTS - 6000, 3000);
  }

  @Test
  void aTutorWhoDoesNotComeIsANoShowAfterTheGraceFromTheStart() throws Exception {
    User student = student(true);
    User tutor = tutor();
    String sessionId = booked(student, tutor, slot(Duration.ofSeconds(5)));
    JsonNode session;
    try (WsClient studentRoom = WsClient.connect(node.wsPort(), "/ws/session/" + sessionId, student.token())) {
      studentRoom.await("status");
      session = await(() -> session(sessionId, student.token()), j -> "NO_SHOW".equals(j.path("status").asText()), "NO_SHOW");
    }
    assertThat(session.get("status").asText()).isEqualTo("NO_SHOW");
    assertThat(session.get("escrow").get("status").asText()).isEqualTo("REFUNDED");
    awaitWallet(student, Funding.CREDIT_CENTS, 0);
  }
}
