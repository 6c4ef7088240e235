package io.tutormesh.gateway.availability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Reads a `text/event-stream` over real HTTP, line by line on its own thread, for tests. */
final class SseClient implements AutoCloseable {

  /** One event: its `event:` name and its `data:` parsed as JSON. */
  record Event(String type, JsonNode data) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String END = "\u0000end";

  private final HttpResponse<InputStream> response;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private int comments;

  private SseClient(HttpResponse<InputStream> response) {
    this.response = response;
    Thread reader = new Thread(this::read, "sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  static SseClient open(int port, String pathAndQuery, String token) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "text/event-stream")
            .GET()
            .build();
    return new SseClient(client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS));
  }

  int status() {
    return response.statusCode();
  }

  String contentType() {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  /** The next event (comments are counted and skipped); fails when none comes within `timeout`. */
  Event next(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String type = null;
    StringBuilder data = null;
    while (true) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null || line.equals(END)) {
        throw new AssertionError("no complete event within " + timeout + (line == null ? "" : ": the stream ended"));
      }
      if (line.startsWith(":")) {
        comments++;
      } else if (line.startsWith("event:")) {
        type = line.substring("event:".length()).trim();
      } else if (line.startsWith("data:")) {
        data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring("data:".length()).trim());
      } else if (line.isEmpty() && data != null) {
        return new Event(type, json(data.toString()));
      }
    }
  }

  /** Waits for a comment line (a keep-alive); fails if an event comes first or nothing within `timeout`. */
  void awaitComment(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = comments;
    while (comments == seen) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null || line.equals(END)) {
        throw new AssertionError("no keep-alive within " + timeout);
      }
      if (line.startsWith(":")) {
        comments++;
      } else if (!line.isEmpty()) {
        throw new AssertionError("expected a keep-alive, got " + line);
      }
    }
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      // closed by the test: the stream is over
    } finally {
      lines.add(END);
    }
  }

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("data is not JSON: " + text, e);
    }
  }

  @Override
  public void close() throws IOException {
    response.body().close();
  }
}
