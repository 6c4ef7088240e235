package io.tutormesh.gateway.calendar;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Calendar feed tokens: {@code base64url(HMAC-SHA256(key, "<kind>:<userId>"))}, where the key is
 * derived from the node's JWT secret for this purpose only ({@code JwtAuth#deriveKey}). Nothing is
 * stored, every node of a cluster computes the same token, and a token reads one user's calendar
 * only (it authorizes nothing else, unlike a JWT, and never expires, as calendar apps need).
 * Revoking means rotating the secret (every feed URL changes); per-user rotation would need a
 * generation number in the entity.
 */
public final class FeedTokens {

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  public FeedTokens(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("the feed token key must be at least 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
  }

  /** @param kind {@code tutor} or {@code student} */
  public String tokenFor(String kind, String userId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(kind + ":" + userId));
  }

  /** Constant-time comparison; a null or malformed token never matches. */
  public boolean matches(String kind, String userId, String token) {
    if (token == null || token.isEmpty() || token.length() > 100) {
      return false;
    }
    byte[] expected = tokenFor(kind, userId).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8));
  }

  private byte[] mac(String message) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
