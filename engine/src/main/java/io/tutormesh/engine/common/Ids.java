package io.tutormesh.engine.common;

import java.util.regex.Pattern;

/** Identifiers of tutors, students, sessions and the like: {@code [A-Za-z0-9_-]{1,64}}. */
public final class Ids {

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private Ids() {}

  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }
}
