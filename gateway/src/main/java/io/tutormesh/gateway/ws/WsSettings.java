package io.tutormesh.gateway.ws;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The per-connection limits of the live sockets, read from {@code tutormesh.ws} (see
 * {@code websocket.conf}), plus the heartbeat interval ({@code tutormesh.presence.heartbeat-interval})
 * and the gateway's ask timeout.
 *
 * @param maxQueuedFrames outbound frames queued behind the one being written
 * @param framesPerSecond inbound rate limit: tokens per second
 * @param burst inbound rate limit: bucket size
 * @param maxSubscriptions subjects per availability connection
 * @param heartbeatInterval how often a socket pings its client (and a tutor socket heartbeats its entity)
 * @param idleTimeout a client not heard from (frame or pong) for this long is dropped
 * @param askTimeout how long a socket waits for an entity's answer
 * @param signals the limits on a room's WebRTC signalling frames
 * @param resumeGrace how long a new room connection holds live entries back, waiting for the
 *     client's first {@code resume} (a reconnecting client's replay must come before them)
 */
public record WsSettings(
    int maxQueuedFrames,
    double framesPerSecond,
    int burst,
    int maxSubscriptions,
    Duration heartbeatInterval,
    Duration idleTimeout,
    Duration askTimeout,
    Signals signals,
    Duration resumeGrace) {

  /** Signalling frames per room connection: a rate (token bucket) and the payload's size. */
  public record Signals(double perSecond, int burst, int maxPayloadBytes) {
    public static final Signals DEFAULT = new Signals(10, 40, 16 * 1024);
  }

  public WsSettings(
      int maxQueuedFrames, double framesPerSecond, int burst, int maxSubscriptions, Duration heartbeatInterval, Duration idleTimeout, Duration askTimeout) {
    this(maxQueuedFrames, framesPerSecond, burst, maxSubscriptions, heartbeatInterval, idleTimeout, askTimeout, Signals.DEFAULT, Duration.ofSeconds(1));
  }

  double signalsPerSecond() {
    return signals.perSecond();
  }

  int signalBurst() {
    return signals.burst();
  }

  int signalMaxBytes() {
    return signals.maxPayloadBytes();
  }

  public WsSettings {
    if (maxQueuedFrames < 1) {
      throw new IllegalArgumentException("tutormesh.ws.max-queued-frames must be at least 1");
    }
    if (framesPerSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("tutormesh.ws.rate needs frames-per-second > 0 and burst >= 1");
    }
    if (maxSubscriptions < 1) {
      throw new IllegalArgumentException("tutormesh.ws.max-subscriptions must be at least 1");
    }
  }

  public static WsSettings from(Config config, Duration askTimeout) {
    Config ws = config.getConfig("tutormesh.ws");
    return new WsSettings(
        ws.getInt("max-queued-frames"),
        ws.getDouble("rate.frames-per-second"),
        ws.getInt("rate.burst"),
        ws.getInt("max-subscriptions"),
        config.getDuration("tutormesh.presence.heartbeat-interval"),
        ws.getDuration("idle-timeout"),
        askTimeout,
        new Signals(ws.getDouble("signal.per-second"), ws.getInt("signal.burst"), (int) ws.getBytes("signal.max-payload").longValue()),
        ws.getDuration("resume-grace"));
  }
}
