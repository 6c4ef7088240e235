package io.tutormesh.gateway.availability;

import io.tutormesh.gateway.http.Json;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;

/**
 * The `text/event-stream` wire format: `event: <type>` then one `data:` line of JSON (the JSON
 * writer never emits a raw line break), and comment lines as keep-alives, which EventSource
 * clients ignore.
 */
final class SseFrames {
  private SseFrames() {}

  static final ByteString KEEP_ALIVE = ByteString.fromString(":keep-alive\n\n", StandardCharsets.UTF_8);

  static ByteString event(AvailabilityFrames.Frame frame) {
    return ByteString.fromString("event: " + frame.type() + "\ndata: ", StandardCharsets.UTF_8)
        .concat(ByteString.fromArray(Json.bytes(frame)))
        .concat(ByteString.fromString("\n\n", StandardCharsets.UTF_8));
  }
}
