package io.tutormesh.engine.money;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.TestSupport;
import io.tutormesh.engine.common.CborSerializable;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The money values that go into events and replies travel as Jackson CBOR and come back equal. */
class MoneySerializationTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(TestSupport.testKitConfig());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static Stream<CborSerializable> values() {
    return Stream.of(
        ProviderResult.succeeded("sbx_ch_1"),
        ProviderResult.declined("sbx_ch_2", "card declined (sandbox)"),
        ProviderResult.failed(null, "payment provider error (sandbox)"),
        new Settlement(1501, 1500));
  }

  @ParameterizedTest
  @MethodSource("values")
  void travelsAsJacksonCbor(CborSerializable value) {
    Serialization serialization = SerializationExtension.get(testKit.system());

    assertThat(serialization.findSerializerFor(value)).isInstanceOf(JacksonCborSerializer.class);
    byte[] bytes = serialization.serialize(value).get();
    String manifest = Serializers.manifestFor(serialization.findSerializerFor(value), value);
    assertThat(serialization.deserialize(bytes, serialization.findSerializerFor(value).identifier(), manifest).get())
        .isEqualTo(value);
  }
}
