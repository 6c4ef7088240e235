package io.tutormesh.engine.room;

import com.typesafe.config.Config;
import java.time.Duration;

/** `tutormesh.room.*`: the limits and filters of a live room. */
public record RoomSettings(
    int chatMaxChars,
    ContactMasker masker,
    Duration abandonTimeout,
    int boardReplayLimit,
    long maxBoardBytes,
    int pageEntries,
    int pageBytes,
    int transcriptMaxLimit,
    int maxChatEntries,
    int snapshotEvery,
    String readJournal,
    Duration noShowGrace,
    Duration earlyJoin) {

  public RoomSettings {
    if (chatMaxChars < 1 || boardReplayLimit < 0 || maxBoardBytes < 1 || pageEntries < 1 || pageBytes < 1024 || transcriptMaxLimit < 1
        || maxChatEntries < 1 || snapshotEvery < 1) {
      throw new IllegalArgumentException("tutormesh.room: limits must be positive (page-bytes at least 1024)");
    }
    if (noShowGrace == null || noShowGrace.isNegative() || noShowGrace.isZero()) {
      throw new IllegalArgumentException("tutormesh.room.no-show-grace must be positive");
    }
    if (earlyJoin == null || earlyJoin.isNegative()) {
      throw new IllegalArgumentException("tutormesh.room.early-join must not be negative");
    }
    if (readJournal == null || readJournal.isBlank()) {
      throw new IllegalArgumentException("tutormesh.room.read-journal: the read journal plugin's config path is required");
    }
  }

  public static RoomSettings fromConfig(Config config) {
    Config r = config.getConfig("tutormesh.room");
    var patterns = r.getStringList("contact-patterns");
    String replacement = r.getString("contact-replacement");
    return new RoomSettings(
        r.getInt("chat-max-chars"),
        ContactMasker.of(patterns.isEmpty() ? ContactMasker.DEFAULT_PATTERNS : patterns, replacement),
        r.getDuration("abandon-timeout"),
        r.getInt("board-replay-limit"),
        r.getBytes("max-board-bytes"),
        r.getInt("page-entries"),
        r.getInt("page-bytes"),
        r.getInt("transcript-max-limit"),
        r.getInt("max-chat-entries"),
        r.getInt("snapshot-every"),
        r.getString("read-journal"),
        r.getDuration("no-show-grace"),
        r.getDuration("early-join"));
  }

  public RoomSettings withEarlyJoin(Duration early) {
    return new RoomSettings(chatMaxChars, masker, abandonTimeout, boardReplayLimit, maxBoardBytes, pageEntries, pageBytes, transcriptMaxLimit, maxChatEntries, snapshotEvery, readJournal, noShowGrace, early);
  }

  public RoomSettings withAbandonTimeout(Duration timeout) {
    return new RoomSettings(chatMaxChars, masker, timeout, boardReplayLimit, maxBoardBytes, pageEntries, pageBytes, transcriptMaxLimit, maxChatEntries, snapshotEvery, readJournal, noShowGrace, earlyJoin);
  }

  public RoomSettings withNoShowGrace(Duration grace) {
    return new RoomSettings(chatMaxChars, masker, abandonTimeout, boardReplayLimit, maxBoardBytes, pageEntries, pageBytes, transcriptMaxLimit, maxChatEntries, snapshotEvery, readJournal, grace, earlyJoin);
  }

  public RoomSettings withBoardReplayLimit(int limit) {
    return new RoomSettings(chatMaxChars, masker, abandonTimeout, limit, maxBoardBytes, pageEntries, pageBytes, transcriptMaxLimit, maxChatEntries, snapshotEvery, readJournal, noShowGrace, earlyJoin);
  }

  public RoomSettings withMaxBoardBytes(long bytes) {
    return new RoomSettings(chatMaxChars, masker, abandonTimeout, boardReplayLimit, bytes, pageEntries, pageBytes, transcriptMaxLimit, maxChatEntries, snapshotEvery, readJournal, noShowGrace, earlyJoin);
  }

  public RoomSettings withMaxChatEntries(int entries) {
    return new RoomSettings(chatMaxChars, masker, abandonTimeout, boardReplayLimit, maxBoardBytes, pageEntries, pageBytes, transcriptMaxLimit, entries, snapshotEvery, readJournal, noShowGrace, earlyJoin);
  }

  public RoomSettings withSnapshotEvery(int events) {
    return new RoomSettings(chatMaxChars, masker, abandonTimeout, boardReplayLimit, maxBoardBytes, pageEntries, pageBytes, transcriptMaxLimit, maxChatEntries, events, readJournal, noShowGrace, earlyJoin);
  }

  public RoomSettings withReadJournal(String pluginId) {
    return new RoomSettings(chatMaxChars, masker, abandonTimeout, boardReplayLimit, maxBoardBytes, pageEntries, pageBytes, transcriptMaxLimit, maxChatEntries, snapshotEvery, pluginId, noShowGrace, earlyJoin);
  }
}
