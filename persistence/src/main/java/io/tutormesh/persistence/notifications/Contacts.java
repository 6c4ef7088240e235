package io.tutormesh.persistence.notifications;

import io.tutormesh.persistence.notifications.Notification.Channel;
import io.tutormesh.persistence.notifications.Notification.Recipient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a student or a tutor is reached: the e-mail and phone of their profile ({@link
 * EntityContacts} in a node, a map in tests). Empty when the user has no profile.
 */
public interface Contacts {

  CompletionStage<Optional<Contact>> student(String studentId);

  CompletionStage<Optional<Contact>> tutor(String tutorId);

  /** A user's contact details as their profile has them (each null when not given). */
  record Contact(String userId, String email, String phone) {

    private static final Logger log = LoggerFactory.getLogger(Contact.class);

    /** One recipient per channel the user can be reached by: e-mail, then SMS. */
    public List<Recipient> recipients() {
      List<Recipient> recipients = new ArrayList<>(2);
      add(recipients, Channel.EMAIL, email);
      add(recipients, Channel.SMS, phone);
      return List.copyOf(recipients);
    }

    private void add(List<Recipient> recipients, Channel channel, String address) {
      if (address == null || address.isBlank()) {
        return;
      }
      try {
        recipients.add(new Recipient(userId, channel, address));
      } catch (IllegalArgumentException e) {
        // The profile rules accept only addresses the outbox can send to; an older profile may not.
        log.warn("Not notifying {} by {}: {}", userId, channel, e.getMessage());
      }
    }
  }
}
