package io.tutormesh.engine.common;

/** Identifiers of tutors, students, sessions and the like: {@code [A-Za-z0-9_-]{1,64}}. */
public final class Ids {

  private static final int MAX_LENGTH = 64;

  private Ids() {}

  /** Whether {@code id} is 1 to 64 of {@code A-Z a-z 0-9 _ -} (a loop: checked on every frame, so no matcher). */
  public static boolean isValid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      if (!valid) {
        return false;
      }
    }
    return true;
  }
}
