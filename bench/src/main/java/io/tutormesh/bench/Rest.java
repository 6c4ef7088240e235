package io.tutormesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The node's REST API as the bench uses it: JDK HttpClient, HTTP/1.1, async everywhere. */
final class Rest implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final String jwtSecret;
  private final ExecutorService executor;
  final HttpClient client;

  Rest(String host, int port, String jwtSecret) {
    this.base = "http://" + host + ":" + port;
    this.jwtSecret = jwtSecret;
    AtomicInteger n = new AtomicInteger();
    // Responses complete on these threads: a few are plenty, and a fixed pool keeps the bench's
    // own footprint on the 2 shared cores predictable.
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "bench-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .executor(executor)
        .build();
  }

  HttpRequest request(String method, String path, String token, Object body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : write(body)));
    }
    return b.build();
  }

  CompletableFuture<HttpResponse<String>> send(String method, String path, String token, Object body, String... headers) {
    return client.sendAsync(request(method, path, token, body, headers), HttpResponse.BodyHandlers.ofString());
  }

  /** Like {@link #send} but fails the future unless the status is one of {@code ok}. */
  CompletableFuture<JsonNode> expect(String method, String path, String token, Object body, int... ok) {
    return expect(send(method, path, token, body), method, path, ok);
  }

  static CompletableFuture<JsonNode> expect(CompletableFuture<HttpResponse<String>> call, String method, String path, int... ok) {
    return call.thenApply(resp -> {
      for (int code : ok) {
        if (resp.statusCode() == code) {
          return read(resp.body());
        }
      }
      throw new RestException(method + " " + path + " -> " + resp.statusCode() + " " + abbreviate(resp.body()), resp.statusCode());
    });
  }

  /** A token for {@code sub} with {@code role}: minted locally with --jwt-secret, else from the dev endpoint. */
  CompletableFuture<String> token(String sub, String role) {
    if (jwtSecret != null) {
      return CompletableFuture.completedFuture(mint(sub, role));
    }
    return expect("POST", "/v1/dev/tokens", null, Map.of("sub", sub, "role", role), 200).thenApply(n -> n.get("token").asText());
  }

  private String mint(String sub, String role) {
    try {
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      long now = System.currentTimeMillis() / 1000;
      String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
      String payload = b64.encodeToString(write(Map.of("sub", sub, "role", role, "iat", now, "exp", now + 12 * 3600))
          .getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(jwtSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = b64.encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
      return header + "." + payload + "." + signature;
    } catch (Exception e) {
      throw new IllegalStateException("cannot mint a token", e);
    }
  }

  static String write(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static JsonNode read(String body) {
    try {
      return body == null || body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
    } catch (IOException e) {
      return JSON.nullNode();
    }
  }

  static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    String one = s.replace('\n', ' ');
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  static final class RestException extends RuntimeException {
    final int status;

    RestException(String message, int status) {
      super(message, null, false, false);
      this.status = status;
    }
  }
}
