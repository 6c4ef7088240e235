package io.tutormesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The chat load of {@link RoomBench}: an open model over the LIVE rooms. A pacer thread sends
 * message i at {@code start + i / rate} whatever the node does: room {@code i mod N}, sent by the
 * student or the tutor in turn ({@code (i / N) mod 2}), with clientId {@code m<i>-<µs>} where
 * {@code <µs>} is the scheduled send instant (µs since the bench's epoch, same JVM clock as the
 * arrivals). Each arrival is checked at its socket (seq contiguous and increasing) and timed from
 * that instant: at the other participant (the delivery) and at the sender (its own copy, the
 * acknowledgement).
 */
final class ChatLoad implements RoomSocket.Handler {

  private static final int RING = 1 << 21;

  /** A LIVE room under load: its session and its two sockets (student, tutor). */
  record ChatRoom(int index, String sessionId, RoomSocket[] sockets) {}

  private final List<ChatRoom> rooms;
  private final String text;
  private final long epoch = System.nanoTime();
  private final AtomicReferenceArray<ChatPhase> phaseOf = new AtomicReferenceArray<>(RING);
  private final AtomicIntegerArray flags = new AtomicIntegerArray(RING);
  private final CpuMeter cpu;
  private long next;
  /** Chat frames whose clientId is not one of this load's (e.g. resent by the node after a resume). */
  long foreign;

  ChatLoad(List<ChatRoom> rooms, int textChars, long nodePid) {
    this.rooms = rooms;
    this.cpu = new CpuMeter(nodePid);
    // Plain words, no digits or '@': the node masks e-mail addresses and phone numbers in chat.
    StringBuilder sb = new StringBuilder();
    String words = "could you explain the second step again please I think the sign of the derivative changes here ";
    while (sb.length() < textChars) {
      sb.append(words);
    }
    this.text = sb.substring(0, textChars);
  }

  /** The chat frame a participant sends, for the floor's frame size. */
  int frameChars() {
    return frame("m1234567-123456789").length();
  }

  private String frame(String clientId) {
    return "{\"type\":\"chat\",\"text\":\"" + text + "\",\"clientId\":\"" + clientId + "\"}";
  }

  /**
   * Runs one phase: chat at {@code phase.rate} for its duration (none when {@code phase.chat} is
   * false), the floor at the same rate during the same window, then waits at most
   * {@code drainTimeoutNanos} for the phase's frames.
   */
  void run(ChatPhase phase, BroadcastFloor floor, long drainTimeoutNanos) {
    if (floor != null) {
      floor.start(phase, phase.rate);
    }
    CpuMeter.Sample cpuStart = cpu.sample();
    long start = System.nanoTime();
    phase.startNanos = start;
    if (!phase.chat) {
      LoadDriver.sleep(phase.durationNanos / 1_000_000);
    } else {
      long count = Math.round(phase.rate * phase.durationNanos / 1e9);
      for (long i = 0; i < count; i++) {
        long target = start + (long) (i * 1e9 / phase.rate);
        long now;
        while ((now = System.nanoTime()) < target) {
          LockSupport.parkNanos(target - now);
        }
        Phase.record(phase.pacerLag, now - target);
        send(phase, target);
      }
    }
    phase.endNanos = System.nanoTime();
    phase.cpu = CpuMeter.between(cpuStart, cpu.sample());
    if (floor != null) {
      floor.stop();
    }
    long until = System.nanoTime() + drainTimeoutNanos;
    while (System.nanoTime() < until && !phase.drained()) {
      LoadDriver.sleep(50);
    }
    phase.drainNanos = System.nanoTime() - phase.endNanos;
  }

  private void send(ChatPhase phase, long scheduled) {
    phase.scheduled.increment();
    long idx = next++;
    int n = rooms.size();
    ChatRoom room = rooms.get((int) (idx % n));
    RoomSocket sender = room.sockets()[(int) ((idx / n) % 2)];
    if (!sender.isOpen()) {
      phase.notSent.increment();
      return;
    }
    int slot = (int) (idx & (RING - 1));
    flags.set(slot, 0);
    phaseOf.set(slot, phase);
    phase.sent.increment();
    sender.send(frame("m" + idx + "-" + (scheduled - epoch) / 1000), phase.sendFailed);
  }

  @Override
  public void onFrame(RoomSocket socket, String type, JsonNode frame, String raw, long nanos) {
    if (!type.equals("chat") && !type.equals("wb")) {
      return;
    }
    socket.seq(frame.path("seq").asLong(-1));
    if (!type.equals("chat")) {
      return;
    }
    String clientId = frame.path("clientId").asText("");
    int dash = clientId.indexOf('-');
    if (!clientId.startsWith("m") || dash < 2) {
      synchronized (this) {
        foreign++;
      }
      return;
    }
    long idx;
    long scheduled;
    try {
      idx = Long.parseLong(clientId, 1, dash, 10);
      scheduled = epoch + Long.parseLong(clientId, dash + 1, clientId.length(), 10) * 1000;
    } catch (NumberFormatException e) {
      synchronized (this) {
        foreign++;
      }
      return;
    }
    int slot = (int) (idx & (RING - 1));
    ChatPhase p = phaseOf.get(slot);
    if (p == null) {
      return;
    }
    boolean own = socket.userId.equals(frame.path("from").asText());
    int bit = own ? 1 : 2;
    int before = flags.getAndUpdate(slot, f -> f | bit);
    if ((before & bit) != 0) {
      (own ? p.againOwn : p.againOther).increment();
      return;
    }
    if (own) {
      p.gotOwn.increment();
      Phase.record(p.toOwn, nanos - scheduled);
    } else {
      p.gotOther.increment();
      Phase.record(p.toOther, nanos - scheduled);
    }
  }

  /** Per-socket delivery check over all phases, after the last drain. */
  record Integrity(long sockets, long entries, long missing, long duplicates, long outOfOrder, long gaps, int roomsAffected,
      long closedSockets, List<String> examples) {}

  Integrity integrity() {
    long sockets = 0;
    long entries = 0;
    long missing = 0;
    long dups = 0;
    long ooo = 0;
    long gaps = 0;
    int affected = 0;
    long closed = 0;
    List<String> examples = new java.util.ArrayList<>();
    for (ChatRoom room : rooms) {
      long upTo = 0;
      for (RoomSocket s : room.sockets()) {
        upTo = Math.max(upTo, s.maxSeq());
      }
      boolean bad = false;
      for (RoomSocket s : room.sockets()) {
        sockets++;
        long m = s.missing(upTo);
        entries += s.entries();
        missing += m;
        dups += s.duplicates();
        ooo += s.outOfOrder();
        gaps += s.gaps();
        if (!s.isOpen()) {
          closed++;
        }
        if (m > 0 || s.duplicates() > 0 || s.outOfOrder() > 0) {
          bad = true;
          if (examples.size() < 5) {
            examples.add("room " + room.index() + " (" + room.sessionId() + ") " + (s.role == 0 ? "student" : "tutor")
                + " socket: up to seq " + upTo + ", missing " + m + ", duplicates " + s.duplicates() + ", out of order "
                + s.outOfOrder() + (s.isOpen() ? "" : ", closed " + s.closeCode));
          }
        }
      }
      if (bad) {
        affected++;
      }
    }
    return new Integrity(sockets, entries, missing, dups, ooo, gaps, affected, closed, examples);
  }
}
