package io.tutormesh.gateway.student;

import io.tutormesh.engine.student.StudentEntity;
import io.tutormesh.gateway.auth.Role;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import java.time.Duration;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** `/v1/students/{id}`: private to the student (and admins). */
public final class StudentRoutes extends ApiDirectives {

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public StudentRoutes(ApiContext context) {
    super(context);
    this.sharding = context.sharding();
    this.askTimeout = context.askTimeout();
  }

  public Route route() {
    return pathPrefix("students", () -> concat(
        path(PathMatchers.segment(), this::student),
        path(PathMatchers.segment().slash("bookings"), this::bookings)));
  }

  /** The student's upcoming booked lessons (that student and admins). */
  private Route bookings(String id) {
    return endpoint("/v1/students/{id}/bookings", () -> authenticated(who -> validId("id", id, () -> get(() -> authorize(
        who.mayReadPrivateOf(Role.STUDENT, id), "a student's bookings are for that student and admins only",
        () -> reply(200, sharding.entityRefFor(StudentEntity.ENTITY_KEY, id).askWithStatus(StudentEntity.GetBookings::new, askTimeout),
            StudentDtos.Bookings::of))))));
  }

  private Route student(String id) {
    return endpoint("/v1/students/{id}", () -> authenticated(who -> validId("id", id, () -> authorize(
        who.mayWriteAs(Role.STUDENT, id), "a student profile is for that student and admins only",
        () -> concat(get(() -> getStudent(id)), put(() -> putStudent(id)))))));
  }

  private Route getStudent(String id) {
    return reply(
        200,
        sharding.entityRefFor(StudentEntity.ENTITY_KEY, id).askWithStatus(StudentEntity.GetStudent::new, askTimeout),
        StudentDtos.Student::of);
  }

  private Route putStudent(String id) {
    return jsonBody(
        StudentDtos.ProfileRequest.class,
        body -> {
          StudentEntity.StudentProfile profile = body.toProfile();
          return reply(
              200,
              sharding
                  .entityRefFor(StudentEntity.ENTITY_KEY, id)
                  .askWithStatus(replyTo -> new StudentEntity.UpdateProfile(profile, replyTo), askTimeout),
              StudentDtos.Student::of);
        });
  }
}
