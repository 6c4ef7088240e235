package io.tutormesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.gateway.testing.Api;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The node as a user runs it: `Main` in its own JVM with no Cassandra configured, so it starts the
 * embedded one. SIGTERM stops everything; SIGKILL of the node leaves no Cassandra behind.
 */
class NodeProcessTest {

  private static final Duration READY_DEADLINE = Duration.ofSeconds(180);
  private static final Duration EXIT_DEADLINE = Duration.ofSeconds(90);

  @Test
  void nodeStartsItsOwnCassandraStopsOnSigtermAndLeavesNothingBehindOnSigkill() throws Exception {
    Path dataDir = Path.of("target", "node-process-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();

    // First run: fresh data folder, stopped with SIGTERM.
    RunningNode first = RunningNode.start(dataDir);
    try {
      assertThat(new Api(first.httpPort).get("/ready", null).status()).isEqualTo(200);
      ProcessHandle cassandra = first.cassandraChild();
      first.process.destroy(); // SIGTERM
      assertThat(first.process.waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("node exits on SIGTERM").isTrue();
      awaitTrue(() -> !cassandra.isAlive(), EXIT_DEADLINE, "Cassandra stopped with the node");
      assertThat(first.output()).contains("tutormesh ready http=" + first.httpPort + " ws=" + first.wsPort);
    } finally {
      first.process.destroyForcibly();
    }

    // Second run: the same data folder is reused; then the node is killed with SIGKILL.
    RunningNode second = RunningNode.start(dataDir);
    try {
      assertThat(new Api(second.httpPort).get("/ready", null).status()).isEqualTo(200);
      ProcessHandle cassandra = second.cassandraChild();
      second.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(second.process.waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      awaitTrue(() -> !cassandra.isAlive(), EXIT_DEADLINE, "the orphaned Cassandra notices and exits");
    } finally {
      second.process.destroyForcibly();
    }
  }

  private static final class RunningNode {
    final Process process;
    final int httpPort;
    final int wsPort;
    private final StringBuffer output = new StringBuffer();
    private final CountDownLatch ready = new CountDownLatch(1);

    private RunningNode(Process process, int httpPort, int wsPort) {
      this.process = process;
      this.httpPort = httpPort;
      this.wsPort = wsPort;
      Thread reader = new Thread(this::pump, "node-output");
      reader.setDaemon(true);
      reader.start();
    }

    static RunningNode start(Path dataDir) throws Exception {
      int http = freePort();
      int ws = freePort();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder =
          new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName()))
              .redirectErrorStream(true);
      Map<String, String> env = builder.environment();
      env.remove("CASSANDRA_CONTACT_POINTS");
      env.remove("TUTORMESH_JWT_SECRET");
      env.put("TUTORMESH_DATA_DIR", dataDir.toString());
      env.put("TUTORMESH_HTTP_PORT", Integer.toString(http));
      env.put("TUTORMESH_WS_PORT", Integer.toString(ws));
      env.put("TUTORMESH_CLUSTER_PORT", Integer.toString(freePort()));
      env.put("TUTORMESH_HTTP_INTERFACE", "127.0.0.1");
      env.put("TUTORMESH_WS_INTERFACE", "127.0.0.1");
      RunningNode node = new RunningNode(builder.start(), http, ws);
      boolean isReady = node.ready.await(READY_DEADLINE.toSeconds(), TimeUnit.SECONDS);
      if (!isReady) {
        node.process.destroyForcibly();
        throw new AssertionError("node not ready within " + READY_DEADLINE + ":\n" + node.output());
      }
      return node;
    }

    ProcessHandle cassandraChild() {
      // The node's only child process is its Cassandra (command lines are too long to match on).
      return process
          .children()
          .findFirst()
          .orElseThrow(() -> new AssertionError("no Cassandra child process"));
    }

    String output() {
      return output.toString();
    }

    private void pump() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          output.append(line).append('\n');
          if (line.contains("tutormesh ready http=")) {
            ready.countDown();
          }
        }
      } catch (IOException e) {
        output.append("[output closed: ").append(e).append("]\n");
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitTrue(BooleanSupplier condition, Duration deadline, String what) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + deadline + ": " + what);
      }
      TimeUnit.MILLISECONDS.sleep(100); // polling a condition with a deadline
    }
  }
}
