package io.tutormesh.gateway.notifications;

import static io.tutormesh.gateway.session.Fixtures.assertBadField;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.TestNodes;
import io.tutormesh.persistence.notifications.EmailChannel;
import io.tutormesh.persistence.notifications.Notices;
import io.tutormesh.persistence.notifications.Notification.Channel;
import io.tutormesh.persistence.notifications.Notification.Recipient;
import io.tutormesh.persistence.notifications.Notification;
import io.tutormesh.persistence.notifications.Outbox;
import io.tutormesh.persistence.notifications.ReminderPlan;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Notifications end to end on a real node: lessons booked and cancelled over REST, the session
 * events through the KPI projection into the Cassandra outbox, the outbox worker, Jakarta Mail,
 * and GreenMail as a real SMTP server on a free port. The node's notifications run on a {@link
 * TestClock} that the test moves to each due time (the lessons themselves are real, a day
 * ahead); a probe notification due "now" shows that the worker has looked since the clock moved,
 * so "no reminder yet" is proven without sleeping. The node restarts while reminders are pending.
 */
class NotificationsIntegrationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final int SMTP_PORT = freePort();
  private static final long RATE = 3000;

  @RegisterExtension
  static final GreenMailExtension greenMail =
      new GreenMailExtension(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  private static final TestClock clock = new TestClock(Instant.now());
  private static final Map<String, Object> OVERRIDES = overrides();
  private static Node node;
  private static Api api;
  private static int probes;

  private static Map<String, Object> overrides() {
    Map<String, Object> o = new HashMap<>();
    o.put("tutormesh.notifications.enabled", true);
    o.put("tutormesh.notifications.outbox.name", "it" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16));
    o.put("tutormesh.notifications.poll-interval", "200ms");
    o.put("tutormesh.notifications.smtp.host", "127.0.0.1");
    o.put("tutormesh.notifications.smtp.port", SMTP_PORT);
    o.put("tutormesh.schedule.slot-step", "1m");
    o.put("tutormesh.schedule.min-notice", "0s");
    o.put("tutormesh.schedule.buffer", "0s");
    return Map.copyOf(o);
  }

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(OVERRIDES, clock);
    api = new Api(node.httpPort());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop();
    }
  }

  record User(String id, String token, String email) {
    Recipient recipient() {
      return new Recipient(id, Channel.EMAIL, email);
    }
  }

  private static final String ALL_DAY = "{\"timezone\":\"UTC\",\"weekly\":["
      + Stream.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
          .map(day -> "{\"day\":\"" + day + "\",\"start\":\"00:00\",\"end\":\"24:00\"}").collect(Collectors.joining(","))
      + "],\"exceptions\":[]}";

  private static String studentJson(String email, String phone) {
    return """
        {"displayName":"Bea","level":"high","languages":["en"],"timezone":"Europe/Paris"%s%s}
        """.formatted(email == null ? "" : ",\"email\":\"" + email + "\"", phone == null ? "" : ",\"phone\":\"" + phone + "\"");
  }

  private static String tutorJson(String email, String phone) {
    return """
        {"displayName":"Tara","subjects":[{"subject":"physics","levels":["high"]}],"languages":["en"],
         "rateCents":%d,"currency":"EUR","timezone":"UTC","bio":"Forces."%s%s}
        """.formatted(RATE, email == null ? "" : ",\"email\":\"" + email + "\"", phone == null ? "" : ",\"phone\":\"" + phone + "\"");
  }

  private static User student() {
    String id = unique("ns");
    String token = api.token(id, "student");
    String email = id + "@example.com";
    Reply put = api.put("/v1/students/" + id, token, studentJson(email, null));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(Funding.fund(api, id, token)).isEqualTo(Funding.CREDIT_CENTS);
    return new User(id, token, email);
  }

  private static User tutor() {
    String id = unique("nt");
    String token = api.token(id, "tutor");
    String email = id + "@example.org";
    Reply put = api.put("/v1/tutors/" + id, token, tutorJson(email, null));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    Reply schedule = api.put("/v1/tutors/" + id + "/schedule", token, ALL_DAY);
    assertThat(schedule.status()).as(schedule.body()).isEqualTo(200);
    return new User(id, token, email);
  }

  private static String book(User student, User tutor, Instant start) {
    Reply reply = api.post("/v1/bookings", student.token(), """
        {"tutorId":"%s","subject":"physics","level":"high","start":"%s","durationMinutes":60}
        """.formatted(tutor.id(), start));
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("sessionId").asText();
  }

  private static Instant slot(Duration ahead) {
    return Instant.now().plus(ahead).truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
  }

  // ------------------------------------------------------------------------------------- mails

  /** The notification ids of every mail received so far, one entry per mail. */
  private static List<String> mailIds() {
    List<String> ids = new ArrayList<>();
    for (MimeMessage message : greenMail.getReceivedMessages()) {
      try {
        String[] header = message.getHeader(EmailChannel.ID_HEADER);
        if (header != null) {
          ids.add(header[0]);
        }
      } catch (MessagingException e) {
        throw new IllegalStateException(e);
      }
    }
    return ids;
  }

  private static Optional<MimeMessage> mail(String id) {
    for (MimeMessage message : greenMail.getReceivedMessages()) {
      try {
        String[] header = message.getHeader(EmailChannel.ID_HEADER);
        if (header != null && header[0].equals(id)) {
          return Optional.of(message);
        }
      } catch (MessagingException e) {
        throw new IllegalStateException(e);
      }
    }
    return Optional.empty();
  }

  private static void awaitMails(String... ids) throws InterruptedException {
    awaitUntil("mails " + List.of(ids), () -> mailIds().containsAll(List.of(ids)));
  }

  /**
   * Enqueues a notification due now (the clock as it is) and waits until it is mailed and marked
   * SENT: the worker has had a round since the clock last moved, so whatever was due was sent.
   */
  private static void probe() throws Exception {
    Outbox outbox = node.notifications().orElseThrow().outbox();
    Notification probe = Notification.of("probe-" + (++probes) + "-" + node.httpPort(), "probe", null,
        new Recipient("probe", Channel.EMAIL, "probe@example.com"), "probe", "probe", clock.instant());
    outbox.enqueue(probe).toCompletableFuture().get(30, TimeUnit.SECONDS);
    awaitMails(probe.id());
    awaitUntil("probe " + probe.id() + " SENT", () -> outbox.entry(probe.id()).toCompletableFuture().join()
        .map(entry -> entry.status() == Outbox.Status.SENT).orElse(false));
  }

  private static void awaitUntil(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + DEADLINE + ": " + what + "; mails so far: " + mailIds());
      }
      TimeUnit.MILLISECONDS.sleep(100); // poll interval, bounded by the deadline
    }
  }

  private static String reminder(String sessionId, Duration offset, User to) {
    return Notification.id(Notices.sessionGroup(sessionId), ReminderPlan.KIND, offset.toString(), to.recipient());
  }

  private static long count(String id) {
    return mailIds().stream().filter(id::equals).count();
  }

  // ------------------------------------------------------------------------------------- tests

  @Test
  void bookedLessonsAreConfirmedAndRemindedOnTimeOnceEachAcrossARestartAndCancelledOnesAreNot() throws Exception {
    Duration day = Duration.ofHours(24);
    Duration quarter = Duration.ofMinutes(15);
    User anna = student();
    User ben = student();
    User tara = tutor();
    Instant startA = slot(Duration.ofHours(26));
    Instant startB = startA.plus(Duration.ofHours(2));
    String lessonA = book(anna, tara, startA);
    String lessonB = book(ben, tara, startB);

    // Confirmed to both participants of both lessons, at once.
    String confirmedAnna = Notification.id(lessonA, Notices.BOOKING_CONFIRMED, null, anna.recipient());
    String confirmedTaraA = Notification.id(lessonA, Notices.BOOKING_CONFIRMED, null, tara.recipient());
    String confirmedBen = Notification.id(lessonB, Notices.BOOKING_CONFIRMED, null, ben.recipient());
    String confirmedTaraB = Notification.id(lessonB, Notices.BOOKING_CONFIRMED, null, tara.recipient());
    awaitMails(confirmedAnna, confirmedTaraA, confirmedBen, confirmedTaraB);
    MimeMessage confirmation = mail(confirmedAnna).orElseThrow();
    assertThat(confirmation.getAllRecipients()[0].toString()).isEqualTo(anna.email());
    assertThat(confirmation.getSubject()).startsWith("Lesson booked: physics");
    assertThat(((String) confirmation.getContent())).contains(lessonA, startA.toString());

    // Lesson B is cancelled by its student: both get a cancellation notice.
    Reply cancel = api.post("/v1/sessions/" + lessonB + "/cancel", ben.token(), "");
    assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
    String cancelledBen = Notification.id(Notices.cancellationGroup(lessonB), Notices.CANCELLED, null, ben.recipient());
    String cancelledTara = Notification.id(Notices.cancellationGroup(lessonB), Notices.CANCELLED, null, tara.recipient());
    awaitMails(cancelledBen, cancelledTara);

    List<String> allReminders = new ArrayList<>();
    for (String lesson : List.of(lessonA, lessonB)) {
      for (Duration offset : List.of(day, quarter)) {
        for (User to : List.of(anna, ben, tara)) {
          allReminders.add(reminder(lesson, offset, to));
        }
      }
    }

    // One second before A's 24 h reminder: the worker has looked, nothing is reminded.
    clock.set(startA.minus(day).minusSeconds(1));
    probe();
    assertThat(mailIds()).doesNotContainAnyElementsOf(allReminders);

    // Past it: A's 24 h reminders, to both.
    clock.set(startA.minus(day).plusSeconds(1));
    awaitMails(reminder(lessonA, day, anna), reminder(lessonA, day, tara));
    assertThat(mail(reminder(lessonA, day, anna)).orElseThrow().getSubject()).startsWith("Reminder: physics lesson");

    // Past B's 24 h time: B was cancelled, nothing comes; A's 15 min reminder is not due yet.
    clock.set(startA.minus(quarter).minusSeconds(1));
    probe();
    assertThat(mailIds()).doesNotContain(reminder(lessonB, day, ben), reminder(lessonB, day, tara),
        reminder(lessonA, quarter, anna), reminder(lessonA, quarter, tara));

    // The node restarts while A's 15 min reminders are pending.
    node.stop();
    node = TestNodes.start(OVERRIDES, clock);
    api = new Api(node.httpPort());

    clock.set(startA.minus(quarter).plusSeconds(1));
    awaitMails(reminder(lessonA, quarter, anna), reminder(lessonA, quarter, tara));

    // Past B's start: still nothing for B; a last round, then every mail was sent exactly once.
    clock.set(startB.plusSeconds(1));
    probe();
    assertThat(mailIds()).doesNotContain(reminder(lessonB, day, ben), reminder(lessonB, day, tara),
        reminder(lessonB, quarter, ben), reminder(lessonB, quarter, tara));
    for (String id : List.of(confirmedAnna, confirmedTaraA, confirmedBen, confirmedTaraB, cancelledBen, cancelledTara,
        reminder(lessonA, day, anna), reminder(lessonA, day, tara), reminder(lessonA, quarter, anna),
        reminder(lessonA, quarter, tara))) {
      assertThat(count(id)).as(id).isEqualTo(1);
    }
  }

  @Test
  void contactDetailsAreValidatedAndPrivate() throws Exception {
    // A new student with a bad e-mail: 400 naming the field, and no student stored.
    String newId = unique("ns");
    String newToken = api.token(newId, "student");
    assertBadField(api.put("/v1/students/" + newId, newToken, studentJson("not-an-address", null)), "email");
    assertThat(api.get("/v1/students/" + newId, newToken).status()).isEqualTo(404);

    // An existing student: a bad phone changes nothing.
    String id = unique("ns");
    String token = api.token(id, "student");
    Reply created = api.put("/v1/students/" + id, token, studentJson("bea@example.com", "+33612345678"));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    assertThat(created.json().get("email").asText()).isEqualTo("bea@example.com");
    for (String phone : List.of("0612345678", "+33 6 12 34 56 78", "+0612345678", "+1234")) {
      assertBadField(api.put("/v1/students/" + id, token, studentJson("bea@example.com", phone)), "phone");
    }
    assertBadField(api.put("/v1/students/" + id, token, studentJson("bea@example.com\\r\\nBcc: x@y.z", null)), "email");
    JsonNode stored = api.get("/v1/students/" + id, token).json();
    assertThat(stored.get("email").asText()).isEqualTo("bea@example.com");
    assertThat(stored.get("phone").asText()).isEqualTo("+33612345678");
    assertThat(api.get("/v1/students/" + id, api.token(unique("other"), "student")).status()).isEqualTo(403);

    // A tutor: the contact details are for the tutor and admins; the public profile has none.
    String tutorId = unique("nt");
    String tutorToken = api.token(tutorId, "tutor");
    Reply tutor = api.put("/v1/tutors/" + tutorId, tutorToken, tutorJson("tara@example.org", "+14155550123"));
    assertThat(tutor.status()).as(tutor.body()).isEqualTo(200);
    assertThat(tutor.json().get("phone").asText()).isEqualTo("+14155550123");
    assertBadField(api.put("/v1/tutors/" + tutorId, tutorToken, tutorJson("tara@", null)), "email");
    assertBadField(api.put("/v1/tutors/" + tutorId, tutorToken, tutorJson("tara@example.org", "555-0123")), "phone");
    JsonNode own = api.get("/v1/tutors/" + tutorId, tutorToken).json();
    assertThat(own.get("email").asText()).isEqualTo("tara@example.org");
    assertThat(own.get("phone").asText()).isEqualTo("+14155550123");
    assertThat(api.get("/v1/tutors/" + tutorId, api.token(unique("admin"), "admin")).json().get("email").asText())
        .isEqualTo("tara@example.org");
    for (String role : List.of("student", "partner")) {
      Reply reply = api.get("/v1/tutors/" + tutorId, api.token(unique(role), role));
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.json().has("email")).as(reply.body()).isFalse();
      assertThat(reply.json().has("phone")).as(reply.body()).isFalse();
      assertThat(reply.body()).doesNotContain("tara@example.org", "+14155550123");
    }

    // Blank removes a contact detail.
    Reply cleared = api.put("/v1/tutors/" + tutorId, tutorToken, tutorJson("", null));
    assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
    assertThat(cleared.json().has("email")).isFalse();
    assertThat(cleared.json().has("phone")).isFalse();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
