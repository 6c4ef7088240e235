package io.tutormesh.gateway.http;

import io.tutormesh.engine.common.Rejection;

/** Maps the engine's rejections onto HTTP problems. */
public final class Problems {
  private Problems() {}

  public static Problem fromRejection(Rejection rejection) {
    if (rejection.kind() == null) {
      return Problem.internal(rejection.detail());
    }
    return switch (rejection.kind()) {
      case INVALID -> Problem.badRequest(rejection.field(), rejection.detail());
      case NOT_FOUND -> Problem.notFound(rejection.detail());
      case CONFLICT -> Problem.conflict(rejection.detail());
      case PAYMENT_REQUIRED -> Problem.paymentRequired(rejection.detail());
      case FORBIDDEN -> Problem.forbidden(rejection.detail());
      case UNAVAILABLE -> Problem.unavailable(rejection.detail());
      default -> Problem.internal(rejection.detail());
    };
  }
}
