package io.tutormesh.engine.money;

import java.util.Objects;

/**
 * Who gets what a session held when one participant did not show up. Tutor absent: everything
 * back to the student, and a strike on the tutor. Student absent: {@code
 * studentNoShowTutorSharePercent} % (default 100) to the tutor, who kept the time free, rounded
 * down to the cent; the rest back to the student. When nobody joins, that is no no-show but a
 * system cancellation ({@link CancellationPolicy}: everything back, no strike).
 */
public final class NoShowPolicy {
  private NoShowPolicy() {}

  /** Who did not show up. */
  public enum Absent { TUTOR, STUDENT }

  /** The money, and whether the tutor gets a strike for it. */
  public record Decision(Settlement settlement, boolean tutorStrike) {
    public Decision {
      Objects.requireNonNull(settlement, "settlement");
    }
  }

  public static Decision decide(Absent absent, long heldCents, MoneySettings settings) {
    return decide(absent, heldCents, settings.studentNoShowTutorSharePercent());
  }

  public static Decision decide(Absent absent, long heldCents, int studentNoShowTutorSharePercent) {
    Objects.requireNonNull(absent, "absent");
    Percent.require(studentNoShowTutorSharePercent, "studentNoShowTutorSharePercent");
    Decision decision = switch (absent) {
      case TUTOR -> new Decision(Settlement.fullRefund(heldCents), true);
      case STUDENT -> new Decision(Settlement.share(heldCents, studentNoShowTutorSharePercent), false);
    };
    decision.settlement().requireTotal(heldCents);
    return decision;
  }
}
