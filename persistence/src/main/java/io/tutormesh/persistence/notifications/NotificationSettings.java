package io.tutormesh.persistence.notifications;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * {@code tutormesh.notifications} (defaults and comments in the engine's {@code reference.conf}).
 *
 * @param enabled whether a node runs the outbox worker and turns its events into notifications
 * @param pollInterval how often the worker looks for due notifications
 * @param batchSize notifications claimed per look, at most
 * @param sendTimeout a send that has not finished by then counts as failed
 * @param reminderOffsets how long before a lesson's start its reminders are due
 * @param smtp the SMTP server of the e-mail channel; null when none is configured ({@code
 *     smtp.host} empty): e-mails are then written to the log ({@link LogEmailChannel})
 */
public record NotificationSettings(
    boolean enabled,
    OutboxSettings outbox,
    Duration pollInterval,
    int batchSize,
    Duration sendTimeout,
    List<Duration> reminderOffsets,
    Smtp smtp) {

  /**
   * @param name the outbox's name: its part of the due index and cursor (several independent
   *     outboxes, or tests, can share one keyspace)
   * @param lease how long a claimed notification is kept from other workers; longer than a send
   *     can take ({@code send-timeout}), or a slow send could be sent again by another worker
   * @param lookback on a first start (no cursor yet), how far back due notifications are looked for
   * @param cursorGrace an hour of the due index is passed over as empty only this long after it ended
   */
  public record OutboxSettings(String name, Duration lease, Backoff backoff, Duration lookback, Duration cursorGrace) {
    public OutboxSettings {
      if (name == null || !name.matches("[A-Za-z0-9_]{1,48}")) {
        throw new IllegalArgumentException("outbox.name: 1-48 letters, digits or _ (was " + name + ")");
      }
      requirePositive("lease", lease);
      requirePositive("lookback", lookback);
      if (cursorGrace == null || cursorGrace.isNegative()) {
        throw new IllegalArgumentException("cursor-grace must be >= 0");
      }
    }

    public OutboxSettings withName(String other) {
      return new OutboxSettings(other, lease, backoff, lookback, cursorGrace);
    }
  }

  /**
   * SMTP of the e-mail channel. {@code username} empty: no authentication.
   *
   * @param from the sender, e.g. {@code "Tutormesh <no-reply@tutormesh.example>"}
   * @param timeout connect, read and write timeout of the SMTP connection
   */
  public record Smtp(
      String host, int port, String from, String username, String password, boolean starttls, Duration timeout) {
    public Smtp {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("smtp.host must not be empty");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("smtp.port must be 1-65535: " + port);
      }
      if (from == null || !from.contains("@")) {
        throw new IllegalArgumentException("smtp.from must be an address: " + from);
      }
      username = username == null ? "" : username;
      password = password == null ? "" : password;
      requirePositive("smtp.timeout", timeout);
    }

    public Smtp withPort(int other) {
      return new Smtp(host, other, from, username, password, starttls, timeout);
    }

    public boolean authenticates() {
      return !username.isEmpty();
    }

    @Override
    public String toString() { // never log the password
      return "Smtp[" + host + ":" + port + ", from=" + from + ", user=" + username + ", starttls=" + starttls + "]";
    }
  }

  public NotificationSettings {
    requirePositive("poll-interval", pollInterval);
    requirePositive("send-timeout", sendTimeout);
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch-size must be >= 1");
    }
    if (outbox.lease().compareTo(sendTimeout) <= 0) {
      throw new IllegalArgumentException("outbox.lease (" + outbox.lease() + ") must be longer than send-timeout ("
          + sendTimeout + "): a send still running when its lease ends may be sent again");
    }
    reminderOffsets = List.copyOf(reminderOffsets);
    reminderOffsets.forEach(offset -> requirePositive("reminder-offsets", offset));
  }

  /** From the {@code tutormesh.notifications} block of a node's configuration. */
  public static NotificationSettings fromConfig(Config root) {
    Config c = root.getConfig("tutormesh.notifications");
    Config outbox = c.getConfig("outbox");
    Config backoff = outbox.getConfig("backoff");
    Config smtp = c.getConfig("smtp");
    return new NotificationSettings(
        c.getBoolean("enabled"),
        new OutboxSettings(
            outbox.getString("name"),
            outbox.getDuration("lease"),
            new Backoff(backoff.getDuration("initial"), backoff.getDuration("max"),
                backoff.getDouble("multiplier"), outbox.getInt("max-attempts")),
            outbox.getDuration("lookback"),
            outbox.getDuration("cursor-grace")),
        c.getDuration("poll-interval"),
        c.getInt("batch-size"),
        c.getDuration("send-timeout"),
        c.getDurationList("reminder-offsets"),
        smtp.getString("host").isBlank()
            ? null
            : new Smtp(smtp.getString("host"), smtp.getInt("port"), smtp.getString("from"), smtp.getString("username"),
                smtp.getString("password"), smtp.getBoolean("starttls"), smtp.getDuration("timeout")));
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0: " + value);
    }
  }
}
