package io.tutormesh.engine.matching;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sessions matched per (student, tutor) in one pool, for the ranker's "past sessions with this
 * student". Kept by student, so that a request looks up its student once and its scan looks up
 * nothing per tutor (see {@link Ranker.Selection#replace}).
 *
 * <p>Volatile and bounded: at most {@code maxTutorsPerStudent} tutors per student and
 * {@code maxStudents} students, the least recently matched dropped first, and a student without a
 * match for the retention is forgotten by {@link #forgetIdleSince}.
 *
 * <p>Mutable and not thread-safe: owned by one pool actor.
 */
final class PairHistory {

  private final int maxStudents;
  private final int maxTutorsPerStudent;
  /** Access-ordered: the student least recently matched (or looked up) first. */
  private final Map<String, Student> byStudent;

  PairHistory(int maxStudents, int maxTutorsPerStudent) {
    if (maxStudents < 1 || maxTutorsPerStudent < 1) {
      throw new IllegalArgumentException("the bounds must be positive");
    }
    this.maxStudents = maxStudents;
    this.maxTutorsPerStudent = maxTutorsPerStudent;
    this.byStudent = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Student> eldest) {
        return size() > PairHistory.this.maxStudents;
      }
    };
  }

  /** A session matched this tutor with this student at {@code now}. */
  void matched(String studentId, String tutorId, Instant now) {
    Student student = byStudent.computeIfAbsent(studentId, id -> new Student(maxTutorsPerStudent));
    student.lastMatchedAtMillis = now.toEpochMilli();
    student.sessionsByTutor.merge(tutorId, 1, Integer::sum);
  }

  /** Sessions matched between the two; 0 for a null student. */
  int sessions(String studentId, String tutorId) {
    return tutorsOf(studentId).getOrDefault(tutorId, 0);
  }

  /** The student's past tutors with their session counts, read-only; empty for a null or unknown student. */
  Map<String, Integer> tutorsOf(String studentId) {
    Student student = studentId == null ? null : byStudent.get(studentId);
    return student == null ? Map.of() : student.view;
  }

  /** Forgets the students without a match since {@code instant}. */
  void forgetIdleSince(Instant instant) {
    long cut = instant.toEpochMilli();
    byStudent.values().removeIf(student -> student.lastMatchedAtMillis < cut);
  }

  int students() {
    return byStudent.size();
  }

  private static final class Student {
    private long lastMatchedAtMillis;
    /** Access-ordered: the tutor least recently matched first. */
    private final Map<String, Integer> sessionsByTutor;
    private final Map<String, Integer> view;

    Student(int maxTutors) {
      this.sessionsByTutor = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > maxTutors;
        }
      };
      this.view = Collections.unmodifiableMap(sessionsByTutor);
    }
  }
}
