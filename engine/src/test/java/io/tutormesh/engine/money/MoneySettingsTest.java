package io.tutormesh.engine.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.money.CommissionLadder.Step;
import io.tutormesh.engine.money.MoneySettings.CreditPack;
import io.tutormesh.engine.money.MoneySettings.Plan;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MoneySettingsTest {

  /** The engine's reference.conf, in EUR whatever TUTORMESH_CURRENCY says, with `overrides` on top. */
  static MoneySettings settings(String overrides) {
    Config config = ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.parseString("tutormesh.money.currency = EUR"))
        .withFallback(ConfigFactory.load());
    return MoneySettings.fromConfig(config);
  }

  static MoneySettings defaults() {
    return settings("");
  }

  @Test
  void readsTheDefaultsOfReferenceConf() {
    MoneySettings s = defaults();

    assertThat(s.currency()).isEqualTo("EUR");
    assertThat(s.creditPacks()).containsExactly(
        new CreditPack("starter", 2000, 2000, 0),
        new CreditPack("standard", 5000, 5000, 250),
        new CreditPack("large", 10000, 10000, 1000));
    assertThat(s.plans()).containsExactly(
        new Plan("plus", Plan.Kind.STUDENT, 1500, 30, 10, 0),
        new Plan("pro", Plan.Kind.TUTOR, 2900, 30, 0, 5));
    assertThat(s.commissionLadder()).isEqualTo(CommissionLadder.defaults(5));
    assertThat(s.commissionLadder().steps()).containsExactly(
        new Step(20, 33), new Step(50, 28), new Step(200, 25), new Step(400, 22), new Step(Step.OPEN, 18));
    assertThat(s.minimumMinutes()).isEqualTo(15);
    assertThat(s.freeCancelBefore()).isEqualTo(Duration.ofHours(12));
    assertThat(s.lateCancelTutorSharePercent()).isEqualTo(50);
    assertThat(s.studentNoShowTutorSharePercent()).isEqualTo(100);
    assertThat(s.disputeWindow()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void looksUpPacksAndPlansById() {
    MoneySettings s = defaults();

    assertThat(s.pack("standard")).map(CreditPack::totalCreditCents).contains(5250L);
    assertThat(s.pack("huge")).isEmpty();
    assertThat(s.plan("pro")).map(Plan::kind).contains(Plan.Kind.TUTOR);
    assertThat(s.plan("plus")).map(Plan::period).contains(Duration.ofDays(30));
    assertThat(s.plan("gold")).isEmpty();
    assertThat(s.plans(Plan.Kind.STUDENT)).extracting(Plan::planId).containsExactly("plus");
    assertThat(Plan.Kind.TUTOR.wireName()).isEqualTo("tutor");
  }

  @Test
  void commissionAndDiscountByPlan() {
    MoneySettings s = defaults();

    assertThat(s.commissionPercent(0, null)).isEqualTo(33);
    assertThat(s.commissionPercent(0, "pro")).isEqualTo(28);
    assertThat(s.commissionPercent(0, "plus")).as("a student plan lowers no commission").isEqualTo(33);
    assertThat(s.commissionPercent(500, "gone")).isEqualTo(18);
    assertThat(s.sessionDiscountPercent("plus")).isEqualTo(10);
    assertThat(s.sessionDiscountPercent("pro")).isZero();
    assertThat(s.sessionDiscountPercent(null)).isZero();
  }

  @ParameterizedTest(name = "{0} h: {1} %, pro {2} %, a 20-point plan {3} %")
  @CsvSource({
      "0, 33, 28, 13", "19.5, 33, 28, 13",
      "20, 28, 23, 8", "50, 25, 20, 5",
      "200, 22, 17, 2", "400, 18, 13, 0", "5000, 18, 13, 0"})
  void aTutorPlanLowersEveryStepOfTheLadderNeverBelowZero(double hours, int none, int pro, int deep) {
    MoneySettings s = defaults();
    MoneySettings generous = settings("""
        tutormesh.money.plans = [
          { plan-id = pro, kind = tutor, price-cents = 2900, period-days = 30, commission-reduction-points = 5 }
          { plan-id = deep, kind = tutor, price-cents = 9900, period-days = 30, commission-reduction-points = 20 }
        ]
        """);

    assertThat(s.commissionPercent(hours, null)).isEqualTo(none);
    assertThat(s.commissionPercent(hours, "pro")).isEqualTo(pro);
    assertThat(generous.commissionPercent(hours, "pro")).isEqualTo(pro);
    assertThat(generous.commissionPercent(hours, "deep")).isEqualTo(deep);
  }

  @Test
  void optionalFieldsDefaultToZeroAndKindIgnoresCase() {
    MoneySettings s = settings("""
        tutormesh.money.credit-packs = [{ pack-id = a, price-cents = 100, credit-cents = 100 }]
        tutormesh.money.plans = [{ plan-id = t, kind = TUTOR, price-cents = 100, period-days = 7 }]
        """);

    assertThat(s.creditPacks()).containsExactly(new CreditPack("a", 100, 100, 0));
    assertThat(s.plans()).containsExactly(new Plan("t", Plan.Kind.TUTOR, 100, 7, 0, 0));
    assertThat(s.commissionLadder().proReductionPoints()).isZero();
  }

  @Test
  void theFirstTutorPlanIsTheLaddersPro() {
    MoneySettings s = settings("""
        tutormesh.money.plans = [
          { plan-id = plus, kind = student, price-cents = 1500, period-days = 30, session-discount-percent = 10 }
          { plan-id = pro, kind = tutor, price-cents = 2900, period-days = 30, commission-reduction-points = 7 }
          { plan-id = elite, kind = tutor, price-cents = 9900, period-days = 30, commission-reduction-points = 12 }
        ]
        """);

    assertThat(s.commissionLadder().percentFor(0, true)).isEqualTo(26);
    assertThat(s.commissionPercent(0, "elite")).isEqualTo(21);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      tutormesh.money.late-cancel-tutor-share-percent = 101                                         | late-cancel-tutor-share-percent
      tutormesh.money.student-no-show-tutor-share-percent = -1                                      | student-no-show-tutor-share-percent
      tutormesh.money.minimum-minutes = -1                                                          | minimum-minutes
      tutormesh.money.free-cancel-before = -1h                                                      | free-cancel-before
      tutormesh.money.dispute-window = -1s                                                          | dispute-window
      tutormesh.money.currency = EURO                                                               | currency
      tutormesh.money.credit-packs = [{pack-id = a, price-cents = 0, credit-cents = 1}]             | credit-packs
      tutormesh.money.credit-packs = [{pack-id = a, price-cents = 1, credit-cents = 1, bonus-cents = -1}] | bonus-cents
      tutormesh.money.credit-packs = [{pack-id = a, price-cents = 1, credit-cents = 1}, {pack-id = a, price-cents = 2, credit-cents = 2}] | duplicate pack-id 'a'
      tutormesh.money.credit-packs = [{pack-id = "a b", price-cents = 1, credit-cents = 1}]         | pack-id must match
      tutormesh.money.plans = [{plan-id = p, kind = admin, price-cents = 1, period-days = 1}]       | kind must be student or tutor
      tutormesh.money.plans = [{plan-id = p, kind = student, price-cents = 1, period-days = 0}]     | period-days
      tutormesh.money.plans = [{plan-id = p, kind = student, price-cents = -5, period-days = 1}]    | price-cents
      tutormesh.money.plans = [{plan-id = p, kind = student, price-cents = 1, period-days = 1, session-discount-percent = 120}] | session-discount-percent
      tutormesh.money.plans = [{plan-id = p, kind = student, price-cents = 1, period-days = 1, commission-reduction-points = 3}] | cannot have commission-reduction-points
      tutormesh.money.plans = [{plan-id = p, kind = tutor, price-cents = 1, period-days = 1, session-discount-percent = 3}] | cannot have session-discount-percent
      tutormesh.money.plans = [{plan-id = p, kind = tutor, price-cents = 1, period-days = 1}, {plan-id = p, kind = student, price-cents = 1, period-days = 1}] | duplicate plan-id 'p'
      tutormesh.money.commission-ladder = [{up-to-hours = 50, percent = 30}, {up-to-hours = 20, percent = 25}, {percent = 20}] | strictly ascending
      tutormesh.money.commission-ladder = [{up-to-hours = 20, percent = 30}, {up-to-hours = 20, percent = 25}, {percent = 20}] | strictly ascending
      tutormesh.money.commission-ladder = [{up-to-hours = 20, percent = 30}, {up-to-hours = 50, percent = 25}]  | last step must be open-ended
      tutormesh.money.commission-ladder = [{percent = 30}, {percent = 25}]                          | strictly ascending
      tutormesh.money.commission-ladder = []                                                        | at least one step
      tutormesh.money.commission-ladder = [{up-to-hours = 0, percent = 30}, {percent = 25}]         | up-to-hours must be positive
      tutormesh.money.commission-ladder = [{percent = 130}]                                         | commission-ladder: percent
      """)
  void refusesABadConfigNamingTheKey(String override, String message) {
    assertThatThrownBy(() -> settings(override))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tutormesh.money")
        .hasMessageContaining(message);
  }
}
