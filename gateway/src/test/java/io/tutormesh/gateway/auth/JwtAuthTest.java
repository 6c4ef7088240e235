package io.tutormesh.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tutormesh.engine.TestSupport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.Test;

class JwtAuthTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
  private final JwtAuth auth =
      new JwtAuth(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void issuedTokensVerify() throws Exception {
    String token = auth.issue("tutor-1", Role.TUTOR, Duration.ofHours(12));
    assertThat(auth.verify(token)).isEqualTo(new Principal("tutor-1", Role.TUTOR));
  }

  @Test
  void aVerifiedTokenStillExpiresAndTheCacheNeverAcceptsWhatTheFullCheckRefuses() throws Exception {
    TestSupport.TestClock clock = new TestSupport.TestClock(NOW);
    JwtAuth cached = new JwtAuth(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30), clock);
    String token = cached.issue("s1", Role.STUDENT, Duration.ofMinutes(5));
    assertThat(cached.verify(token)).isEqualTo(new Principal("s1", Role.STUDENT));
    assertThat(cached.verify(token)).isEqualTo(new Principal("s1", Role.STUDENT));
    // A token that differs from a verified one in its signature is checked in full, and refused.
    int inSignature = token.lastIndexOf('.') + 5;
    String tampered = token.substring(0, inSignature) + (token.charAt(inSignature) == 'A' ? 'B' : 'A') + token.substring(inSignature + 1);
    assertThatThrownBy(() -> cached.verify(tampered)).isInstanceOf(AuthException.class).hasMessageContaining("signature");

    clock.advance(Duration.ofMinutes(5).plusSeconds(29));
    assertThat(cached.verify(token).userId()).isEqualTo("s1");
    clock.advance(Duration.ofSeconds(2));
    assertThatThrownBy(() -> cached.verify(token)).isInstanceOf(AuthException.class).hasMessageContaining("expired");
  }

  @Test
  void expiredTokenIsRefused() {
    String token = sign(SECRET, JWSAlgorithm.HS256, claims("s1", "student", NOW.minusSeconds(31)));
    assertThatThrownBy(() -> auth.verify(token)).isInstanceOf(AuthException.class).hasMessageContaining("expired");
  }

  @Test
  void expiryWithinClockSkewIsAccepted() throws Exception {
    String token = sign(SECRET, JWSAlgorithm.HS256, claims("s1", "student", NOW.minusSeconds(10)));
    assertThat(auth.verify(token).userId()).isEqualTo("s1");
  }

  @Test
  void tokenWithoutExpIsRefused() {
    JWTClaimsSet noExp = new JWTClaimsSet.Builder().subject("s1").claim("role", "student").build();
    String token = sign(SECRET, JWSAlgorithm.HS256, noExp);
    assertThatThrownBy(() -> auth.verify(token)).isInstanceOf(AuthException.class).hasMessageContaining("exp");
  }

  @Test
  void unsignedAlgNoneTokenIsRefused() {
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String payload = b64("{\"sub\":\"admin1\",\"role\":\"admin\",\"exp\":" + NOW.plusSeconds(3600).getEpochSecond() + "}");
    assertThatThrownBy(() -> auth.verify(header + "." + payload + ".")).isInstanceOf(AuthException.class);
    assertThatThrownBy(() -> auth.verify(header + "." + payload)).isInstanceOf(AuthException.class);
  }

  @Test
  void wronglySignedTokenIsRefused() {
    String token = sign("another-secret-another-secret-another", JWSAlgorithm.HS256, claims("s1", "student", NOW.plusSeconds(60)));
    assertThatThrownBy(() -> auth.verify(token)).isInstanceOf(AuthException.class).hasMessageContaining("signature");
  }

  @Test
  void algorithmsOutsideTheAllowlistAreRefusedEvenWithTheRightKey() {
    String secret64 = SECRET + SECRET; // HS512 needs 64 bytes
    JwtAuth longKey = new JwtAuth(secret64.getBytes(StandardCharsets.UTF_8), Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC));
    String token = sign(secret64, JWSAlgorithm.HS512, claims("s1", "student", NOW.plusSeconds(60)));
    assertThatThrownBy(() -> longKey.verify(token)).isInstanceOf(AuthException.class).hasMessageContaining("algorithm");
  }

  @Test
  void unknownRoleOrBadSubjectIsRefused() {
    assertThatThrownBy(() -> auth.verify(sign(SECRET, JWSAlgorithm.HS256, claims("s1", "root", NOW.plusSeconds(60)))))
        .isInstanceOf(AuthException.class)
        .hasMessageContaining("role");
    assertThatThrownBy(() -> auth.verify(sign(SECRET, JWSAlgorithm.HS256, claims("bad id!", "student", NOW.plusSeconds(60)))))
        .isInstanceOf(AuthException.class)
        .hasMessageContaining("sub");
  }

  @Test
  void garbageAndMissingTokensAreRefused() {
    assertThatThrownBy(() -> auth.verify(null)).isInstanceOf(AuthException.class);
    assertThatThrownBy(() -> auth.verify("")).isInstanceOf(AuthException.class);
    assertThatThrownBy(() -> auth.verify("not.a.jwt")).isInstanceOf(AuthException.class);
  }

  @Test
  void shortSecretsAreRejectedAtConstruction() {
    assertThatThrownBy(() -> JwtAuth.fromSecret("too-short", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  private static JWTClaimsSet claims(String sub, String role, Instant exp) {
    return new JWTClaimsSet.Builder().subject(sub).claim("role", role).expirationTime(Date.from(exp)).build();
  }

  private static String sign(String secret, JWSAlgorithm alg, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
