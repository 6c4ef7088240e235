package io.tutormesh.gateway.ws;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * A {@link Wire} over a Jetty 12 session: asynchronous sends, completion via callbacks.
 *
 * <p>Text frames go out through the session's core session, as their UTF-8 bytes: the API's
 * {@code sendText} takes a {@code String} and encodes it again for every socket, where our frames
 * are encoded once, already in UTF-8 (what {@code sendText} itself does, less the copy).
 */
final class JettyWire implements Wire {

  private final Session session;
  private final CoreSession core;

  JettyWire(Session session) {
    this.session = session;
    this.core = ((WebSocketSession) session).getCoreSession();
  }

  @Override
  public void send(byte[] text, Runnable onSent, Consumer<Throwable> onFailed) {
    Frame frame = new Frame(OpCode.TEXT, true, ByteBuffer.wrap(text));
    core.sendFrame(frame, org.eclipse.jetty.util.Callback.from(onSent, onFailed), false);
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
