package io.tutormesh.persistence.documents;

import com.datastax.oss.driver.api.core.cql.Row;
import io.tutormesh.persistence.CassandraSchema;
import io.tutormesh.persistence.Cql;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DocumentStore} in the tables of {@code schema/005-documents.cql}, through the node's shared
 * asynchronous Cassandra session: no call blocks a thread.
 *
 * <p>An upload streams through: its bytes are cut into {@link #CHUNK_BYTES} chunks, each written as
 * soon as it is full (at most {@link #WRITES_IN_FLIGHT} at a time, so an upload holds a few chunks
 * in memory, never the whole file), and the {@code session_documents} row is written last. That
 * row is what makes the document exist. When anything fails on the way, the chunks written so far
 * (and the row, if its write failed) are deleted; the driver's client-side timestamps order these
 * deletes after the writes they undo, even when a write is still in flight.
 *
 * <p>Reads and writes are {@code LOCAL_QUORUM}, so a document stored through one node is complete
 * when read through another.
 */
public final class CassandraDocumentStore implements DocumentStore {

  /** The size of every chunk but the last. */
  public static final int CHUNK_BYTES = 256 * 1024;

  private static final Logger log = LoggerFactory.getLogger(CassandraDocumentStore.class);
  private static final int WRITES_IN_FLIGHT = 2;
  private static final int READS_AHEAD = 2;

  private final Cql cql;
  private final Materializer materializer;
  private final Clock clock;
  private final int chunkBytes;
  private final String insertChunk;
  private final String insertDocument;
  private final String selectDocuments;
  private final String selectDocument;
  private final String selectChunk;
  private final String deleteChunks;
  private final String deleteDocument;

  CassandraDocumentStore(CassandraSession session, Materializer materializer, String keyspace, int chunkBytes, Clock clock) {
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("chunkBytes must be positive: " + chunkBytes);
    }
    String ks = CassandraSchema.validateKeyspace(keyspace);
    this.cql = new Cql(session);
    this.materializer = materializer;
    this.clock = clock;
    this.chunkBytes = chunkBytes;
    this.insertChunk = "INSERT INTO " + ks + ".document_chunks (document_id, chunk_nr, data) VALUES (?, ?, ?)";
    this.insertDocument =
        "INSERT INTO " + ks + ".session_documents (session_id, document_id, filename, content_type, size_bytes, sha256,"
            + " chunk_count, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    String columns =
        "session_id, document_id, filename, content_type, size_bytes, sha256, chunk_count, uploaded_by, uploaded_at";
    this.selectDocuments = "SELECT " + columns + " FROM " + ks + ".session_documents WHERE session_id = ?";
    this.selectDocument = selectDocuments + " AND document_id = ?";
    this.selectChunk = "SELECT data FROM " + ks + ".document_chunks WHERE document_id = ? AND chunk_nr = ?";
    this.deleteChunks = "DELETE FROM " + ks + ".document_chunks WHERE document_id = ?";
    this.deleteDocument = "DELETE FROM " + ks + ".session_documents WHERE session_id = ? AND document_id = ?";
  }

  /** The store of a node: the Cassandra session that the persistence plugin shares, in `keyspace`. */
  public static CassandraDocumentStore create(ClassicActorSystemProvider system, String keyspace) {
    return new CassandraDocumentStore(
        Cql.pluginSession(system),
        Materializer.matFromSystem(system),
        keyspace,
        CHUNK_BYTES,
        Clock.systemUTC());
  }

  @Override
  public CompletionStage<Document> save(Upload upload, Source<ByteString, ?> bytes, long maxBytes) {
    String documentId = UUID.randomUUID().toString();
    MessageDigest sha256 = sha256();
    AtomicInteger chunkWrites = new AtomicInteger();
    CompletionStage<Tally> chunksWritten =
        bytes
            .via(chunks(chunkBytes, maxBytes))
            .map(chunk -> {
              sha256.update(chunk.asByteBuffer());
              return chunk;
            })
            .zipWithIndex()
            .mapAsync(WRITES_IN_FLIGHT, numbered -> {
              chunkWrites.incrementAndGet();
              return writeChunk(documentId, Math.toIntExact(numbered.second()), numbered.first());
            })
            .runFold(Tally.NONE, Tally::plus, materializer);
    return chunksWritten
        .thenCompose(tally -> publish(upload, documentId, tally, sha256))
        .exceptionallyCompose(error -> chunkWrites.get() == 0 ? failed(error) : undo(documentId, error));
  }

  @Override
  public CompletionStage<List<Document>> list(String sessionId) {
    return cql.selectAll(selectDocuments, sessionId)
        .thenApply(rows -> {
          List<Document> documents = new ArrayList<>(rows.size());
          rows.forEach(row -> documents.add(document(row)));
          documents.sort(Comparator.comparing(Document::uploadedAt).thenComparing(Document::documentId));
          return documents;
        });
  }

  @Override
  public CompletionStage<Optional<Document>> find(String sessionId, String documentId) {
    return cql.selectOne(selectDocument, sessionId, documentId).thenApply(row -> row.map(CassandraDocumentStore::document));
  }

  @Override
  public Source<ByteString, NotUsed> content(Document document) {
    if (document.chunkCount() < 1) {
      return Source.empty();
    }
    return Source.range(0, document.chunkCount() - 1).mapAsync(READS_AHEAD, nr -> readChunk(document.documentId(), nr));
  }

  /**
   * Cuts a byte stream into chunks of exactly `chunkBytes` (the last one shorter), and fails it with
   * {@link DocumentTooLarge} as soon as more than `maxBytes` have come: it holds less than one chunk
   * besides the element it is cutting.
   */
  static Flow<ByteString, ByteString, NotUsed> chunks(int chunkBytes, long maxBytes) {
    return Flow.<ByteString>create()
        .statefulMap(
            () -> new Cutting(ByteString.emptyByteString(), 0),
            (state, bytes) -> state.add(bytes, chunkBytes, maxBytes),
            state -> state.pending().isEmpty() ? Optional.empty() : Optional.of(List.of(state.pending().compact())))
        .mapConcat(full -> full);
  }

  /** The bytes not yet cut into a chunk, and how many have come in all. */
  private record Cutting(ByteString pending, long total) {
    Pair<Cutting, List<ByteString>> add(ByteString bytes, int chunkBytes, long maxBytes) {
      long seen = total + bytes.size();
      if (seen > maxBytes) {
        throw new DocumentTooLarge(maxBytes);
      }
      ByteString rest = pending.concat(bytes);
      List<ByteString> full = new ArrayList<>();
      while (rest.size() >= chunkBytes) {
        full.add(rest.take(chunkBytes).compact());
        rest = rest.drop(chunkBytes);
      }
      return Pair.create(new Cutting(rest, seen), full);
    }
  }

  /** Chunks and bytes written so far. */
  private record Tally(int chunks, long bytes) {
    static final Tally NONE = new Tally(0, 0);

    Tally plus(int chunkSize) {
      return new Tally(chunks + 1, bytes + chunkSize);
    }
  }

  /** Writes the metadata row that makes the document exist; if that write fails, deletes the row again. */
  private CompletionStage<Document> publish(Upload upload, String documentId, Tally tally, MessageDigest sha256) {
    if (tally.chunks() == 0) {
      return failed(new EmptyDocument());
    }
    // Cassandra keeps milliseconds: the answer is what a later read gives.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Document document =
        new Document(
            upload.sessionId(),
            documentId,
            upload.filename(),
            upload.contentType(),
            tally.bytes(),
            HexFormat.of().formatHex(sha256.digest()),
            tally.chunks(),
            upload.uploadedBy(),
            now);
    return cql.write(
                insertDocument,
                document.sessionId(),
                document.documentId(),
                document.filename(),
                document.contentType(),
                document.sizeBytes(),
                document.sha256(),
                document.chunkCount(),
                document.uploadedBy(),
                document.uploadedAt())
        .thenApply(done -> document)
        .exceptionallyCompose(error -> quietly(cql.write(deleteDocument, upload.sessionId(), documentId), documentId)
            .thenCompose(ignored -> failed(error)));
  }

  private CompletionStage<Integer> writeChunk(String documentId, int nr, ByteString chunk) {
    return cql.write(insertChunk, documentId, nr, chunk.asByteBuffer()).thenApply(done -> chunk.size());
  }

  private CompletionStage<ByteString> readChunk(String documentId, int nr) {
    return cql.selectOne(selectChunk, documentId, nr)
        .thenApply(row -> row
            .map(r -> ByteString.fromByteBuffer(r.getByteBuffer("data")))
            .orElseThrow(() -> new IllegalStateException("chunk " + nr + " of document " + documentId + " is missing")));
  }

  /** Deletes the chunks of a failed upload, then fails with the upload's error. */
  private <T> CompletionStage<T> undo(String documentId, Throwable error) {
    return quietly(cql.write(deleteChunks, documentId), documentId).thenCompose(ignored -> failed(error));
  }

  /** A clean-up write: its failure is logged (the rows it leaves are invisible), never reported. */
  private static CompletionStage<Done> quietly(CompletionStage<Done> cleanUp, String documentId) {
    return cleanUp.handle((done, error) -> {
      if (error != null) {
        log.warn("Could not delete what a failed upload of document {} wrote: {}", documentId, error.toString());
      }
      return Done.getInstance();
    });
  }

  private static Document document(Row row) {
    return new Document(
        row.getString("session_id"),
        row.getString("document_id"),
        row.getString("filename"),
        row.getString("content_type"),
        row.getLong("size_bytes"),
        row.getString("sha256"),
        row.getInt("chunk_count"),
        row.getString("uploaded_by"),
        row.getInstant("uploaded_at"));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static <T> CompletionStage<T> failed(Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    return CompletableFuture.failedStage(cause);
  }
}
