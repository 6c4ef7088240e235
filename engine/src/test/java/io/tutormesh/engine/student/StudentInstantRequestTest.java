package io.tutormesh.engine.student;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.InstantRequest;
import io.tutormesh.engine.matching.MatchingSettings;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.student.StudentEntity.AbandonInstantRequest;
import io.tutormesh.engine.student.StudentEntity.CloseInstantRequest;
import io.tutormesh.engine.student.StudentEntity.Command;
import io.tutormesh.engine.student.StudentEntity.Event;
import io.tutormesh.engine.student.StudentEntity.InstantRequestClosed;
import io.tutormesh.engine.student.StudentEntity.InstantRequestOpened;
import io.tutormesh.engine.student.StudentEntity.Registered;
import io.tutormesh.engine.student.StudentEntity.RequestInstantTutor;
import io.tutormesh.engine.student.StudentEntity.State;
import io.tutormesh.engine.student.StudentEntity.UpdateProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A student has at most one open instant request; opening one starts its session. */
class StudentInstantRequestTest {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final MatchingSettings SETTINGS =
      new MatchingSettings(Duration.ofSeconds(15), Duration.ofSeconds(60), 1, Duration.ofSeconds(1), Duration.ofSeconds(45), 3, 15, 180);
  private static final InstantRequest REQUEST = new InstantRequest("math", "high", "fr", 5000, 60);
  private static final InstantRequest OTHER_REQUEST = new InstantRequest("physics", "high", "fr", 5000, 60);

  private static ActorTestKit testKit;

  private final List<SessionEntity.Command> sentToSessions = new CopyOnWriteArrayList<>();
  private final List<String> sessionIdsSentTo = new CopyOnWriteArrayList<>();
  private TestClock clock;
  private EventSourcedBehaviorTestKit<Command, Event, State> student;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(TestSupport.testKitConfig());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void registeredStudent() {
    clock = new TestClock(T0);
    StudentEntity.Links links = (sessionId, command) -> {
      sessionIdsSentTo.add(sessionId);
      sentToSessions.add(command);
    };
    student =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), StudentEntity.create("student-1", TestSupport.defaultRules(), SETTINGS, links, clock));
    student.<StatusReply<StudentEntity.StudentSummary>>runCommand(replyTo -> new UpdateProfile(TestSupport.validStudent(), replyTo));
  }

  private TestProbe<StatusReply<SessionEntity.SessionSummary>> probe() {
    return testKit.createTestProbe();
  }

  @Test
  void openingARequestPersistsItAndStartsTheSession() {
    TestProbe<StatusReply<SessionEntity.SessionSummary>> reply = probe();

    var result = student.runCommand(new RequestInstantTutor("session-1", REQUEST, reply.getRef()));

    assertThat(result.events()).containsExactly(new InstantRequestOpened("student-1", "session-1", REQUEST, T0));
    assertThat(((Registered) result.state()).openInstantSessionId()).isEqualTo("session-1");
    assertThat(sentToSessions).singleElement().isInstanceOfSatisfying(SessionEntity.StartInstant.class, start -> {
      assertThat(start.studentId()).isEqualTo("student-1");
      assertThat(start.request()).isEqualTo(REQUEST);
      assertThat(start.currency()).isEqualTo("EUR");
      assertThat(start.replyTo()).isEqualTo(reply.getRef());
    });
  }

  @Test
  void aSecondRequestWhileOneIsOpenIsAConflictUntilItCloses() {
    student.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef()));
    TestProbe<StatusReply<SessionEntity.SessionSummary>> second = probe();

    var refused = student.runCommand(new RequestInstantTutor("session-2", OTHER_REQUEST, second.getRef()));
    assertThat(refused.hasNoEvents()).isTrue();
    assertThat(Rejection.parse(second.receiveMessage().getError().getMessage()).kind()).isEqualTo(Rejection.Kind.CONFLICT);

    var closed = student.runCommand(new CloseInstantRequest("session-1"));
    assertThat(closed.events()).containsExactly(new InstantRequestClosed("student-1", "session-1", T0));

    var reopened = student.runCommand(new RequestInstantTutor("session-2", REQUEST, probe().getRef()));
    assertThat(reopened.events()).hasSize(1);
  }

  @Test
  void resendingTheSameRequestStartsItsSessionAgainWithoutANewEvent() {
    student.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef()));
    var again = student.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef()));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(sentToSessions).hasSize(2);
  }

  @Test
  void theSameRequestUnderANewSessionIdIsTheOpenSessionAgain() {
    student.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef()));
    TestProbe<StatusReply<SessionEntity.SessionSummary>> retry = probe();

    var again = student.runCommand(new RequestInstantTutor("session-2", REQUEST, retry.getRef()));

    assertThat(again.hasNoEvents()).isTrue();
    assertThat(((Registered) again.state()).openInstantSessionId()).isEqualTo("session-1");
    assertThat(sentToSessions).hasSize(2);
    assertThat(sentToSessions.get(1)).isInstanceOfSatisfying(SessionEntity.StartInstant.class, start -> assertThat(start.replyTo()).isEqualTo(retry.getRef()));
    retry.expectNoMessage(java.time.Duration.ofMillis(50));
  }

  @Test
  void closingAnotherSessionChangesNothing() {
    student.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef()));
    assertThat(student.runCommand(new CloseInstantRequest("session-9")).hasNoEvents()).isTrue();
  }

  @Test
  void aRequestLeftOpenByACrashNoLongerBlocksAfterTwiceTheRequestTimeout() {
    student.runCommand(new RequestInstantTutor("session-1", REQUEST, probe().getRef()));
    clock.advance(Duration.ofSeconds(121));
    var replaced = student.runCommand(new RequestInstantTutor("session-2", REQUEST, probe().getRef()));
    assertThat(((Registered) replaced.state()).openInstantSessionId()).isEqualTo("session-2");
  }

  @Test
  void invalidRequestsAreRejectedWithTheirFieldAndPersistNothing() {
    TestProbe<StatusReply<SessionEntity.SessionSummary>> reply = probe();
    var result = student.runCommand(new RequestInstantTutor("session-1", new InstantRequest("alchemy", "high", "fr", 5000, 60), reply.getRef()));
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(Rejection.parse(reply.receiveMessage().getError().getMessage()).field()).isEqualTo("subject");

    student.runCommand(new RequestInstantTutor("session-1", new InstantRequest("math", "high", "fr", 5000, 10), reply.getRef()));
    assertThat(Rejection.parse(reply.receiveMessage().getError().getMessage()).field()).isEqualTo("durationMinutes");
    assertThat(sentToSessions).isEmpty();
  }

  @Test
  void aStudentWithoutProfileCannotRequest() {
    var unregistered =
        EventSourcedBehaviorTestKit.<Command, Event, State>create(
            testKit.system(), StudentEntity.create("student-2", TestSupport.defaultRules(), SETTINGS, (id, c) -> {}, clock));
    TestProbe<StatusReply<SessionEntity.SessionSummary>> reply = probe();
    assertThat(unregistered.runCommand(new RequestInstantTutor("session-1", REQUEST, reply.getRef())).hasNoEvents()).isTrue();
    assertThat(Rejection.parse(reply.receiveMessage().getError().getMessage()).kind()).isEqualTo(Rejection.Kind.CONFLICT);
  }
  // --- deadlines: a late request opens nothing ---

  @Test
  void aRequestPastItsDeadlineIsRefusedAsUnavailableAndPersistsNothing() {
    TestProbe<StatusReply<SessionEntity.SessionSummary>> reply = probe();

    var late = student.runCommand(new RequestInstantTutor("session-1", REQUEST, T0.minusMillis(1), reply.getRef()));

    assertThat(late.hasNoEvents()).isTrue();
    assertThat(((Registered) late.state()).openInstantSessionId()).isNull();
    Rejection refusal = Rejection.parse(reply.receiveMessage().getError().getMessage());
    assertThat(refusal.kind()).isEqualTo(Rejection.Kind.UNAVAILABLE);
    assertThat(refusal.detail()).contains("nothing was opened");
    assertThat(sentToSessions).isEmpty();

    // Nothing blocks the student: another request (not the same one) opens at once.
    var next = student.runCommand(new RequestInstantTutor("session-2", OTHER_REQUEST, T0.plusSeconds(3), probe().getRef()));
    assertThat(next.events()).containsExactly(new InstantRequestOpened("student-1", "session-2", OTHER_REQUEST, T0));
    assertThat(sessionIdsSentTo).containsExactly("session-2");
  }

  @Test
  void aRequestInTimeHandsItsDeadlineToTheSession() {
    Instant deadline = T0.plusSeconds(3);
    student.runCommand(new RequestInstantTutor("session-1", REQUEST, deadline, probe().getRef()));
    assertThat(sentToSessions).singleElement().isInstanceOfSatisfying(SessionEntity.StartInstant.class,
        start -> assertThat(start.deadline()).isEqualTo(deadline));

    // At the deadline itself it is still in time.
    clock.advance(Duration.ofSeconds(3));
    var sameAgain = student.runCommand(new RequestInstantTutor("session-2", REQUEST, T0.plusSeconds(3), probe().getRef()));
    assertThat(sameAgain.hasNoEvents()).isTrue();
    assertThat(sentToSessions).hasSize(2);
  }

  @Test
  void aLateRetryOfTheOpenRequestIsRefusedWithoutReachingItsSession() {
    student.runCommand(new RequestInstantTutor("session-1", REQUEST, T0.plusSeconds(3), probe().getRef()));
    clock.advance(Duration.ofSeconds(10));
    TestProbe<StatusReply<SessionEntity.SessionSummary>> reply = probe();

    var late = student.runCommand(new RequestInstantTutor("session-2", REQUEST, T0.plusSeconds(3), reply.getRef()));

    assertThat(late.hasNoEvents()).isTrue();
    assertThat(Rejection.parse(reply.receiveMessage().getError().getMessage()).kind()).isEqualTo(Rejection.Kind.UNAVAILABLE);
    assertThat(sentToSessions).hasSize(1);
  }

  // --- abandoning a request the gateway gave up on ---

  private StatusReply<Done> abandon(String sessionId) {
    TestProbe<StatusReply<Done>> reply = testKit.createTestProbe();
    student.runCommand(new AbandonInstantRequest(sessionId, reply.getRef()));
    return reply.receiveMessage();
  }

  @Test
  void abandoningTheOpenRequestClosesItAndCancelsItsSession() {
    student.runCommand(new RequestInstantTutor("session-1", REQUEST, T0.plusSeconds(3), probe().getRef()));
    sentToSessions.clear();
    sessionIdsSentTo.clear();
    TestProbe<StatusReply<Done>> reply = testKit.createTestProbe();

    var abandoned = student.runCommand(new AbandonInstantRequest("session-1", reply.getRef()));

    assertThat(abandoned.events()).containsExactly(new InstantRequestClosed("student-1", "session-1", T0));
    assertThat(((Registered) abandoned.state()).openInstantSessionId()).isNull();
    assertThat(reply.receiveMessage().isSuccess()).isTrue();
    assertThat(sentToSessions).containsExactly(new SessionEntity.AbandonRequest("student-1"));
    assertThat(sessionIdsSentTo).containsExactly("session-1");

    // The student is free again, even for the very same request (it opens a new session).
    var again = student.runCommand(new RequestInstantTutor("session-2", REQUEST, T0.plusSeconds(3), probe().getRef()));
    assertThat(again.events()).containsExactly(new InstantRequestOpened("student-1", "session-2", REQUEST, T0));
  }

  @Test
  void abandoningARequestThatWasAlreadyMatchedCancelsItsSession() {
    student.runCommand(new RequestInstantTutor("session-1", REQUEST, T0.plusSeconds(3), probe().getRef()));
    student.runCommand(new CloseInstantRequest("session-1")); // matched: the session closed the request
    sentToSessions.clear();
    sessionIdsSentTo.clear();
    TestProbe<StatusReply<Done>> reply = testKit.createTestProbe();

    var abandoned = student.runCommand(new AbandonInstantRequest("session-1", reply.getRef()));

    assertThat(abandoned.hasNoEvents()).isTrue();
    assertThat(reply.receiveMessage().isSuccess()).isTrue();
    assertThat(sentToSessions).containsExactly(new SessionEntity.AbandonRequest("student-1"));
    assertThat(sessionIdsSentTo).containsExactly("session-1");
  }

  @Test
  void abandoningAnUnknownOrAnotherSessionChangesNothing() {
    assertThat(abandon("session-never").isSuccess()).isTrue();
    assertThat(sentToSessions).isEmpty();

    student.runCommand(new RequestInstantTutor("session-1", REQUEST, T0.plusSeconds(3), probe().getRef()));
    sentToSessions.clear();
    TestProbe<StatusReply<Done>> reply = testKit.createTestProbe();
    var other = student.runCommand(new AbandonInstantRequest("session-other", reply.getRef()));

    assertThat(other.hasNoEvents()).isTrue();
    assertThat(reply.receiveMessage().isSuccess()).isTrue();
    assertThat(((Registered) other.state()).openInstantSessionId()).isEqualTo("session-1");
    assertThat(sentToSessions).isEmpty();

    // Twice is the same as once.
    abandon("session-1");
    sentToSessions.clear();
    TestProbe<StatusReply<Done>> twice = testKit.createTestProbe();
    assertThat(student.runCommand(new AbandonInstantRequest("session-1", twice.getRef())).hasNoEvents()).isTrue();
    assertThat(twice.receiveMessage().isSuccess()).isTrue();
  }

  @Test
  void aStudentWithoutProfileHasNothingToAbandon() {
    var unregistered =
        EventSourcedBehaviorTestKit.<Command, Event, State>create(
            testKit.system(), StudentEntity.create("student-3", TestSupport.defaultRules(), SETTINGS, (id, c) -> sentToSessions.add(c), clock));
    TestProbe<StatusReply<Done>> reply = testKit.createTestProbe();
    assertThat(unregistered.runCommand(new AbandonInstantRequest("session-1", reply.getRef())).hasNoEvents()).isTrue();
    assertThat(reply.receiveMessage().isSuccess()).isTrue();
    assertThat(sentToSessions).isEmpty();
  }
}
