package io.tutormesh.engine.student;

import static io.tutormesh.engine.TestSupport.validStudent;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.ledger.Postings;
import io.tutormesh.engine.money.MoneySettings;
import io.tutormesh.engine.money.PaymentProvider;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.SandboxProvider;
import io.tutormesh.engine.money.Wallet;
import io.tutormesh.engine.student.StudentEntity.Command;
import io.tutormesh.engine.student.StudentEntity.Event;
import io.tutormesh.engine.student.StudentEntity.Registered;
import io.tutormesh.engine.student.StudentEntity.State;
import io.tutormesh.engine.student.StudentEntity.TopUpResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Top-ups of one student: the intent is written before the provider is asked, and a top-up whose
 * answer was lost in a crash is asked again at recovery, with the same key, and credited once.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudentTopUpTest {

  private static final MoneySettings MONEY = MoneySettings.fromConfig(ConfigFactory.defaultReference());
  private static final AtomicInteger IDS = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  /** The sandbox, or a provider that never answers (the node crashed before it did). */
  private SandboxProvider sandbox;
  private final AtomicReference<PaymentProvider> current = new AtomicReference<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final PaymentProvider provider = new PaymentProvider() {
    @Override
    public CompletionStage<ProviderResult> charge(String key, String method, long amountCents, String currency) {
      calls.incrementAndGet();
      return current.get().charge(key, method, amountCents, currency);
    }

    @Override
    public CompletionStage<ProviderResult> payout(String key, String accountId, long amountCents, String currency) {
      return current.get().payout(key, accountId, amountCents, currency);
    }
  };
  private static final PaymentProvider SILENT = new PaymentProvider() {
    @Override
    public CompletionStage<ProviderResult> charge(String key, String method, long amountCents, String currency) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<ProviderResult> payout(String key, String accountId, long amountCents, String currency) {
      return new CompletableFuture<>();
    }
  };

  private EventSourcedBehaviorTestKit<Command, Event, State> kit;
  private String studentId;

  @BeforeEach
  void setUp() {
    sandbox = new SandboxProvider();
    current.set(sandbox);
    calls.set(0);
    studentId = "student-" + IDS.incrementAndGet();
    StudentEntity.Payments payments = new StudentEntity.Payments(MONEY, provider, Duration.ofMillis(100));
    kit = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        StudentEntity.create(studentId, TestSupport.defaultRules(), null, StudentEntity.Links.NONE, payments, Clock.systemUTC()),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.<StatusReply<StudentEntity.StudentSummary>>runCommand(replyTo -> new StudentEntity.UpdateProfile(validStudent(), replyTo));
  }

  private TopUpResult topUp(String key, String packId, String method) {
    TestProbe<StatusReply<TopUpResult>> reply = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.TopUp(key, packId, method, reply.getRef()));
    return reply.receiveMessage(Duration.ofSeconds(5)).getValue();
  }

  private Wallet wallet() {
    return ((Registered) kit.getState()).wallet();
  }

  @Test
  void aTopUpIsWrittenDownThenPaidThenCredited() {
    TopUpResult result = topUp("k1", "standard", SandboxProvider.CARD_OK);
    assertThat(result.topUp().status()).isEqualTo(Wallet.TopUpStatus.SUCCEEDED);
    assertThat(result.balanceCents()).isEqualTo(5250);
    assertThat(wallet().balanceCents()).isEqualTo(5250);
    assertThat(topUp("k1", "standard", SandboxProvider.CARD_OK)).isEqualTo(result);
    assertThat(calls.get()).as("a retried key does not reach the provider").isEqualTo(1);
  }

  /**
   * The ledger posts a settled top-up from its TopUpSettled alone: a projection may get it without
   * (or before) its TopUpStarted when the entity was stopped between the two (its tag write is then
   * only made at its next start), and a settled event it cannot post stops the whole projection.
   */
  @Test
  void aSettledTopUpCarriesTheTermsItIsPostedWith() {
    TopUpResult result = topUp("k1", "large", SandboxProvider.CARD_OK);

    List<Object> written = kit.persistenceTestKit().persistedInStorage("Student|" + studentId).stream()
        .map(e -> e instanceof Tagged tagged ? tagged.payload() : e)
        .toList();
    StudentEntity.TopUpSettled settled = written.stream()
        .filter(StudentEntity.TopUpSettled.class::isInstance).map(StudentEntity.TopUpSettled.class::cast)
        .findFirst().orElseThrow();
    Postings.TopUpTerms terms = new Postings.TopUpTerms(result.topUp().topUpId(), 10_000, 10_000, 1_000);
    assertThat(settled.terms()).isEqualTo(terms);
    assertThat(Postings.topUpSettled(studentId, settled.terms(), settled.result(), settled.at()))
        .extracting(Postings.Posting::amountCents).containsExactly(10_000L, 1_000L);
  }

  @Test
  void theSameKeyForAnotherRequestIsRefused() {
    topUp("k1", "standard", SandboxProvider.CARD_OK);
    var reply = kit.<StatusReply<TopUpResult>>runCommand(replyTo -> new StudentEntity.TopUp("k1", "large", SandboxProvider.CARD_OK, replyTo)).reply();
    assertThat(Rejection.parse(reply.getError().getMessage()).kind()).isEqualTo(Rejection.Kind.CONFLICT);
    var unknownPack = kit.<StatusReply<TopUpResult>>runCommand(replyTo -> new StudentEntity.TopUp("k2", "huge", SandboxProvider.CARD_OK, replyTo));
    assertThat(Rejection.parse(unknownPack.reply().getError().getMessage()).field()).isEqualTo("packId");
    assertThat(unknownPack.events()).isEmpty();
  }

  @Test
  void aTopUpWhoseAnswerWasLostIsPaidOnceAfterARestart() {
    current.set(SILENT);
    TestProbe<StatusReply<TopUpResult>> lost = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.TopUp("k1", "large", SandboxProvider.CARD_OK, lost.getRef()));
    assertThat(wallet().pendingTopUps()).hasSize(1);
    assertThat(wallet().balanceCents()).isZero();

    current.set(sandbox);
    kit.restart();
    TestProbe<StatusReply<TopUpResult>> retry = testKit.createTestProbe();
    kit.runCommand(new StudentEntity.TopUp("k1", "large", SandboxProvider.CARD_OK, retry.getRef()));
    TopUpResult result = retry.receiveMessage(Duration.ofSeconds(5)).getValue();
    assertThat(result.topUp().status()).isEqualTo(Wallet.TopUpStatus.SUCCEEDED);
    assertThat(wallet().balanceCents()).isEqualTo(11000);
    assertThat(sandbox.totals().chargedCents()).as("charged once").isEqualTo(10000);
  }
}
