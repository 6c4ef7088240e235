package io.tutormesh.engine.money;

import io.tutormesh.engine.common.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The escrow of a session after it ends, and which dispute steps are legal. A participant may
 * dispute a settled session within {@code disputeWindow} after it was settled; the escrow is then
 * frozen (the tutor's share stays pending) until an admin either refunds (everything held back to
 * the student) or releases (the settlement as it was, e.g. as completed). An admin may also refund
 * a session outright while its money is still held or pending.
 *
 * <pre>
 *   HELD --(session ends: completed, no-show, cancelled)--> SETTLED
 *   HELD     --REFUND-->              REFUNDED
 *   SETTLED  --DISPUTE (in window)--> DISPUTED
 *   SETTLED  --REFUND (in window)-->  REFUNDED
 *   DISPUTED --REFUND-->              REFUNDED
 *   DISPUTED --RELEASE-->             RELEASED
 * </pre>
 *
 * REFUNDED and RELEASED are final. The window is half-open: a dispute at {@code settledAt +
 * disputeWindow} is too late, and that is the instant the tutor's earnings become available.
 */
public final class DisputePolicy {
  private DisputePolicy() {}

  /** Where a session's money is. */
  public enum Stage {
    /** In escrow; the session has not ended. */
    HELD,
    /** Settled by the session's end (refund and tutor share booked), disputable within the window. */
    SETTLED,
    /** Frozen by a dispute until an admin decides. */
    DISPUTED,
    /** An admin released a disputed session as it was settled. Final. */
    RELEASED,
    /** Everything held went back to the student. Final. */
    REFUNDED;

    /** The API's escrow status: {@code HELD}, {@code RELEASED}, {@code DISPUTED} or {@code REFUNDED}. */
    public String escrowStatus() {
      return this == SETTLED ? "RELEASED" : name();
    }
  }

  /** What a participant or an admin asks for. */
  public enum Action {
    /** A participant disputes the session. */
    DISPUTE,
    /** An admin gives everything held back to the student. */
    REFUND,
    /** An admin ends a dispute by keeping the settlement. */
    RELEASE
  }

  /** Whether the tutor's share of a session can be paid out. */
  public enum Earnings { NONE, PENDING, AVAILABLE }

  /** The answer of {@link #decide}: the next stage, or why not (a CONFLICT rejection). */
  public sealed interface Decision permits Allowed, Refused {}

  public record Allowed(Stage next) implements Decision {
    public Allowed {
      Objects.requireNonNull(next, "next");
    }
  }

  public record Refused(Rejection rejection) implements Decision {
    public Refused {
      Objects.requireNonNull(rejection, "rejection");
    }
  }

  /** {@link #decide(Stage, Action, Instant, Instant, Duration)} with the configured window. */
  public static Decision decide(Stage stage, Action action, Instant settledAt, Instant now, MoneySettings settings) {
    return decide(stage, action, settledAt, now, settings.disputeWindow());
  }

  /**
   * Whether {@code action} is legal at {@code stage}, and where it leads.
   *
   * @param settledAt when the session was settled (its end); needed for {@link Stage#SETTLED} only
   */
  public static Decision decide(Stage stage, Action action, Instant settledAt, Instant now, Duration disputeWindow) {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(disputeWindow, "disputeWindow");
    return switch (stage) {
      case HELD -> switch (action) {
        case REFUND -> new Allowed(Stage.REFUNDED);
        case DISPUTE -> refused("the session has not ended yet: nothing to dispute");
        case RELEASE -> refused("the session is not disputed");
      };
      case SETTLED -> {
        boolean open = inWindow(settledAt, now, disputeWindow);
        yield switch (action) {
          case DISPUTE -> open ? new Allowed(Stage.DISPUTED) : refused("the dispute window has closed");
          case REFUND -> open ? new Allowed(Stage.REFUNDED)
              : refused("the dispute window has closed: the tutor's earnings are available");
          case RELEASE -> refused("the session is not disputed");
        };
      }
      case DISPUTED -> switch (action) {
        case DISPUTE -> refused("the session is already disputed");
        case REFUND -> new Allowed(Stage.REFUNDED);
        case RELEASE -> new Allowed(Stage.RELEASED);
      };
      case RELEASED -> refused("the session's money was released after a dispute");
      case REFUNDED -> refused("the session's money was refunded");
    };
  }

  /** True while {@code now} is before {@code settledAt + disputeWindow}. */
  public static boolean inWindow(Instant settledAt, Instant now, Duration disputeWindow) {
    Objects.requireNonNull(settledAt, "settledAt");
    return now.isBefore(settledAt.plus(disputeWindow));
  }

  /**
   * Where the held money goes when a stage is reached by {@link Action#REFUND} or {@link
   * Action#RELEASE}: everything to the student, or the settlement as it was ({@code asSettled}, may
   * be null for a refund).
   */
  public static Settlement settlement(Stage resolved, long heldCents, Settlement asSettled) {
    return switch (resolved) {
      case REFUNDED -> Settlement.fullRefund(heldCents);
      case RELEASED -> Objects.requireNonNull(asSettled, "asSettled").requireTotal(heldCents);
      default -> throw new IllegalArgumentException("not a resolution: " + resolved);
    };
  }

  /**
   * Whether the tutor's share is pending or available at {@code now}: pending while settled within
   * the window or disputed, available after the window or once released; nothing otherwise.
   */
  public static Earnings earnings(Stage stage, Instant settledAt, Instant now, Duration disputeWindow) {
    Objects.requireNonNull(stage, "stage");
    return switch (stage) {
      case HELD, REFUNDED -> Earnings.NONE;
      case DISPUTED -> Earnings.PENDING;
      case RELEASED -> Earnings.AVAILABLE;
      case SETTLED -> inWindow(settledAt, now, disputeWindow) ? Earnings.PENDING : Earnings.AVAILABLE;
    };
  }

  private static Decision refused(String detail) {
    return new Refused(Rejection.conflict(detail));
  }
}
