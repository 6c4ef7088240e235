package io.tutormesh.engine.matching;

import io.tutormesh.engine.common.CborSerializable;

/**
 * A change in who can take an instant request now, published on the subject's availability
 * topic (see {@link AvailabilityTopics}). Each event is the tutor's latest state, so a consumer
 * may conflate: keep only the last event per tutor.
 */
public sealed interface AvailabilityEvent extends CborSerializable {
  String subject();

  String tutorId();

  /** The tutor is ONLINE (available for offers), with the card partners show. */
  record TutorAvailable(String subject, TutorCard card) implements AvailabilityEvent {
    @Override
    public String tutorId() {
      return card.tutorId();
    }
  }

  /** The tutor became BUSY, AWAY or OFFLINE (or was suspended). */
  record TutorUnavailable(String subject, String tutorId) implements AvailabilityEvent {}
}
