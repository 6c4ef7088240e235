package io.tutormesh.gateway.money;

import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Api.Reply;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that behaves like a mobile app over a bad network: it talks to whichever node is
 * current (a restarted node has new ports), and sends a request again, unchanged (the same
 * Idempotency-Key), when the connection fails or the answer is 503, until it gets another answer
 * or its deadline passes.
 */
final class RetryingClient {

  private static final Duration PAUSE = Duration.ofMillis(150);

  private final Duration deadline;
  private final AtomicLong retries = new AtomicLong();
  private volatile Node node;
  private volatile Api api;
  private volatile int wsPort;

  RetryingClient(Node node, Duration deadline) {
    this.deadline = deadline;
    switchTo(node);
  }

  /** From now on, requests go to {@code next} (a node started after the previous one stopped). */
  void switchTo(Node next) {
    this.node = next;
    this.api = new Api(next.httpPort());
    this.wsPort = next.wsPort();
  }

  Node node() {
    return node;
  }

  /** The WebSocket port of the current node (kept: a stopped node no longer has one). */
  int wsPort() {
    return wsPort;
  }

  /** How many times a request was sent again. */
  long retries() {
    return retries.get();
  }

  Reply get(String path, String token) {
    return call("GET", path, token, null, Map.of());
  }

  Reply post(String path, String token, String body) {
    return call("POST", path, token, body, Map.of());
  }

  /** The first answer that is neither a failed connection nor a 503. */
  Reply call(String method, String path, String token, String body, Map<String, String> headers) {
    long end = System.nanoTime() + deadline.toNanos();
    String last = "nothing sent";
    while (true) {
      try {
        Reply reply = api.send(method, path, token, body, headers);
        if (reply.status() != 503) {
          return reply;
        }
        last = "503 " + reply.body();
      } catch (UncheckedIOException e) {
        last = e.toString(); // the node is stopping or not started yet: the same request again
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("no answer to " + method + " " + path + " within " + deadline + "; last: " + last);
      }
      retries.incrementAndGet();
      pause();
    }
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(PAUSE.toMillis()); // between retries, bounded by the deadline
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
