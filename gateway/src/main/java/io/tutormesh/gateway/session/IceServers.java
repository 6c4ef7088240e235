package io.tutormesh.gateway.session;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The STUN/TURN servers a room's participants use for their WebRTC call ({@code tutormesh.room.ice}).
 * TURN credentials, when a shared secret is configured, follow the "TURN REST API" scheme that
 * coturn implements ({@code use-auth-secret}): a username that carries its own expiry, and an HMAC
 * of it as the password, so no credential is stored anywhere.
 */
public final class IceServers {

  public record IceServer(List<String> urls, String username, String credential) {}

  public record Answer(List<IceServer> iceServers, java.time.Instant expiresAt) {}

  private final List<String> stunUrls;
  private final List<String> turnUrls;
  private final byte[] turnSecret;
  private final Duration ttl;
  private final Clock clock;

  IceServers(List<String> stunUrls, List<String> turnUrls, String turnSecret, Duration ttl, Clock clock) {
    this.stunUrls = List.copyOf(stunUrls);
    this.turnUrls = List.copyOf(turnUrls);
    this.turnSecret = turnSecret.getBytes(StandardCharsets.UTF_8);
    this.ttl = ttl;
    this.clock = clock;
  }

  public static IceServers fromConfig(Config config) {
    Config ice = config.getConfig("tutormesh.room.ice");
    return new IceServers(
        ice.getStringList("stun-urls"), ice.getStringList("turn-urls"), ice.getString("turn-secret"),
        ice.getDuration("turn-credential-ttl"), Clock.systemUTC());
  }

  /** The servers for one participant; TURN entries carry that participant's own credentials. */
  public Answer forUser(String userId) {
    List<IceServer> servers = new ArrayList<>();
    if (!stunUrls.isEmpty()) {
      servers.add(new IceServer(stunUrls, null, null));
    }
    java.time.Instant expiresAt = clock.instant().plus(ttl);
    if (!turnUrls.isEmpty()) {
      if (turnSecret.length == 0) {
        servers.add(new IceServer(turnUrls, null, null));
      } else {
        String username = expiresAt.getEpochSecond() + ":" + userId;
        servers.add(new IceServer(turnUrls, username, hmac(username)));
      }
    }
    return new Answer(servers, expiresAt);
  }

  private String hmac(String username) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(turnSecret, "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is not available", e);
    }
  }
}
