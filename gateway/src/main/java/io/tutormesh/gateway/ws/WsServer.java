package io.tutormesh.gateway.ws;

import io.tutormesh.gateway.http.Json;
import io.tutormesh.gateway.http.Problem;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The Jetty 12 server for the live sockets. Endpoints are mapped by the feature that owns them
 * (`/ws/tutor`, `/ws/session/{id}`, `/ws/availability`); any other request gets a problem+json
 * 404. On stop, open sockets are closed with 1001 (going away) within the stop timeout.
 */
public final class WsServer {

  /**
   * The settings that every socket shares.
   *
   * @param inputBufferBytes Jetty's input buffer, each read from the network ({@code
   *     tutormesh.ws.input-buffer}); our sockets put their text messages together themselves
   *     ({@link InboundText}), so it no longer sizes a builder per message
   */
  public record Settings(String host, int port, long maxFrameBytes, int inputBufferBytes, Duration idleTimeout, Duration stopTimeout) {

    public Settings {
      if (inputBufferBytes < 256) {
        throw new IllegalArgumentException("tutormesh.ws.input-buffer must be at least 256 bytes, not " + inputBufferBytes);
      }
    }

    /** With Jetty's default input buffer (4 KiB). */
    public Settings(String host, int port, long maxFrameBytes, Duration idleTimeout, Duration stopTimeout) {
      this(host, port, maxFrameBytes, 4096, idleTimeout, stopTimeout);
    }
  }

  private final Server server;
  private final ServerConnector connector;

  public WsServer(Settings settings, Consumer<ServerWebSocketContainer> endpoints) {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("tutormesh-ws");
    server = new Server(threads);
    connector = new ServerConnector(server);
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    server.addConnector(connector);
    server.setStopTimeout(settings.stopTimeout().toMillis());
    server.setStopAtShutdown(false);

    WebSocketUpgradeHandler upgrades =
        WebSocketUpgradeHandler.from(
            server,
            container -> {
              container.setMaxTextMessageSize(settings.maxFrameBytes());
              container.setMaxBinaryMessageSize(settings.maxFrameBytes());
              container.setMaxFrameSize(settings.maxFrameBytes());
              container.setInputBufferSize(settings.inputBufferBytes());
              container.setIdleTimeout(settings.idleTimeout());
              endpoints.accept(container);
            });
    upgrades.setHandler(new NotFound());
    server.setHandler(upgrades);
  }

  public void start() throws Exception {
    server.start();
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return connector.getLocalPort();
  }

  public void stop() throws Exception {
    server.stop();
  }

  /** Anything that is not a known socket: problem+json 404. */
  private static final class NotFound extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      response.setStatus(404);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, Json.PROBLEM_JSON.toString());
      byte[] body = Json.bytes(Problem.notFound("no WebSocket endpoint at " + request.getHttpURI().getPath()));
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }
  }
}
