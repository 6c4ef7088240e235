package io.tutormesh.engine.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContactMaskerTest {

  private static final ContactMasker MASKER = ContactMasker.defaults();

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "mail me at ada.lovelace+maths@example.co.uk please; mail me at [hidden] please",
      "ADA@EXAMPLE.COM; [hidden]",
      "ada @ example.com; [hidden]",
      "ada_99@mail-server.example.org.; [hidden].",
      "call 0612345678; call [hidden]",
      "call 06 12 34 56 78 tonight; call [hidden] tonight",
      "call +33 6 12 34 56 78; call [hidden]",
      "+1 (555) 123-4567; [hidden]",
      "(555) 123-4567; [hidden]",
      "555.123.4567 or 555-1234567; [hidden] or [hidden]",
      "my number: 555 1234.; my number: [hidden].",
      "+44.20.7946.0958; [hidden]",
      "0 6 1 2 3 4 5 6 7 8; [hidden]",
      "tel:0612345678, ok?; tel:[hidden], ok?",
      "two: 0612345678 and ada@example.com; two: [hidden] and [hidden]",
  })
  void hidesContactDetails(String text, String masked) {
    assertThat(MASKER.mask(text)).isEqualTo(masked);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2+2=4",
      "x = 3.14159",
      "pi is 3.14159265358979",
      "the year 1999",
      "between 1999 and 2005",
      "12345 + 67890 = 80235",
      "solve 3x + 5 = 20 for x",
      "a 7-digit total: 1,000,000",
      "see you on 2024-05-12 at 14:30",
      "or on 12.05.2024, or 1-5-2024",
      "f(x) = (x - 1)(x + 2)",
      "area = 12.5 * 4.25 cm²",
      "answer (a) 42, (b) 17",
      "the @ sign and a.b.c",
      "",
  })
  void leavesMathsDatesAndShortNumbersAlone(String text) {
    assertThat(MASKER.mask(text)).isEqualTo(text);
  }

  @Test
  void customPatternsAndReplacement() {
    ContactMasker masker = ContactMasker.of(List.of("(?i)skype:\\s*\\S+", "\\bwhatsapp\\b"), "***$1\\");

    assertThat(masker.mask("add me on Skype: ada.l or WhatsApp")).isEqualTo("add me on ***$1\\ or WhatsApp");
    assertThat(masker.mask("whatsapp")).isEqualTo("***$1\\");
  }

  @Test
  void theDefaultPatternsWithAnotherReplacement() {
    ContactMasker masker = ContactMasker.of(ContactMasker.DEFAULT_PATTERNS, "***");

    assertThat(masker.mask("ada@example.com or 0612345678, not 1999")).isEqualTo("*** or ***, not 1999");
  }

  @Test
  void theConstructorTakesCompiledPatterns() {
    ContactMasker masker = new ContactMasker(List.of(Pattern.compile("secret")), "[x]");

    assertThat(masker.mask("a secret, another secret")).isEqualTo("a [x], another [x]");
    assertThat(new ContactMasker(List.of(), "[x]").mask("0612345678")).isEqualTo("0612345678");
  }

  @Test
  void aBadRegexIsRefusedWithItsIndexAndReason() {
    assertThatThrownBy(() -> ContactMasker.of(List.of("ok", "(unclosed"), "[hidden]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("contact pattern #1 /(unclosed/ is not a valid regex: Unclosed group");
    assertThatThrownBy(() -> ContactMasker.of(List.of("\\d*"), "[hidden]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("contact pattern #0 /\\d*/ matches the empty string");
    assertThatThrownBy(() -> ContactMasker.of(List.of(""), "[hidden]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("contact pattern #0 is empty");
  }

  @Test
  void aLongMessageIsMaskedWhole() {
    String text = "a1 b2 3.4 ".repeat(1000) + "x".repeat(10_000) + " " + "1 2 3 ".repeat(20_000);

    assertThat(MASKER.mask(text)).startsWith("a1 b2 3.4 ").endsWith("x [hidden] ");
  }

  @Test
  void aLongAddressIsMaskedWhole() {
    String text = "ada@" + "a.".repeat(50_000) + "com, or " + "a.b-".repeat(20_000) + "@example.com!";

    assertThat(MASKER.mask(text)).isEqualTo("[hidden], or [hidden]!");
  }
}
