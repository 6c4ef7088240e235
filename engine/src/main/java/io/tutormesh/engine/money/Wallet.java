package io.tutormesh.engine.money;

import io.tutormesh.engine.common.CborSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A student's credit wallet, as its events leave it: spendable {@code balanceCents}, money held
 * for sessions (by session id: an open request's hold, then the session's escrow), the top-ups by
 * their idempotency key, and the latest entries. Immutable; each method is the effect of one
 * event, and none of them creates or loses a cent: balance + held changes only by a top-up (in)
 * or a capture (out to a tutor).
 */
public record Wallet(
    long balanceCents,
    Map<String, Long> holds,
    Map<String, TopUp> topUps,
    List<Entry> entries,
    Set<String> escrowed,
    Map<String, Long> charged,
    Map<String, Long> refunded)
    implements CborSerializable {

  /** How many entries the wallet shows (the ledger keeps them all). */
  public static final int MAX_ENTRIES = 100;

  public static final Wallet EMPTY = new Wallet(0, Map.of(), Map.of(), List.of());

  /** {@code SESSION_REFUND}: an admin gave back what a settled session captured. */
  public enum EntryKind { TOP_UP, BONUS, HOLD, HOLD_RESIZED, HOLD_RELEASED, CHARGE, REFUND, SESSION_REFUND }

  /** One line of the wallet: a positive amount moves into the balance, a negative one out of it. */
  public record Entry(Instant at, EntryKind kind, long amountCents, String reference) implements CborSerializable {}

  public enum TopUpStatus { PENDING, SUCCEEDED, DECLINED, FAILED }

  /**
   * One top-up, under the client's idempotency key. {@code requestHash} identifies what was asked
   * (pack and method), so that the same key with another request is refused.
   */
  public record TopUp(
      String topUpId,
      String key,
      String requestHash,
      String packId,
      String paymentMethod,
      long priceCents,
      long creditCents,
      long bonusCents,
      TopUpStatus status,
      String reference,
      String message,
      Instant at) implements CborSerializable {

    TopUp settled(ProviderResult result) {
      TopUpStatus outcome = switch (result.outcome()) {
        case SUCCEEDED -> TopUpStatus.SUCCEEDED;
        case DECLINED -> TopUpStatus.DECLINED;
        case FAILED -> TopUpStatus.FAILED;
      };
      return new TopUp(topUpId, key, requestHash, packId, paymentMethod, priceCents, creditCents, bonusCents, outcome, result.reference(), result.message(), at);
    }
  }

  /**
   * @param escrowed the sessions whose hold is now their escrow (matched: resized to the tutor's
   *     price); null in wallets written before escrows existed
   * @param charged what each settled session captured (0: refunded in full), so that a settlement
   *     asked again answers the same and moves nothing; null in older wallets
   * @param refunded what an admin refund gave back per settled session (idempotent by session);
   *     null in older wallets
   */
  public Wallet {
    holds = Map.copyOf(holds);
    topUps = Map.copyOf(topUps);
    entries = List.copyOf(entries);
    escrowed = escrowed == null ? Set.of() : Set.copyOf(escrowed);
    charged = charged == null ? Map.of() : Map.copyOf(charged);
    refunded = refunded == null ? Map.of() : Map.copyOf(refunded);
  }

  public Wallet(long balanceCents, Map<String, Long> holds, Map<String, TopUp> topUps, List<Entry> entries) {
    this(balanceCents, holds, topUps, entries, Set.of(), Map.of(), Map.of());
  }

  public Wallet(
      long balanceCents, Map<String, Long> holds, Map<String, TopUp> topUps, List<Entry> entries, Set<String> escrowed, Map<String, Long> charged) {
    this(balanceCents, holds, topUps, entries, escrowed, charged, Map.of());
  }

  /** What an admin refund of {@code sessionId} gave back, if it was refunded. */
  public Optional<Long> refundedFor(String sessionId) {
    return Optional.ofNullable(refunded.get(sessionId));
  }

  /** An admin refund: what the settled session captured goes back to the balance (once). */
  public Wallet sessionRefunded(String sessionId, long cents, Instant at) {
    if (cents < 0 || refunded.containsKey(sessionId)) {
      throw new IllegalStateException("cannot refund " + cents + " for " + sessionId + " in " + this);
    }
    Map<String, Long> more = new LinkedHashMap<>(refunded);
    more.put(sessionId, cents);
    return new Wallet(Math.addExact(balanceCents, cents), holds, topUps, appended(new Entry(at, EntryKind.SESSION_REFUND, cents, sessionId)),
        escrowed, charged, more);
  }

  public boolean isHolding(String sessionId) {
    return holds.containsKey(sessionId);
  }

  public boolean isEscrowed(String sessionId) {
    return escrowed.contains(sessionId);
  }

  /** What the settlement of {@code sessionId} captured, if it was settled. */
  public Optional<Long> chargedFor(String sessionId) {
    return Optional.ofNullable(charged.get(sessionId));
  }

  /** Money in escrow: the holds of matched sessions, not settled yet. */
  public long escrowCents() {
    return holds.entrySet().stream().filter(e -> escrowed.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
  }

  public long heldCents() {
    return holds.values().stream().mapToLong(Long::longValue).sum();
  }

  public long heldFor(String sessionId) {
    return holds.getOrDefault(sessionId, 0L);
  }

  public Optional<TopUp> topUp(String key) {
    return Optional.ofNullable(topUps.get(key));
  }

  public Optional<TopUp> topUpById(String topUpId) {
    return topUps.values().stream().filter(t -> t.topUpId().equals(topUpId)).findFirst();
  }

  public List<TopUp> pendingTopUps() {
    return topUps.values().stream().filter(t -> t.status() == TopUpStatus.PENDING).toList();
  }

  public boolean canHold(long cents) {
    return cents <= balanceCents;
  }

  // --- the effects of the events ---

  public Wallet topUpStarted(TopUp topUp) {
    Map<String, TopUp> more = new LinkedHashMap<>(topUps);
    more.put(topUp.key(), topUp);
    return new Wallet(balanceCents, holds, more, entries, escrowed, charged, refunded);
  }

  /** A top-up's outcome: a success credits the pack's credit and bonus; anything else credits nothing. */
  public Wallet topUpSettled(String topUpId, ProviderResult result, Instant at) {
    TopUp topUp = topUpById(topUpId).orElseThrow(() -> new IllegalStateException("no top-up " + topUpId));
    Map<String, TopUp> settled = new LinkedHashMap<>(topUps);
    settled.put(topUp.key(), topUp.settled(result));
    if (!result.isSucceeded()) {
      return new Wallet(balanceCents, holds, settled, entries, escrowed, charged, refunded);
    }
    List<Entry> more = new ArrayList<>(entries);
    more.add(new Entry(at, EntryKind.TOP_UP, topUp.creditCents(), topUpId));
    if (topUp.bonusCents() > 0) {
      more.add(new Entry(at, EntryKind.BONUS, topUp.bonusCents(), topUpId));
    }
    long credited = Math.addExact(topUp.creditCents(), topUp.bonusCents());
    return new Wallet(Math.addExact(balanceCents, credited), holds, settled, trimmed(more), escrowed, charged, refunded);
  }

  /** Money leaves the balance and is held for a session. */
  public Wallet held(String sessionId, long cents, Instant at) {
    if (cents < 0 || cents > balanceCents || holds.containsKey(sessionId)) {
      throw new IllegalStateException("cannot hold " + cents + " for " + sessionId + " in " + this);
    }
    return withHold(sessionId, cents, balanceCents - cents, new Entry(at, EntryKind.HOLD, -cents, sessionId));
  }

  /** A session's hold becomes {@code cents} (never more than it was): the difference goes back. */
  public Wallet resized(String sessionId, long cents, Instant at) {
    long before = heldFor(sessionId);
    if (cents < 0 || cents > before) {
      throw new IllegalStateException("cannot resize the hold of " + sessionId + " from " + before + " to " + cents);
    }
    return withHold(sessionId, cents, balanceCents + (before - cents), new Entry(at, EntryKind.HOLD_RESIZED, before - cents, sessionId));
  }

  /** The whole hold goes back to the balance. */
  public Wallet released(String sessionId, Instant at) {
    long before = heldFor(sessionId);
    Map<String, Long> fewer = new LinkedHashMap<>(holds);
    fewer.remove(sessionId);
    return new Wallet(balanceCents + before, fewer, topUps, appended(new Entry(at, EntryKind.HOLD_RELEASED, before, sessionId)),
        without(escrowed, sessionId), charged, refunded);
  }

  /**
   * A rescheduled booking: the hold of {@code fromSessionId} becomes the hold of {@code toSessionId},
   * cent for cent, without passing through the balance (never released, never held twice). No
   * entry: nothing moved in or out of the balance.
   */
  public Wallet moved(String fromSessionId, String toSessionId) {
    if (!holds.containsKey(fromSessionId) || holds.containsKey(toSessionId)) {
      throw new IllegalStateException("cannot move the hold of " + fromSessionId + " to " + toSessionId + " in " + this);
    }
    Map<String, Long> rekeyed = new LinkedHashMap<>(holds);
    rekeyed.put(toSessionId, rekeyed.remove(fromSessionId));
    Set<String> escrows = escrowed;
    if (escrowed.contains(fromSessionId)) {
      escrows = new LinkedHashSet<>(without(escrowed, fromSessionId));
      escrows.add(toSessionId);
    }
    return new Wallet(balanceCents, rekeyed, topUps, entries, escrows, charged, refunded);
  }

  /** {@code capturedCents} of the hold leave the wallet (to the tutor), the rest goes back. */
  public Wallet captured(String sessionId, long capturedCents, Instant at) {
    long before = heldFor(sessionId);
    if (capturedCents < 0 || capturedCents > before) {
      throw new IllegalStateException("cannot capture " + capturedCents + " of the " + before + " held for " + sessionId);
    }
    Map<String, Long> fewer = new LinkedHashMap<>(holds);
    fewer.remove(sessionId);
    List<Entry> more = new ArrayList<>(entries);
    if (capturedCents > 0 || before == 0) {
      more.add(new Entry(at, EntryKind.CHARGE, -capturedCents, sessionId));
    }
    if (before > capturedCents) {
      more.add(new Entry(at, EntryKind.REFUND, before - capturedCents, sessionId));
    }
    Map<String, Long> settled = new LinkedHashMap<>(charged);
    settled.put(sessionId, capturedCents);
    return new Wallet(balanceCents + (before - capturedCents), fewer, topUps, trimmed(more), without(escrowed, sessionId), settled, refunded);
  }

  /**
   * A matched session's hold is resized to {@code cents} (the tutor's price; never more than it
   * was, the difference goes back) and becomes its escrow.
   */
  public Wallet escrowedFor(String sessionId, long cents, Instant at) {
    Wallet resized = resized(sessionId, cents, at);
    Set<String> more = new LinkedHashSet<>(escrowed);
    more.add(sessionId);
    return new Wallet(resized.balanceCents, resized.holds, topUps, resized.entries, more, charged, refunded);
  }

  private static Set<String> without(Set<String> set, String element) {
    if (!set.contains(element)) {
      return set;
    }
    Set<String> fewer = new LinkedHashSet<>(set);
    fewer.remove(element);
    return fewer;
  }

  private Wallet withHold(String sessionId, long cents, long balance, Entry entry) {
    Map<String, Long> more = new LinkedHashMap<>(holds);
    more.put(sessionId, cents);
    return new Wallet(balance, more, topUps, appended(entry), escrowed, charged, refunded);
  }

  private List<Entry> appended(Entry entry) {
    List<Entry> more = new ArrayList<>(entries);
    more.add(entry);
    return trimmed(more);
  }

  private static List<Entry> trimmed(List<Entry> all) {
    return all.size() <= MAX_ENTRIES ? all : all.subList(all.size() - MAX_ENTRIES, all.size());
  }
}
