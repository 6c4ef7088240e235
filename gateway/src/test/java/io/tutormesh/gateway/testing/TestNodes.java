package io.tutormesh.gateway.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tutormesh.gateway.Node;
import io.tutormesh.persistence.testing.SharedCassandra;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Nodes for integration tests: every node of a test JVM uses the one shared embedded Cassandra
 * (schema applied once) and picks free ports for HTTP, WebSockets and remoting.
 */
public final class TestNodes {

  public static final String JWT_SECRET = "integration-test-secret-integration-test-secret";

  private TestNodes() {}

  public static Node start() throws Exception {
    return start(Map.of());
  }

  public static Node start(Map<String, Object> overrides) throws Exception {
    return Node.start(config(overrides));
  }

  /** A node whose notifications run on {@code notificationClock} (turn them on in {@code overrides}). */
  public static Node start(Map<String, Object> overrides, java.time.Clock notificationClock) throws Exception {
    return Node.start(config(overrides), notificationClock);
  }

  /** Two nodes in one cluster: the first is the seed. */
  public static List<Node> startCluster() throws Exception {
    int seedPort = freePort();
    String seeds = "127.0.0.1:" + seedPort;
    Node seed = start(Map.of("tutormesh.cluster.port", seedPort, "tutormesh.cluster.seed-nodes", seeds));
    Node other = start(Map.of("tutormesh.cluster.port", freePort(), "tutormesh.cluster.seed-nodes", seeds));
    return List.of(seed, other);
  }

  /** Stops the nodes that were started, the last one first. */
  public static void stopAll(List<Node> nodes) {
    if (nodes != null) {
      for (int i = nodes.size() - 1; i >= 0; i--) {
        nodes.get(i).stop();
      }
    }
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public static Config config(Map<String, Object> overrides) {
    SharedCassandra cassandra = SharedCassandra.get();
    Map<String, Object> settings = new HashMap<>();
    settings.put("tutormesh.http.interface", "127.0.0.1");
    settings.put("tutormesh.http.port", 0);
    settings.put("tutormesh.ws.interface", "127.0.0.1");
    settings.put("tutormesh.ws.port", 0);
    settings.put("tutormesh.cluster.port", 0);
    settings.put("tutormesh.cluster.seed-nodes", "");
    settings.put("tutormesh.cassandra.contact-points", cassandra.contactPoint().getHostString() + ":" + cassandra.contactPoint().getPort());
    settings.put("tutormesh.cassandra.keyspace", cassandra.keyspace());
    settings.put("tutormesh.cassandra.apply-schema", false);
    settings.put("tutormesh.jwt.secret", JWT_SECRET);
    settings.put("tutormesh.dev-mode", true);
    // Every test cluster shares the keyspace: sessions remembered by one would restart in the
    // next test's cluster. Only the tests of that feature turn it on.
    settings.put("tutormesh.matching.remember-sessions", false);
    // Likewise the plan waker would wake every plan of every earlier test (and run) in the shared
    // keyspace, renewing them at this node's day-length. Only the tests of the waker turn it on.
    settings.put("tutormesh.money.plan-waker.enabled", false);
    // Tests check what happens, not how fast: on a loaded 2-core machine a node just started may
    // take seconds to answer, which must not turn into a 503 (the overload tests set their own).
    settings.put("tutormesh.ask-timeout", "15s");
    // The notification outbox is shared by every node of the keyspace: only the tests of that
    // feature turn it on (with an outbox name of their own), the others save its polling.
    settings.put("tutormesh.notifications.enabled", false);
    settings.put("tutormesh.matching.accept-budget", "15s");
    settings.putAll(overrides);
    return ConfigFactory.load(ConfigFactory.parseMap(settings).withFallback(ConfigFactory.defaultApplication()));
  }
}
