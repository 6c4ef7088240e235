package io.tutormesh.persistence.notifications;

import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

/**
 * {@link Contacts} asked of the users' own entities when a notification is made.
 *
 * <p>Why ask the entity rather than keep a contacts table: the entity is the one writer of the
 * profile, so its answer is the profile as it is now, whatever the order in which projections
 * see events; a table fed by the profile events (on the student and tutor tags) would be read
 * by the session projection (another tag, another stream) with no ordering between the two: a
 * booking made right after a student added an e-mail could find the table without it and lose
 * the confirmation. The price is an ask per participant per notified event (a booking, a
 * cancellation, a match, a payout: rare next to chat and presence), and a wake-up of a passivated
 * entity. It asks {@code GetContact}, which answers the e-mail and phone only (not the whole
 * summary with its reviews). An entity that refuses (no profile: not registered) answers "no
 * contact"; a timeout fails the stage, and the projection retries the event.
 */
public final class EntityContacts implements Contacts {

  private final ClusterSharding sharding;
  private final Duration timeout;

  public EntityContacts(ClusterSharding sharding, Duration timeout) {
    this.sharding = sharding;
    this.timeout = timeout;
  }

  /** A node's: the timeout is {@code tutormesh.notifications.contact-timeout}. */
  public static EntityContacts create(ActorSystem<?> system) {
    return new EntityContacts(
        ClusterSharding.get(system), system.settings().config().getDuration("tutormesh.notifications.contact-timeout"));
  }

  @Override
  public CompletionStage<Optional<Contact>> student(String studentId) {
    return orNone(sharding.entityRefFor(StudentEntity.ENTITY_KEY, studentId)
        .askWithStatus(StudentEntity.GetContact::new, timeout)
        .thenApply(s -> new Contact(studentId, s.email(), s.phone())));
  }

  @Override
  public CompletionStage<Optional<Contact>> tutor(String tutorId) {
    return orNone(sharding.entityRefFor(TutorEntity.ENTITY_KEY, tutorId)
        .askWithStatus(TutorEntity.GetContact::new, timeout)
        .thenApply(t -> new Contact(tutorId, t.email(), t.phone())));
  }

  /** A refusal (StatusReply.error: not registered) is "no contact"; any other failure stays one. */
  private static CompletionStage<Optional<Contact>> orNone(CompletionStage<Contact> asked) {
    return asked.handle((contact, error) -> {
      if (error == null) {
        return Optional.of(contact);
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause instanceof StatusReply.ErrorMessage) {
        return Optional.<Contact>empty();
      }
      throw error instanceof CompletionException completion ? completion : new CompletionException(error);
    });
  }
}
