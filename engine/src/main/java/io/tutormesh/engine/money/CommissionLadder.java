package io.tutormesh.engine.money;

import java.util.ArrayList;
import java.util.List;

/**
 * The platform's commission on a tutor's sessions, by the tutor's completed teaching hours: each
 * step holds while the tutor has taught less than its {@code upToHours}; the last step has no
 * bound ({@link Step#OPEN}). The default ({@code tutormesh.money.commission-ladder}): 33 % below
 * 20 h, 28 % below 50 h, 25 % below 200 h, 22 % below 400 h, 18 % from 400 h on. A tutor who has
 * taught exactly 20 h is on the second step.
 *
 * @param steps ascending by {@code upToHours}, the last one open-ended
 * @param proReductionPoints what {@link #percentFor(double, boolean) pro} takes off (the points of
 *     the configured tutor plan, see {@link MoneySettings#fromConfig})
 */
public record CommissionLadder(List<Step> steps, int proReductionPoints) {

  /** {@code percent} % while the tutor's completed hours are below {@code upToHours}. */
  public record Step(double upToHours, int percent) {
    /** The {@code upToHours} of the last step: no bound. */
    public static final double OPEN = Double.POSITIVE_INFINITY;

    public Step {
      if (Double.isNaN(upToHours) || upToHours <= 0) {
        throw new IllegalArgumentException("tutormesh.money.commission-ladder: up-to-hours must be positive: " + upToHours);
      }
      Percent.require(percent, "tutormesh.money.commission-ladder: percent");
    }

    public boolean isOpen() {
      return upToHours == OPEN;
    }
  }

  /** Commission and net of a gross amount: they add up to it. */
  public record Split(long commissionCents, long netCents) {
    public Split {
      if (commissionCents < 0 || netCents < 0) {
        throw new IllegalArgumentException("negative split: " + commissionCents + "/" + netCents);
      }
    }

    public long grossCents() {
      return Math.addExact(commissionCents, netCents);
    }
  }

  public CommissionLadder {
    steps = List.copyOf(steps);
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("tutormesh.money.commission-ladder: at least one step is needed");
    }
    for (int i = 1; i < steps.size(); i++) {
      if (!(steps.get(i).upToHours() > steps.get(i - 1).upToHours())) {
        throw new IllegalArgumentException("tutormesh.money.commission-ladder: up-to-hours must be strictly ascending, but "
            + steps.get(i).upToHours() + " follows " + steps.get(i - 1).upToHours());
      }
    }
    if (!steps.get(steps.size() - 1).isOpen()) {
      throw new IllegalArgumentException("tutormesh.money.commission-ladder: the last step must be open-ended (no up-to-hours)");
    }
    Percent.require(proReductionPoints, "proReductionPoints");
  }

  /** The default ladder, reduced by {@code proReductionPoints} for pro tutors. */
  public static CommissionLadder defaults(int proReductionPoints) {
    return new CommissionLadder(List.of(new Step(20, 33), new Step(50, 28), new Step(200, 25), new Step(400, 22),
        new Step(Step.OPEN, 18)), proReductionPoints);
  }

  /** The commission percent of a tutor with {@code completedHours}, less {@link #proReductionPoints} if {@code pro}. */
  public int percentFor(double completedHours, boolean pro) {
    return percentFor(completedHours, pro ? proReductionPoints : 0);
  }

  /** The commission percent of a tutor with {@code completedHours}, less {@code reductionPoints}, never below 0. */
  public int percentFor(double completedHours, int reductionPoints) {
    if (Double.isNaN(completedHours) || completedHours < 0) {
      throw new IllegalArgumentException("completedHours must not be negative: " + completedHours);
    }
    if (reductionPoints < 0) {
      throw new IllegalArgumentException("reductionPoints must not be negative: " + reductionPoints);
    }
    for (Step step : steps) {
      if (completedHours < step.upToHours()) {
        return Math.max(0, step.percent() - reductionPoints);
      }
    }
    // Only +Infinity hours get here (the last step is open): the last step's percent.
    return Math.max(0, steps.get(steps.size() - 1).percent() - reductionPoints);
  }

  /**
   * Splits what a session released to the tutor: the commission is {@code percent} % of {@code
   * grossCents} rounded half up to the cent (12.5 cents is 13), the net is the rest, so commission +
   * net = gross always.
   */
  public static Split split(long grossCents, int percent) {
    if (grossCents < 0) {
      throw new IllegalArgumentException("grossCents must not be negative: " + grossCents);
    }
    long commission = Percent.halfUp(grossCents, Percent.require(percent, "percent"));
    return new Split(commission, grossCents - commission);
  }

  /** The steps as they read in a config: for messages and logs. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (Step step : steps) {
      parts.add(step.percent() + "%" + (step.isOpen() ? "" : "<" + step.upToHours() + "h"));
    }
    return "CommissionLadder" + parts + (proReductionPoints == 0 ? "" : " pro -" + proReductionPoints);
  }
}
