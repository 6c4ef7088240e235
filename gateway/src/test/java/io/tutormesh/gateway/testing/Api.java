package io.tutormesh.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A small REST client for tests: real HTTP over loopback. */
public final class Api {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One answer: status, content type, body (parsed as JSON when it is JSON) and headers. */
  public record Reply(int status, String contentType, String body, HttpHeaders headers) {

    public Reply(int status, String contentType, String body) {
      this(status, contentType, body, HttpHeaders.of(Map.of(), (name, value) -> true));
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    public boolean isProblem() {
      return contentType.startsWith("application/problem+json");
    }
  }

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public Api(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public Reply get(String path, String token) {
    return send("GET", path, token, null);
  }

  public Reply put(String path, String token, String json) {
    return send("PUT", path, token, json);
  }

  public Reply post(String path, String token, String json) {
    return send("POST", path, token, json);
  }

  public Reply send(String method, String path, String token, String body) {
    return send(method, path, token, body, Map.of());
  }

  /** As {@link #send(String, String, String, String)}, with more request headers. */
  public Reply send(String method, String path, String token, String body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(
          response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body(), response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A token from the dev endpoint. */
  public String token(String sub, String role) {
    Reply reply = post("/v1/dev/tokens", null, "{\"sub\":\"" + sub + "\",\"role\":\"" + role + "\"}");
    if (reply.status() != 200) {
      throw new IllegalStateException("dev token failed: " + reply);
    }
    return reply.json().get("token").asText();
  }
}
