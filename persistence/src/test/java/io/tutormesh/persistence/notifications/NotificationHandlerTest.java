package io.tutormesh.persistence.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.persistence.Envelopes;
import io.tutormesh.persistence.notifications.Contacts.Contact;
import io.tutormesh.persistence.notifications.Outbox.Entry;
import io.tutormesh.persistence.notifications.Outbox.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.Test;

/** The projection side of the notifications, on an in-memory outbox and contacts: which events make which rows. */
class NotificationHandlerTest {

  private static final Instant NOW = Instant.parse("2030-03-01T08:00:00Z");
  private static final Instant START = NOW.plus(Duration.ofHours(26));
  private static final List<Duration> OFFSETS = List.of(Duration.ofHours(24), Duration.ofMinutes(15));

  private final TestClock clock = new TestClock(NOW);
  private final InMemoryOutbox outbox =
      new InMemoryOutbox(clock, new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(10), 2.0, 3), Duration.ofMinutes(2));
  private final Map<String, Object> firstEvents = new ConcurrentHashMap<>();
  /** How many first events were read (a journal read each, in a node). */
  private final AtomicInteger firstEventReads = new AtomicInteger();
  private final FakeContacts contacts = new FakeContacts();
  private final NotificationHandler.Sessions sessions = new NotificationHandler.Sessions(
      outbox, contacts, pid -> readFirstEvent(pid), OFFSETS, clock);

  private CompletionStage<Optional<Object>> readFirstEvent(String persistenceId) {
    firstEventReads.incrementAndGet();
    return CompletableFuture.completedFuture(Optional.ofNullable(firstEvents.get(persistenceId)));
  }

  private static final class FakeContacts implements Contacts {
    final Map<String, Contact> students = new ConcurrentHashMap<>();
    final Map<String, Contact> tutors = new ConcurrentHashMap<>();
    final AtomicInteger failuresLeft = new AtomicInteger();

    @Override
    public CompletionStage<Optional<Contact>> student(String studentId) {
      if (failuresLeft.getAndDecrement() > 0) {
        return CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("ask timed out"));
      }
      return CompletableFuture.completedFuture(Optional.ofNullable(students.get(studentId)));
    }

    @Override
    public CompletionStage<Optional<Contact>> tutor(String tutorId) {
      return CompletableFuture.completedFuture(Optional.ofNullable(tutors.get(tutorId)));
    }
  }

  private String booked(String sessionId) {
    firstEvents.put("Session|" + sessionId, new SessionEntity.BookingRequested(sessionId, "st-1", "tu-1",
        new InstantRequest("physics", "high", null, 0, 60), "EUR", START, NOW.plusSeconds(5), NOW));
    return sessionId;
  }

  private void process(SessionEntity.Event event) {
    sessions.process(envelope(event)).toCompletableFuture().join();
  }

  private static EventEnvelope<SessionEntity.Event> envelope(SessionEntity.Event event) {
    return Envelopes.session(event, NOW);
  }

  private List<Entry> entries(String... ids) {
    List<Entry> found = new ArrayList<>();
    for (String id : ids) {
      outbox.entry(id).toCompletableFuture().join().ifPresent(found::add);
    }
    return found;
  }

  private Notification.Recipient email(String user, String address) {
    return new Notification.Recipient(user, Notification.Channel.EMAIL, address);
  }

  @Test
  void aBookingConfirmsToBothAndSchedulesEachReminderOnEveryChannelOnce() {
    contacts.students.put("st-1", new Contact("st-1", "anna@example.com", "+33612345678"));
    contacts.tutors.put("tu-1", new Contact("tu-1", "tara@example.com", null));
    String s = booked("s-1");
    SessionEntity.SessionBooked event = new SessionEntity.SessionBooked(s, "tu-1", 3000, 3000, NOW);

    process(event);
    process(event); // delivered again (at least once): nothing more

    var anna = email("st-1", "anna@example.com");
    var annaSms = new Notification.Recipient("st-1", Notification.Channel.SMS, "+33612345678");
    var tara = email("tu-1", "tara@example.com");
    List<String> ids = new ArrayList<>();
    for (var to : List.of(anna, annaSms, tara)) {
      ids.add(Notification.id(s, Notices.BOOKING_CONFIRMED, null, to));
      ids.add(Notification.id(s, ReminderPlan.KIND, "PT24H", to));
      ids.add(Notification.id(s, ReminderPlan.KIND, "PT15M", to));
    }
    List<Entry> entries = entries(ids.toArray(String[]::new));
    assertThat(entries).hasSize(9).allMatch(e -> e.status() == Status.PENDING && e.attempts() == 0);
    assertThat(entries(Notification.id(s, ReminderPlan.KIND, "PT24H", anna)).get(0).notification().dueAt())
        .isEqualTo(START.minus(Duration.ofHours(24)));
    assertThat(entries(Notification.id(s, ReminderPlan.KIND, "PT15M", tara)).get(0).notification().dueAt())
        .isEqualTo(START.minus(Duration.ofMinutes(15)));
    assertThat(entries(Notification.id(s, Notices.BOOKING_CONFIRMED, null, anna)).get(0).notification().dueAt()).isEqualTo(NOW);
  }

  @Test
  void aCancelledBookingCancelsItsRemindersAndNotifiesBothEvenWhenReplayedInOrder() {
    contacts.students.put("st-1", new Contact("st-1", "anna@example.com", null));
    contacts.tutors.put("tu-1", new Contact("tu-1", "tara@example.com", null));
    String s = booked("s-2");
    SessionEntity.SessionBooked bookedEvent = new SessionEntity.SessionBooked(s, "tu-1", 3000, 3000, NOW);
    SessionEntity.SessionCancelled cancelled = new SessionEntity.SessionCancelled(s, "st-1", NOW.plusSeconds(60));
    process(bookedEvent);
    process(cancelled);
    // The projection restarts from an older offset: both again, in their order.
    process(bookedEvent);
    process(cancelled);

    var anna = email("st-1", "anna@example.com");
    var tara = email("tu-1", "tara@example.com");
    assertThat(entries(Notification.id(s, ReminderPlan.KIND, "PT24H", anna), Notification.id(s, ReminderPlan.KIND, "PT15M", tara)))
        .extracting(Entry::status).containsOnly(Status.CANCELLED);
    assertThat(entries(
        Notification.id(Notices.cancellationGroup(s), Notices.CANCELLED, null, anna),
        Notification.id(Notices.cancellationGroup(s), Notices.CANCELLED, null, tara)))
        .hasSize(2).extracting(Entry::status).containsOnly(Status.PENDING);
  }

  @Test
  void anInstantMatchNotifiesTheStudentOnlyWithoutReadingTheFirstEvent() {
    contacts.students.put("st-9", new Contact("st-9", "sam@example.com", null));
    contacts.tutors.put("tu-9", new Contact("tu-9", "tom@example.com", null));
    process(new SessionEntity.TutorMatched("s-3", "tu-9", "o-1", 4000, NOW, 2000L, "st-9", NOW.minusSeconds(20)));

    assertThat(entries(Notification.id("s-3", Notices.MATCHED, null, email("st-9", "sam@example.com")))).hasSize(1);
    assertThat(entries(Notification.id("s-3", Notices.MATCHED, null, email("tu-9", "tom@example.com")))).isEmpty();
    assertThat(firstEventReads).hasValue(0);
  }

  /** A match written before it carried its student: the student is the request's, read from the first event. */
  @Test
  void anOlderMatchFindsItsStudentInTheFirstEvent() {
    contacts.students.put("st-9", new Contact("st-9", "sam@example.com", null));
    contacts.tutors.put("tu-9", new Contact("tu-9", "tom@example.com", null));
    firstEvents.put("Session|s-7", new SessionEntity.InstantRequested("s-7", "st-9",
        new InstantRequest("math", "high", "en", 5000, 30), "EUR", NOW));
    process(new SessionEntity.TutorMatched("s-7", "tu-9", "o-1", 4000, NOW, 2000L));

    assertThat(entries(Notification.id("s-7", Notices.MATCHED, null, email("st-9", "sam@example.com")))).hasSize(1);
    assertThat(entries(Notification.id("s-7", Notices.MATCHED, null, email("tu-9", "tom@example.com")))).isEmpty();
    assertThat(firstEventReads).hasValue(1);
  }

  @Test
  void anOlderMatchWithoutItsRequestNotifiesNobody() {
    contacts.students.put("st-9", new Contact("st-9", "sam@example.com", null));
    process(new SessionEntity.TutorMatched("s-8", "tu-9", "o-1", 4000, NOW));

    assertThat(entries(Notification.id("s-8", Notices.MATCHED, null, email("st-9", "sam@example.com")))).isEmpty();
  }

  @Test
  void aPayoutNotifiesTheTutor() {
    contacts.tutors.put("tu-5", new Contact("tu-5", null, "+14155550123"));
    NotificationHandler.Tutors tutors = new NotificationHandler.Tutors(outbox, contacts, "EUR");
    TutorEntity.PayoutSettled paid = new TutorEntity.PayoutSettled("tu-5", "po-1", 12_345, ProviderResult.succeeded("ref"), NOW);
    tutors.process(Envelopes.of("Tutor|tu-5", 7, paid, NOW))
        .toCompletableFuture().join();

    Entry entry = entries(Notification.id("payout-po-1", Notices.PAYOUT, "paid",
        new Notification.Recipient("tu-5", Notification.Channel.SMS, "+14155550123"))).get(0);
    assertThat(entry.notification().body()).contains("123.45 EUR");
  }

  @Test
  void usersWithoutContactDetailsOrProfileGetNothingAndOtherEventsAreIgnored() {
    contacts.students.put("st-1", new Contact("st-1", null, null));
    String s = booked("s-4");
    process(new SessionEntity.SessionBooked(s, "tu-1", 3000, 3000, NOW)); // the tutor has no profile
    process(new SessionEntity.SessionCompleted(s, "st-1", NOW));

    assertThat(outbox.entry(Notification.id(s, Notices.BOOKING_CONFIRMED, null, email("st-1", "x@example.com")))
        .toCompletableFuture().join()).isEmpty();
    assertThat(new Contact("u", "not an address", "12")).extracting(Contact::recipients).asList().isEmpty();
  }

  @Test
  void aContactThatCannotBeReadFailsTheEnvelopeSoThatItIsRetried() {
    contacts.students.put("st-1", new Contact("st-1", "anna@example.com", null));
    contacts.failuresLeft.set(1);
    String s = booked("s-5");
    SessionEntity.SessionBooked event = new SessionEntity.SessionBooked(s, "tu-1", 3000, 3000, NOW);

    assertThat(sessions.process(envelope(event)).toCompletableFuture()).isCompletedExceptionally();
    process(event); // the projection's retry

    assertThat(entries(Notification.id(s, Notices.BOOKING_CONFIRMED, null, email("st-1", "anna@example.com")))).hasSize(1);
  }

  @Test
  void aCancellationAfterTheStartNotifiesNobodyButStillCancelsTheGroup() {
    contacts.students.put("st-1", new Contact("st-1", "anna@example.com", null));
    String s = booked("s-6");
    process(new SessionEntity.SessionBooked(s, "tu-1", 3000, 3000, NOW));
    process(new SessionEntity.SessionCancelled(s, SessionEntity.SYSTEM, START.plusSeconds(600)));

    var anna = email("st-1", "anna@example.com");
    assertThat(entries(Notification.id(s, ReminderPlan.KIND, "PT15M", anna))).extracting(Entry::status).containsOnly(Status.CANCELLED);
    assertThat(entries(Notification.id(Notices.cancellationGroup(s), Notices.CANCELLED, null, anna))).isEmpty();
  }
}
