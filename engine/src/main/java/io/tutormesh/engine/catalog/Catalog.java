package io.tutormesh.engine.catalog;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What can be taught on this deployment: the subjects, the levels each is offered at, every
 * level a student may have, and the one platform currency. Read from {@code tutormesh.catalog}
 * and {@code tutormesh.money.currency}; the defaults are in the engine's {@code reference.conf}.
 */
public record Catalog(List<SubjectLevels> subjects, List<String> levels, String currency) {

  private static final java.util.Set<String> ISO_LANGUAGES = java.util.Set.of(java.util.Locale.getISOLanguages());

  /** One subject and the levels it is offered at, in catalogue order. */
  public record SubjectLevels(String subject, List<String> levels) {
    public SubjectLevels {
      Objects.requireNonNull(subject, "subject");
      levels = List.copyOf(levels);
    }
  }

  public Catalog {
    subjects = List.copyOf(subjects);
    levels = List.copyOf(levels);
    if (!isCurrency(Objects.requireNonNull(currency, "currency"))) {
      throw new IllegalArgumentException("not an ISO 4217 currency: " + currency);
    }
    if (Set.copyOf(levels).size() != levels.size()) {
      throw new IllegalArgumentException("duplicate level in catalogue: " + levels);
    }
    Set<String> known = new HashSet<>();
    for (SubjectLevels entry : subjects) {
      if (!known.add(entry.subject())) {
        throw new IllegalArgumentException("duplicate subject in catalogue: " + entry.subject());
      }
      if (entry.levels().isEmpty()) {
        throw new IllegalArgumentException("subject " + entry.subject() + " has no levels");
      }
      for (String level : entry.levels()) {
        if (!levels.contains(level)) {
          throw new IllegalArgumentException("subject " + entry.subject() + " has unknown level " + level);
        }
      }
    }
  }

  public static Catalog fromConfig(Config config) {
    List<SubjectLevels> subjects = new ArrayList<>();
    for (Config entry : config.getConfigList("tutormesh.catalog.subjects")) {
      subjects.add(new SubjectLevels(entry.getString("subject"), entry.getStringList("levels")));
    }
    try {
      return new Catalog(subjects, config.getStringList("tutormesh.catalog.levels"),
          config.getString("tutormesh.money.currency"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue("tutormesh.catalog", e.getMessage());
    }
  }

  private static boolean isCurrency(String code) {
    return Currency.getAvailableCurrencies().stream().anyMatch(known -> known.getCurrencyCode().equals(code));
  }

  /** True for a lowercase ISO 639-1 code ("fr"): the only way languages are written here. */
  public static boolean isLanguage(String code) {
    return code != null && ISO_LANGUAGES.contains(code);
  }

  public boolean hasSubject(String subject) {
    return levelsOf(subject).isPresent();
  }

  /** True when {@code subject} is taught at {@code level}. */
  public boolean offers(String subject, String level) {
    return level != null && levelsOf(subject).map(offered -> offered.contains(level)).orElse(false);
  }

  public boolean hasLevel(String level) {
    return level != null && levels.contains(level);
  }

  /** The levels {@code subject} is offered at, empty when it is not in the catalogue. */
  public Optional<List<String>> levelsOf(String subject) {
    return subjects.stream().filter(entry -> entry.subject().equals(subject)).findFirst().map(SubjectLevels::levels);
  }
}
