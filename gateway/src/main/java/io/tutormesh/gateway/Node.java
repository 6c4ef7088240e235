package io.tutormesh.gateway;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.tutormesh.engine.catalog.Catalog;
import io.tutormesh.engine.Engine;
import io.tutormesh.engine.session.PaymentGuard;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.auth.JwtAuth;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.HttpApi;
import io.tutormesh.gateway.matching.MatchingMetrics;
import io.tutormesh.gateway.ws.WsEndpoints;
import io.tutormesh.gateway.ws.WsServer;
import io.tutormesh.persistence.notifications.LogSmsProvider;
import io.tutormesh.persistence.notifications.NotificationSettings;
import io.tutormesh.persistence.notifications.Notifications;
import io.tutormesh.persistence.payments.CassandraSandboxProvider;
import io.tutormesh.persistence.CassandraSchema;
import io.tutormesh.persistence.ChainedHandler;
import io.tutormesh.persistence.EmbeddedCassandra;
import io.tutormesh.persistence.ProjectionProgress;
import io.tutormesh.persistence.directory.CassandraDirectoryRepository;
import io.tutormesh.persistence.directory.DirectoryProjection;
import io.tutormesh.persistence.ledger.CassandraLedgerRepository;
import io.tutormesh.persistence.ledger.LedgerCheck;
import io.tutormesh.persistence.ledger.LedgerProjection;
import io.tutormesh.persistence.kpis.CassandraKpiRepository;
import io.tutormesh.persistence.kpis.KpiHandler;
import io.tutormesh.persistence.kpis.KpiProjection;
import io.tutormesh.persistence.plans.CassandraPlanDueIndex;
import io.tutormesh.persistence.plans.PlanDueHandler;
import io.tutormesh.persistence.plans.PlanWaker;
import io.tutormesh.persistence.plans.PlanWakerSettings;
import io.tutormesh.gateway.money.FinanceMetrics;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Tutormesh node: Cassandra (embedded or configured), the schema, the ActorSystem with its
 * cluster and sharded entities, the REST server and the WebSocket server. {@link #start} returns
 * when the node is ready; {@link #stop} takes it down in order, the embedded Cassandra last.
 */
public final class Node {

  private static final Logger log = LoggerFactory.getLogger(Node.class);
  private static final String SYSTEM_NAME = "tutormesh";
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final NodeSettings settings;
  private final ActorSystem<Void> system;
  private final EmbeddedCassandra embedded;
  private final ServerBinding http;
  private final WsServer ws;
  private final Metrics metrics;
  private final Notifications notifications;

  private Node(
      NodeSettings settings, ActorSystem<Void> system, EmbeddedCassandra embedded, ServerBinding http, WsServer ws, Metrics metrics,
      Notifications notifications) {
    this.notifications = notifications;
    this.settings = settings;
    this.system = system;
    this.embedded = embedded;
    this.http = http;
    this.ws = ws;
    this.metrics = metrics;
  }

  /** Starts a node from a resolved configuration and waits until it is ready. */
  public static Node start(Config config) throws Exception {
    return start(config, Clock.systemUTC());
  }

  /**
   * Starts a node whose notifications ({@code tutormesh.notifications}: the outbox, its worker and
   * the reminder plans) run on {@code notificationClock}, so that a test can move time on for them;
   * everything else runs on the system clock.
   */
  public static Node start(Config config, Clock notificationClock) throws Exception {
    NodeSettings settings = NodeSettings.from(config);
    JwtAuth auth = jwtAuth(settings);
    EmbeddedCassandra embedded = null;
    ActorSystem<Void> system = null;
    WsServer ws = null;
    Metrics metrics = new Metrics();
    try {
      List<InetSocketAddress> contactPoints = settings.contactPoints();
      if (settings.embeddedCassandra()) {
        log.info("No CASSANDRA_CONTACT_POINTS: starting the embedded Cassandra in {}", settings.dataDir().toAbsolutePath());
        embedded =
            EmbeddedCassandra.start(
                settings.dataDir(),
                EmbeddedCassandra.Options.defaults()
                    .withStartTimeout(settings.embeddedStartTimeout())
                    .withHeap("256m", settings.embeddedHeap())
                    .withJvmOptions(settings.embeddedJvmOptions()));
        contactPoints = List.of(embedded.contactPoint());
      }
      if (settings.applySchema()) {
        try (CqlSession session = CassandraSchema.connect(contactPoints, settings.localDatacenter())) {
          CassandraSchema.apply(session, settings.keyspace(), settings.replication());
        }
      }

      system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, withRuntimeSettings(config, settings, contactPoints));
      joinCluster(system, settings);
      MatchingMetrics matchingMetrics = new MatchingMetrics(metrics.registry());
      String keyspace = system.settings().config().getString("tutormesh.cassandra.keyspace");
      CassandraSandboxProvider provider = CassandraSandboxProvider.create(system, keyspace);
      Engine.init(system, matchingMetrics, PaymentGuard.ALWAYS_YES, provider);
      CassandraLedgerRepository ledger = CassandraLedgerRepository.create(system, keyspace);
      CassandraKpiRepository kpis = CassandraKpiRepository.create(system, keyspace);
      FinanceMetrics finance = new FinanceMetrics(metrics.registry());
      Catalog catalog = Catalog.fromConfig(config);
      NotificationSettings notificationSettings = NotificationSettings.fromConfig(system.settings().config());
      // Notifications ride on the projections that already read their events: payouts on the
      // tutors' ledger stream; bookings, cancellations and matches on the sessions' KPI stream.
      Notifications notifications = notificationSettings.enabled()
          ? Notifications.start(system, notificationSettings, keyspace, notificationClock, new LogSmsProvider(), catalog.currency())
          : null;
      // The plans' due index rides on the ledger's streams too; the waker (a cluster singleton)
      // wakes passivated students and tutors whose plans are due.
      PlanWakerSettings planWaker = PlanWakerSettings.fromConfig(system.settings().config());
      CassandraPlanDueIndex planDue = CassandraPlanDueIndex.create(system, keyspace, Clock.systemUTC(), planWaker.cursorGrace());
      // Every projection instance's handler is counted (envelopes, lag) for /metrics.
      ProjectionProgress.Registry progress = new ProjectionProgress.Registry(Clock.systemUTC());
      ProjectionMetrics.bind(progress, metrics.registry());
      LedgerProjection.init(
          system,
          ledger,
          () -> new ChainedHandler<>(new KpiHandler.Students(kpis, finance), new PlanDueHandler.Students(planDue)),
          () -> new ChainedHandler<>(tutorsReadSides(kpis, finance, notifications), new PlanDueHandler.Tutors(planDue)),
          progress);
      PlanWaker.init(system, planDue, planWaker);
      KpiProjection.init(system, kpis, notifications == null ? null : notifications::sessionsHandler, progress);
      if (notifications != null) {
        log.info("Notifications on: e-mail {}, SMS to the log", notificationSettings.smtp() == null
            ? "to the log (no tutormesh.notifications.smtp.host)" : "over " + notificationSettings.smtp());
      }
      CassandraDirectoryRepository directory = CassandraDirectoryRepository.create(system, keyspace);
      DirectoryProjection.init(system, directory, progress);

      ApiContext context =
          new ApiContext(
              system, ClusterSharding.get(system), auth, metrics, matchingMetrics, settings.askTimeout(), settings.maxBodyBytes());
      ActorSystem<Void> sys = system;
      HttpApi api =
          new HttpApi(
              context,
              catalog,
              settings.devMode(),
              settings.devTokenTtl(),
              () -> readiness(sys, settings.cassandraProbeTimeout()),
              new LedgerCheck(ledger, provider::totals),
              directory);
      ServerBinding binding =
          Http.get(system)
              .newServerAt(settings.httpInterface(), settings.httpPort())
              .bind(api.route())
              .toCompletableFuture()
              .get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

      ws =
          new WsServer(
              new WsServer.Settings(
                  settings.wsInterface(), settings.wsPort(), settings.maxFrameBytes(), settings.wsInputBufferBytes(),
                  settings.wsIdleTimeout(), settings.wsStopTimeout()),
              container -> WsEndpoints.mount(container, context));
      ws.start();

      Node node = new Node(settings, system, embedded, binding, ws, metrics, notifications);
      node.registerShutdownTasks();
      node.awaitReady();
      log.info("tutormesh ready http={} ws={}", node.httpPort(), node.wsPort());
      return node;
    } catch (Exception | Error e) {
      log.error("Node start failed: {}", e.toString());
      stopQuietly(ws);
      if (system != null) {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      metrics.close();
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  public int httpPort() {
    return http.localAddress().getPort();
  }

  public int wsPort() {
    return ws.port();
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public NodeSettings settings() {
    return settings;
  }

  /** The node's notifications (its outbox and worker), when {@code tutormesh.notifications.enabled}. */
  public Optional<Notifications> notifications() {
    return Optional.ofNullable(notifications);
  }

  /** Coordinated shutdown, then (when this node started it) the embedded Cassandra. Idempotent. */
  public void stop() {
    try {
      CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture().get(60, TimeUnit.SECONDS);
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("ActorSystem did not stop cleanly: {}", e.toString());
    } finally {
      metrics.close();
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /** Completes when the ActorSystem has terminated, for whatever reason. */
  public CompletionStage<Done> whenTerminated() {
    return system.getWhenTerminated();
  }

  private void registerShutdownTasks() {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceUnbind(),
        "stop-websockets",
        () -> CompletableFuture.supplyAsync(() -> {
          stopQuietly(ws);
          return Done.getInstance();
        }));
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceUnbind(),
        "unbind-http",
        () -> http.unbind().thenApplyAsync(unbound -> Done.getInstance(), system.executionContext()));
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(),
        "drain-http",
        () -> http.terminate(Duration.ofSeconds(5)).thenApplyAsync(terminated -> Done.getInstance(), system.executionContext()));
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Optional<String> notReady = Optional.of("not checked yet");
    CompletableFuture<Done> up = new CompletableFuture<>();
    org.apache.pekko.cluster.Cluster.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
        .registerOnMemberUp(() -> up.complete(Done.getInstance()));
    up.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    while (System.nanoTime() < deadline) {
      notReady = readiness(system, settings.cassandraProbeTimeout()).toCompletableFuture().get();
      if (notReady.isEmpty()) {
        return;
      }
      log.info("Not ready yet: {}", notReady.get());
      TimeUnit.MILLISECONDS.sleep(500); // start-up polling, not a test wait
    }
    throw new IllegalStateException("node not ready within " + READY_TIMEOUT + ": " + notReady.orElse(""));
  }

  /** Empty when this member is Up and Cassandra answers; otherwise why not. */
  static CompletionStage<Optional<String>> readiness(ActorSystem<?> system, Duration probeTimeout) {
    if (Cluster.get(system).selfMember().status() != MemberStatus.up()) {
      return CompletableFuture.completedFuture(Optional.of("cluster member is not Up"));
    }
    return CassandraSessionRegistry.get(system)
        .sessionFor("pekko.persistence.cassandra")
        .selectOne("SELECT release_version FROM system.local")
        .toCompletableFuture()
        .orTimeout(probeTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handleAsync((row, error) -> error == null ? Optional.<String>empty() : Optional.of("Cassandra is not reachable"), system.executionContext());
  }

  private static void joinCluster(ActorSystem<?> system, NodeSettings settings) {
    Cluster cluster = Cluster.get(system);
    if (settings.seedNodes().isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  /** The configuration the ActorSystem runs with: contact points and seed nodes are decided here. */
  static Config withRuntimeSettings(Config config, NodeSettings settings, List<InetSocketAddress> contactPoints) {
    List<String> cassandra = contactPoints.stream().map(a -> a.getHostString() + ":" + a.getPort()).toList();
    List<String> seeds =
        settings.seedNodes().stream().map(a -> "pekko://" + SYSTEM_NAME + "@" + a.getHostString() + ":" + a.getPort()).toList();
    return ConfigFactory.empty()
        .withValue("datastax-java-driver.basic.contact-points", ConfigValueFactory.fromIterable(cassandra))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withFallback(config);
  }

  /** What reads the tutors' money events besides the ledger: the finance KPIs, and the payout notices when on. */
  private static Handler<EventEnvelope<TutorEntity.Event>> tutorsReadSides(
      CassandraKpiRepository kpis, FinanceMetrics finance, Notifications notifications) {
    KpiHandler.Tutors kpiHandler = new KpiHandler.Tutors(kpis, finance);
    return notifications == null ? kpiHandler : new ChainedHandler<>(kpiHandler, notifications.tutorsHandler());
  }

  private static JwtAuth jwtAuth(NodeSettings settings) {
    String secret = settings.jwtSecret();
    if (secret.isEmpty()) {
      if (!settings.devMode()) {
        throw new IllegalStateException("TUTORMESH_JWT_SECRET is required outside dev mode (at least 32 bytes)");
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      log.warn("Dev mode: no TUTORMESH_JWT_SECRET set, so a random one was made up; tokens will not survive a restart");
    }
    if (secret.getBytes(StandardCharsets.UTF_8).length < JwtAuth.MIN_SECRET_BYTES) {
      throw new IllegalStateException("TUTORMESH_JWT_SECRET must be at least " + JwtAuth.MIN_SECRET_BYTES + " bytes");
    }
    return JwtAuth.fromSecret(secret, settings.jwtClockSkew());
  }

  private static void stopQuietly(WsServer ws) {
    if (ws == null) {
      return;
    }
    try {
      ws.stop();
    } catch (Exception e) {
      log.warn("WebSocket server did not stop cleanly: {}", e.toString());
    }
  }
}
