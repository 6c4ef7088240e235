package io.tutormesh.persistence.kpis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.kpi.Kpis;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.persistence.Envelopes;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.junit.jupiter.api.Test;

/** The sessions' KPI handler on an in-memory repository: when a request was made, from the match itself or the first event. */
class KpiSessionsHandlerTest {

  private static final Instant REQUESTED = Instant.parse("2030-03-01T08:00:00Z");
  private static final Instant MATCHED = REQUESTED.plusSeconds(12);

  /** What the repository was told, one line per write. */
  private final List<String> writes = new CopyOnWriteArrayList<>();
  /** persistence id → when its request was made (the first event's instant). */
  private final Map<String, Instant> firstEvents = new ConcurrentHashMap<>();
  private final AtomicInteger firstEventReads = new AtomicInteger();
  private final KpiHandler.Sessions handler = new KpiHandler.Sessions(new Recording(), this::requestedAt);

  private CompletionStage<Optional<Instant>> requestedAt(String persistenceId) {
    firstEventReads.incrementAndGet();
    return CompletableFuture.completedFuture(Optional.ofNullable(firstEvents.get(persistenceId)));
  }

  private final class Recording implements KpiRepository {
    @Override
    public CompletionStage<Done> sessionMatched(String sessionId, Instant requestedAt, Instant matchedAt) {
      writes.add("matched " + sessionId + " " + requestedAt + " " + matchedAt);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletionStage<Done> sessionEnded(String sessionId, Instant requestedAt, String outcome, Instant endedAt) {
      writes.add("ended " + sessionId + " " + requestedAt + " " + outcome + " " + endedAt);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletionStage<Done> money(Kpis.MoneyRow row) {
      writes.add("money " + row);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletionStage<List<Kpis.SessionRow>> sessions(LocalDate day) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<Kpis.MoneyRow>> money(LocalDate day) {
      return CompletableFuture.completedFuture(List.of());
    }
  }

  private void process(SessionEntity.Event event) {
    handler.process(Envelopes.session(event, event.at())).toCompletableFuture().join();
  }

  @Test
  void aMatchCarryingItsRequestTimeIsCountedWithoutReadingTheFirstEvent() {
    process(new SessionEntity.TutorMatched("s-1", "tu-1", "o-1", 4000, MATCHED, 4000L, "st-1", REQUESTED));

    assertThat(writes).containsExactly("matched s-1 " + REQUESTED + " " + MATCHED);
    assertThat(firstEventReads).hasValue(0);
  }

  @Test
  void anOlderMatchReadsWhenItsRequestWasMadeFromTheFirstEvent() {
    firstEvents.put("Session|s-2", REQUESTED);
    process(new SessionEntity.TutorMatched("s-2", "tu-1", "o-1", 4000, MATCHED, 4000L));

    assertThat(writes).containsExactly("matched s-2 " + REQUESTED + " " + MATCHED);
    assertThat(firstEventReads).hasValue(1);
  }

  @Test
  void anOlderMatchWithoutAFirstEventCountsFromTheMatch() {
    process(new SessionEntity.TutorMatched("s-3", "tu-1", "o-1", 4000, MATCHED));

    assertThat(writes).containsExactly("matched s-3 " + MATCHED + " " + MATCHED);
  }

  @Test
  void anEndedSessionStillReadsItsRequestTimeAndOtherEventsAreIgnored() {
    firstEvents.put("Session|s-4", REQUESTED);
    Instant ended = MATCHED.plusSeconds(3600);
    process(new SessionEntity.SessionCompleted("s-4", "st-1", ended));
    process(new SessionEntity.ChatPosted("s-4", 1, "st-1", "hi", "c-1", ended));

    assertThat(writes).containsExactly("ended s-4 " + REQUESTED + " COMPLETED " + ended);
    assertThat(firstEventReads).hasValue(1);
  }
}
