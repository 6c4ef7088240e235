package io.tutormesh.gateway.auth;

import java.util.Optional;

/** The `role` claim of a token. */
public enum Role {
  STUDENT,
  TUTOR,
  PARTNER,
  ADMIN;

  public String claim() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Optional<Role> fromClaim(String claim) {
    for (Role role : values()) {
      if (role.claim().equals(claim)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
