package io.tutormesh.engine.money;

import io.tutormesh.engine.common.CborSerializable;

/**
 * Where the money a session holds goes when the session ends: {@code refundCents} back to the
 * student's wallet, {@code tutorCents} released to the tutor (gross: the platform's commission is
 * taken from it afterwards, see {@link CommissionLadder#split}). Every policy of this package
 * answers one, and its two parts always add up to what was held: no cent is created or lost.
 */
public record Settlement(long refundCents, long tutorCents) implements CborSerializable {

  public Settlement {
    if (refundCents < 0 || tutorCents < 0) {
      throw new IllegalArgumentException(
          "a settlement never takes money: refundCents=" + refundCents + ", tutorCents=" + tutorCents);
    }
    Math.addExact(refundCents, tutorCents);
  }

  /** Everything back to the student. */
  public static Settlement fullRefund(long heldCents) {
    return new Settlement(requireHeld(heldCents), 0);
  }

  /** Everything to the tutor. */
  public static Settlement allToTutor(long heldCents) {
    return new Settlement(0, requireHeld(heldCents));
  }

  /** {@code tutorCents} of {@code heldCents} to the tutor, the rest back to the student. */
  public static Settlement of(long heldCents, long tutorCents) {
    requireHeld(heldCents);
    if (tutorCents < 0 || tutorCents > heldCents) {
      throw new IllegalArgumentException("tutorCents " + tutorCents + " is not within 0.." + heldCents);
    }
    return new Settlement(heldCents - tutorCents, tutorCents);
  }

  /**
   * {@code tutorSharePercent} % of {@code heldCents} to the tutor, rounded down to the cent (a
   * fraction of a cent stays with the student), the rest back to the student.
   */
  public static Settlement share(long heldCents, int tutorSharePercent) {
    requireHeld(heldCents);
    Percent.require(tutorSharePercent, "tutorSharePercent");
    return of(heldCents, Percent.floor(heldCents, tutorSharePercent));
  }

  /** What the two parts add up to. */
  public long totalCents() {
    return refundCents + tutorCents;
  }

  /** The invariant: this settles exactly {@code heldCents}. Returns this; throws when it does not. */
  public Settlement requireTotal(long heldCents) {
    if (totalCents() != heldCents) {
      throw new IllegalStateException("settlement " + this + " does not add up to the " + heldCents + " held");
    }
    return this;
  }

  private static long requireHeld(long heldCents) {
    if (heldCents < 0) {
      throw new IllegalArgumentException("heldCents must not be negative: " + heldCents);
    }
    return heldCents;
  }
}
