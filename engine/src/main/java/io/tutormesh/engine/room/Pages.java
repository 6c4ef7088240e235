package io.tutormesh.engine.room;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Cuts a list into pages of at most {@code maxItems} items and about {@code maxBytes} bytes (an
 * item heavier than that gets a page of its own), so that no message between a session and a
 * socket on another node gets near remoting's frame size. Pages are copies: the room keeps
 * changing after they are sent.
 */
public final class Pages {

  private Pages() {}

  public static <T> List<List<T>> cut(List<T> items, ToIntFunction<T> weight, int maxItems, int maxBytes) {
    List<List<T>> pages = new ArrayList<>();
    List<T> page = new ArrayList<>();
    long bytes = 0;
    for (T item : items) {
      int w = weight.applyAsInt(item);
      if (!page.isEmpty() && (page.size() >= maxItems || bytes + w > maxBytes)) {
        pages.add(List.copyOf(page));
        page = new ArrayList<>();
        bytes = 0;
      }
      page.add(item);
      bytes += w;
    }
    if (!page.isEmpty() || pages.isEmpty()) {
      pages.add(List.copyOf(page));
    }
    return pages;
  }
}
