package io.tutormesh.gateway.student;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.gateway.review.ReviewDtos;
import io.tutormesh.gateway.tutor.TutorDtos;
import java.time.Instant;
import java.util.List;

/** The student resource on the wire, mapped explicitly to and from the engine's records. */
public final class StudentDtos {
  private StudentDtos() {}

  /** `GET /v1/students/{id}/bookings`: the upcoming booked lessons, by start (items as in a tutor's list). */
  public record Bookings(String studentId, List<io.tutormesh.gateway.tutor.TutorDtos.Booking> bookings) {
    static Bookings of(StudentEntity.Bookings bookings) {
      return new Bookings(bookings.studentId(), bookings.lessons().stream()
          .map(l -> new io.tutormesh.gateway.tutor.TutorDtos.Booking(
              l.sessionId(), l.tutorId(), bookings.studentId(), l.subject(), l.level(), l.start(), l.end()))
          .toList());
    }
  }

  /** `PUT /v1/students/{id}`. */
  public record ProfileRequest(
      String displayName, String level, List<String> languages, String timezone, String email, String phone) {
    StudentEntity.StudentProfile toProfile() {
      return new StudentEntity.StudentProfile(displayName, level, languages, timezone, email, phone);
    }
  }

  /**
   * `GET /v1/students/{id}` and the answer to a PUT (the student and admins only, contact details
   * included); {@code rating} and {@code reviews} (the last visible ones, newest first) are what the
   * student's tutors said.
   */
  public record Student(
      String studentId,
      String displayName,
      String level,
      List<String> languages,
      String timezone,
      Instant createdAt,
      Instant updatedAt,
      TutorDtos.Rating rating,
      List<ReviewDtos.Review> reviews,
      @JsonInclude(JsonInclude.Include.NON_NULL) String email,
      @JsonInclude(JsonInclude.Include.NON_NULL) String phone) {

    static Student of(StudentEntity.StudentSummary s) {
      StudentEntity.StudentProfile p = s.profile();
      return new Student(
          s.studentId(), p.displayName(), p.level(), p.languages(), p.timezone(), s.createdAt(), s.updatedAt(),
          ReviewDtos.rating(s.rating()), ReviewDtos.Review.of(s.reviews()), p.email(), p.phone());
    }
  }
}
