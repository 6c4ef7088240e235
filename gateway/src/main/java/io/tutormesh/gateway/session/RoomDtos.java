package io.tutormesh.gateway.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.tutormesh.engine.room.Board;
import io.tutormesh.engine.room.BoardOps;
import io.tutormesh.engine.room.RoomEntry;
import io.tutormesh.engine.session.SessionEntity;
import java.time.Instant;
import java.util.List;

/**
 * A room's entries on the wire: the same JSON in the room socket's frames and in the transcript
 * ({@code type} "chat" or "wb"), and the board a compacted resume sends.
 */
public final class RoomDtos {
  private RoomDtos() {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ChatEntry(String type, long seq, String from, String text, Instant at, String clientId) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record BoardEntry(String type, long seq, String from, JsonNode op, Instant at, String clientId) {}

  public record BoardItem(String id, String from, long seq, JsonNode op) {}

  /** `{type:"board", seq, items}`: the whole board as it is at `seq`, oldest item first. */
  public record BoardFrame(String type, long seq, List<BoardItem> items) {}

  /** `GET /v1/sessions/{id}/transcript`: `nextAfterSeq` continues it; null when `lastSeq` is reached. */
  public record Transcript(String sessionId, List<Object> events, long lastSeq, Long nextAfterSeq) {
    static Transcript of(SessionEntity.Transcript t) {
      List<Object> events = t.entries().stream().map(RoomDtos::entry).toList();
      long reached = t.entries().isEmpty() ? -1 : t.entries().get(t.entries().size() - 1).seq();
      return new Transcript(t.sessionId(), events, t.lastSeq(), reached >= 0 && reached < t.lastSeq() ? reached : null);
    }
  }

  public static Object entry(RoomEntry e) {
    return e.kind() == RoomEntry.Kind.CHAT
        ? new ChatEntry("chat", e.seq(), e.from(), e.text(), e.at(), e.clientId())
        : new BoardEntry("wb", e.seq(), e.from(), BoardOps.toJson(e.op()), e.at(), e.clientId());
  }

  public static BoardFrame board(long seq, List<Board.Item> items) {
    return new BoardFrame("board", seq, items.stream().map(i -> new BoardItem(i.id(), i.from(), i.seq(), BoardOps.toJson(i.op()))).toList());
  }
}
