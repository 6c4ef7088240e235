package io.tutormesh.engine.tutor;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.TestSupport.TestClock;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.ledger.LedgerEvent;
import io.tutormesh.engine.money.Earnings;
import io.tutormesh.engine.money.PaymentProvider;
import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.money.SandboxProvider;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.tutor.TutorEntity.Command;
import io.tutormesh.engine.tutor.TutorEntity.EarningsSummary;
import io.tutormesh.engine.tutor.TutorEntity.Event;
import io.tutormesh.engine.tutor.TutorEntity.PayOut;
import io.tutormesh.engine.tutor.TutorEntity.PayoutResult;
import io.tutormesh.engine.tutor.TutorEntity.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Payouts, disputes and refunds at the TutorEntity: only available earnings are paid out, the
 * intent is written before the provider is asked and its answer after, idempotently by key and
 * re-driven after a restart; a dispute freezes a credit, a refund reverses it once.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TutorPayoutTest {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  /** Until a credit is available: the dispute window (24 h) and the payout delay after it (1 h). */
  private static final Duration WINDOW = Duration.ofHours(25);
  private static final AtomicInteger IDS = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(TestSupport.testKitConfig()).build();

  /** A provider that answers what a test says, and remembers every call. */
  static final class ScriptedProvider implements PaymentProvider {
    final List<String> keys = new CopyOnWriteArrayList<>();
    volatile CompletableFuture<ProviderResult> next = CompletableFuture.completedFuture(ProviderResult.succeeded("po_1"));

    @Override
    public CompletionStage<ProviderResult> charge(String key, String method, long amountCents, String currency) {
      throw new UnsupportedOperationException("payouts only");
    }

    @Override
    public CompletionStage<ProviderResult> payout(String key, String accountId, long amountCents, String currency) {
      keys.add(key);
      return next;
    }
  }

  private final TestClock clock = new TestClock(T0);

  private EventSourcedBehaviorTestKit<Command, Event, State> tutor(PaymentProvider provider) {
    String tutorId = "payee-" + IDS.incrementAndGet();
    var kit = EventSourcedBehaviorTestKit.<Command, Event, State>create(
        testKit.system(),
        TutorEntity.create(tutorId, TestSupport.defaultRules(), null, TutorEntity.Links.NONE, new TutorEntity.Payouts(provider, Duration.ofMillis(200)), clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.<StatusReply<TutorEntity.TutorSummary>>runCommand(replyTo -> new TutorEntity.UpdateProfile(TestSupport.validTutor(), replyTo));
    return kit;
  }

  /** Credits a 15-minute session of 1,000 gross: 670 net at 33 %. */
  private void credit(EventSourcedBehaviorTestKit<Command, Event, State> kit, String sessionId) {
    TestProbe<SessionEntity.TutorCredited> reply = testKit.createTestProbe();
    kit.runCommand(new TutorEntity.CreditSession(sessionId, "student-1", 1000, 15, clock.instant(), reply.getRef()));
    reply.receiveMessage();
  }

  private Earnings earnings(EventSourcedBehaviorTestKit<Command, Event, State> kit) {
    return kit.<StatusReply<EarningsSummary>>runCommand(TutorEntity.GetEarnings::new).reply().getValue().earnings();
  }

  private StatusReply<PayoutResult> payOut(EventSourcedBehaviorTestKit<Command, Event, State> kit, String key, long cents, String account) {
    return kit.<StatusReply<PayoutResult>>runCommand(replyTo -> new PayOut(key, cents, account, replyTo)).reply();
  }

  private static Rejection.Kind kindOf(StatusReply<?> reply) {
    return Rejection.parse(reply.getError().getMessage()).kind();
  }

  @Test
  void onlyAvailableEarningsArePaidOutAndPendingOnesAreRefused() {
    var kit = tutor(new SandboxProvider());
    credit(kit, "s-1");

    StatusReply<PayoutResult> tooEarly = payOut(kit, "k-1", 1, "acct_ok");
    assertThat(kindOf(tooEarly)).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(earnings(kit).payouts()).isEmpty();

    clock.advance(WINDOW);
    StatusReply<PayoutResult> tooMuch = payOut(kit, "k-2", 671, "acct_ok");
    assertThat(kindOf(tooMuch)).isEqualTo(Rejection.Kind.CONFLICT);
    assertThat(kindOf(payOut(kit, "k-3", 0, "acct_ok"))).isEqualTo(Rejection.Kind.INVALID);
    assertThat(kindOf(payOut(kit, "k-3", -5, "acct_ok"))).isEqualTo(Rejection.Kind.INVALID);
    assertThat(kindOf(payOut(kit, "", 5, "acct_ok"))).isEqualTo(Rejection.Kind.INVALID);
    assertThat(kindOf(payOut(kit, "k-3", 5, " "))).isEqualTo(Rejection.Kind.INVALID);
    assertThat(earnings(kit).payouts()).isEmpty();
    assertThat(earnings(kit).availableCents(clock.instant())).isEqualTo(670);
  }

  @Test
  void aPayoutIsWrittenDownThenPaidThenSettled() {
    ScriptedProvider provider = new ScriptedProvider();
    var kit = tutor(provider);
    credit(kit, "s-1");
    clock.advance(WINDOW);

    var result = kit.<StatusReply<PayoutResult>>runCommand(replyTo -> new PayOut("k-1", 600, "acct_ok", replyTo));

    assertThat(result.events()).first().isInstanceOf(TutorEntity.PayoutStarted.class);
    PayoutResult paid = result.reply().getValue();
    assertThat(paid.payout().status()).isEqualTo(Earnings.PayoutStatus.SUCCEEDED);
    assertThat(paid.payout().reference()).isEqualTo("po_1");
    assertThat(paid.availableCents()).isEqualTo(70);
    assertThat(provider.keys).containsExactly("payout:" + paid.payout().payoutId());
    Earnings after = earnings(kit);
    assertThat(after.paidOutCents()).isEqualTo(600);
    assertThat(after.availableCents(clock.instant())).isEqualTo(70);
    assertThat(after.owedCents()).isEqualTo(70);
  }

  @Test
  void theSameKeyAnswersTheSameAndPaysOnceAnotherBodyIsAConflict() {
    ScriptedProvider provider = new ScriptedProvider();
    var kit = tutor(provider);
    credit(kit, "s-1");
    clock.advance(WINDOW);
    PayoutResult first = payOut(kit, "k-1", 300, "acct_ok").getValue();

    var again = kit.<StatusReply<PayoutResult>>runCommand(replyTo -> new PayOut("k-1", 300, "acct_ok", replyTo));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().getValue().payout()).isEqualTo(first.payout());
    assertThat(kindOf(payOut(kit, "k-1", 301, "acct_ok"))).isEqualTo(Rejection.Kind.CONFLICT);
    kit.restart();
    assertThat(payOut(kit, "k-1", 300, "acct_ok").getValue().payout()).isEqualTo(first.payout());
    assertThat(provider.keys).hasSize(1);
    assertThat(earnings(kit).paidOutCents()).isEqualTo(300);
  }

  @Test
  void aProviderFailurePaysNothingAndTheAmountIsAvailableAgain() {
    var kit = tutor(new SandboxProvider());
    credit(kit, "s-1");
    clock.advance(WINDOW);

    PayoutResult failed = payOut(kit, "k-1", 600, SandboxProvider.ACCOUNT_ERROR).getValue();

    assertThat(failed.payout().status()).isEqualTo(Earnings.PayoutStatus.FAILED);
    assertThat(failed.availableCents()).isEqualTo(670);
    assertThat(earnings(kit).paidOutCents()).isZero();
    assertThat(payOut(kit, "k-2", 670, "acct_ok").getValue().payout().status()).isEqualTo(Earnings.PayoutStatus.SUCCEEDED);
  }

  @Test
  void aPayoutWithoutAnAnswerIsAskedAgainWithTheSameKeyAfterARestart() {
    ScriptedProvider provider = new ScriptedProvider();
    provider.next = new CompletableFuture<>(); // never answers
    var kit = tutor(provider);
    credit(kit, "s-1");
    clock.advance(WINDOW);
    TestProbe<StatusReply<PayoutResult>> waiting = testKit.createTestProbe();
    kit.runCommand(new PayOut("k-1", 500, "acct_ok", waiting.getRef()));
    // In flight: the amount is no longer available, so a second payout cannot spend it.
    assertThat(earnings(kit).availableCents(clock.instant())).isEqualTo(170);
    assertThat(kindOf(payOut(kit, "k-2", 171, "acct_ok"))).isEqualTo(Rejection.Kind.CONFLICT);

    provider.next = CompletableFuture.completedFuture(ProviderResult.succeeded("po_2"));
    kit.restart();

    TestProbe<StatusReply<PayoutResult>> retry = testKit.createTestProbe();
    assertThat(provider.keys).hasSize(2).allMatch(k -> k.equals(provider.keys.get(0)));
    awaitPaid(kit, 500);
    kit.runCommand(new PayOut("k-1", 500, "acct_ok", retry.getRef()));
    assertThat(retry.receiveMessage().getValue().payout().reference()).isEqualTo("po_2");
  }

  private void awaitPaid(EventSourcedBehaviorTestKit<Command, Event, State> kit, long cents) {
    testKit.createTestProbe().awaitAssert(() -> {
      assertThat(earnings(kit).paidOutCents()).isEqualTo(cents);
      return null;
    });
  }

  @Test
  void aReleasedCreditIsAvailableAtOnce() {
    var kit = tutor(new SandboxProvider());
    credit(kit, "s-1");
    TestProbe<SessionEntity.CreditFrozen> frozen = testKit.createTestProbe();
    kit.runCommand(new TutorEntity.FreezeCredit("s-1", frozen.getRef()));
    frozen.receiveMessage();
    clock.advance(Duration.ofHours(1)); // well within the window

    TestProbe<SessionEntity.CreditUnfrozen> unfrozen = testKit.createTestProbe();
    assertThat(kit.runCommand(new TutorEntity.UnfreezeCredit("s-1", unfrozen.getRef())).events())
        .singleElement().isInstanceOf(TutorEntity.EarningsReleased.class);
    assertThat(unfrozen.receiveMessage()).isEqualTo(new SessionEntity.CreditUnfrozen("s-1"));
    assertThat(kit.runCommand(new TutorEntity.UnfreezeCredit("s-1", unfrozen.getRef())).hasNoEvents()).isTrue();
    unfrozen.receiveMessage();

    assertThat(earnings(kit).availableCents(clock.instant())).isEqualTo(670);
    assertThat(earnings(kit).pendingCents(clock.instant())).isZero();
    assertThat(payOut(kit, "k-1", 670, "acct_ok").getValue().payout().status()).isEqualTo(Earnings.PayoutStatus.SUCCEEDED);
  }

  @Test
  void aDisputeFreezesTheCreditPastItsWindowAndARefundReversesItOnce() {
    var kit = tutor(new SandboxProvider());
    credit(kit, "s-1");
    credit(kit, "s-2");
    TestProbe<SessionEntity.CreditFrozen> frozen = testKit.createTestProbe();

    assertThat(kit.runCommand(new TutorEntity.FreezeCredit("s-1", frozen.getRef())).events())
        .singleElement().isInstanceOf(TutorEntity.EarningsFrozen.class);
    assertThat(frozen.receiveMessage()).isEqualTo(new SessionEntity.CreditFrozen("s-1"));
    assertThat(kit.runCommand(new TutorEntity.FreezeCredit("s-1", frozen.getRef())).hasNoEvents()).isTrue();
    frozen.receiveMessage();

    clock.advance(WINDOW);
    Earnings afterWindow = earnings(kit);
    assertThat(afterWindow.pendingCents(clock.instant())).isEqualTo(670);
    assertThat(afterWindow.availableCents(clock.instant())).isEqualTo(670);
    assertThat(kindOf(payOut(kit, "k-1", 671, "acct_ok"))).isEqualTo(Rejection.Kind.CONFLICT);

    TestProbe<SessionEntity.CreditReversed> reversed = testKit.createTestProbe();
    var reversal = kit.runCommand(new TutorEntity.ReverseCredit("s-1", reversed.getRef()));
    assertThat(reversal.events()).singleElement().isInstanceOf(TutorEntity.EarningsReversed.class).isInstanceOf(LedgerEvent.class);
    assertThat(reversed.receiveMessage()).isEqualTo(new SessionEntity.CreditReversed("s-1"));
    kit.restart();
    assertThat(kit.runCommand(new TutorEntity.ReverseCredit("s-1", reversed.getRef())).hasNoEvents()).isTrue();
    assertThat(reversed.receiveMessage()).isEqualTo(new SessionEntity.CreditReversed("s-1"));

    Earnings after = earnings(kit);
    assertThat(after.pendingCents(clock.instant())).isZero();
    assertThat(after.availableCents(clock.instant())).isEqualTo(670);
    assertThat(after.commissionCents()).isEqualTo(330);
    assertThat(after.owedCents()).isEqualTo(670);
    // A reversed session is never credited again.
    credit(kit, "s-1");
    assertThat(earnings(kit).owedCents()).isEqualTo(670);
  }
}
