package io.tutormesh.persistence.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.concurrent.Await;

/** How an upload is cut into chunks and stopped at its limit; no Cassandra needed. */
class ChunksTest {

  private static ActorSystem system;
  private static Materializer materializer;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("chunks", ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.defaultReference()));
    materializer = Materializer.matFromSystem(system);
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(system.terminate(), scala.concurrent.duration.Duration.fromNanos(Duration.ofSeconds(10).toNanos()));
  }

  @Test
  void cutsAnyPiecesIntoFullChunksAndAShorterLastOne() throws Exception {
    List<ByteString> pieces = List.of(bytes(0, 3), bytes(3, 1), bytes(4, 9), bytes(13, 2));

    List<ByteString> chunks = run(pieces, 4, 100);

    assertThat(chunks).extracting(ByteString::size).containsExactly(4, 4, 4, 3);
    assertThat(chunks.stream().reduce(ByteString.emptyByteString(), ByteString::concat)).isEqualTo(bytes(0, 15));
  }

  @Test
  void anExactMultipleEndsWithAFullChunkAndNothingIsEmitted() throws Exception {
    assertThat(run(List.of(bytes(0, 8)), 4, 8)).extracting(ByteString::size).containsExactly(4, 4);
    assertThat(run(List.of(), 4, 8)).isEmpty();
    assertThat(run(List.of(ByteString.emptyByteString()), 4, 8)).isEmpty();
  }

  @Test
  void oneByteOverTheLimitFailsTheStream() {
    assertThatThrownBy(() -> run(List.of(bytes(0, 5), bytes(5, 4)), 4, 8))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(DocumentStore.DocumentTooLarge.class)
        .hasMessageContaining("8 bytes");
  }

  private static List<ByteString> run(List<ByteString> pieces, int chunkBytes, long maxBytes) throws Exception {
    return Source.from(pieces)
        .via(CassandraDocumentStore.chunks(chunkBytes, maxBytes))
        .runWith(Sink.seq(), materializer)
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private static ByteString bytes(int from, int count) {
    byte[] bytes = new byte[count];
    for (int i = 0; i < count; i++) {
      bytes[i] = (byte) (from + i);
    }
    return ByteString.fromArray(bytes);
  }
}
