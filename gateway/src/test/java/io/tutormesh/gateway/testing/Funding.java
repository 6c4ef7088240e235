package io.tutormesh.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.gateway.testing.Api.Reply;
import java.util.Map;
import java.util.UUID;

/**
 * Credit for test students: an instant request holds `maxRateCents × durationMinutes / 60` of the
 * wallet (402 without it), so every test that makes one tops its student up first, through the
 * real top-up endpoint and the sandbox provider.
 */
public final class Funding {

  /** The pack every funded student buys: 10,000 cents plus a 1,000 bonus. */
  public static final String PACK = "large";
  public static final long CREDIT_CENTS = 11_000;

  private Funding() {}

  /** Tops up the (registered) student once with {@link #PACK}; returns the balance after it. */
  public static long fund(Api api, String studentId, String token) {
    return topUp(api, studentId, token, PACK);
  }

  /** One paid top-up of {@code packId} with `pm_card_ok` under a fresh Idempotency-Key; returns the balance after it. */
  public static long topUp(Api api, String studentId, String token, String packId) {
    Reply paid = api.send("POST", "/v1/students/" + studentId + "/wallet/top-ups", token,
        "{\"packId\":\"" + packId + "\",\"paymentMethod\":\"pm_card_ok\"}", Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    assertThat(paid.status()).as(paid.body()).isEqualTo(201);
    return paid.json().get("balanceCents").asLong();
  }
}
