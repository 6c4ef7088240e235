package io.tutormesh.gateway.availability;

import io.tutormesh.engine.matching.TutorCard;
import io.tutormesh.engine.tutor.TutorEntity;
import java.util.List;

/**
 * The partners' view of available tutors, on the wire: the one mapping from the engine's
 * {@link TutorCard} to JSON, shared by {@code /ws/availability} and the REST/SSE availability
 * routes so that both send the same JSON. Serialize the records with {@code Json.MAPPER}; an SSE
 * event's name is its frame's {@code type} and its {@code data:} the same JSON.
 *
 * <ul>
 *   <li>entry: {@code {tutorId, displayName, subjects:[names], languages, levels, rateCents,
 *       currency, rating:{average, count}}}, {@code levels} being the levels of the subject asked
 *       about, {@code average} null while {@code count} is 0
 *   <li>{@code {type:"snapshot", subject, tutors:[entry..]}}
 *   <li>{@code {type:"available", tutorId, subject, displayName, subjects, languages, levels,
 *       rateCents, currency, rating}}
 *   <li>{@code {type:"unavailable", tutorId, subject}}
 * </ul>
 */
public final class AvailabilityFrames {

  private AvailabilityFrames() {}

  /** Average of the reviews (null without reviews) and how many there are. */
  public record Rating(Double average, int count) {}

  /** One available tutor, as seen for one subject. */
  public record TutorEntry(
      String tutorId,
      String displayName,
      List<String> subjects,
      List<String> languages,
      List<String> levels,
      long rateCents,
      String currency,
      Rating rating) {}

  /** `GET /v1/availability`. */
  public record Availability(String subject, List<TutorEntry> tutors) {}

  /** A frame of the socket and of the event stream. */
  public sealed interface Frame permits Snapshot, Available, Unavailable {
    String type();
  }

  public record Snapshot(String type, String subject, List<TutorEntry> tutors) implements Frame {}

  public record Available(
      String type,
      String tutorId,
      String subject,
      String displayName,
      List<String> subjects,
      List<String> languages,
      List<String> levels,
      long rateCents,
      String currency,
      Rating rating) implements Frame {}

  public record Unavailable(String type, String tutorId, String subject) implements Frame {}

  public static TutorEntry entry(String subject, TutorCard card) {
    return new TutorEntry(
        card.tutorId(),
        card.displayName(),
        card.subjectNames(),
        card.languages(),
        card.levelsFor(subject),
        card.rateCents(),
        card.currency(),
        rating(card.rating()));
  }

  public static Availability availability(String subject, List<TutorCard> cards) {
    return new Availability(subject, entries(subject, cards));
  }

  public static Snapshot snapshot(String subject, List<TutorCard> cards) {
    return new Snapshot("snapshot", subject, entries(subject, cards));
  }

  private static List<TutorEntry> entries(String subject, List<TutorCard> cards) {
    return cards.stream().map(card -> entry(subject, card)).toList();
  }

  public static Available available(String subject, TutorCard card) {
    TutorEntry e = entry(subject, card);
    return new Available(
        "available", e.tutorId(), subject, e.displayName(), e.subjects(), e.languages(), e.levels(), e.rateCents(), e.currency(), e.rating());
  }

  public static Unavailable unavailable(String subject, String tutorId) {
    return new Unavailable("unavailable", tutorId, subject);
  }

  private static Rating rating(TutorEntity.Rating rating) {
    if (rating == null || rating.count() == 0) {
      return new Rating(null, 0);
    }
    return new Rating(rating.average(), rating.count());
  }
}
