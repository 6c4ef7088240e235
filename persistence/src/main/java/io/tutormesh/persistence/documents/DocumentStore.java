package io.tutormesh.persistence.documents;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The files attached to a session. A document exists once {@link #save} has completed: it is listed,
 * found and read only then, and a failed save leaves nothing behind that {@link #list} or {@link
 * #find} would show. Who may store or read a session's documents is the caller's business.
 */
public interface DocumentStore {

  /** What the uploader says about a new document; the store adds its id, size, digest and time. */
  record Upload(String sessionId, String filename, String contentType, String uploadedBy) {}

  /** A stored document (its metadata; the bytes come from {@link #content}). */
  record Document(
      String sessionId,
      String documentId,
      String filename,
      String contentType,
      long sizeBytes,
      String sha256,
      int chunkCount,
      String uploadedBy,
      Instant uploadedAt) {}

  /** {@link #save} got no bytes at all. */
  final class EmptyDocument extends RuntimeException {
    public EmptyDocument() {
      super("a document must not be empty", null, false, false);
    }
  }

  /** {@link #save} got more bytes than it was allowed to store. */
  final class DocumentTooLarge extends RuntimeException {
    private final long maxBytes;

    public DocumentTooLarge(long maxBytes) {
      super("a document is at most " + maxBytes + " bytes", null, false, false);
      this.maxBytes = maxBytes;
    }

    public long maxBytes() {
      return maxBytes;
    }
  }

  /**
   * Stores `bytes` (streamed, never held whole in memory) as a new document of the upload's session.
   * Fails with {@link EmptyDocument}, {@link DocumentTooLarge} (more than `maxBytes`), the failure of
   * `bytes` itself, or a storage error; the document then does not exist.
   */
  CompletionStage<Document> save(Upload upload, Source<ByteString, ?> bytes, long maxBytes);

  /** The session's documents, oldest first. */
  CompletionStage<List<Document>> list(String sessionId);

  /** The document if it belongs to the session. */
  CompletionStage<Optional<Document>> find(String sessionId, String documentId);

  /** The document's bytes, streamed in order: exactly `sizeBytes` of them, or a failed stream. */
  Source<ByteString, NotUsed> content(Document document);
}
