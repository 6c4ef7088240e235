package io.tutormesh.gateway.tutor;

import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.gateway.http.Problem;
import io.tutormesh.gateway.http.ProblemException;
import io.tutormesh.persistence.directory.DirectoryListing;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@code GET /v1/tutors?subject=&level=&language=&maxRateCents=&minRating=&availableNow=&availableAt=&limit=&cursor=},
 * checked: the subject is required and in the catalogue (the directory is read one subject at a
 * time; the UI always picks one first); every other parameter is an optional filter, an empty one
 * counting as absent. A bad one is a 400 naming it.
 *
 * @param after the last tutor id of the previous page (from the cursor), null for the first page
 */
public record TutorSearchQuery(
    String subject,
    String level,
    String language,
    Long maxRateCents,
    Double minRating,
    boolean availableNow,
    Instant availableAt,
    int limit,
    String after) {

  /** The query, or a {@link ProblemException} (400) naming the offending parameter. */
  public static TutorSearchQuery parse(Catalog catalog, TutorSearchSettings settings, Map<String, String> params) {
    String subject = params.get("subject");
    if (subject == null || subject.isEmpty()) {
      throw invalid("subject", "is required (search is by subject; see GET /v1/catalog)");
    }
    if (!catalog.hasSubject(subject)) {
      throw invalid("subject", "is not in the catalogue: " + Rejection.quoted(subject));
    }
    String level = present(params, "level");
    if (level != null && !catalog.offers(subject, level)) {
      throw invalid("level", subject + " is offered at " + String.join(", ", catalog.levelsOf(subject).orElseThrow()) + ", not " + Rejection.quoted(level));
    }
    String language = present(params, "language");
    if (language != null && !Catalog.isLanguage(language)) {
      throw invalid("language", "must be a lowercase ISO 639-1 code such as en, got " + Rejection.quoted(language));
    }
    Long maxRate = longOf(params, "maxRateCents");
    if (maxRate != null && maxRate < 0) {
      throw invalid("maxRateCents", "must not be negative");
    }
    Double minRating = ratingOf(params);
    boolean availableNow = booleanOf(params, "availableNow");
    Instant availableAt = instantOf(params, "availableAt");
    Long limit = longOf(params, "limit");
    if (limit != null && (limit < 1 || limit > settings.maxLimit())) {
      throw invalid("limit", "must be 1 to " + settings.maxLimit());
    }
    String cursor = present(params, "cursor");
    String after = cursor == null ? null : SearchCursor.decode(cursor, subject);
    return new TutorSearchQuery(subject, level, language, maxRate, minRating, availableNow, availableAt,
        limit == null ? settings.defaultLimit() : limit.intValue(), after);
  }

  /** True when a listing passes the filters that the directory row alone decides (not availability). */
  public boolean matches(DirectoryListing listing) {
    return !listing.suspended()
        && subject.equals(listing.subject())
        && (level == null || listing.levels().contains(level))
        && (language == null || listing.languages().contains(language))
        && (maxRateCents == null || listing.rateCents() <= maxRateCents)
        && (minRating == null || (listing.ratingCount() > 0 && listing.ratingAverage() >= minRating));
  }

  private static String present(Map<String, String> params, String name) {
    String value = params.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  private static Long longOf(Map<String, String> params, String name) {
    String value = present(params, name);
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw invalid(name, "must be a whole number, got " + Rejection.quoted(value));
    }
  }

  private static Double ratingOf(Map<String, String> params) {
    String value = present(params, "minRating");
    if (value == null) {
      return null;
    }
    double rating;
    try {
      rating = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw invalid("minRating", "must be a number from 0 to 5, got " + Rejection.quoted(value));
    }
    if (!(rating >= 0 && rating <= 5)) {
      throw invalid("minRating", "must be a number from 0 to 5, got " + Rejection.quoted(value));
    }
    return rating;
  }

  private static boolean booleanOf(Map<String, String> params, String name) {
    String value = present(params, name);
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw invalid(name, "must be true or false, got " + Rejection.quoted(value));
  }

  private static Instant instantOf(Map<String, String> params, String name) {
    String value = present(params, name);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw invalid(name, "must be an ISO-8601 UTC instant such as 2026-12-01T09:00:00Z, got " + Rejection.quoted(value));
    }
  }

  private static ProblemException invalid(String field, String detail) {
    return new ProblemException(Problem.badRequest(field, detail));
  }
}
