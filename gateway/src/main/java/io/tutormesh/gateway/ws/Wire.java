package io.tutormesh.gateway.ws;

import java.util.function.Consumer;

/**
 * The outbound side of one socket as its actor sees it. Only the connection's actor calls it, and
 * it calls {@link #send} again only after the previous send completed.
 */
interface Wire {

  /**
   * Writes one text frame, given as its UTF-8 bytes; exactly one of the callbacks runs when the
   * write ends. The bytes are not changed, so one frame's bytes may go to several sockets.
   */
  void send(byte[] text, Runnable onSent, Consumer<Throwable> onFailed);

  /** Sends a WebSocket ping; the client's pong shows it is alive. */
  void ping();

  /** Starts the close handshake with this status code and reason. */
  void close(int code, String reason);

  /** Drops the connection without a close handshake (the peer is presumed dead). */
  void disconnect();
}
