package io.tutormesh.gateway.tutor;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.http.Problem;
import io.tutormesh.gateway.http.ProblemException;
import io.tutormesh.gateway.review.ReviewDtos;
import java.time.Instant;
import java.util.List;

/** The tutor resource on the wire, mapped explicitly to and from the engine's records. */
public final class TutorDtos {
  private TutorDtos() {}

  public record Subject(String subject, List<String> levels) {}

  /** `PUT /v1/tutors/{id}`. */
  public record ProfileRequest(
      String displayName,
      List<Subject> subjects,
      List<String> languages,
      Long rateCents,
      String currency,
      String timezone,
      String bio,
      String email,
      String phone) {

    TutorEntity.TutorProfile toProfile() {
      if (rateCents == null) {
        throw new ProblemException(Problem.badRequest("rateCents", "is required"));
      }
      List<TutorEntity.SubjectOffer> offers =
          subjects == null
              ? null
              : subjects.stream()
                  .map(s -> s == null ? null : new TutorEntity.SubjectOffer(s.subject(), s.levels()))
                  .toList();
      return new TutorEntity.TutorProfile(displayName, offers, languages, rateCents, currency, timezone, bio, email, phone);
    }
  }

  public record Rating(Double average, int count) {}

  /**
   * `GET /v1/tutors/{id}` and the answer to a PUT; {@code reviews}: the last visible reviews about
   * the tutor, newest first. {@code email} and {@code phone} are private: only in {@link #ofOwn}
   * (the tutor, an admin); {@link #of} leaves them out of the JSON.
   */
  public record Tutor(
      String tutorId,
      String displayName,
      List<Subject> subjects,
      List<String> languages,
      long rateCents,
      String currency,
      String timezone,
      String bio,
      Rating rating,
      String presence,
      Instant createdAt,
      Instant updatedAt,
      List<ReviewDtos.Review> reviews,
      @JsonInclude(JsonInclude.Include.NON_NULL) String email,
      @JsonInclude(JsonInclude.Include.NON_NULL) String phone) {

    /** The public profile: no contact details. */
    public static Tutor of(TutorEntity.TutorSummary s) {
      return of(s, false);
    }

    /** The profile as its tutor and admins see it: with the contact details. */
    public static Tutor ofOwn(TutorEntity.TutorSummary s) {
      return of(s, true);
    }

    private static Tutor of(TutorEntity.TutorSummary s, boolean withContacts) {
      TutorEntity.TutorProfile p = s.profile();
      return new Tutor(
          s.tutorId(),
          p.displayName(),
          p.subjects().stream().map(o -> new Subject(o.subject(), o.levels())).toList(),
          p.languages(),
          p.rateCents(),
          p.currency(),
          p.timezone(),
          p.bio(),
          new Rating(s.rating().count() == 0 ? null : s.rating().average(), s.rating().count()),
          s.presence().name(),
          s.createdAt(),
          s.updatedAt(),
          ReviewDtos.Review.of(s.reviews()),
          withContacts ? p.email() : null,
          withContacts ? p.phone() : null);
    }
  }

  /**
   * One tutor in `GET /v1/tutors` (search): the public tutor entry, {@code levels} being those of
   * the subject searched. Never private fields.
   */
  public record SearchItem(
      String tutorId,
      String displayName,
      List<String> subjects,
      List<String> languages,
      List<String> levels,
      long rateCents,
      String currency,
      Rating rating) {

    public static SearchItem of(io.tutormesh.persistence.directory.DirectoryListing l) {
      return new SearchItem(l.tutorId(), l.displayName(), l.subjects(), l.languages(), l.levels(), l.rateCents(), l.currency(),
          new Rating(l.ratingCount() == 0 ? null : l.ratingAverage(), l.ratingCount()));
    }
  }

  /** `GET /v1/tutors`: a page of tutors; {@code nextCursor} null on the last page. */
  public record SearchResult(List<SearchItem> items, String nextCursor) {
    public static SearchResult of(String subject, SearchPage page) {
      return new SearchResult(
          page.items().stream().map(SearchItem::of).toList(),
          page.nextAfter() == null ? null : SearchCursor.encode(subject, page.nextAfter()));
    }
  }

  /** `GET /v1/tutors/{id}/bookings`: the upcoming booked lessons, by start. */
  public record Bookings(String tutorId, List<Booking> bookings) {
    public static Bookings of(TutorEntity.Calendar calendar) {
      return new Bookings(calendar.tutorId(), calendar.bookings().stream()
          .map(b -> new Booking(b.sessionId(), calendar.tutorId(), b.studentId(), b.subject(), b.level(), b.start(), b.end()))
          .toList());
    }
  }

  /**
   * One booked lesson, the same shape in a tutor's and a student's list ({@code subject} and
   * {@code level} null for lessons booked before they were recorded).
   */
  public record Booking(String sessionId, String tutorId, String studentId, String subject, String level, Instant start, Instant end) {}
}
