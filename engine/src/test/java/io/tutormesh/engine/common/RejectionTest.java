package io.tutormesh.engine.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.engine.common.Rejection.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RejectionTest {

  @Test
  void encodesKindFieldAndDetail() {
    Rejection rejection = Rejection.invalid("rateCents", "must be between 500 and 50000");

    assertThat(rejection.toMessage()).isEqualTo("INVALID|rateCents|must be between 500 and 50000");
  }

  @Test
  void leavesTheFieldEmptyWhenThereIsNone() {
    assertThat(Rejection.notFound("tutor t1 not found").toMessage()).isEqualTo("NOT_FOUND||tutor t1 not found");
    assertThat(Rejection.conflict("slot taken").toMessage()).isEqualTo("CONFLICT||slot taken");
  }

  @Test
  void factoriesSetKindAndNoField() {
    assertThat(Rejection.notFound("x")).isEqualTo(new Rejection(Kind.NOT_FOUND, null, "x"));
    assertThat(Rejection.conflict("x")).isEqualTo(new Rejection(Kind.CONFLICT, null, "x"));
    assertThat(Rejection.paymentRequired("x")).isEqualTo(new Rejection(Kind.PAYMENT_REQUIRED, null, "x"));
    assertThat(Rejection.forbidden("x")).isEqualTo(new Rejection(Kind.FORBIDDEN, null, "x"));
    assertThat(Rejection.internal("x")).isEqualTo(new Rejection(Kind.INTERNAL, null, "x"));
    assertThat(Rejection.invalid("bio", "x")).isEqualTo(new Rejection(Kind.INVALID, "bio", "x"));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void roundTripsEveryKind(Kind kind) {
    Rejection withField = new Rejection(kind, "subjects[0].levels[2]", "middle is not offered");
    Rejection withoutField = new Rejection(kind, null, "something went wrong");

    assertThat(Rejection.parse(withField.toMessage())).isEqualTo(withField);
    assertThat(Rejection.parse(withoutField.toMessage())).isEqualTo(withoutField);
  }

  @Test
  void roundTripsADetailContainingTheSeparator() {
    Rejection rejection = Rejection.invalid("displayName", "no | allowed || here|");

    Rejection parsed = Rejection.parse(rejection.toMessage());

    assertThat(parsed).isEqualTo(rejection);
    assertThat(parsed.detail()).isEqualTo("no | allowed || here|");
  }

  @Test
  void roundTripsAnEmptyDetail() {
    Rejection rejection = Rejection.conflict("");

    assertThat(Rejection.parse(rejection.toMessage())).isEqualTo(rejection);
  }

  @Test
  void normalisesNullDetailAndEmptyField() {
    Rejection rejection = new Rejection(Kind.INVALID, "", null);

    assertThat(rejection.field()).isNull();
    assertThat(rejection.detail()).isEmpty();
    assertThat(Rejection.parse(rejection.toMessage())).isEqualTo(rejection);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "Ask timed out on [Actor[...]] after [5000 ms]",
    "",
    "INVALID",
    "INVALID|only-one-separator",
    "invalid|field|lowercase kind is not a kind",
    "TEAPOT|field|not a kind"
  })
  void anythingElseParsesAsInternal(String message) {
    Rejection parsed = Rejection.parse(message);

    assertThat(parsed.kind()).isEqualTo(Kind.INTERNAL);
    assertThat(parsed.field()).isNull();
    assertThat(parsed.detail()).isEqualTo(message);
  }

  @ParameterizedTest
  @NullSource
  void nullParsesAsInternal(String message) {
    assertThat(Rejection.parse(message)).isEqualTo(Rejection.internal(""));
  }

  @Test
  void refusesAFieldThatWouldBreakTheFormat() {
    assertThatThrownBy(() -> Rejection.invalid("a|b", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requiresAKind() {
    assertThatThrownBy(() -> new Rejection(null, null, "x")).isInstanceOf(NullPointerException.class);
  }
}
