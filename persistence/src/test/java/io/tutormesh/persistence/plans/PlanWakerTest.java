package io.tutormesh.persistence.plans;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.money.MoneySettings.Plan.Kind;
import io.tutormesh.engine.money.PlanDue;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.persistence.Envelopes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The plan waker and the due index's handlers, on an in-memory index: plan charges become "look
 * now" rows (other events none), a due row wakes its owner, whose answer becomes its next row
 * before the handled one goes; an owner that does not answer keeps its row for the next round; an
 * owner whose plan is over loses its rows; rows not yet due wake nobody.
 */
class PlanWakerTest {

  private static final ActorTestKit testKit = ActorTestKit.create("plan-waker-test");
  private static final PlanWakerSettings SETTINGS =
      new PlanWakerSettings(true, Duration.ofMillis(50), 10, 4, Duration.ofSeconds(1), Duration.ofMinutes(10));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** The index in a set, due rows by due time; "now" is the real clock. */
  static final class InMemoryIndex implements PlanDueIndex {
    final Set<Due> rows = ConcurrentHashMap.newKeySet();

    @Override
    public CompletionStage<Due> schedule(Kind kind, String ownerId, Instant at) {
      Instant now = Instant.now();
      Due row = new Due(kind, ownerId, at.isBefore(now) ? now : at);
      rows.add(row);
      return CompletableFuture.completedFuture(row);
    }

    @Override
    public CompletionStage<List<Due>> due(int limit) {
      Instant now = Instant.now();
      return CompletableFuture.completedFuture(rows.stream()
          .filter(r -> !r.dueAt().isAfter(now)).sorted(Comparator.comparing(Due::dueAt)).limit(limit).toList());
    }

    @Override
    public CompletionStage<Done> remove(Due due) {
      rows.remove(due);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    List<Due> of(String ownerId) {
      return rows.stream().filter(r -> r.ownerId().equals(ownerId)).toList();
    }
  }

  private static <T> T run(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void planChargesBecomeLookNowRowsAndOtherEventsNone() throws Exception {
    InMemoryIndex index = new InMemoryIndex();
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    var students = new PlanDueHandler.Students(index);
    run(students.process(Envelopes.of("Student|s1", 1,
        new StudentEntity.SubscriptionChargeStarted("s1", "sub", "plus", "pm_card_ok", 1500, 1, at), at)));
    run(students.process(Envelopes.of("Student|s2", 2,
        new StudentEntity.SessionCharged("s2", "session", 100, 0, at), at)));
    var tutors = new PlanDueHandler.Tutors(index);
    run(tutors.process(Envelopes.of("Tutor|t1", 3,
        new TutorEntity.SubscriptionChargeSettled("t1", "sub", "pro", 1, 2900, ProviderResult.succeeded("ch"), at), at)));

    assertThat(index.of("s1")).singleElement().satisfies(r -> {
      assertThat(r.kind()).isEqualTo(Kind.STUDENT);
      assertThat(r.dueAt()).as("never in the past").isAfter(at);
    });
    assertThat(index.of("s2")).isEmpty();
    assertThat(index.of("t1")).singleElement().extracting(PlanDueIndex.Due::kind).isEqualTo(Kind.TUTOR);
  }

  @Test
  void dueOwnersAreWokenAndTheirAnswersBecomeTheirNextRows() throws Exception {
    InMemoryIndex index = new InMemoryIndex();
    Instant later = Instant.now().plus(Duration.ofDays(30));
    Map<String, Integer> woken = new ConcurrentHashMap<>();
    PlanWaker.Owners owners = (kind, id) -> {
      woken.merge(id, 1, Integer::sum);
      return switch (id) {
        case "renews" -> CompletableFuture.completedFuture(new PlanDue(id, later));
        case "over" -> CompletableFuture.completedFuture(new PlanDue(id, null));
        default -> CompletableFuture.failedFuture(new RuntimeException("no answer"));
      };
    };
    run(index.schedule(Kind.STUDENT, "renews", Instant.EPOCH));
    run(index.schedule(Kind.STUDENT, "renews", Instant.EPOCH.plusSeconds(1))); // a replay: a second row
    run(index.schedule(Kind.TUTOR, "over", Instant.EPOCH));
    run(index.schedule(Kind.TUTOR, "silent", Instant.EPOCH));
    run(index.schedule(Kind.TUTOR, "future", later));

    testKit.spawn(PlanWaker.create(index, owners, SETTINGS));

    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      assertThat(index.of("renews")).as("converged on its answer").containsExactly(new PlanDueIndex.Due(Kind.STUDENT, "renews", later));
      assertThat(index.of("over")).isEmpty();
      assertThat(woken.getOrDefault("silent", 0)).as("asked again every round").isGreaterThanOrEqualTo(2);
      return null;
    });
    assertThat(index.of("silent")).as("kept for the next round").hasSize(1);
    assertThat(woken).doesNotContainKey("future");
    assertThat(index.of("future")).hasSize(1);
  }
}
