package io.tutormesh.persistence.notifications;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default {@link SmsProvider}: writes each message to the log (number masked) and accepts it. */
public final class LogSmsProvider implements SmsProvider {

  private static final Logger log = LoggerFactory.getLogger(LogSmsProvider.class);

  @Override
  public CompletionStage<Void> send(String to, String text, String messageId) {
    log.info("SMS {} to {}: {}", messageId, mask(to), text);
    return CompletableFuture.completedFuture(null);
  }

  /** All digits but the last 3 hidden: {@code +33612345678} → {@code +********678}. */
  static String mask(String number) {
    int keep = Math.min(3, number.length());
    String head = number.substring(0, number.length() - keep).replaceAll("[0-9]", "*");
    return head + number.substring(number.length() - keep);
  }
}
