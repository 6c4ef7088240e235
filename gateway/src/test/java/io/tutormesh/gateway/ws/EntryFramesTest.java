package io.tutormesh.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.room.RoomEntry;
import io.tutormesh.gateway.http.Json;
import io.tutormesh.gateway.session.RoomDtos;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EntryFramesTest {

  private static final Instant AT = Instant.parse("2026-11-29T10:15:30.123Z");

  private final EntryFrames frames = new EntryFrames();

  @Test
  void anEntryIsEncodedOnceForAllItsSockets() {
    RoomEntry entry = RoomEntry.chat(7, "student-1", AT, "caf\u00e9 at 10?", "c-7");

    Frames.Encoded first = frames.of(entry);

    assertThat(frames.of(entry)).isSameAs(first);
    assertThat(new String(first.utf8(), StandardCharsets.UTF_8))
        .isEqualTo("{\"type\":\"chat\",\"seq\":7,\"from\":\"student-1\",\"text\":\"caf\u00e9 at 10?\",\"at\":\"2026-11-29T10:15:30.123Z\",\"clientId\":\"c-7\"}");
  }

  @Test
  void anotherEntryNeverGetsAFrameThatIsNotItsOwn() throws Exception {
    // Far more entries than slots: whatever shares a slot, each entry's frame is its own.
    for (int seq = 1; seq <= 5_000; seq++) {
      RoomEntry entry = RoomEntry.chat(seq, "tutor-1", AT, "message " + seq, null);
      assertThat(frames.of(entry).utf8()).isEqualTo(Json.MAPPER.writeValueAsBytes(RoomDtos.entry(entry)));
    }
    // An equal entry that is another object is encoded again, to the same bytes.
    RoomEntry one = RoomEntry.chat(1, "tutor-1", AT, "same", "c-1");
    RoomEntry twin = RoomEntry.chat(1, "tutor-1", AT, "same", "c-1");
    assertThat(frames.of(twin).utf8()).isEqualTo(frames.of(one).utf8());
  }
}
