package io.tutormesh.gateway.ws;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** A {@link Wire} over a Jetty 12 session: asynchronous sends, completion via callbacks. */
final class JettyWire implements Wire {

  private final Session session;

  JettyWire(Session session) {
    this.session = session;
  }

  @Override
  public void send(String text, Runnable onSent, Consumer<Throwable> onFailed) {
    session.sendText(text, Callback.from(onSent, onFailed));
  }

  @Override
  public void ping() {
    session.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
  }

  @Override
  public void close(int code, String reason) {
    session.close(code, reason, Callback.NOOP);
  }

  @Override
  public void disconnect() {
    session.disconnect();
  }
}
