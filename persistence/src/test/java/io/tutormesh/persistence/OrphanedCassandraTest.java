package io.tutormesh.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The embedded Cassandra must not outlive its node even when the node gets no chance to stop it:
 * a node JVM is killed with SIGKILL and its Cassandra child has to go by itself.
 */
class OrphanedCassandraTest {

  private static final Path DATA_DIR = Path.of("target", "orphan-test-cassandra");
  private static final Duration START_DEADLINE = Duration.ofSeconds(150);
  private static final Duration EXIT_DEADLINE = Duration.ofSeconds(60);

  @Test
  void cassandraStopsWhenItsNodeIsKilled() throws Exception {
    Process node = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m",
        "-cp", System.getProperty("java.class.path"),
        OrphanedCassandraParent.class.getName(),
        DATA_DIR.toAbsolutePath().toString())
        .redirectErrorStream(true)
        .start();
    List<String> output = new CopyOnWriteArrayList<>();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> readLines(node, output, lines), "orphan-node-output");
    reader.setDaemon(true);
    reader.start();
    Optional<ProcessHandle> cassandra = Optional.empty();
    try {
      long cassandraPid = awaitCassandraPid(node, lines, output);
      cassandra = ProcessHandle.of(cassandraPid);
      assertThat(cassandra).as("Cassandra process %d", cassandraPid).isPresent();

      // While that node runs, its data folder is locked against this JVM as well.
      assertThatThrownBy(() -> EmbeddedCassandra.start(DATA_DIR, Duration.ofSeconds(60)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already in use");

      node.destroyForcibly(); // SIGKILL: no shutdown hook runs in the node
      assertThat(node.waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

      try {
        cassandra.get().onExit().get(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        fail("Cassandra (pid %d) still runs %s after its node was killed", cassandraPid,
            EXIT_DEADLINE);
      }
      assertThat(ProcessHandle.of(cassandraPid).map(ProcessHandle::isAlive)).isNotEqualTo(
          Optional.of(true));
    } finally {
      node.destroyForcibly();
      cassandra.filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static long awaitCassandraPid(
      Process node, BlockingQueue<String> lines, List<String> output) throws InterruptedException {
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (System.nanoTime() - deadline < 0) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(OrphanedCassandraParent.PID_PREFIX)) {
        return Long.parseLong(line.substring(OrphanedCassandraParent.PID_PREFIX.length()).trim());
      }
      if (line == null && !node.isAlive() && lines.isEmpty()) {
        fail("The node exited with %d before starting Cassandra:%n%s",
            node.exitValue(), String.join("\n", output));
      }
    }
    return fail("No %s line within %s; the node said:%n%s", OrphanedCassandraParent.PID_PREFIX,
        START_DEADLINE, String.join("\n", output));
  }

  private static void readLines(Process node, List<String> output, BlockingQueue<String> lines) {
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        output.add(line);
        lines.add(line);
      }
    } catch (IOException e) {
      output.add("(the node's output ended: " + e + ")");
    }
  }
}
