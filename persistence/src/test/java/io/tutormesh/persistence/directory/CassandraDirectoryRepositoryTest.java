package io.tutormesh.persistence.directory;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.persistence.testing.SharedCassandra;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.concurrent.Await;

/**
 * The directory's tables against the real embedded Cassandra. Each test uses subjects of its own
 * (the repository does not check the catalogue), so it sees exactly its own rows.
 */
class CassandraDirectoryRepositoryTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static ActorSystem system;
  private static CassandraDirectoryRepository repository;

  @BeforeAll
  static void start() {
    SharedCassandra cassandra = SharedCassandra.get();
    Config config = ConfigFactory.parseString("""
            pekko.loglevel = WARNING
            datastax-java-driver {
              basic.contact-points = ["%s:%d"]
              basic.load-balancing-policy.local-datacenter = "%s"
              basic.request.timeout = 10s
            }
            """.formatted(cassandra.contactPoint().getHostString(), cassandra.contactPoint().getPort(),
            cassandra.localDatacenter()))
        .withFallback(ConfigFactory.load());
    system = ActorSystem.create("tutor-directory", config);
    repository = CassandraDirectoryRepository.create(system, cassandra.keyspace());
  }

  @AfterAll
  static void stop() throws Exception {
    if (system != null) {
      Await.result(system.terminate(), scala.concurrent.duration.Duration.fromNanos(TIMEOUT.toNanos()));
    }
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  private static DirectoryEntry entry(String id, String... subjects) {
    List<TutorEntity.SubjectOffer> offers = java.util.Arrays.stream(subjects)
        .map(subject -> new TutorEntity.SubjectOffer(subject, List.of("high", "adult")))
        .toList();
    return new DirectoryEntry(id, "Tutor " + id, offers, List.of("fr"), 3000, "EUR", 4.5, 2, false);
  }

  private static List<String> ids(String subject, String after, int fetchSize) {
    return await(repository.bySubject(subject, after, fetchSize).map(DirectoryListing::tutorId).runWith(Sink.seq(), system));
  }

  @Test
  void anEntryComesBackAndIsListedUnderEachSubjectInTutorIdOrderFromTheCursor() {
    String math = "m-" + UUID.randomUUID();
    String art = "a-" + UUID.randomUUID();
    for (String id : List.of("t3", "t1", "t2")) {
      await(repository.save(entry(id + "-" + math.substring(2, 10), math), Set.of()));
    }
    DirectoryEntry both = entry("t0-" + math.substring(2, 10), math, art);
    await(repository.save(both, Set.of()));

    assertThat(await(repository.entry(both.tutorId()))).contains(both);
    assertThat(await(repository.entry("nobody-" + UUID.randomUUID()))).isEmpty();
    String suffix = "-" + math.substring(2, 10);
    assertThat(ids(math, null, 2)).as("driver pages of 2").containsExactly("t0" + suffix, "t1" + suffix, "t2" + suffix, "t3" + suffix);
    assertThat(ids(math, "t1" + suffix, 2)).containsExactly("t2" + suffix, "t3" + suffix);
    List<DirectoryListing> listed = await(repository.bySubject(art, null, 10).runWith(Sink.seq(), system));
    assertThat(listed).containsExactly(both.listings().get(1));
  }

  @Test
  void aDroppedSubjectLosesItsRowAndASavedChangeReplacesTheRow() {
    String math = "m-" + UUID.randomUUID();
    String art = "a-" + UUID.randomUUID();
    String ada = "ada-" + UUID.randomUUID();
    DirectoryEntry before = entry(ada, math, art);
    await(repository.save(before, Set.of()));

    DirectoryEntry after = new DirectoryEntry(ada, "Ada", List.of(new TutorEntity.SubjectOffer(art, List.of("adult"))),
        List.of("en"), 2000, "EUR", 4.5, 2, true);
    await(repository.save(after, after.droppedSince(before)));

    assertThat(ids(math, null, 10)).isEmpty();
    assertThat(await(repository.bySubject(art, null, 10).runWith(Sink.seq(), system))).containsExactly(
        new DirectoryListing(art, ada, "Ada", List.of(art), List.of("adult"), List.of("en"), 2000, "EUR", 4.5, 2, true));
    assertThat(await(repository.entry(ada))).contains(after);
  }
}
