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

  public static void main(String[] args) {
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
