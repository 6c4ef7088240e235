package io.tutormesh.gateway.session;

import io.tutormesh.persistence.documents.DocumentStore;
import java.time.Instant;
import java.util.List;

/** Session documents on the wire, mapped explicitly from the store's records. */
public final class DocumentDtos {
  private DocumentDtos() {}

  /** The 201 answer to `POST /v1/sessions/{id}/documents`. */
  public record Stored(String documentId, String filename, String contentType, long sizeBytes, String sha256) {
    static Stored of(DocumentStore.Document d) {
      return new Stored(d.documentId(), d.filename(), d.contentType(), d.sizeBytes(), d.sha256());
    }
  }

  /** One entry of `GET /v1/sessions/{id}/documents`. */
  public record Item(
      String documentId, String filename, String contentType, long sizeBytes, String sha256, String uploadedBy, Instant uploadedAt) {
    static Item of(DocumentStore.Document d) {
      return new Item(d.documentId(), d.filename(), d.contentType(), d.sizeBytes(), d.sha256(), d.uploadedBy(), d.uploadedAt());
    }
  }

  /** `GET /v1/sessions/{id}/documents`: oldest first. */
  public record Listing(List<Item> items) {
    static Listing of(List<DocumentStore.Document> documents) {
      return new Listing(documents.stream().map(Item::of).toList());
    }
  }
}
