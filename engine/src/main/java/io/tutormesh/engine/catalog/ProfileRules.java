package io.tutormesh.engine.catalog;

import com.typesafe.config.Config;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.student.StudentEntity.StudentProfile;
import io.tutormesh.engine.tutor.TutorEntity.SubjectOffer;
import io.tutormesh.engine.tutor.TutorEntity.TutorProfile;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a tutor or student profile must follow: pure validators, no actor in sight. The
 * first broken rule wins; its {@link Rejection#field()} is the JSON path of the offending field
 * as the client sent it ({@code subjects[1].levels[0]}), its detail a short sentence.
 */
public record ProfileRules(
    Catalog catalog,
    long minRateCents,
    long maxRateCents,
    int maxDisplayName,
    int maxBio,
    int maxSubjects,
    int maxLanguages) {

  public static final long DEFAULT_MIN_RATE_CENTS = 500;
  public static final long DEFAULT_MAX_RATE_CENTS = 50_000;
  public static final int DEFAULT_MAX_DISPLAY_NAME = 100;
  public static final int DEFAULT_MAX_BIO = 2000;
  public static final int DEFAULT_MAX_SUBJECTS = 20;
  public static final int DEFAULT_MAX_LANGUAGES = 10;

  private static final Set<String> ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());

  /** Longest e-mail address (RFC 5321 path limit). */
  public static final int MAX_EMAIL = 254;
  /**
   * An e-mail address as the notification outbox can send to: a dot-atom local part (no quoting,
   * no comments) and a domain of at least two DNS labels. Stricter than RFC 5322 on purpose.
   */
  private static final Pattern EMAIL = Pattern.compile(
      "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
          + "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  /** E.164: a '+', a country code not starting with 0, 7 to 15 digits in all. */
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

  public ProfileRules {
    if (catalog == null) {
      throw new IllegalArgumentException("catalog is required");
    }
    if (minRateCents < 0 || maxRateCents < minRateCents) {
      throw new IllegalArgumentException("need 0 <= min-rate-cents <= max-rate-cents");
    }
    if (maxDisplayName < 1 || maxBio < 0 || maxSubjects < 1 || maxLanguages < 1) {
      throw new IllegalArgumentException("profile limits must be positive");
    }
  }

  /** Reads {@code tutormesh.profile.*} (defaults as in {@code reference.conf}) and the catalogue. */
  public static ProfileRules fromConfig(Config config) {
    return new ProfileRules(
        Catalog.fromConfig(config),
        longOr(config, "tutormesh.profile.min-rate-cents", DEFAULT_MIN_RATE_CENTS),
        longOr(config, "tutormesh.profile.max-rate-cents", DEFAULT_MAX_RATE_CENTS),
        intOr(config, "tutormesh.profile.max-display-name", DEFAULT_MAX_DISPLAY_NAME),
        intOr(config, "tutormesh.profile.max-bio", DEFAULT_MAX_BIO),
        intOr(config, "tutormesh.profile.max-subjects", DEFAULT_MAX_SUBJECTS),
        intOr(config, "tutormesh.profile.max-languages", DEFAULT_MAX_LANGUAGES));
  }

  public Optional<Rejection> validate(TutorProfile profile) {
    if (profile == null) {
      return invalid(null, "a profile is required");
    }
    return firstOf(
        displayName(profile.displayName()),
        subjects(profile.subjects()),
        languages(profile.languages()),
        rate(profile.rateCents()),
        currency(profile.currency()),
        timezone(profile.timezone()),
        bio(profile.bio()),
        email(profile.email()),
        phone(profile.phone()));
  }

  public Optional<Rejection> validate(StudentProfile profile) {
    if (profile == null) {
      return invalid(null, "a profile is required");
    }
    return firstOf(
        displayName(profile.displayName()),
        level(profile.level()),
        languages(profile.languages()),
        timezone(profile.timezone()),
        email(profile.email()),
        phone(profile.phone()));
  }

  @SafeVarargs
  private static Optional<Rejection> firstOf(Optional<Rejection>... checks) {
    for (Optional<Rejection> check : checks) {
      if (check.isPresent()) {
        return check;
      }
    }
    return Optional.empty();
  }

  private Optional<Rejection> displayName(String displayName) {
    if (displayName == null || displayName.isBlank()) {
      return invalid("displayName", "displayName is required");
    }
    if (displayName.trim().length() > maxDisplayName) {
      return invalid("displayName", "displayName must be at most " + maxDisplayName + " characters");
    }
    return Optional.empty();
  }

  private Optional<Rejection> subjects(List<SubjectOffer> subjects) {
    if (subjects == null || subjects.isEmpty()) {
      return invalid("subjects", "at least one subject is required");
    }
    if (subjects.size() > maxSubjects) {
      return invalid("subjects", "at most " + maxSubjects + " subjects are allowed");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < subjects.size(); i++) {
      String path = "subjects[" + i + "]";
      SubjectOffer offer = subjects.get(i);
      if (offer == null) {
        return invalid(path, "subject entry is required");
      }
      Optional<Rejection> rejection = offer(path, offer, seen);
      if (rejection.isPresent()) {
        return rejection;
      }
    }
    return Optional.empty();
  }

  private Optional<Rejection> offer(String path, SubjectOffer offer, Set<String> seen) {
    String subject = offer.subject();
    if (subject == null || subject.isBlank()) {
      return invalid(path + ".subject", "subject is required");
    }
    if (!catalog.hasSubject(subject)) {
      return invalid(path + ".subject", "unknown subject " + Rejection.quoted(subject));
    }
    if (!seen.add(subject)) {
      return invalid(path + ".subject", "duplicate subject " + Rejection.quoted(subject));
    }
    List<String> levels = offer.levels();
    if (levels == null || levels.isEmpty()) {
      return invalid(path + ".levels", "at least one level is required");
    }
    Set<String> seenLevels = new HashSet<>();
    for (int j = 0; j < levels.size(); j++) {
      String level = levels.get(j);
      String levelPath = path + ".levels[" + j + "]";
      if (level == null || level.isBlank()) {
        return invalid(levelPath, "level is required");
      }
      if (!catalog.offers(subject, level)) {
        return invalid(levelPath, Rejection.quoted(subject) + " is not offered at level " + Rejection.quoted(level));
      }
      if (!seenLevels.add(level)) {
        return invalid(levelPath, "duplicate level " + Rejection.quoted(level));
      }
    }
    return Optional.empty();
  }

  private Optional<Rejection> languages(List<String> languages) {
    if (languages == null || languages.isEmpty()) {
      return invalid("languages", "at least one language is required");
    }
    if (languages.size() > maxLanguages) {
      return invalid("languages", "at most " + maxLanguages + " languages are allowed");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < languages.size(); i++) {
      String language = languages.get(i);
      String path = "languages[" + i + "]";
      if (language == null || language.isBlank()) {
        return invalid(path, "language is required");
      }
      if (!Catalog.isLanguage(language)) {
        return invalid(path, "must be a lowercase ISO 639-1 code such as en, got " + Rejection.quoted(language));
      }
      if (!seen.add(language)) {
        return invalid(path, "duplicate language " + Rejection.quoted(language));
      }
    }
    return Optional.empty();
  }

  private Optional<Rejection> rate(long rateCents) {
    if (rateCents < minRateCents || rateCents > maxRateCents) {
      return invalid("rateCents", "must be between " + minRateCents + " and " + maxRateCents);
    }
    return Optional.empty();
  }

  private Optional<Rejection> currency(String currency) {
    if (currency == null || currency.isBlank()) {
      return invalid("currency", "currency is required");
    }
    if (!currency.equals(catalog.currency())) {
      return invalid("currency", "must be " + catalog.currency() + ", the platform currency");
    }
    return Optional.empty();
  }

  private static Optional<Rejection> timezone(String timezone) {
    if (timezone == null || timezone.isBlank()) {
      return invalid("timezone", "timezone is required");
    }
    if (!ZONES.contains(timezone)) {
      return invalid("timezone", "must be an IANA time zone such as Europe/Paris, got " + Rejection.quoted(timezone));
    }
    return Optional.empty();
  }

  private Optional<Rejection> bio(String bio) {
    if (bio != null && bio.trim().length() > maxBio) {
      return invalid("bio", "bio must be at most " + maxBio + " characters");
    }
    return Optional.empty();
  }

  private Optional<Rejection> level(String level) {
    if (level == null || level.isBlank()) {
      return invalid("level", "level is required");
    }
    if (!catalog.hasLevel(level)) {
      return invalid("level", "must be one of " + String.join(", ", catalog.levels()));
    }
    return Optional.empty();
  }

  /**
   * A contact detail (e-mail or phone) as stored: trimmed, and absent (null) when blank, so that
   * {@code ""} removes it as {@code null} does.
   */
  public static String contact(String value) {
    if (value == null) {
      return null;
    }
    String trimmed = value.trim();
    return trimmed.isEmpty() ? null : trimmed;
  }

  /** Optional; when given, an address {@link #EMAIL} accepts, at most {@value #MAX_EMAIL} characters. */
  static Optional<Rejection> email(String email) {
    String value = contact(email);
    if (value == null) {
      return Optional.empty();
    }
    int at = value.indexOf('@');
    if (value.length() > MAX_EMAIL || at > 64 || value.length() - at - 1 > 190 || !EMAIL.matcher(value).matches()) {
      return invalid("email", "must be an e-mail address such as ada@example.com, got " + Rejection.quoted(value));
    }
    return Optional.empty();
  }

  /** Optional; when given, an E.164 number ({@code +33612345678}). */
  static Optional<Rejection> phone(String phone) {
    String value = contact(phone);
    if (value == null) {
      return Optional.empty();
    }
    if (!E164.matcher(value).matches()) {
      return invalid("phone", "must be an E.164 number such as +33612345678, got " + Rejection.quoted(value));
    }
    return Optional.empty();
  }

  private static Optional<Rejection> invalid(String field, String detail) {
    return Optional.of(Rejection.invalid(field, detail));
  }


  private static long longOr(Config config, String path, long fallback) {
    return config.hasPath(path) ? config.getLong(path) : fallback;
  }

  private static int intOr(Config config, String path, int fallback) {
    return config.hasPath(path) ? config.getInt(path) : fallback;
  }
}
