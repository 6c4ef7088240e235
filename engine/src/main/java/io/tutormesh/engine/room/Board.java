package io.tutormesh.engine.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tutormesh.engine.room.BoardOp.Clear;
import io.tutormesh.engine.room.BoardOp.Drawing;
import io.tutormesh.engine.room.BoardOp.Erase;
import io.tutormesh.engine.room.BoardOp.Undo;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A live room's whiteboard: the items that the ops applied so far left on it, in z-order. Mutable
 * and not thread-safe, it is meant to be owned by one actor. Applying an op costs O(log n) (O(1)
 * for a clear, O(k log n) for an erase of k ids) and copies nothing; only {@link #items()} and
 * {@link #toJson()} walk the board.
 *
 * <p>Undo: each user's items still on the board are indexed by the seq that put them there, so
 * undo removes the newest of them, and items that were erased, cleared or replaced (even by the same
 * user) drop out of that index at once: nothing is kept for an item that is gone.
 */
public final class Board {

  /**
   * An item on the board.
   *
   * @param id the client's id for it
   * @param from the user who drew it
   * @param seq the seq of the op that put it there
   * @param op the stroke, shape or text that drew it
   */
  public record Item(String id, String from, long seq, Drawing op) {}

  private LinkedHashMap<String, Item> items = new LinkedHashMap<>();
  private Map<String, TreeMap<Long, String>> itemsByUser = new HashMap<>();
  private long seq;
  private long weight;

  /**
   * Applies {@code op}, sent by {@code from}, as the op numbered {@code seq}. An op whose seq is not
   * above {@link #seq()} was applied already (a replay) and is ignored.
   */
  public void apply(long seq, String from, BoardOp op) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(op, "op");
    if (seq <= this.seq) {
      return;
    }
    this.seq = seq;
    if (op instanceof Drawing drawing) {
      put(new Item(drawing.id(), from, seq, drawing));
    } else if (op instanceof Erase erase) {
      erase.ids().forEach(this::remove);
    } else if (op instanceof Clear) {
      clear();
    } else if (op instanceof Undo) {
      undo(from);
    }
  }

  /**
   * Makes this the board taken with {@link #items()} and {@link #seq()} (a snapshot): the items
   * keep their order, and undo works on them as before.
   */
  public void restore(long seq, List<Item> items) {
    clear();
    this.seq = seq;
    items.forEach(this::put);
  }

  /** The seq of the last op applied, 0 before any. */
  public long seq() {
    return seq;
  }

  /** The items on the board, oldest (bottom) first; a copy, O(n). */
  public List<Item> items() {
    return List.copyOf(items.values());
  }

  public int size() {
    return items.size();
  }

  /**
   * About how many bytes the board's items take: the sum of their {@link BoardOps#weight}. Kept up
   * to date in O(1), for a caller that caps the size of a board.
   */
  public long weight() {
    return weight;
  }

  /** The board as a joiner gets it: {@code {seq, items: [{id, from, seq, op: {kind, ...}}, ...]}}. */
  public ObjectNode toJson() {
    ObjectNode board = JsonNodeFactory.instance.objectNode();
    board.put("seq", seq);
    ArrayNode list = board.putArray("items");
    for (Item item : items.values()) {
      ObjectNode json = list.addObject().put("id", item.id()).put("from", item.from()).put("seq", item.seq());
      json.set("op", BoardOps.toJson(item.op()));
    }
    return board;
  }

  private void put(Item item) {
    remove(item.id());
    items.put(item.id(), item);
    itemsByUser.computeIfAbsent(item.from(), user -> new TreeMap<>()).put(item.seq(), item.id());
    weight += BoardOps.weight(item.op());
  }

  private void remove(String id) {
    Item gone = items.remove(id);
    if (gone == null) {
      return;
    }
    TreeMap<Long, String> userItems = itemsByUser.get(gone.from());
    userItems.remove(gone.seq());
    if (userItems.isEmpty()) {
      itemsByUser.remove(gone.from());
    }
    weight -= BoardOps.weight(gone.op());
  }

  private void undo(String from) {
    TreeMap<Long, String> userItems = itemsByUser.get(from);
    if (userItems != null) {
      remove(userItems.lastEntry().getValue());
    }
  }

  /** New maps rather than {@code clear()}, which would walk the old tables. */
  private void clear() {
    items = new LinkedHashMap<>();
    itemsByUser = new HashMap<>();
    weight = 0;
  }
}
