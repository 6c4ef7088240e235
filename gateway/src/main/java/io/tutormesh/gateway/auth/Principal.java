package io.tutormesh.gateway.auth;

/** Who is calling: the verified `sub` and `role` of a token. */
public record Principal(String userId, Role role) {

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  /** Writing is on one's own resources only (or anything, for an admin). */
  public boolean mayWriteAs(Role owner, String ownerId) {
    return isAdmin() || (role == owner && userId.equals(ownerId));
  }

  /** Private data is for its owner and admins. */
  public boolean mayReadPrivateOf(Role owner, String ownerId) {
    return mayWriteAs(owner, ownerId);
  }
}
