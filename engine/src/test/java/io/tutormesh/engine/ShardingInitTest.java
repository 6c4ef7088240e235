package io.tutormesh.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tutormesh.engine.common.Rejection;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code init} wires both entities into Cluster Sharding with the rules from the system's config;
 * every message is serialized on the way, as if it crossed nodes.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardingInitTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ConfigFactory.parseString("""
          pekko.actor.provider = cluster
          pekko.remote.artery.canonical.hostname = 127.0.0.1
          pekko.remote.artery.canonical.port = 0
          pekko.actor.serialize-messages = on
          pekko.cluster.jmx.enabled = off
          tutormesh.money.currency = EUR
          """).withFallback(TestSupport.testKitConfig()))
      .build();

  private ClusterSharding sharding;

  @BeforeAll
  void joinItself() {
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit.createTestProbe().awaitAssert(TIMEOUT, () -> {
      assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
      return null;
    });
    TutorEntity.init(testKit.system());
    StudentEntity.init(testKit.system());
    sharding = ClusterSharding.get(testKit.system());
  }

  @Test
  void aTutorRegistersAndIsReadBackThroughSharding() {
    var tutor = sharding.entityRefFor(TutorEntity.ENTITY_KEY, "sharded-tutor");

    TutorEntity.TutorSummary registered = tutor
        .<TutorEntity.TutorSummary>askWithStatus(replyTo -> new TutorEntity.UpdateProfile(TestSupport.validTutor(), replyTo), TIMEOUT)
        .toCompletableFuture().join();
    TutorEntity.TutorSummary read = tutor
        .<TutorEntity.TutorSummary>askWithStatus(TutorEntity.GetTutor::new, TIMEOUT)
        .toCompletableFuture().join();

    assertThat(registered.tutorId()).isEqualTo("sharded-tutor");
    assertThat(read).isEqualTo(registered);
  }

  @Test
  void aRejectionReachesTheAskerAsItsMessage() {
    var tutor = sharding.entityRefFor(TutorEntity.ENTITY_KEY, "never-registered");

    Throwable failure = catchFailure(() -> tutor
        .<TutorEntity.TutorSummary>askWithStatus(TutorEntity.GetTutor::new, TIMEOUT)
        .toCompletableFuture().join());

    assertThat(failure).isInstanceOf(StatusReply.ErrorMessage.class);
    assertThat(Rejection.parse(failure.getMessage()))
        .isEqualTo(Rejection.notFound("tutor never-registered not found"));
  }

  @Test
  void aStudentRegistersThroughSharding() {
    var student = sharding.entityRefFor(StudentEntity.ENTITY_KEY, "sharded-student");

    StudentEntity.StudentSummary registered = student
        .<StudentEntity.StudentSummary>askWithStatus(replyTo -> new StudentEntity.UpdateProfile(TestSupport.validStudent(), replyTo), TIMEOUT)
        .toCompletableFuture().join();
    Throwable invalid = catchFailure(() -> student
        .<StudentEntity.StudentSummary>askWithStatus(replyTo -> new StudentEntity.UpdateProfile(TestSupport.studentAt("phd"), replyTo), TIMEOUT)
        .toCompletableFuture().join());

    assertThat(registered.profile()).isEqualTo(TestSupport.validStudent());
    assertThat(Rejection.parse(invalid.getMessage()).field()).isEqualTo("level");
  }

  private static Throwable catchFailure(Runnable call) {
    try {
      call.run();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the ask to fail");
  }
}
