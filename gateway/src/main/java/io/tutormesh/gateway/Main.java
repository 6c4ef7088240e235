package io.tutormesh.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * `java -jar gateway/target/tutormesh.jar`: starts one node. SIGTERM shuts it down in order
 * (sockets closed with 1001, HTTP drained, ActorSystem terminated, embedded Cassandra last). A
 * failed start exits non-zero instead of leaving a half-started JVM behind.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /**
   * With fewer than 2 CPUs for the common pool, the JDK runs every async CompletionStage step on a
   * new thread; Pekko's ask stages complete that way, so a small machine started thousands of
   * threads a second under load (bench/RESULTS.md, problem 1). Must run before anything touches
   * ForkJoinPool or CompletableFuture; an explicit -D setting wins.
   */
  static void sizeCommonPool() {
    String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(key) == null) {
      System.setProperty(key, Integer.toString(Math.max(4, Runtime.getRuntime().availableProcessors())));
    }
  }

  public static void main(String[] args) {
    sizeCommonPool();
    Node node;
    try {
      Config config =
          ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = on").withFallback(ConfigFactory.load());
      node = Node.start(config);
    } catch (Throwable e) {
      log.error("tutormesh failed to start", e);
      System.exit(1);
      return;
    }
    Node started = node;
    Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "tutormesh-shutdown"));
  }
}
