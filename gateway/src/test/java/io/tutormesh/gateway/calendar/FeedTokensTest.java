package io.tutormesh.gateway.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FeedTokensTest {

  private final FeedTokens tokens = new FeedTokens("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

  @Test
  void aTokenOpensOnlyItsOwnUsersCalendar() {
    String token = tokens.tokenFor("tutor", "ada");

    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    assertThat(tokens.matches("tutor", "ada", token)).isTrue();
    assertThat(tokens.matches("tutor", "bob", token)).isFalse();
    assertThat(tokens.matches("student", "ada", token)).isFalse();
    assertThat(tokens.matches("tutor", "ada", token.substring(1))).isFalse();
    assertThat(tokens.matches("tutor", "ada", null)).isFalse();
    assertThat(tokens.matches("tutor", "ada", "")).isFalse();
  }

  @Test
  void anotherKeyGivesOtherTokens() {
    FeedTokens other = new FeedTokens("another-key-another-key-another-key".getBytes(StandardCharsets.UTF_8));

    assertThat(other.tokenFor("tutor", "ada")).isNotEqualTo(tokens.tokenFor("tutor", "ada"));
    assertThat(other.matches("tutor", "ada", tokens.tokenFor("tutor", "ada"))).isFalse();
  }
}
