package io.tutormesh.gateway.admin;

/** The admin requests on the wire. */
public final class AdminDtos {
  private AdminDtos() {}

  /** `POST /v1/admin/tutors/{id}/suspend`; the reason is optional (the engine names a default). */
  public record SuspendRequest(String reason) {}
}
