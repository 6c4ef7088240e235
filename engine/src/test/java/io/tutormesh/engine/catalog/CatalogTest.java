package io.tutormesh.engine.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.catalog.Catalog.SubjectLevels;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogTest {

  private static final List<String> ALL_LEVELS = List.of("primary", "middle", "high", "university", "adult");

  @Test
  void defaultCatalogueHasTheSubjectsAndLevelsThePublicContractPromises() {
    Catalog catalog = Catalog.fromConfig(ConfigFactory.load());

    assertThat(catalog.subjects()).extracting(SubjectLevels::subject).containsExactly(
        "math", "physics", "chemistry", "biology", "english", "french", "spanish", "german", "latin",
        "history", "programming", "music");
    assertThat(catalog.levels()).containsExactlyElementsOf(ALL_LEVELS);
    assertThat(catalog.currency()).isEqualTo(System.getenv().getOrDefault("TUTORMESH_CURRENCY", "EUR"));
    assertThat(catalog.levelsOf("math")).contains(ALL_LEVELS);
    assertThat(catalog.levelsOf("programming")).contains(List.of("high", "university", "adult"));
    assertThat(catalog.levelsOf("latin")).contains(List.of("middle", "high", "university"));
  }

  @Test
  void readsACustomCatalogue() {
    Catalog catalog = Catalog.fromConfig(config("""
        tutormesh.catalog.levels = [beginner, advanced]
        tutormesh.catalog.subjects = [
          { subject = chess, levels = [beginner, advanced] }
          { subject = go, levels = [advanced] }
        ]
        tutormesh.money.currency = USD
        """));

    assertThat(catalog).isEqualTo(new Catalog(
        List.of(new SubjectLevels("chess", List.of("beginner", "advanced")), new SubjectLevels("go", List.of("advanced"))),
        List.of("beginner", "advanced"),
        "USD"));
  }

  @Test
  void answersWhatIsTaughtAtWhichLevel() {
    Catalog catalog = Catalog.fromConfig(ConfigFactory.load());

    assertThat(catalog.hasSubject("math")).isTrue();
    assertThat(catalog.hasSubject("astrology")).isFalse();
    assertThat(catalog.hasSubject(null)).isFalse();
    assertThat(catalog.offers("math", "primary")).isTrue();
    assertThat(catalog.offers("programming", "primary")).isFalse();
    assertThat(catalog.offers("astrology", "adult")).isFalse();
    assertThat(catalog.offers("math", "kindergarten")).isFalse();
    assertThat(catalog.hasLevel("adult")).isTrue();
    assertThat(catalog.hasLevel("kindergarten")).isFalse();
    assertThat(catalog.levelsOf("astrology")).isEmpty();
    assertThat(catalog.offers("math", null)).isFalse();
    assertThat(catalog.offers(null, "adult")).isFalse();
    assertThat(catalog.hasLevel(null)).isFalse();
    assertThat(catalog.levelsOf(null)).isEmpty();
  }

  @Test
  void listsAreImmutable() {
    Catalog catalog = Catalog.fromConfig(ConfigFactory.load());

    assertThatThrownBy(() -> catalog.subjects().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> catalog.levels().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> catalog.subjects().get(0).levels().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void refusesASubjectAtAnUnknownLevel() {
    Config config = config("""
        tutormesh.catalog.levels = [beginner]
        tutormesh.catalog.subjects = [{ subject = chess, levels = [grandmaster] }]
        tutormesh.money.currency = EUR
        """);

    assertThatThrownBy(() -> Catalog.fromConfig(config))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("grandmaster");
  }

  @Test
  void refusesADuplicateSubject() {
    Config config = config("""
        tutormesh.catalog.levels = [beginner]
        tutormesh.catalog.subjects = [
          { subject = chess, levels = [beginner] }
          { subject = chess, levels = [beginner] }
        ]
        tutormesh.money.currency = EUR
        """);

    assertThatThrownBy(() -> Catalog.fromConfig(config)).isInstanceOf(ConfigException.BadValue.class);
  }

  @Test
  void refusesADuplicateLevel() {
    Config config = config("""
        tutormesh.catalog.levels = [beginner, beginner]
        tutormesh.catalog.subjects = [{ subject = chess, levels = [beginner] }]
        tutormesh.money.currency = EUR
        """);

    assertThatThrownBy(() -> Catalog.fromConfig(config)).isInstanceOf(ConfigException.BadValue.class);
  }

  @Test
  void refusesASubjectWithoutLevels() {
    Config config = config("""
        tutormesh.catalog.levels = [beginner]
        tutormesh.catalog.subjects = [{ subject = chess, levels = [] }]
        tutormesh.money.currency = EUR
        """);

    assertThatThrownBy(() -> Catalog.fromConfig(config)).isInstanceOf(ConfigException.BadValue.class);
  }

  @Test
  void refusesAnUnknownCurrency() {
    Config config = config("""
        tutormesh.catalog.levels = [beginner]
        tutormesh.catalog.subjects = [{ subject = chess, levels = [beginner] }]
        tutormesh.money.currency = EURO
        """);

    assertThatThrownBy(() -> Catalog.fromConfig(config)).isInstanceOf(ConfigException.BadValue.class);
  }

  @Test
  void requiresEveryKey() {
    assertThatThrownBy(() -> Catalog.fromConfig(ConfigFactory.empty())).isInstanceOf(ConfigException.Missing.class);
  }

  private static Config config(String hocon) {
    return ConfigFactory.parseString(hocon).resolve();
  }
}
