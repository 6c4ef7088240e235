package io.tutormesh.gateway.session;

import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.TestNodes;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The students' side of bookings, the acknowledged slot release and rescheduling, against a real
 * node and Cassandra: a student's bookings list and calendar feed (its own, others' refused), a
 * cancelled lesson leaving both and its slot bookable again, and {@code POST
 * /v1/sessions/{id}/reschedule} (the new slot first, the escrow moved whole, the old session
 * CANCELLED with its slot freed; every refusal leaves the old booking as it was). Tutors are
 * available around the clock (UTC) on a 1-minute grid without notice or buffer.
 */
class BookingLifecycleIntegrationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  /** 30.00 an hour: a 60-minute booking holds 3,000. */
  private static final long RATE = 3000;

  private static Node node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(Map.of(
        "tutormesh.schedule.slot-step", "1m",
        "tutormesh.schedule.min-notice", "0s",
        "tutormesh.schedule.buffer", "0s"));
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

  private static User student() {
    String id = unique("learner");
    String token = api.token(id, "student");
    assertThat(api.put("/v1/students/" + id, token, Fixtures.studentJson("Bea")).status()).isEqualTo(200);
    assertThat(Funding.fund(api, id, token)).isEqualTo(Funding.CREDIT_CENTS);
    return new User(id, token);
  }

  private static User tutor() {
    String id = unique("teacher");
    String token = api.token(id, "tutor");
    Reply profile = api.put("/v1/tutors/" + id, token, Fixtures.tutorJson("Tara", "physics", List.of("high"), List.of("en"), RATE));
    assertThat(profile.status()).as(profile.body()).isEqualTo(200);
    Reply schedule = api.put("/v1/tutors/" + id + "/schedule", token, ALL_DAY);
    assertThat(schedule.status()).as(schedule.body()).isEqualTo(200);
    return new User(id, token);
  }

  private static Reply book(User student, String tutorId, Object start) {
    return api.post("/v1/bookings", student.token(), """
        {"tutorId":"%s","subject":"physics","level":"high","start":"%s","durationMinutes":60}
        """.formatted(tutorId, start));
  }

  private static String booked(User student, User tutor, Instant start) {
    Reply reply = book(student, tutor.id(), start);
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("sessionId").asText();
  }

  private static Reply reschedule(String sessionId, User who, Object start) {
    return api.post("/v1/sessions/" + sessionId + "/reschedule", who.token(), "{\"start\":\"" + start + "\"}");
  }

  /** A slot on the 1-minute grid at least `ahead` from now. */
  private static Instant slot(Duration ahead) {
    Instant at = Instant.now().plus(ahead).truncatedTo(ChronoUnit.MINUTES);
    return at.isBefore(Instant.now().plus(ahead)) ? at.plus(Duration.ofMinutes(1)) : at;
  }

  private static JsonNode bookings(User student) {
    Reply reply = api.get("/v1/students/" + student.id() + "/bookings", student.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("bookings");
  }

  private static JsonNode tutorBookings(User tutor) {
    return api.get("/v1/tutors/" + tutor.id() + "/bookings", tutor.token()).json().get("bookings");
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

  private static List<String> sessionIdsOf(JsonNode bookings) {
    List<String> ids = new java.util.ArrayList<>();
    bookings.forEach(b -> ids.add(b.get("sessionId").asText()));
    return ids;
  }

  // --- 1. the student's bookings and calendar ---

  @Test
  void aStudentListsItsBookingsAndSubscribesToThemAndACancelledLessonLeavesBoth() throws Exception {
    User student = student();
    User tutor = tutor();
    Instant start = slot(Duration.ofHours(40));
    String sessionId = booked(student, tutor, start);

    JsonNode mine = bookings(student);
    assertThat(mine).hasSize(1);
    JsonNode lesson = mine.get(0);
    assertThat(lesson.get("sessionId").asText()).isEqualTo(sessionId);
    assertThat(lesson.get("tutorId").asText()).isEqualTo(tutor.id());
    assertThat(lesson.get("studentId").asText()).isEqualTo(student.id());
    assertThat(lesson.get("subject").asText()).isEqualTo("physics");
    assertThat(lesson.get("level").asText()).isEqualTo("high");
    assertThat(Instant.parse(lesson.get("start").asText())).isEqualTo(start);
    assertThat(Instant.parse(lesson.get("end").asText())).isEqualTo(start.plus(Duration.ofHours(1)));
    JsonNode theirs = tutorBookings(tutor).get(0);
    assertThat(theirs.get("tutorId").asText()).as("the tutor's items have the same shape").isEqualTo(tutor.id());
    assertThat(theirs.get("subject").asText()).isEqualTo("physics");

    User other = student();
    assertThat(api.get("/v1/students/" + student.id() + "/bookings", other.token()).status()).as("another student").isEqualTo(403);
    assertThat(api.get("/v1/students/" + student.id() + "/bookings", tutor.token()).status()).as("a tutor").isEqualTo(403);
    assertThat(api.get("/v1/students/" + student.id() + "/bookings", null).status()).as("no token").isEqualTo(401);
    Reply forbidden = api.get("/v1/students/" + student.id() + "/bookings", other.token());
    assertThat(forbidden.isProblem()).isTrue();
    String admin = api.token(unique("admin"), "admin");
    assertThat(api.get("/v1/students/" + student.id() + "/bookings", admin).status()).isEqualTo(200);
    assertThat(api.get("/v1/students/bad%20id/bookings", admin).status()).as("a malformed id").isEqualTo(400);
    assertThat(api.get("/v1/students/" + unique("nobody") + "/bookings", admin).status()).as("unknown").isEqualTo(404);

    Reply ics = api.get("/v1/students/" + student.id() + "/calendar.ics", student.token());
    assertThat(ics.status()).as(ics.body()).isEqualTo(200);
    net.fortuna.ical4j.model.Calendar parsed = new net.fortuna.ical4j.data.CalendarBuilder().build(new java.io.StringReader(ics.body()));
    List<net.fortuna.ical4j.model.component.VEvent> events = parsed.getComponents(net.fortuna.ical4j.model.Component.VEVENT);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getUid().orElseThrow().getValue()).isEqualTo(sessionId);
    assertThat(events.get(0).getSummary().getValue()).contains("physics").contains(tutor.id());
    assertThat(api.get("/v1/students/" + student.id() + "/calendar.ics", other.token()).status()).isEqualTo(403);

    Reply feed = api.get("/v1/students/" + student.id() + "/calendar-feed", student.token());
    assertThat(feed.status()).as(feed.body()).isEqualTo(200);
    URI url = URI.create(feed.json().get("url").asText());
    Reply subscribed = api.get(url.getRawPath() + "?" + url.getRawQuery(), null);
    assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(200);
    assertThat(subscribed.body()).contains("UID:" + sessionId);
    assertThat(api.get("/v1/students/" + student.id() + "/calendar.ics?feed=wrong", null).status()).isEqualTo(403);

    // --- 2. cancelled: gone from the student's list and feed; the slot's release is acknowledged, so it is bookable again ---
    assertThat(api.post("/v1/sessions/" + sessionId + "/cancel", student.token(), null).status()).isEqualTo(200);
    await(() -> bookings(student), JsonNode::isEmpty, "the lesson gone from the student's bookings");
    assertThat(api.get("/v1/students/" + student.id() + "/calendar.ics", student.token()).body()).doesNotContain(sessionId);
    await(() -> tutorBookings(tutor), JsonNode::isEmpty, "the slot released in the tutor's calendar");
    assertThat(book(other, tutor.id(), start).status()).as("the slot bookable again").isEqualTo(201);
  }

  // --- 4. rescheduling ---

  @Test
  void aRescheduleMovesTheBookingAndItsEscrowWholeAndFreesTheOldSlot() throws Exception {
    User student = student();
    User tutor = tutor();
    Instant oldStart = slot(Duration.ofHours(40));
    String oldId = booked(student, tutor, oldStart);
    awaitWallet(student, Funding.CREDIT_CENTS - 3000, 3000);
    Instant newStart = oldStart.plus(Duration.ofMinutes(30)); // overlaps the old lesson: allowed

    Reply moved = reschedule(oldId, student, newStart);
    assertThat(moved.status()).as(moved.body()).isEqualTo(201);
    String newId = moved.json().get("sessionId").asText();
    assertThat(newId).isNotEqualTo(oldId);
    assertThat(moved.header("Location")).contains("/v1/sessions/" + newId);
    assertThat(moved.json().get("status").asText()).isEqualTo("BOOKED");
    assertThat(Instant.parse(moved.json().get("start").asText())).isEqualTo(newStart);
    assertThat(moved.json().get("escrow").get("heldCents").asLong()).isEqualTo(3000);
    JsonNode timeline = moved.json().get("timeline");
    assertThat(timeline.get(timeline.size() - 1).get("rescheduledFrom").asText()).isEqualTo(oldId);

    JsonNode old = api.get("/v1/sessions/" + oldId, student.token()).json();
    assertThat(old.get("status").asText()).isEqualTo("CANCELLED");
    JsonNode oldTimeline = old.get("timeline");
    assertThat(oldTimeline.get(oldTimeline.size() - 1).get("rescheduledTo").asText()).isEqualTo(newId);

    // The money moved whole: never back in the balance, never held twice.
    awaitWallet(student, Funding.CREDIT_CENTS - 3000, 3000);
    await(() -> sessionIdsOf(bookings(student)), ids -> ids.equals(List.of(newId)), "the student's list has the new lesson only");
    await(() -> sessionIdsOf(tutorBookings(tutor)), ids -> ids.equals(List.of(newId)), "the old slot freed at the tutor");
    assertThat(wallet(student).get("entries").toString()).doesNotContain("HOLD_RELEASED");

    // The tutor may move it again (late too); then the student cancels it: everything back.
    Reply byTutor = reschedule(newId, tutor, newStart.plus(Duration.ofHours(2)));
    assertThat(byTutor.status()).as(byTutor.body()).isEqualTo(201);
    String third = byTutor.json().get("sessionId").asText();
    assertThat(api.post("/v1/sessions/" + third + "/cancel", student.token(), null).status()).isEqualTo(200);
    awaitWallet(student, Funding.CREDIT_CENTS, 0);
    await(() -> tutorBookings(tutor), JsonNode::isEmpty, "every slot freed");
    assertThat(book(student, tutor.id(), oldStart).status()).as("the first slot bookable again").isEqualTo(201);
  }

  @Test
  void badReschedulesAreRefusedAndLeaveTheBookingExactlyAsItWas() throws Exception {
    User student = student();
    User tutor = tutor();
    Instant start = slot(Duration.ofHours(40));
    String sessionId = booked(student, tutor, start);
    User rival = student();
    Instant taken = start.plus(Duration.ofHours(3));
    booked(rival, tutor, taken);
    awaitWallet(student, Funding.CREDIT_CENTS - 3000, 3000);
    Instant free = start.plus(Duration.ofHours(6));

    assertThat(reschedule(sessionId, rival, free).status()).as("someone else's session").isEqualTo(403);
    assertThat(reschedule(sessionId, student, slot(Duration.ofHours(-1))).status()).as("in the past").isEqualTo(409);
    assertThat(reschedule(sessionId, student, free.plusSeconds(20)).status()).as("off the grid").isEqualTo(409);
    Reply takenReply = reschedule(sessionId, student, taken);
    assertThat(takenReply.status()).as("taken").isEqualTo(409);
    assertThat(takenReply.isProblem()).isTrue();
    assertThat(reschedule(sessionId, student, start).status()).as("the same start").isEqualTo(409);
    assertThat(reschedule(sessionId, student, "tomorrow").status()).as("not an instant").isEqualTo(400);
    assertThat(api.post("/v1/sessions/" + sessionId + "/reschedule", student.token(), "{not json").status()).as("malformed").isEqualTo(400);
    assertThat(api.post("/v1/sessions/" + sessionId + "/reschedule", student.token(), "{}").status()).as("no start").isEqualTo(400);
    assertThat(reschedule(unique("nosession"), student, free).status()).as("unknown session").isEqualTo(404);

    JsonNode unchanged = api.get("/v1/sessions/" + sessionId, student.token()).json();
    assertThat(unchanged.get("status").asText()).isEqualTo("BOOKED");
    assertThat(Instant.parse(unchanged.get("start").asText())).isEqualTo(start);
    assertThat(unchanged.get("escrow").get("heldCents").asLong()).isEqualTo(3000);
    awaitWallet(student, Funding.CREDIT_CENTS - 3000, 3000);
    await(() -> sessionIdsOf(bookings(student)), ids -> ids.equals(List.of(sessionId)), "the student's list unchanged");
    // The refused new slots were released: the free one is still bookable.
    await(() -> book(rival, tutor.id(), free).status(), s -> s == 201, "the free slot bookable");

    // A lesson within the free-cancellation window: the student may not reschedule it, the tutor may.
    String soon = booked(student, tutor, slot(Duration.ofHours(2)));
    assertThat(reschedule(soon, student, free.plus(Duration.ofHours(3))).status()).as("too late for the student").isEqualTo(409);
    // Not BOOKED any more.
    assertThat(api.post("/v1/sessions/" + soon + "/cancel", tutor.token(), null).status()).isEqualTo(200);
    assertThat(reschedule(soon, tutor, free.plus(Duration.ofHours(3))).status()).as("a cancelled session").isEqualTo(409);
  }
}
