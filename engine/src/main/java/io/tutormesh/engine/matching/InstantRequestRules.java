package io.tutormesh.engine.matching;

import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.engine.catalog.ProfileRules;
import io.tutormesh.engine.common.Rejection;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules an {@link InstantRequest} must follow: a pure validator. The first broken rule wins;
 * its {@link Rejection#field()} names the request field as the client sent it.
 *
 * <ul>
 *   <li>{@code subject}: in the catalogue;
 *   <li>{@code level}: one the subject is offered at;
 *   <li>{@code language}: a lowercase ISO 639-1 code, the same rule as tutor and student profiles;
 *   <li>{@code maxRateCents}: positive and at most the highest rate a tutor may charge;
 *   <li>{@code durationMinutes}: within {@code tutormesh.matching.min/max-duration-minutes}.
 * </ul>
 */
public final class InstantRequestRules {


  private final Catalog catalog;
  private final long maxRateCents;
  private final int minDurationMinutes;
  private final int maxDurationMinutes;

  public InstantRequestRules(ProfileRules profileRules, MatchingSettings settings) {
    Objects.requireNonNull(profileRules, "profileRules");
    Objects.requireNonNull(settings, "settings");
    if (settings.minDurationMinutes() < 1 || settings.maxDurationMinutes() < settings.minDurationMinutes()) {
      throw new IllegalArgumentException("need 1 <= min-duration-minutes <= max-duration-minutes");
    }
    this.catalog = profileRules.catalog();
    this.maxRateCents = profileRules.maxRateCents();
    this.minDurationMinutes = settings.minDurationMinutes();
    this.maxDurationMinutes = settings.maxDurationMinutes();
  }

  public Optional<Rejection> validate(InstantRequest request) {
    if (request == null) {
      return invalid(null, "a request is required");
    }
    if (request.subject() == null || request.subject().isBlank()) {
      return invalid("subject", "subject is required");
    }
    if (!catalog.hasSubject(request.subject())) {
      return invalid("subject", "unknown subject " + Rejection.quoted(request.subject()));
    }
    if (request.level() == null || request.level().isBlank()) {
      return invalid("level", "level is required");
    }
    if (!catalog.offers(request.subject(), request.level())) {
      return invalid("level", Rejection.quoted(request.subject()) + " is offered at "
          + String.join(", ", catalog.levelsOf(request.subject()).orElseThrow()) + ", not " + Rejection.quoted(request.level()));
    }
    if (request.language() == null || request.language().isBlank()) {
      return invalid("language", "language is required");
    }
    if (!Catalog.isLanguage(request.language())) {
      return invalid("language", "must be a lowercase ISO 639-1 code such as en, got " + Rejection.quoted(request.language()));
    }
    if (request.maxRateCents() <= 0 || request.maxRateCents() > maxRateCents) {
      return invalid("maxRateCents", "must be between 1 and " + maxRateCents);
    }
    if (request.durationMinutes() < minDurationMinutes || request.durationMinutes() > maxDurationMinutes) {
      return invalid("durationMinutes", "must be between " + minDurationMinutes + " and " + maxDurationMinutes);
    }
    return Optional.empty();
  }

  private static Optional<Rejection> invalid(String field, String detail) {
    return Optional.of(Rejection.invalid(field, detail));
  }

}
