package io.tutormesh.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InboundTextTest {

  private final InboundText text = new InboundText(64);

  @Test
  void aMessageInOneFrameIsDecodedAtOnce() throws Exception {
    assertThat(text.accept(utf8("{\"type\":\"ping\"}"), true)).isEqualTo("{\"type\":\"ping\"}");
    assertThat(text.accept(utf8("caf\u00e9 \u20ac \ud83d\ude00"), true)).isEqualTo("caf\u00e9 \u20ac \ud83d\ude00");
    assertThat(text.accept(ByteBuffer.allocate(0), true)).isEmpty();
  }

  @Test
  void aReadOnlyOrDirectPayloadIsReadToo() throws Exception {
    ByteBuffer direct = ByteBuffer.allocateDirect(8);
    direct.put("h\u00e9llo".getBytes(StandardCharsets.UTF_8)).flip();

    assertThat(text.accept(direct, true)).isEqualTo("h\u00e9llo");
    assertThat(text.accept(utf8("read-only").asReadOnlyBuffer(), true)).isEqualTo("read-only");
  }

  @Test
  void framesMakeOneMessageEvenWithACharacterSplitBetweenThem() throws Exception {
    byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8); // 3 bytes

    assertThat(text.accept(utf8("price: "), false)).isNull();
    assertThat(text.accept(ByteBuffer.wrap(euro, 0, 1), false)).isNull();
    assertThat(text.accept(ByteBuffer.wrap(euro, 1, 2), false)).isNull();
    assertThat(text.accept(utf8("5"), true)).isEqualTo("price: \u20ac5");
    // ...and the next message starts afresh.
    assertThat(text.accept(utf8("next"), true)).isEqualTo("next");
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedWith1007() {
    byte[][] bad = {{(byte) 0xc3}, {(byte) 0xff, 'a'}, {'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80}};
    for (byte[] bytes : bad) {
      assertThatThrownBy(() -> text.accept(ByteBuffer.wrap(bytes), true))
          .as(Arrays.toString(bytes))
          .isInstanceOfSatisfying(InboundText.Refused.class, refused -> assertThat(refused.code()).isEqualTo(1007));
    }
    assertThatThrownBy(() -> {
          text.accept(utf8("ok so far "), false);
          text.accept(ByteBuffer.wrap(new byte[] {(byte) 0xe2, (byte) 0x82}), true); // a cut-off euro sign
        })
        .isInstanceOfSatisfying(InboundText.Refused.class, refused -> assertThat(refused.code()).isEqualTo(1007));
  }

  @Test
  void theReplacementCharacterItselfIsFine() throws Exception {
    assertThat(text.accept(utf8("a \ufffd b"), true)).isEqualTo("a \ufffd b");
  }

  @Test
  void aMessageOverTheBoundIsRefusedWith1009AndForgotten() throws Exception {
    assertThat(text.accept(utf8("x".repeat(40)), false)).isNull();

    assertThatThrownBy(() -> text.accept(utf8("y".repeat(25)), true))
        .isInstanceOfSatisfying(InboundText.Refused.class, refused -> assertThat(refused.code()).isEqualTo(1009));
    assertThatThrownBy(() -> text.accept(utf8("z".repeat(65)), true))
        .isInstanceOfSatisfying(InboundText.Refused.class, refused -> assertThat(refused.code()).isEqualTo(1009));
    // Exactly at the bound is taken, and nothing of the refused messages is left over.
    assertThat(text.accept(utf8("a".repeat(32)), false)).isNull();
    assertThat(text.accept(utf8("b".repeat(32)), true)).isEqualTo("a".repeat(32) + "b".repeat(32));
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }
}
