package io.tutormesh.gateway.ws;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A wire whose writes complete only when the test says so: a client as slow as the test wants. */
final class FakeWire implements Wire {

  record Write(String text, Runnable onSent, Consumer<Throwable> onFailed) {
    void complete() {
      onSent.run();
    }
  }

  record Close(int code, String reason) {}

  final BlockingQueue<Write> writes = new LinkedBlockingQueue<>();
  final BlockingQueue<Close> closes = new LinkedBlockingQueue<>();
  final AtomicInteger pings = new AtomicInteger();
  final CompletableFuture<Void> disconnected = new CompletableFuture<>();

  @Override
  public void send(byte[] text, Runnable onSent, Consumer<Throwable> onFailed) {
    writes.add(new Write(new String(text, StandardCharsets.UTF_8), onSent, onFailed));
  }

  @Override
  public void ping() {
    pings.incrementAndGet();
  }

  @Override
  public void close(int code, String reason) {
    closes.add(new Close(code, reason));
  }

  @Override
  public void disconnect() {
    disconnected.complete(null);
  }

  Write nextWrite() throws InterruptedException {
    Write write = writes.poll(5, TimeUnit.SECONDS);
    if (write == null) {
      throw new AssertionError("no write within 5 s");
    }
    return write;
  }

  Close nextClose() throws InterruptedException {
    Close close = closes.poll(5, TimeUnit.SECONDS);
    if (close == null) {
      throw new AssertionError("no close within 5 s");
    }
    return close;
  }
}
