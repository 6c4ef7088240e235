package io.tutormesh.gateway.auth;

/** A missing, malformed, expired or wrongly signed token: always answered with 401. */
public final class AuthException extends Exception {
  public AuthException(String message) {
    super(message);
  }
}
