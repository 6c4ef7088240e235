package io.tutormesh.persistence.directory;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/** The tutor directory's tables, as the tutor-directory projection writes them and tutor search reads them. */
public interface DirectoryRepository {

  /** What the directory knows of a tutor (empty: nothing yet). */
  CompletionStage<Optional<DirectoryEntry>> entry(String tutorId);

  /**
   * Writes the tutor's entry and its row under each of its subjects, and deletes its rows under
   * {@code dropped}; all or none. Idempotent.
   */
  CompletionStage<Done> save(DirectoryEntry entry, Set<String> dropped);

  /**
   * The tutors listed under {@code subject} whose id comes after {@code afterTutorId} (null: from
   * the first), in tutor id order, read from the database {@code fetchSize} rows at a time as the
   * stream is pulled.
   */
  Source<DirectoryListing, NotUsed> bySubject(String subject, String afterTutorId, int fetchSize);
}
