package io.tutormesh.persistence.notifications;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One message to one recipient, due at a time: what the {@link Outbox} keeps and the {@link
 * OutboxWorker} sends once.
 *
 * <p>The {@link #id} is derived from what the message is about ({@link #id(String, String, String,
 * Recipient)}: {@code "<group>:<kind>[:<qualifier>]:<userId>:<channel>"}, e.g. {@code
 * "s-42:reminder:PT15M:st-7:EMAIL"}), never random: enqueueing the same notification again, after
 * a replayed event or a retried request, finds its row and changes nothing. The {@link #groupKey}
 * (usually the session id) is what {@link Outbox#cancelGroup} cancels together.
 *
 * @param dueAt not before this (millisecond precision, as Cassandra stores it)
 */
public record Notification(
    String id,
    String groupKey,
    String kind,
    Channel channel,
    String recipient,
    String subject,
    String body,
    Instant dueAt) {

  /** How a notification travels. */
  public enum Channel { EMAIL, SMS }

  /** Longest body kept (characters); an SMS provider splits or refuses long texts itself. */
  public static final int MAX_BODY = 20_000;
  public static final int MAX_SUBJECT = 200;

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_./-]{1,128}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s<>\",;:]{1,64}@[A-Za-z0-9.-]{1,190}");
  private static final Pattern PHONE = Pattern.compile("\\+?[0-9]{6,15}");

  /** Who receives a notification: a user, by one channel, at one address (e-mail or E.164 number). */
  public record Recipient(String userId, Channel channel, String address) {
    public Recipient {
      requireKey("userId", userId);
      Objects.requireNonNull(channel, "channel");
      requireAddress(channel, address);
    }
  }

  public Notification {
    requireText("id", id, 512);
    requireKey("groupKey", groupKey);
    requireKey("kind", kind);
    Objects.requireNonNull(channel, "channel");
    requireAddress(channel, recipient);
    requireText("subject", subject, MAX_SUBJECT);
    if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("subject: no line breaks");
    }
    requireText("body", body, MAX_BODY);
    Objects.requireNonNull(dueAt, "dueAt");
    dueAt = dueAt.truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * A notification with its id derived by {@link #id(String, String, String, Recipient)}.
   *
   * @param qualifier what tells apart notifications of one kind in one group (a reminder's offset),
   *     or null
   */
  public static Notification of(
      String groupKey, String kind, String qualifier, Recipient to, String subject, String body, Instant dueAt) {
    return new Notification(
        id(groupKey, kind, qualifier, to), groupKey, kind, to.channel(), to.address(), subject, body, dueAt);
  }

  /** {@code "<group>:<kind>[:<qualifier>]:<userId>:<channel>"}; each part is a key (no ':'). */
  public static String id(String groupKey, String kind, String qualifier, Recipient to) {
    requireKey("groupKey", groupKey);
    requireKey("kind", kind);
    Objects.requireNonNull(to, "recipient");
    StringBuilder id = new StringBuilder(groupKey).append(':').append(kind);
    if (qualifier != null) {
      id.append(':').append(requireKey("qualifier", qualifier));
    }
    return id.append(':').append(to.userId()).append(':').append(to.channel()).toString();
  }

  private static String requireKey(String field, String value) {
    if (value == null || !KEY.matcher(value).matches()) {
      throw new IllegalArgumentException(field + ": 1-128 of A-Z a-z 0-9 _ . / - (was " + value + ")");
    }
    return value;
  }

  private static void requireText(String field, String value, int max) {
    if (value == null || value.isBlank() || value.length() > max) {
      throw new IllegalArgumentException(field + ": 1-" + max + " characters, not blank");
    }
  }

  private static void requireAddress(Channel channel, String address) {
    Objects.requireNonNull(channel, "channel");
    boolean valid = address != null && switch (channel) {
      case EMAIL -> EMAIL.matcher(address).matches();
      case SMS -> PHONE.matcher(address).matches();
    };
    if (!valid) {
      throw new IllegalArgumentException("recipient: not a valid " + channel + " address: " + address);
    }
  }
}
