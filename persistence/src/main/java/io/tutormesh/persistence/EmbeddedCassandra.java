package io.tutormesh.persistence;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Cassandra server (cassandra-all, see the {@code tutormesh-cassandra-server} module) run as
 * a child JVM, for the single-node default and for integration tests.
 *
 * <p>Everything lives under {@code <dataDir>/cassandra}: generated configuration in {@code conf},
 * data, commit log, caches and hints, logs in {@code logs} ({@code system.log} at INFO, {@code
 * stdout.log} with the child's console), the chosen ports in {@code ports.properties} (reused on
 * the next start while they are free, so data is reused across runs), and a {@code .lock} that
 * keeps a second server off the same data while this one runs.
 *
 * <p>The server listens on loopback only. Cassandra's jars never join the caller's classpath: the
 * child gets the classpath that the build recorded, or a folder of jars named by {@code
 * -Dtutormesh.cassandra.lib} / {@code TUTORMESH_CASSANDRA_LIB}.
 *
 * <p>No JVM shutdown hook is registered here: the caller decides the order in which things stop
 * and calls {@link #close()}. The child never outlives its parent anyway: it watches the stdin
 * pipe that this object holds open (the kernel closes it when the parent dies, even by SIGKILL)
 * and the parent's pid, and exits through Cassandra's own shutdown hook when either goes.
 *
 * <p>Measured on the 2-core dev machines: CQL answers 6–9 s after launch (fresh or reused data),
 * a graceful stop takes ≈ 2.5 s, RSS ≈ 0.95 GiB with the default {@code -Xmx512m}.
 */
public final class EmbeddedCassandra implements AutoCloseable {

  /** Where the tutormesh-cassandra-server module records the server's runtime classpath. */
  public static final String CLASSPATH_RESOURCE = "io/tutormesh/cassandra/server.classpath";
  /** System property naming a folder of jars to use instead of the recorded classpath. */
  public static final String LIB_PROPERTY = "tutormesh.cassandra.lib";
  /** Environment variable naming a folder of jars to use instead of the recorded classpath. */
  public static final String LIB_ENV = "TUTORMESH_CASSANDRA_LIB";
  /** The data center that Cassandra's {@code SimpleSnitch} reports. */
  public static final String LOCAL_DATACENTER = "datacenter1";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedCassandra.class);

  private static final String MAIN_CLASS = "io.tutormesh.cassandra.CassandraMain";
  private static final String MAIN_CLASS_RESOURCE = "io/tutormesh/cassandra/CassandraMain.class";
  private static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int LOG_TAIL_LINES = 40;

  /**
   * How to run the server.
   *
   * @param startTimeout how long {@link #start} waits for CQL to answer before it kills the server
   * @param stopTimeout how long {@link #close()} waits for a graceful stop before it kills it
   * @param initialHeap {@code -Xms}, e.g. {@code 256m}
   * @param maxHeap {@code -Xmx}, e.g. {@code 512m}; RSS is about 0.95 GiB with 512m
   * @param clusterName stored with the data: keep it stable for a data folder
   * @param unsafeSystem skip the flush of Cassandra's system tables after each schema change
   *     ({@code -Dcassandra.unsafesystem}; the commit log still holds them): creating the schema
   *     takes ≈ 0.5 s instead of ≈ 1.7 s, but a machine crash soon after can lose a schema change.
   *     For tests.
   * @param cqlPort a fixed CQL port, or {@code 0} (the default) for the remembered port while it is
   *     free, else a free one. A fixed port that is taken fails the start instead of moving.
   * @param jvmOptions more options for the server's JVM, after the built-in ones (e.g. GC tuning)
   */
  public record Options(
      Duration startTimeout,
      Duration stopTimeout,
      String initialHeap,
      String maxHeap,
      String clusterName,
      boolean unsafeSystem,
      int cqlPort,
      List<String> jvmOptions) {

    public Options {
      Objects.requireNonNull(startTimeout, "startTimeout");
      Objects.requireNonNull(stopTimeout, "stopTimeout");
      Objects.requireNonNull(initialHeap, "initialHeap");
      Objects.requireNonNull(maxHeap, "maxHeap");
      Objects.requireNonNull(clusterName, "clusterName");
      jvmOptions = List.copyOf(jvmOptions);
      if (cqlPort < 0 || cqlPort > 65535) {
        throw new IllegalArgumentException("cqlPort must be 0 (any) or 1-65535, got " + cqlPort);
      }
    }

    /** The options without a fixed CQL port (as before {@code cqlPort} existed). */
    public Options(
        Duration startTimeout,
        Duration stopTimeout,
        String initialHeap,
        String maxHeap,
        String clusterName,
        boolean unsafeSystem) {
      this(startTimeout, stopTimeout, initialHeap, maxHeap, clusterName, unsafeSystem, 0, List.of());
    }

    /** Sized for a laptop: {@code -Xms256m -Xmx512m}; 60 s to start, 20 s to stop. */
    public static Options defaults() {
      return new Options(
          Duration.ofSeconds(60), Duration.ofSeconds(20), "256m", "512m", "tutormesh", false, 0, List.of());
    }

    public Options withStartTimeout(Duration timeout) {
      return new Options(
          timeout, stopTimeout, initialHeap, maxHeap, clusterName, unsafeSystem, cqlPort, jvmOptions);
    }

    public Options withStopTimeout(Duration timeout) {
      return new Options(
          startTimeout, timeout, initialHeap, maxHeap, clusterName, unsafeSystem, cqlPort, jvmOptions);
    }

    public Options withHeap(String initial, String max) {
      return new Options(
          startTimeout, stopTimeout, initial, max, clusterName, unsafeSystem, cqlPort, jvmOptions);
    }

    public Options withClusterName(String name) {
      return new Options(
          startTimeout, stopTimeout, initialHeap, maxHeap, name, unsafeSystem, cqlPort, jvmOptions);
    }

    public Options withUnsafeSystem(boolean unsafe) {
      return new Options(
          startTimeout, stopTimeout, initialHeap, maxHeap, clusterName, unsafe, cqlPort, jvmOptions);
    }

    public Options withJvmOptions(List<String> options) {
      return new Options(
          startTimeout, stopTimeout, initialHeap, maxHeap, clusterName, unsafeSystem, cqlPort, options);
    }

    /** A fixed CQL port ({@code 0}: the remembered or a free one, the default). */
    public Options withCqlPort(int port) {
      return new Options(
          startTimeout, stopTimeout, initialHeap, maxHeap, clusterName, unsafeSystem, port, jvmOptions);
    }
  }

  private final Path home;
  private final Process process;
  private final OutputStream stdin;
  private final FileChannel lockChannel;
  private final InetSocketAddress contactPoint;
  private final Duration stopTimeout;
  private boolean closed;

  private EmbeddedCassandra(
      Path home,
      Process process,
      FileChannel lockChannel,
      InetSocketAddress contactPoint,
      Duration stopTimeout) {
    this.home = home;
    this.process = process;
    // The child reads EOF on its stdin when this end closes: keep it open while the server runs.
    this.stdin = process.getOutputStream();
    this.lockChannel = lockChannel;
    this.contactPoint = contactPoint;
    this.stopTimeout = stopTimeout;
  }

  /** Starts a server on {@code dataDir} with the default heap and waits until CQL answers. */
  public static EmbeddedCassandra start(Path dataDir, Duration startTimeout) {
    return start(dataDir, Options.defaults().withStartTimeout(startTimeout));
  }

  /**
   * Starts a server on {@code dataDir} and waits until CQL answers.
   *
   * @throws IllegalStateException if another server runs on the same data, the server's jars are
   *     missing, the child exits early (the message holds the end of its log) or it does not
   *     answer within {@link Options#startTimeout()} (it is killed then)
   */
  public static EmbeddedCassandra start(Path dataDir, Options options) {
    Path home = dataDir.toAbsolutePath().normalize().resolve("cassandra");
    long started = System.nanoTime();
    FileChannel lockChannel = null;
    Process process;
    Ports ports;
    try {
      Files.createDirectories(home);
      lockChannel = FileChannel.open(
          home.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock(lockChannel, home);
      List<Path> classpath = serverClasspath();
      Path boot = writeBootClass(home);
      ports = Ports.load(home.resolve("ports.properties"), options.cqlPort());
      Path yaml = writeConfig(home, ports, options);
      Path logback = writeLogbackConfig(home);
      process = new ProcessBuilder(command(home, boot, classpath, yaml, logback, ports, options))
          .directory(home.toFile())
          .redirectErrorStream(true)
          .redirectOutput(home.resolve("logs").resolve("stdout.log").toFile())
          .start();
    } catch (IOException e) {
      releaseQuietly(lockChannel);
      throw new UncheckedIOException("cannot start Cassandra in " + home + ": " + e, e);
    } catch (RuntimeException e) {
      releaseQuietly(lockChannel);
      throw e;
    }
    log.info("Cassandra (pid {}) starting; data and logs in {}", process.pid(), home);
    InetSocketAddress contactPoint =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.cql());
    EmbeddedCassandra cassandra =
        new EmbeddedCassandra(home, process, lockChannel, contactPoint, options.stopTimeout());
    cassandra.awaitCql(options.startTimeout(), started);
    return cassandra;
  }

  /** The CQL address (loopback). */
  public InetSocketAddress contactPoint() {
    return contactPoint;
  }

  /** The data center name to give the driver's load-balancing policy. */
  public String localDatacenter() {
    return LOCAL_DATACENTER;
  }

  /** The pid of the Cassandra JVM. */
  public long pid() {
    return process.pid();
  }

  /** {@code <dataDir>/cassandra}: configuration, data and logs. */
  public Path home() {
    return home;
  }

  /**
   * Stops the server gracefully (SIGTERM, so Cassandra drains and flushes; ≈ 2.5 s here), waits up
   * to {@link Options#stopTimeout()}, then kills it; releases the data folder. Calling it again
   * does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long started = System.nanoTime();
    try {
      stopProcess();
    } finally {
      closeQuietly(stdin);
      releaseQuietly(lockChannel);
    }
    log.info("Cassandra (pid {}) stopped in {} ms", process.pid(), millisSince(started));
  }

  private void stopProcess() {
    process.destroy(); // SIGTERM: Cassandra's shutdown hook drains and flushes
    try {
      if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("Cassandra (pid {}) did not stop within {}, killing it", pid(), stopTimeout);
        process.destroyForcibly();
        process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitCql(Duration timeout, long startedNanos) {
    long deadline = startedNanos + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        close();
        throw new IllegalStateException("Cassandra exited with code " + process.exitValue()
            + " while starting. End of " + home.resolve("logs") + ":\n" + logTail());
      }
      if (System.nanoTime() - deadline > 0) {
        process.destroyForcibly();
        close();
        throw new IllegalStateException("Cassandra did not answer CQL on " + contactPoint
            + " within " + timeout + "; killed it. End of " + home.resolve("logs") + ":\n"
            + logTail());
      }
      if (portAccepts() && cqlAnswers()) {
        log.info("Cassandra (pid {}) answers CQL on {} after {} ms; data in {}",
            pid(), contactPoint, millisSince(startedNanos), home);
        return;
      }
      try {
        process.onExit().get(POLL.toMillis(), TimeUnit.MILLISECONDS); // returns early if it dies
      } catch (TimeoutException | ExecutionException e) {
        log.trace("Cassandra still starting");
      } catch (InterruptedException e) {
        process.destroyForcibly();
        close();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for Cassandra to start", e);
      }
    }
  }

  private boolean portAccepts() {
    try (Socket socket = new Socket()) {
      socket.connect(contactPoint, (int) POLL.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean cqlAnswers() {
    DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5))
        .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
        // A probe: no schema metadata, and no 2 s quiet period when its event loops shut down.
        .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
        .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
        .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
        .build();
    try (CqlSession session = CqlSession.builder()
        .withConfigLoader(config)
        .addContactPoint(contactPoint)
        .withLocalDatacenter(LOCAL_DATACENTER)
        .build()) {
      return session.execute("SELECT release_version FROM system.local").one() != null;
    } catch (RuntimeException e) {
      log.debug("Cassandra not answering CQL yet: {}", e.toString());
      return false;
    }
  }

  private String logTail() {
    StringBuilder tail = new StringBuilder();
    for (String name : List.of("stdout.log", "system.log")) {
      Path file = home.resolve("logs").resolve(name);
      if (!Files.exists(file)) {
        continue;
      }
      try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
        List<String> all = lines.collect(Collectors.toList());
        tail.append("--- ").append(file).append('\n');
        all.subList(Math.max(0, all.size() - LOG_TAIL_LINES), all.size())
            .forEach(line -> tail.append(line).append('\n'));
      } catch (IOException | UncheckedIOException e) {
        tail.append("--- ").append(file).append(": unreadable (").append(e).append(")\n");
      }
    }
    return tail.toString();
  }

  /** Closing the channel releases its lock. */
  private static void releaseQuietly(FileChannel lockChannel) {
    if (lockChannel == null) {
      return;
    }
    try {
      lockChannel.close();
    } catch (IOException e) {
      log.warn("Could not release the Cassandra data folder lock", e);
    }
  }

  /** Holds the lock until the channel closes; fails fast when someone else holds it. */
  private static void lock(FileChannel channel, Path home) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very JVM
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException("Cassandra data folder " + home
          + " is already in use by another running embedded Cassandra (lock "
          + home.resolve(".lock") + " is held). Stop that node or use another data folder.");
    }
  }

  private static List<Path> serverClasspath() throws IOException {
    String libDir = System.getProperty(LIB_PROPERTY, System.getenv(LIB_ENV));
    if (libDir != null && !libDir.isBlank()) {
      Path dir = Path.of(libDir);
      if (!Files.isDirectory(dir)) {
        throw new IllegalStateException("Cassandra lib folder " + dir + " (from -D" + LIB_PROPERTY
            + " or " + LIB_ENV + ") does not exist");
      }
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith(".jar"))
            .sorted()
            .collect(Collectors.toList());
        if (jars.isEmpty()) {
          throw new IllegalStateException("Cassandra lib folder " + dir + " holds no jars");
        }
        return jars;
      }
    }
    String recorded;
    try (InputStream in = resource(CLASSPATH_RESOURCE)) {
      recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    List<Path> jars = Stream.of(recorded.split(":"))
        .filter(entry -> !entry.isBlank())
        .map(Path::of)
        .collect(Collectors.toList());
    List<Path> missing = jars.stream().filter(jar -> !Files.isRegularFile(jar)).toList();
    if (jars.isEmpty() || !missing.isEmpty()) {
      throw new IllegalStateException("The embedded Cassandra's jars are missing (" + missing.size()
          + " of " + jars.size() + ", e.g. " + missing.stream().findFirst().orElse(null)
          + "): run `mvn package` first, or point -D" + LIB_PROPERTY + " / " + LIB_ENV
          + " at a folder holding them.");
    }
    return jars;
  }

  private static InputStream resource(String name) {
    InputStream in = EmbeddedCassandra.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("Resource " + name + " is not on the classpath: the "
          + "tutormesh-cassandra-server jar is missing; run `mvn package` first.");
    }
    return in;
  }

  private static Path writeBootClass(Path home) throws IOException {
    Path boot = home.resolve("boot");
    Path target = boot.resolve(MAIN_CLASS_RESOURCE);
    Files.createDirectories(target.getParent());
    try (InputStream in = resource(MAIN_CLASS_RESOURCE)) {
      Files.write(target, in.readAllBytes());
    }
    return boot;
  }

  private static Path writeConfig(Path home, Ports ports, Options options) throws IOException {
    for (String dir : List.of("data", "commitlog", "saved_caches", "hints", "cdc_raw", "logs")) {
      Files.createDirectories(home.resolve(dir));
    }
    int requestThreads = requestThreads(Runtime.getRuntime().availableProcessors());
    String yaml = String.join("\n",
        "# Generated by " + EmbeddedCassandra.class.getName() + " at every start: edits are lost.",
        "cluster_name: '" + options.clusterName().replace("'", "''") + "'",
        "num_tokens: 1",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: SimpleSnitch",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"127.0.0.1:" + ports.storage() + "\"",
        "listen_address: 127.0.0.1",
        "rpc_address: 127.0.0.1",
        "storage_port: " + ports.storage(),
        "native_transport_port: " + ports.cql(),
        "start_native_transport: true",
        "data_file_directories:",
        "  - " + quoted(home.resolve("data")),
        "commitlog_directory: " + quoted(home.resolve("commitlog")),
        "saved_caches_directory: " + quoted(home.resolve("saved_caches")),
        "hints_directory: " + quoted(home.resolve("hints")),
        "cdc_raw_directory: " + quoted(home.resolve("cdc_raw")),
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "auto_snapshot: false",
        // Cassandra 5's trie memtables instead of the skip list: cheaper writes and far less garbage
        // in the server's small heap. On the 2-core bench machine they took the matching bench from
        // 193-198 to 200 matches/s of 200 with nothing shed, and halved the room's p99 and the
        // server's paused time (bench/RESULTS.md, S9). Their data stays on the heap: off-heap
        // memtables flushed more often and cost throughput (S5, S9).
        "memtable:",
        "  configurations:",
        "    skiplist:",
        "      class_name: SkipListMemtable",
        "    trie:",
        "      class_name: TrieMemtable",
        "    default:",
        "      inherits: trie",
        // The request pools sized to the machine (Cassandra's defaults, 32 writers, 32 readers and
        // up to 128 request threads, are for servers with cores of their own). A request holds its
        // thread until its mutation or read is done, so the pool bounds how many run at once; the
        // rest wait in the server's queue. On the 2-core bench machine, where the server shares two
        // cores with the node, the defaults ran 80 worker threads and a room message's write took
        // longer at the 99th percentile than everything else on its path (bench/RESULTS.md, S11).
        "concurrent_writes: " + requestThreads,
        "concurrent_reads: " + requestThreads,
        "concurrent_counter_writes: " + requestThreads,
        "native_transport_max_threads: " + requestThreads,
        "");
    Path file = home.resolve("conf").resolve("cassandra.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  private static Path writeLogbackConfig(Path home) throws IOException {
    Path logs = home.resolve("logs");
    String xml = """
        <configuration scan="false">
          <!-- Generated by %s at every start: edits are lost. -->
          <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
            <file>%s</file>
            <rollingPolicy class="ch.qos.logback.core.rolling.FixedWindowRollingPolicy">
              <fileNamePattern>%s</fileNamePattern>
              <minIndex>1</minIndex>
              <maxIndex>3</maxIndex>
            </rollingPolicy>
            <triggeringPolicy class="ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy">
              <maxFileSize>20MB</maxFileSize>
            </triggeringPolicy>
            <encoder>
              <pattern>%%-5level [%%thread] %%date{ISO8601} %%F:%%L - %%msg%%n</pattern>
            </encoder>
          </appender>
          <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
            <filter class="ch.qos.logback.classic.filter.ThresholdFilter">
              <level>WARN</level>
            </filter>
            <encoder>
              <pattern>%%-5level [%%thread] %%date{ISO8601} %%F:%%L - %%msg%%n</pattern>
            </encoder>
          </appender>
          <root level="INFO">
            <appender-ref ref="FILE"/>
            <appender-ref ref="STDOUT"/>
          </root>
        </configuration>
        """.formatted(
            EmbeddedCassandra.class.getName(),
            xmlEscape(logs.resolve("system.log").toString()),
            xmlEscape(logs.resolve("system.%i.log.zip").toString()));
    Path file = home.resolve("conf").resolve("logback.xml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, xml, StandardCharsets.UTF_8);
    return file;
  }

  private static List<String> command(
      Path home,
      Path boot,
      List<Path> classpath,
      Path yaml,
      Path logback,
      Ports ports,
      Options options) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable().toString());
    command.add("-Xms" + options.initialHeap());
    command.add("-Xmx" + options.maxHeap());
    // From Cassandra's own jvm17-server.options (see FACTS.md).
    if (options.jvmOptions().stream().noneMatch(EmbeddedCassandra::choosesCollector)) {
      command.add("-XX:+UseG1GC");
    }
    command.addAll(List.of(
        "-XX:+ExitOnOutOfMemoryError",
        "-XX:ErrorFile=" + home.resolve("logs").resolve("hs_err_%p.log"),
        "-Djava.net.preferIPv4Stack=true",
        "-Djdk.attach.allowAttachSelf=true",
        "-Dio.netty.tryReflectionSetAccessible=true",
        "-Dcassandra-foreground=yes",
        // Its pauses are part of every write's latency: kept where the server's other logs are.
        "-Xlog:gc:file=" + home.resolve("logs").resolve("gc.log") + ":time,uptime:filecount=2,filesize=10m"));
    for (String export : List.of(
        "java.base/jdk.internal.misc",
        "java.management.rmi/com.sun.jmx.remote.internal.rmi",
        "java.rmi/sun.rmi.registry",
        "java.rmi/sun.rmi.server",
        "java.sql/java.sql",
        "java.base/java.lang.ref",
        "jdk.unsupported/sun.misc",
        "jdk.compiler/com.sun.tools.javac.file",
        "jdk.attach/sun.tools.attach")) {
      command.add("--add-exports");
      command.add(export + "=ALL-UNNAMED");
    }
    for (String open : List.of(
        "java.base/java.lang.module",
        "java.base/jdk.internal.loader",
        "java.base/jdk.internal.ref",
        "java.base/jdk.internal.reflect",
        "java.base/jdk.internal.math",
        "java.base/jdk.internal.module",
        "java.base/jdk.internal.util.jar",
        "jdk.management/com.sun.management.internal",
        "java.base/sun.nio.ch",
        "java.base/java.io",
        "java.base/java.lang.reflect",
        "jdk.compiler/com.sun.tools.javac",
        "java.base/java.lang",
        "java.base/java.util")) {
      command.add("--add-opens");
      command.add(open + "=ALL-UNNAMED");
    }
    command.addAll(List.of(
        "-Dcassandra.config=" + yaml.toUri(),
        "-Dcassandra.storagedir=" + home,
        "-Dcassandra.logdir=" + home.resolve("logs"),
        "-Dcassandra.jmx.local.port=" + ports.jmx(),
        // A single node that is its own seed: nobody to wait for, nobody to tell it stops.
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.shutdown_announce_in_ms=0",
        "-Dlogback.configurationFile=" + logback,
        "-Dtutormesh.parent.pid=" + ProcessHandle.current().pid()));
    if (options.unsafeSystem()) {
      command.add("-Dcassandra.unsafesystem=true");
    }
    command.addAll(options.jvmOptions());
    command.add("-cp");
    command.add(Stream.concat(Stream.of(boot), classpath.stream())
        .map(Path::toString)
        .collect(Collectors.joining(java.io.File.pathSeparator)));
    command.add(MAIN_CLASS);
    return command;
  }

  /**
   * Threads for each of the server's request pools (writes, reads, CQL requests) on a machine with
   * this many cores: two per core, at least four, at most Cassandra's own default for writes and
   * reads (32). The embedded server shares its cores with the node.
   */
  static int requestThreads(int cores) {
    return Math.min(32, Math.max(4, 2 * cores));
  }

  /** Whether a JVM option picks the garbage collector ({@code -XX:+UseZGC}...): G1 is the default otherwise. */
  static boolean choosesCollector(String option) {
    return option.startsWith("-XX:+Use") && option.endsWith("GC");
  }

  private static Path javaExecutable() {
    if (Runtime.version().feature() == 17) {
      return Path.of(System.getProperty("java.home"), "bin", "java");
    }
    if (!Files.isExecutable(JAVA_17)) {
      throw new IllegalStateException("Cassandra 5.0 needs Java 17, this JVM is "
          + Runtime.version() + " and " + JAVA_17 + " is missing");
    }
    return JAVA_17;
  }

  private static String quoted(Path path) {
    return "'" + path.toString().replace("'", "''") + "'";
  }

  private static String xmlEscape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static void closeQuietly(OutputStream stream) {
    try {
      stream.close();
    } catch (IOException e) {
      log.debug("closing the child's stdin", e); // the child is gone already
    }
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  /** CQL, storage and JMX ports: the remembered ones while still free, fresh ones otherwise. */
  private record Ports(int cql, int storage, int jmx) {

    static Ports load(Path file, int fixedCql) throws IOException {
      Properties saved = new Properties();
      if (Files.exists(file)) {
        try (InputStream in = Files.newInputStream(file)) {
          saved.load(in);
        }
      }
      List<ServerSocket> held = new ArrayList<>();
      try {
        int cql = fixedCql == 0 ? port(saved, "cql", held) : fixedPort(fixedCql, "cql", held);
        Ports ports = new Ports(cql, port(saved, "storage", held), port(saved, "jmx", held));
        Properties out = new Properties();
        out.setProperty("cql", Integer.toString(ports.cql()));
        out.setProperty("storage", Integer.toString(ports.storage()));
        out.setProperty("jmx", Integer.toString(ports.jmx()));
        try (OutputStream stream = Files.newOutputStream(file)) {
          out.store(stream, "Ports of the embedded Cassandra, reused while free");
        }
        return ports;
      } finally {
        for (ServerSocket socket : held) {
          socket.close();
        }
      }
    }

    /** Binds a port that was asked for, or fails: a fixed port never moves silently. */
    private static int fixedPort(int port, String key, List<ServerSocket> held) {
      try {
        ServerSocket socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        held.add(socket);
        return port;
      } catch (IOException e) {
        throw new IllegalStateException("The fixed " + key + " port " + port
            + " is not free on the loopback address (" + e.getMessage() + ")");
      }
    }

    /** Binds the port (keeping it until all three are chosen, so they differ) and returns it. */
    private static int port(Properties saved, String key, List<ServerSocket> held)
        throws IOException {
      InetAddress loopback = InetAddress.getLoopbackAddress();
      String remembered = saved.getProperty(key);
      if (remembered != null) {
        try {
          ServerSocket socket = new ServerSocket(Integer.parseInt(remembered.trim()), 50, loopback);
          held.add(socket);
          return socket.getLocalPort();
        } catch (IOException | NumberFormatException e) {
          log.info("Port {} for {} is taken now, choosing another one", remembered, key);
        }
      }
      ServerSocket socket = new ServerSocket(0, 50, loopback);
      held.add(socket);
      return socket.getLocalPort();
    }
  }
}
