package io.tutormesh.persistence.directory;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.type.reflect.GenericType;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.persistence.CassandraSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.apache.pekko.stream.javadsl.Source;

/**
 * {@link DirectoryRepository} in the {@code tutor_directory} and {@code tutor_directory_tutors}
 * tables of {@code schema/012-tutor-directory.cql}, through the Cassandra session the persistence
 * plugin shares.
 */
public final class CassandraDirectoryRepository implements DirectoryRepository {

  private static final String PLUGIN_SESSION = "pekko.persistence.cassandra";
  private static final String LISTING_COLUMNS =
      "subject, tutor_id, display_name, subjects, levels, languages, rate_cents, currency, rating_average, rating_count, suspended";

  private static final GenericType<Map<String, List<String>>> LEVELS =
      GenericType.mapOf(GenericType.STRING, GenericType.listOf(GenericType.STRING));

  private final CassandraSession session;
  private final String selectEntry;
  private final String insertEntry;
  private final String insertListing;
  private final String deleteListing;
  private final String selectListings;

  CassandraDirectoryRepository(CassandraSession session, String keyspace) {
    String ks = CassandraSchema.validateKeyspace(keyspace);
    this.session = session;
    this.selectEntry = "SELECT tutor_id, display_name, subjects, levels, languages, rate_cents, currency, rating_average, rating_count, suspended"
        + " FROM " + ks + ".tutor_directory_tutors WHERE tutor_id = ?";
    this.insertEntry = "INSERT INTO " + ks + ".tutor_directory_tutors"
        + " (tutor_id, display_name, subjects, levels, languages, rate_cents, currency, rating_average, rating_count, suspended)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.insertListing = "INSERT INTO " + ks + ".tutor_directory (" + LISTING_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.deleteListing = "DELETE FROM " + ks + ".tutor_directory WHERE subject = ? AND tutor_id = ?";
    this.selectListings = "SELECT " + LISTING_COLUMNS + " FROM " + ks + ".tutor_directory WHERE subject = ? AND tutor_id > ?";
  }

  public static CassandraDirectoryRepository create(ClassicActorSystemProvider system, String keyspace) {
    return new CassandraDirectoryRepository(CassandraSessionRegistry.get(system).sessionFor(PLUGIN_SESSION), keyspace);
  }

  @Override
  public CompletionStage<Optional<DirectoryEntry>> entry(String tutorId) {
    return session.prepare(selectEntry)
        .thenApply(p -> quorum(p.bind(tutorId)))
        .thenCompose(session::selectOne)
        .thenApply(row -> row.map(CassandraDirectoryRepository::entryOf));
  }

  @Override
  public CompletionStage<Done> save(DirectoryEntry entry, Set<String> dropped) {
    CompletionStage<PreparedStatement> entryStatement = session.prepare(insertEntry);
    CompletionStage<PreparedStatement> listingStatement = session.prepare(insertListing);
    CompletionStage<PreparedStatement> deleteStatement = session.prepare(deleteListing);
    return entryStatement.thenCompose(e -> listingStatement.thenCompose(l -> deleteStatement.thenCompose(d -> {
      // A few partitions (the tutor's and one per subject): a logged batch writes all or none.
      BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.LOGGED);
      batch.addStatement(e.bind(entry.tutorId(), entry.displayName(), entry.subjectNames(), levelsOf(entry), entry.languages(),
          entry.rateCents(), entry.currency(), entry.ratingAverage(), entry.ratingCount(), entry.suspended()));
      for (DirectoryListing listing : entry.listings()) {
        batch.addStatement(l.bind(listing.subject(), listing.tutorId(), listing.displayName(), listing.subjects(), listing.levels(),
            listing.languages(), listing.rateCents(), listing.currency(), listing.ratingAverage(), listing.ratingCount(), listing.suspended()));
      }
      for (String subject : dropped) {
        batch.addStatement(d.bind(subject, entry.tutorId()));
      }
      BatchStatement statement = batch.build().setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM).setIdempotent(true);
      return session.executeWriteBatch(statement);
    })));
  }

  @Override
  public Source<DirectoryListing, NotUsed> bySubject(String subject, String afterTutorId, int fetchSize) {
    CompletionStage<Statement<?>> statement = session.prepare(selectListings)
        .thenApply(p -> quorum(p.bind(subject, afterTutorId == null ? "" : afterTutorId)).setPageSize(fetchSize));
    return session.select(statement).map(CassandraDirectoryRepository::listingOf);
  }

  private static Map<String, List<String>> levelsOf(DirectoryEntry entry) {
    Map<String, List<String>> levels = new LinkedHashMap<>();
    entry.subjects().forEach(offer -> levels.put(offer.subject(), offer.levels()));
    return levels;
  }

  private static DirectoryEntry entryOf(Row row) {
    Map<String, List<String>> stored = row.get("levels", LEVELS);
    Map<String, List<String>> levels = stored == null ? Map.of() : stored;
    List<TutorEntity.SubjectOffer> subjects = row.getList("subjects", String.class).stream()
        .map(subject -> new TutorEntity.SubjectOffer(subject, levels.getOrDefault(subject, List.of())))
        .toList();
    return new DirectoryEntry(row.getString("tutor_id"), row.getString("display_name"), subjects, row.getList("languages", String.class),
        row.getLong("rate_cents"), row.getString("currency"), row.getDouble("rating_average"), row.getInt("rating_count"), row.getBoolean("suspended"));
  }

  private static DirectoryListing listingOf(Row row) {
    return new DirectoryListing(row.getString("subject"), row.getString("tutor_id"), row.getString("display_name"),
        row.getList("subjects", String.class), row.getList("levels", String.class), row.getList("languages", String.class),
        row.getLong("rate_cents"), row.getString("currency"), row.getDouble("rating_average"), row.getInt("rating_count"), row.getBoolean("suspended"));
  }

  private static BoundStatement quorum(BoundStatement statement) {
    return statement.setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM).setIdempotent(true);
  }
}
