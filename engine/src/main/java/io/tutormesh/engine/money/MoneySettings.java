package io.tutormesh.engine.money;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code tutormesh.money.*}: the currency, the credit packs and plans on sale, the commission
 * ladder and the numbers of the session policies. Defaults in the engine's {@code reference.conf};
 * every value is checked here, and a bad one fails the node's start with an {@link
 * IllegalArgumentException} that names its key.
 *
 * @param currency the one platform currency (ISO 4217)
 * @param creditPacks what a student can top up with, in catalogue order
 * @param plans student and tutor plans, in catalogue order
 * @param commissionLadder the commission by completed teaching hours; its pro reduction is the
 *     first tutor plan's {@link Plan#commissionReductionPoints()}
 * @param minimumMinutes an instant session is billed at least this many minutes
 * @param freeCancelBefore a booked session cancelled by the student at least this long before its
 *     start is refunded in full
 * @param lateCancelTutorSharePercent of a later student cancellation, this share of the hold goes
 *     to the tutor
 * @param studentNoShowTutorSharePercent of a session the student did not show up for, this share
 *     of the hold goes to the tutor
 * @param disputeWindow how long after its end a session can be disputed (the tutor's earnings are
 *     pending meanwhile)
 * @param payoutDelayAfterWindow how much longer the tutor's earnings stay pending after the window:
 *     a dispute accepted at the window's last moment freezes the credit (a message from the session
 *     to the tutor, retried until acknowledged) before it can be paid out
 */
public record MoneySettings(
    String currency,
    List<CreditPack> creditPacks,
    List<Plan> plans,
    CommissionLadder commissionLadder,
    int minimumMinutes,
    Duration freeCancelBefore,
    int lateCancelTutorSharePercent,
    int studentNoShowTutorSharePercent,
    Duration disputeWindow,
    Duration payoutDelayAfterWindow) {

  /** Ids of packs and plans: as every id of the API. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * A credit pack: the student pays {@code priceCents} and gets {@code creditCents + bonusCents}
   * of wallet credit.
   */
  public record CreditPack(String packId, long priceCents, long creditCents, long bonusCents) {
    public CreditPack {
      requireId(packId, "credit-packs", "pack-id");
      if (priceCents <= 0 || creditCents <= 0) {
        throw new IllegalArgumentException(
            "tutormesh.money.credit-packs: pack " + packId + " needs a positive price-cents and credit-cents");
      }
      if (bonusCents < 0) {
        throw new IllegalArgumentException("tutormesh.money.credit-packs: pack " + packId + " has a negative bonus-cents");
      }
      Math.addExact(creditCents, bonusCents);
    }

    /** What the wallet is credited: credit plus bonus. */
    public long totalCreditCents() {
      return creditCents + bonusCents;
    }
  }

  /**
   * A subscription plan, renewed every {@code periodDays} through the payment provider. A student
   * plan takes {@code sessionDiscountPercent} % off every session; a tutor plan lowers the
   * commission by {@code commissionReductionPoints} percentage points.
   */
  public record Plan(
      String planId, Kind kind, long priceCents, int periodDays, int sessionDiscountPercent, int commissionReductionPoints) {

    /** Who subscribes to a plan; {@link #wireName()} is the API's {@code kind}. */
    public enum Kind {
      STUDENT, TUTOR;

      /** "student" or "tutor". */
      public String wireName() {
        return name().toLowerCase(Locale.ROOT);
      }

      /** {@code student} or {@code tutor}, in any case. */
      public static Kind parse(String name) {
        for (Kind kind : values()) {
          if (kind.name().equalsIgnoreCase(name)) {
            return kind;
          }
        }
        throw new IllegalArgumentException("tutormesh.money.plans: kind must be student or tutor: " + name);
      }
    }

    public Plan {
      requireId(planId, "plans", "plan-id");
      Objects.requireNonNull(kind, "kind");
      if (priceCents <= 0 || periodDays <= 0) {
        throw new IllegalArgumentException(
            "tutormesh.money.plans: plan " + planId + " needs a positive price-cents and period-days");
      }
      Percent.require(sessionDiscountPercent, "tutormesh.money.plans: " + planId + ".session-discount-percent");
      Percent.require(commissionReductionPoints, "tutormesh.money.plans: " + planId + ".commission-reduction-points");
      if (kind == Kind.STUDENT && commissionReductionPoints != 0) {
        throw new IllegalArgumentException(
            "tutormesh.money.plans: student plan " + planId + " cannot have commission-reduction-points");
      }
      if (kind == Kind.TUTOR && sessionDiscountPercent != 0) {
        throw new IllegalArgumentException(
            "tutormesh.money.plans: tutor plan " + planId + " cannot have session-discount-percent");
      }
    }

    public Duration period() {
      return Duration.ofDays(periodDays);
    }
  }

  public MoneySettings {
    if (currency == null || Currency.getAvailableCurrencies().stream().noneMatch(c -> c.getCurrencyCode().equals(currency))) {
      throw new IllegalArgumentException("tutormesh.money.currency: not an ISO 4217 currency: " + currency);
    }
    creditPacks = List.copyOf(creditPacks);
    plans = List.copyOf(plans);
    requireUnique(creditPacks.stream().map(CreditPack::packId).toList(), "credit-packs", "pack-id");
    requireUnique(plans.stream().map(Plan::planId).toList(), "plans", "plan-id");
    Objects.requireNonNull(commissionLadder, "commissionLadder");
    if (minimumMinutes < 0) {
      throw new IllegalArgumentException("tutormesh.money.minimum-minutes must not be negative: " + minimumMinutes);
    }
    requireNotNegative(freeCancelBefore, "free-cancel-before");
    requireNotNegative(disputeWindow, "dispute-window");
    requireNotNegative(payoutDelayAfterWindow, "payout-delay-after-window");
    Percent.require(lateCancelTutorSharePercent, "tutormesh.money.late-cancel-tutor-share-percent");
    Percent.require(studentNoShowTutorSharePercent, "tutormesh.money.student-no-show-tutor-share-percent");
  }

  /** Reads {@code tutormesh.money}; throws {@link IllegalArgumentException} naming the bad key. */
  public static MoneySettings fromConfig(Config config) {
    Config m = config.getConfig("tutormesh.money");
    List<CreditPack> packs = new ArrayList<>();
    for (Config p : m.getConfigList("credit-packs")) {
      packs.add(new CreditPack(p.getString("pack-id"), p.getLong("price-cents"), p.getLong("credit-cents"),
          p.hasPath("bonus-cents") ? p.getLong("bonus-cents") : 0));
    }
    List<Plan> plans = new ArrayList<>();
    for (Config p : m.getConfigList("plans")) {
      plans.add(new Plan(p.getString("plan-id"), Plan.Kind.parse(p.getString("kind")), p.getLong("price-cents"),
          p.getInt("period-days"), intOrZero(p, "session-discount-percent"), intOrZero(p, "commission-reduction-points")));
    }
    List<CommissionLadder.Step> steps = new ArrayList<>();
    for (Config s : m.getConfigList("commission-ladder")) {
      steps.add(new CommissionLadder.Step(
          s.hasPath("up-to-hours") ? s.getDouble("up-to-hours") : CommissionLadder.Step.OPEN, s.getInt("percent")));
    }
    int proPoints = plans.stream().filter(p -> p.kind() == Plan.Kind.TUTOR).findFirst()
        .map(Plan::commissionReductionPoints).orElse(0);
    return new MoneySettings(
        m.getString("currency"),
        packs,
        plans,
        new CommissionLadder(steps, proPoints),
        m.getInt("minimum-minutes"),
        m.getDuration("free-cancel-before"),
        m.getInt("late-cancel-tutor-share-percent"),
        m.getInt("student-no-show-tutor-share-percent"),
        m.getDuration("dispute-window"),
        m.getDuration("payout-delay-after-window"));
  }

  /** How long a credit stays pending: the dispute window, then the payout delay. */
  public Duration pendingFor() {
    return disputeWindow.plus(payoutDelayAfterWindow);
  }

  public Optional<CreditPack> pack(String packId) {
    return creditPacks.stream().filter(p -> p.packId().equals(packId)).findFirst();
  }

  public Optional<Plan> plan(String planId) {
    return plans.stream().filter(p -> p.planId().equals(planId)).findFirst();
  }

  /** The plans of one kind, in catalogue order. */
  public List<Plan> plans(Plan.Kind kind) {
    return plans.stream().filter(p -> p.kind() == kind).toList();
  }

  /**
   * The commission percent of a tutor with {@code completedHours} on the tutor plan {@code
   * tutorPlanId} (null: none; a plan that is not a tutor plan, or no longer exists, reduces nothing).
   */
  public int commissionPercent(double completedHours, String tutorPlanId) {
    int points = tutorPlanId == null ? 0 : plan(tutorPlanId).filter(p -> p.kind() == Plan.Kind.TUTOR)
        .map(Plan::commissionReductionPoints).orElse(0);
    return commissionLadder.percentFor(completedHours, points);
  }

  /** The session discount of the student plan {@code studentPlanId} (null, unknown or not a student plan: 0). */
  public int sessionDiscountPercent(String studentPlanId) {
    return studentPlanId == null ? 0 : plan(studentPlanId).filter(p -> p.kind() == Plan.Kind.STUDENT)
        .map(Plan::sessionDiscountPercent).orElse(0);
  }

  private static int intOrZero(Config config, String path) {
    return config.hasPath(path) ? config.getInt(path) : 0;
  }

  private static void requireId(String id, String list, String key) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("tutormesh.money." + list + ": " + key + " must match " + ID + ": " + id);
    }
  }

  private static void requireUnique(List<String> ids, String list, String key) {
    Set<String> seen = new HashSet<>();
    for (String id : ids) {
      if (!seen.add(id)) {
        throw new IllegalArgumentException("tutormesh.money." + list + ": duplicate " + key + " '" + id + "'");
      }
    }
  }

  private static void requireNotNegative(Duration duration, String key) {
    if (duration == null || duration.isNegative()) {
      throw new IllegalArgumentException("tutormesh.money." + key + " must not be negative: " + duration);
    }
  }
}
