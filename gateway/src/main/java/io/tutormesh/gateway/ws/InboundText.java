package io.tutormesh.gateway.ws;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One connection's inbound text messages, put together from their frames and decoded as UTF-8.
 *
 * <p>Jetty's own text sinks build every message in a new builder the size of the input buffer
 * (4 KiB for a 150-character chat line: an eighth of the node's allocation in the room bench). Here
 * a message that fits in one frame, nearly all of them, costs its bytes and its string; only a
 * fragmented one is gathered, in a buffer that grows to its size and is dropped after it.
 *
 * <p>Not thread-safe: Jetty delivers one connection's frames one at a time.
 */
final class InboundText {

  /** A message that cannot be taken: the socket closes with this code and reason. */
  static final class Refused extends Exception {
    private final int code;

    Refused(int code, String reason) {
      super(reason, null, false, false);
      this.code = code;
    }

    int code() {
      return code;
    }

    String reason() {
      return getMessage();
    }
  }

  private final long maxBytes;
  /** The frames of an unfinished message, or null between messages. */
  private byte[] pending;
  private int pendingLength;

  /**
   * @param maxBytes the longest message taken, in bytes (Jetty bounds each frame itself); 0 or less
   *     for no bound but the largest array
   */
  InboundText(long maxBytes) {
    this.maxBytes = maxBytes > 0 ? Math.min(maxBytes, Integer.MAX_VALUE - 8) : Integer.MAX_VALUE - 8;
  }

  /**
   * Takes one frame of a text message.
   *
   * @return the whole message once {@code fin} ends it, or null while more frames are to come
   * @throws Refused 1009 if the message grows past the bound, 1007 if it is not UTF-8
   */
  String accept(ByteBuffer payload, boolean fin) throws Refused {
    int length = payload.remaining();
    if ((long) pendingLength + length > maxBytes) {
      pending = null;
      pendingLength = 0;
      throw new Refused(StatusCode.MESSAGE_TOO_LARGE, "message over " + maxBytes + " bytes");
    }
    if (pending == null && fin) {
      return payload.hasArray()
          ? decode(payload.array(), payload.arrayOffset() + payload.position(), length)
          : decode(BufferUtil.toArray(payload), 0, length);
    }
    if (pending == null) {
      pending = new byte[Math.max(length * 2, 256)];
    } else if (pending.length < pendingLength + length) {
      pending = Arrays.copyOf(pending, (int) Math.min(maxBytes, Math.max(pending.length * 2L, (long) pendingLength + length)));
    }
    payload.get(pending, pendingLength, length);
    pendingLength += length;
    if (!fin) {
      return null;
    }
    byte[] whole = pending;
    int wholeLength = pendingLength;
    pending = null;
    pendingLength = 0;
    return decode(whole, 0, wholeLength);
  }

  /**
   * The JDK's decoding into a String is the fast one, but it puts U+FFFD in place of bad input
   * instead of failing; so a text with a U+FFFD (bad input, or a client that sent that character)
   * is decoded again by a strict decoder, which tells the two apart.
   */
  private static String decode(byte[] bytes, int offset, int length) throws Refused {
    String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') >= 0) {
      try {
        StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, offset, length));
      } catch (CharacterCodingException e) {
        throw new Refused(StatusCode.BAD_PAYLOAD, "text is not UTF-8");
      }
    }
    return text;
  }
}
