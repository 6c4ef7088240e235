package io.tutormesh.gateway.money;

import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.SandboxProvider;
import io.tutormesh.engine.money.Subscription;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.session.Fixtures;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.MoneyFlowFixture;
import io.tutormesh.persistence.payments.CassandraSandboxProvider;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;

/**
 * Plans keep running while nobody touches their entity: on a real node with the real Cassandra, a
 * `plus` student and a `pro` tutor subscribe, then the node is restarted (every entity and timer
 * gone) and entities are passivated after a second idle, and nothing but the plan waker (the
 * durable due index fed by the ledger projection, and its cluster singleton) touches them: the
 * next period is charged through the provider, a renewal the provider declines makes the plan
 * PAST_DUE and then LAPSED, and a cancelled plan ends at its period's end, never renewed.
 *
 * <p>What happens is read from the journal (the read journal, which wakes no entity) and from the
 * provider; the REST API, which would wake the entity, is asked only at the end.
 */
// A plan's day lasts 300 ms: plus's and pro's 30 days are 9 s; past due lapses after 3 s. Idle
// entities are passivated after 1 s, so their own timers never outlive a period.
@MoneyFlowFixture.NodeSettings({
    "tutormesh.money.subscriptions.day-length = 300ms",
    "tutormesh.money.subscriptions.grace = 3s",
    "tutormesh.money.plan-poll-interval = 300ms",
    "tutormesh.money.plan-waker.enabled = true",
    "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout = 1s"})
class PlanWakerIntegrationTest extends MoneyFlowFixture {

  private static final Duration PLAN_DEADLINE = Duration.ofSeconds(90);

  private record Owner(String id, String token, String persistenceId, String path) {}

  private static Owner student() {
    Student s = student(false);
    return new Owner(s.id(), s.token(), "Student|" + s.id(), "/v1/students/" + s.id() + "/subscription");
  }

  private static Owner tutor() {
    String id = unique("pro");
    String token = api.token(id, "tutor");
    Reply profile = api.put("/v1/tutors/" + id, token, Fixtures.tutorJson("Sofia", "physics", List.of("high"), List.of("en"), TUTOR_RATE));
    assertThat(profile.status()).as(profile.body()).isEqualTo(200);
    return new Owner(id, token, "Tutor|" + id, "/v1/tutors/" + id + "/subscription");
  }

  /**
   * Subscribes, retrying a 503 (on a cold node the first provider call can outlast the 1 s idle
   * passivation of this class, which stops the entity and its waiting reply; the same subscription
   * again waits for the charge that recovery re-drives with the same key, nothing is charged twice).
   */
  private static void subscribe(Owner owner, String plan) throws InterruptedException {
    String body = "{\"plan\":\"" + plan + "\",\"paymentMethod\":\"pm_card_ok\"}";
    Reply subscribed = await(() -> api.put(owner.path(), owner.token(), body), r -> r.status() != 503, "subscribed to " + plan);
    assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(200);
    assertThat(subscribed.json().get("status").asText()).isEqualTo("ACTIVE");
  }

  /** The owner's events, from the journal: reading them wakes nothing. */
  private static List<Object> journal(Owner owner) {
    CassandraReadJournal journal =
        PersistenceQuery.get(node.system()).getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    try {
      return journal.currentEventsByPersistenceId(owner.persistenceId(), 0, Long.MAX_VALUE)
          .map(EventEnvelope::event)
          .runWith(Sink.seq(), node.system())
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot read the journal of " + owner.persistenceId(), e);
    }
  }

  private static List<Object> awaitJournal(Owner owner, Predicate<List<Object>> done, String what) throws InterruptedException {
    return await(() -> journal(owner), done, what + " (" + owner.persistenceId() + ")", PLAN_DEADLINE);
  }

  /** A plan charge's answer in the journal, of either kind of owner: (period, outcome). */
  private record Charge(String subscriptionId, int period, ProviderResult.Outcome outcome) {}

  private static Optional<Charge> charge(Object event) {
    if (event instanceof StudentEntity.SubscriptionChargeSettled e) {
      return Optional.of(new Charge(e.subscriptionId(), e.period(), e.result().outcome()));
    }
    if (event instanceof TutorEntity.SubscriptionChargeSettled e) {
      return Optional.of(new Charge(e.subscriptionId(), e.period(), e.result().outcome()));
    }
    return Optional.empty();
  }

  private static Optional<Subscription.Status> ended(Object event) {
    if (event instanceof StudentEntity.SubscriptionEnded e) {
      return Optional.of(e.status());
    }
    if (event instanceof TutorEntity.SubscriptionEnded e) {
      return Optional.of(e.status());
    }
    return Optional.empty();
  }

  private static Predicate<List<Object>> charged(int period, ProviderResult.Outcome outcome) {
    return events -> events.stream().flatMap(e -> charge(e).stream()).anyMatch(c -> c.period() == period && c.outcome() == outcome);
  }

  private static Predicate<List<Object>> endedAs(Subscription.Status status) {
    return events -> events.stream().flatMap(e -> ended(e).stream()).anyMatch(status::equals);
  }

  private static String subscriptionId(Owner owner) {
    return journal(owner).stream().flatMap(e -> charge(e).stream()).findFirst().orElseThrow().subscriptionId();
  }

  private static CassandraSandboxProvider provider() {
    return CassandraSandboxProvider.create(node.system(), node.system().settings().config().getString("tutormesh.cassandra.keyspace"));
  }

  private static ProviderResult providerAnswer(String key) throws Exception {
    return provider().operation(key).toCompletableFuture().get(20, TimeUnit.SECONDS)
        .orElseThrow(() -> new AssertionError("the provider was never asked " + key)).result();
  }

  @Test
  void untouchedPlansAreRenewedThroughTheProviderAcrossARestart() throws Exception {
    Owner student = student();
    Owner tutor = tutor();
    subscribe(student, "plus");
    subscribe(tutor, "pro");
    String studentPlan = subscriptionId(student);
    String tutorPlan = subscriptionId(tutor);

    // Every entity and timer of the first node is gone; nothing asks for these two again.
    restartNode();

    awaitJournal(student, charged(2, ProviderResult.Outcome.SUCCEEDED), "plus renewed");
    awaitJournal(tutor, charged(2, ProviderResult.Outcome.SUCCEEDED), "pro renewed");
    assertThat(providerAnswer(Subscription.chargeKey(student.id(), "plus", studentPlan, 2)).isSucceeded()).isTrue();
    assertThat(providerAnswer(Subscription.chargeKey(tutor.id(), "pro", tutorPlan, 2)).isSucceeded()).isTrue();
    // And again, by wake-ups only (the entities are passivated between periods).
    awaitJournal(student, charged(3, ProviderResult.Outcome.SUCCEEDED), "plus renewed twice");

    Reply read = api.get(tutor.path(), tutor.token());
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(read.json().get("status").asText()).isEqualTo("ACTIVE");
    assertThat(read.json().get("period").asInt()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aDeclinedRenewalOfAnUntouchedPlanGoesPastDueThenLapses() throws Exception {
    Owner student = student();
    subscribe(student, "plus");
    // The provider remembers the next period's key as declined (the card expired meanwhile): the
    // renewal, made with that key, gets that answer.
    String key = Subscription.chargeKey(student.id(), "plus", subscriptionId(student), 2);
    assertThat(provider().charge(key, SandboxProvider.CARD_DECLINED, 1500, "EUR").toCompletableFuture().get(20, TimeUnit.SECONDS).isSucceeded())
        .isFalse();

    awaitJournal(student, charged(2, ProviderResult.Outcome.DECLINED), "renewal declined");
    List<Object> lapsed = awaitJournal(student, endedAs(Subscription.Status.LAPSED), "plan lapsed");
    assertThat(lapsed.stream().flatMap(e -> charge(e).stream()).filter(c -> c.period() > 2)).as("no charge after the refusal").isEmpty();

    Reply read = api.get(student.path(), student.token());
    assertThat(read.json().get("status").asText()).as(read.body()).isEqualTo("LAPSED");
  }

  @Test
  void aCancelledUntouchedPlanEndsAtItsPeriodsEndWithoutRenewal() throws Exception {
    Owner tutor = tutor();
    subscribe(tutor, "pro");
    Reply cancelled = api.send("DELETE", tutor.path(), tutor.token(), null);
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("cancelAtPeriodEnd").asBoolean()).isTrue();

    List<Object> events = awaitJournal(tutor, endedAs(Subscription.Status.CANCELLED), "plan ended");
    assertThat(events.stream().flatMap(e -> charge(e).stream()).map(Charge::period)).containsExactly(1);
    assertThat(provider().operation(Subscription.chargeKey(tutor.id(), "pro", subscriptionId(tutor), 2)).toCompletableFuture().get(20, TimeUnit.SECONDS))
        .as("never charged again").isEmpty();

    Reply read = api.get(tutor.path(), tutor.token());
    assertThat(read.json().get("status").asText()).as(read.body()).isEqualTo("CANCELLED");
  }
}
