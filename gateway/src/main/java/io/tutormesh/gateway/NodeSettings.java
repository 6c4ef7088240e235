package io.tutormesh.gateway;

import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The `tutormesh { ... }` block, read once and checked at start. */
public record NodeSettings(
    boolean devMode,
    Path dataDir,
    Duration askTimeout,
    String httpInterface,
    int httpPort,
    long maxBodyBytes,
    String wsInterface,
    int wsPort,
    long maxFrameBytes,
    int wsInputBufferBytes,
    Duration wsIdleTimeout,
    Duration wsStopTimeout,
    String jwtSecret,
    Duration devTokenTtl,
    Duration jwtClockSkew,
    List<InetSocketAddress> contactPoints,
    String localDatacenter,
    String keyspace,
    String replication,
    boolean applySchema,
    Duration embeddedStartTimeout,
    String embeddedHeap,
    List<String> embeddedJvmOptions,
    Duration embeddedStopTimeout,
    String clusterHostname,
    int clusterPort,
    List<InetSocketAddress> seedNodes,
    Duration cassandraProbeTimeout) {

  public static NodeSettings from(Config config) {
    Config t = config.getConfig("tutormesh");
    return new NodeSettings(
        t.getBoolean("dev-mode"),
        Path.of(t.getString("data-dir")),
        t.getDuration("ask-timeout"),
        t.getString("http.interface"),
        t.getInt("http.port"),
        t.getBytes("http.max-body"),
        t.getString("ws.interface"),
        t.getInt("ws.port"),
        t.getBytes("ws.max-frame"),
        Math.toIntExact(t.getBytes("ws.input-buffer")),
        t.getDuration("ws.idle-timeout"),
        t.getDuration("ws.stop-timeout"),
        t.getString("jwt.secret"),
        t.getDuration("jwt.dev-token-ttl"),
        t.getDuration("jwt.clock-skew"),
        hostPorts("CASSANDRA_CONTACT_POINTS", t.getString("cassandra.contact-points"), 9042),
        t.getString("cassandra.local-datacenter"),
        t.getString("cassandra.keyspace"),
        t.getString("cassandra.replication"),
        t.getBoolean("cassandra.apply-schema"),
        t.getDuration("cassandra.embedded.start-timeout"),
        t.getString("cassandra.embedded.heap"),
        words(t.getString("cassandra.embedded.jvm-options")),
        t.getDuration("cassandra.embedded.stop-timeout"),
        t.getString("cluster.hostname"),
        t.getInt("cluster.port"),
        hostPorts("TUTORMESH_SEED_NODES", t.getString("cluster.seed-nodes"), 25520),
        t.getDuration("readiness.cassandra-timeout"));
  }

  private static List<String> words(String value) {
    return value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
  }

  /** True when the node starts its own Cassandra. */
  public boolean embeddedCassandra() {
    return contactPoints.isEmpty();
  }

  /** `"host:port,host"` → addresses (unresolved: DNS names are looked up when connecting). */
  static List<InetSocketAddress> hostPorts(String name, String value, int defaultPort) {
    List<InetSocketAddress> result = new ArrayList<>();
    for (String part : value.split(",")) {
      String hp = part.trim();
      if (hp.isEmpty()) {
        continue;
      }
      int colon = hp.lastIndexOf(':');
      String host = colon < 0 ? hp : hp.substring(0, colon);
      int port = defaultPort;
      if (colon >= 0) {
        try {
          port = Integer.parseInt(hp.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + ": bad port in '" + hp + "'");
        }
      }
      if (host.isEmpty() || port < 1 || port > 65535) {
        throw new IllegalArgumentException(name + ": expected host:port, got '" + hp + "'");
      }
      result.add(InetSocketAddress.createUnresolved(host, port));
    }
    return List.copyOf(result);
  }
}
