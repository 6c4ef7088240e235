package io.tutormesh.engine.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

  @ParameterizedTest
  @ValueSource(strings = {
    "a",
    "tutor-42",
    "Student_7",
    "ABC-def_123",
    "0123456789012345678901234567890123456789012345678901234567890123" // 64 characters
  })
  void acceptsIdsMadeOfLettersDigitsDashAndUnderscore(String id) {
    assertThat(Ids.isValid(id)).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
    "01234567890123456789012345678901234567890123456789012345678901234", // 65 characters
    "with space",
    "slash/inside",
    "dot.inside",
    "pipe|inside",
    "émile",
    "tab\t",
    "line\n",
    "\u0663", // an Arabic-Indic digit: a digit, but not 0-9
    "\uff41" // a fullwidth a
  })
  void refusesAnythingElse(String id) {
    assertThat(Ids.isValid(id)).isFalse();
  }
}
