package io.tutormesh.persistence;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A stand-in for a node, run in its own JVM by {@link OrphanedCassandraTest}: starts an embedded
 * Cassandra on the folder given as the only argument, prints its pid and waits to be killed.
 */
public final class OrphanedCassandraParent {

  static final String PID_PREFIX = "CASSANDRA_PID=";

  private OrphanedCassandraParent() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedCassandra cassandra =
        EmbeddedCassandra.start(Path.of(args[0]), Duration.ofSeconds(120));
    System.out.println(PID_PREFIX + cassandra.pid());
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }
}
