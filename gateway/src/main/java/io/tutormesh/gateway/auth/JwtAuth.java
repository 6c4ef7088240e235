package io.tutormesh.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tutormesh.engine.common.Ids;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HS256 JSON Web Tokens, checked by the rules of RFC 8725: the algorithm comes from an allowlist
 * (never from the token alone, never `none`), `exp` is required, `sub` and `role` must be valid.
 * Signing and verification are nimbus-jose-jwt's: no crypto is written here.
 */
public final class JwtAuth {

  public static final int MIN_SECRET_BYTES = 32;
  private static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.HS256);

  /**
   * Tokens whose signature was already checked, with who they speak for and while they are valid:
   * a client sends the same token with every request, and parsing plus HMAC was 3 % of the node's
   * CPU under load. Bounded: emptied when it reaches this size.
   */
  static final int MAX_CACHED_TOKENS = 20_000;

  private record Verified(Principal principal, Instant validFrom, Instant validUntil) {}

  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private final byte[] secret;
  private final Duration clockSkew;
  private final Clock clock;
  private final MACVerifier verifier;

  public JwtAuth(byte[] secret, Duration clockSkew, Clock clock) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the JWT secret must be at least " + MIN_SECRET_BYTES + " bytes, got " + secret.length);
    }
    this.secret = secret.clone();
    this.clockSkew = clockSkew;
    this.clock = clock;
    try {
      this.verifier = new MACVerifier(this.secret);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable JWT secret: " + e.getMessage(), e);
    }
  }

  public static JwtAuth fromSecret(String secret, Duration clockSkew) {
    return new JwtAuth(secret.getBytes(StandardCharsets.UTF_8), clockSkew, Clock.systemUTC());
  }

  /**
   * A key for another purpose ({@code "calendar-feed"}), derived from the secret as
   * HMAC-SHA256(secret, "tutormesh:" + purpose): the same on every node, never the secret itself.
   */
  public byte[] deriveKey(String purpose) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(("tutormesh:" + purpose).getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** Verifies a compact JWS and returns who it speaks for. */
  public Principal verify(String token) throws AuthException {
    if (token == null || token.isBlank()) {
      throw new AuthException("missing token");
    }
    Verified known = verified.get(token);
    if (known != null) {
      Instant now = clock.instant();
      if (!now.isBefore(known.validFrom()) && !now.isAfter(known.validUntil())) {
        return known.principal();
      }
      // Expired (or not valid yet): the full check below says which.
      verified.remove(token);
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token.trim());
    } catch (ParseException e) {
      throw new AuthException("malformed or unsigned token");
    }
    if (!ALLOWED.contains(jwt.getHeader().getAlgorithm())) {
      throw new AuthException("token algorithm not allowed: " + jwt.getHeader().getAlgorithm());
    }
    try {
      if (!jwt.verify(verifier)) {
        throw new AuthException("bad token signature");
      }
    } catch (JOSEException e) {
      throw new AuthException("bad token signature");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new AuthException("malformed token claims");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new AuthException("token has no exp");
    }
    if (exp.toInstant().plus(clockSkew).isBefore(now)) {
      throw new AuthException("token expired");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().minus(clockSkew).isAfter(now)) {
      throw new AuthException("token not valid yet");
    }
    String sub = claims.getSubject();
    if (sub == null || !Ids.isValid(sub)) {
      throw new AuthException("token sub must match [A-Za-z0-9_-]{1,64}");
    }
    Object roleClaim = claims.getClaim("role");
    Role role =
        Role.fromClaim(roleClaim instanceof String s ? s : null)
            .orElseThrow(() -> new AuthException("token role must be student, tutor, partner or admin"));
    Principal principal = new Principal(sub, role);
    if (verified.size() >= MAX_CACHED_TOKENS) {
      verified.clear();
    }
    Instant validFrom = nbf == null ? Instant.MIN : nbf.toInstant().minus(clockSkew);
    verified.put(token, new Verified(principal, validFrom, exp.toInstant().plus(clockSkew)));
    return principal;
  }

  /** Signs a token for `sub` with `role`, valid for `ttl`. */
  public String issue(String sub, Role role, Duration ttl) {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(sub)
            .claim("role", role.claim())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed", e);
    }
    return jwt.serialize();
  }
}
