package io.tutormesh.cassandra;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Main class of the embedded Cassandra child JVM: runs {@code CassandraDaemon} and makes sure the
 * server never outlives the node that started it.
 *
 * <p>Two guards, both on daemon threads:
 *
 * <ul>
 *   <li>stdin: the parent holds the write end of our stdin pipe open while it runs. The kernel
 *       closes that pipe when the parent dies for any reason (SIGKILL included), so a read that
 *       returns EOF (or fails) means the parent is gone.
 *   <li>parent process: polled once a second ({@code -Dtutormesh.parent.pid}, else the parent at
 *       start-up), for launchers that do not give us a pipe.
 * </ul>
 *
 * <p>Either guard calls {@link System#exit}, which runs Cassandra's own shutdown hook (drain,
 * flush). Should that hook hang, the JVM is halted after {@link #HALT_AFTER}. A normal stop is a
 * SIGTERM from the node ({@code Process.destroy()}, which closes the pipe as well): same hook.
 *
 * <p>The node copies this class's bytes out of its own classpath into the child's boot folder, so
 * the class must stay self-contained: no nested, inner or anonymous classes (lambdas are fine).
 * Set {@code -Dtutormesh.watch.stdin=false} to run it by hand with a closed stdin.
 */
public final class CassandraMain {

  private static final Duration PARENT_POLL = Duration.ofSeconds(1);
  private static final Duration HALT_AFTER = Duration.ofSeconds(60);

  private CassandraMain() {}

  public static void main(String[] args) throws Exception {
    if (Boolean.parseBoolean(System.getProperty("tutormesh.watch.stdin", "true"))) {
      startDaemon("tutormesh-stdin-watchdog", CassandraMain::watchStdin);
    }
    String parentPid = System.getProperty("tutormesh.parent.pid", "").trim();
    Optional<ProcessHandle> parent = parentPid.isEmpty()
        ? ProcessHandle.current().parent()
        : ProcessHandle.of(Long.parseLong(parentPid));
    if (parent.isPresent()) {
      startDaemon("tutormesh-parent-watchdog", () -> watchParent(parent.get()));
    } else if (!parentPid.isEmpty()) {
      exit("parent process " + parentPid + " was gone before Cassandra started");
    }
    org.apache.cassandra.service.CassandraDaemon.main(args);
  }

  private static void watchStdin() {
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // The parent never writes; anything it does write is ignored.
      }
      exit("stdin closed: the parent node stopped us or died");
    } catch (IOException e) {
      exit("stdin failed (" + e + "): the parent node is gone");
    }
  }

  private static void watchParent(ProcessHandle parent) {
    try {
      while (parent.isAlive()) {
        Thread.sleep(PARENT_POLL.toMillis());
      }
      exit("parent process " + parent.pid() + " is gone");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void exit(String reason) {
    System.err.println(Instant.now() + " tutormesh: stopping Cassandra, " + reason);
    startDaemon("tutormesh-halt-backstop", CassandraMain::haltLater);
    System.exit(0);
  }

  private static void haltLater() {
    try {
      Thread.sleep(HALT_AFTER.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.err.println(
        Instant.now() + " tutormesh: Cassandra did not stop within " + HALT_AFTER + ", halting");
    Runtime.getRuntime().halt(1);
  }

  private static void startDaemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }
}
