package io.tutormesh.gateway.availability;

import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.gateway.http.Problem;
import io.tutormesh.gateway.http.ProblemException;

/**
 * `?subject=&language=&level=`, checked: the subject is required and in the catalogue; the
 * language (a lowercase ISO 639-1 code) and the level (one the subject is offered at) are
 * optional filters, null meaning any. An empty optional parameter counts as absent.
 */
public record AvailabilityQuery(String subject, String language, String level) {


  /** The query, or a 400 naming the offending parameter. */
  public static AvailabilityQuery parse(Catalog catalog, String subject, String language, String level) {
    if (subject == null || subject.isEmpty()) {
      throw invalid("subject", "is required");
    }
    if (!catalog.hasSubject(subject)) {
      throw invalid("subject", "is not in the catalogue: " + Rejection.quoted(subject));
    }
    String lang = emptyToNull(language);
    if (lang != null && !Catalog.isLanguage(lang)) {
      throw invalid("language", "must be a lowercase ISO 639-1 code such as en, got " + Rejection.quoted(lang));
    }
    String lvl = emptyToNull(level);
    if (lvl != null && !catalog.offers(subject, lvl)) {
      throw invalid("level", subject + " is offered at " + String.join(", ", catalog.levelsOf(subject).orElseThrow()) + ", not " + Rejection.quoted(lvl));
    }
    return new AvailabilityQuery(subject, lang, lvl);
  }

  /** True when this tutor is one the query asks for. */
  public boolean matches(TutorCard card) {
    return !card.levelsFor(subject).isEmpty()
        && (language == null || card.speaks(language))
        && (level == null || card.teaches(subject, level));
  }

  private static ProblemException invalid(String field, String detail) {
    return new ProblemException(Problem.badRequest(field, detail));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

}
