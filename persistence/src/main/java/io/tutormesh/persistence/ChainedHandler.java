package io.tutormesh.persistence;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Several read sides fed by one projection: each envelope goes to every handler in turn, the next
 * one after the previous one's write completed, and the offset is stored only when all are done.
 * At least once, so every handler must be idempotent. One stream of events by tag serves them all
 * instead of one stream (and one read of every event) per read side.
 */
public final class ChainedHandler<E> extends Handler<E> {
  private final List<Handler<E>> handlers;

  @SafeVarargs
  public ChainedHandler(Handler<E>... handlers) {
    this.handlers = List.of(handlers);
  }

  @Override
  public CompletionStage<Done> process(E envelope) throws Exception {
    CompletionStage<Done> done = CompletableFuture.completedFuture(Done.getInstance());
    for (Handler<E> handler : handlers) {
      done = done.thenCompose(previous -> {
        try {
          return handler.process(envelope);
        } catch (Exception e) {
          return CompletableFuture.failedFuture(e);
        }
      });
    }
    return done;
  }

  @Override
  public CompletionStage<Done> start() {
    CompletionStage<Done> done = CompletableFuture.completedFuture(Done.getInstance());
    for (Handler<E> handler : handlers) {
      done = done.thenCompose(previous -> handler.start());
    }
    return done;
  }

  @Override
  public CompletionStage<Done> stop() {
    CompletionStage<Done> done = CompletableFuture.completedFuture(Done.getInstance());
    for (Handler<E> handler : handlers) {
      done = done.thenCompose(previous -> handler.stop());
    }
    return done;
  }
}
