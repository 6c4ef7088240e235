package io.tutormesh.gateway.http;

import io.tutormesh.gateway.Metrics;
import io.tutormesh.gateway.auth.JwtAuth;
import io.tutormesh.gateway.matching.MatchingMetrics;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** What every route needs from the node. */
public record ApiContext(
    ActorSystem<?> system,
    ClusterSharding sharding,
    JwtAuth auth,
    Metrics metrics,
    MatchingMetrics matchingMetrics,
    Duration askTimeout,
    long maxBodyBytes) {}
