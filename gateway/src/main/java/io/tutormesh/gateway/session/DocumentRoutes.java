package io.tutormesh.gateway.session;

import com.datastax.oss.driver.api.core.DriverException;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.gateway.auth.Principal;
import io.tutormesh.gateway.http.ApiContext;
import io.tutormesh.gateway.http.ApiDirectives;
import io.tutormesh.gateway.http.Json;
import io.tutormesh.gateway.http.Problem;
import io.tutormesh.gateway.http.ProblemException;
import io.tutormesh.persistence.documents.CassandraDocumentStore;
import io.tutormesh.persistence.documents.DocumentStore;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;

/**
 * A session's documents, for its participants and admins: `POST /v1/sessions/{id}/documents` (the
 * body is the file, with `Content-Type` and `X-Filename`), `GET /v1/sessions/{id}/documents` and
 * `GET /v1/sessions/{id}/documents/{documentId}`.
 *
 * <p>An upload is checked in this order: the token (401), the session (404, 403), its status (409),
 * `X-Filename` (400), `Content-Type` (415); then its body streams into the {@link DocumentStore}
 * (empty: 400, over {@link DocumentRules#MAX_BYTES}: 413, refused as soon as the limit is passed).
 * A refused upload's body is read and dropped before the answer, as for every other route; an
 * accepted one is not subject to the server's request timeout, which would answer 503 while a slow
 * client is still sending (and then store it anyway); the connection's idle timeout still ends a
 * stalled upload.
 */
public final class DocumentRoutes extends ApiDirectives {

  private final SessionAccess sessions;
  private final DocumentStore store;
  private final Materializer materializer;

  /** The routes of a node: documents in its Cassandra keyspace, through the shared session. */
  public DocumentRoutes(ApiContext context) {
    this(context, CassandraDocumentStore.create(context.system(), context.system().settings().config().getString("tutormesh.cassandra.keyspace")));
  }

  public DocumentRoutes(ApiContext context, DocumentStore store) {
    super(context);
    this.sessions = new SessionAccess(context.sharding(), context.askTimeout());
    this.store = store;
    this.materializer = Materializer.matFromSystem(context.system());
  }

  public Route route() {
    return pathPrefix("sessions", () -> pathPrefix(PathMatchers.segment(), id -> pathPrefix("documents", () -> concat(
        pathEnd(() -> documents(id)),
        path(PathMatchers.segment(), documentId -> document(id, documentId))))));
  }

  private Route documents(String id) {
    return endpoint("/v1/sessions/{id}/documents", () -> authenticated(who -> validId("id", id, () -> concat(
        get(() -> answer(readable(who, id).thenCompose(session -> store.list(id)), list -> Json.response(200, DocumentDtos.Listing.of(list)))),
        post(() -> upload(who, id))))));
  }

  private Route document(String id, String documentId) {
    return endpoint("/v1/sessions/{id}/documents/{documentId}", () -> authenticated(who -> validId("id", id, () -> validId("documentId", documentId, () -> get(
        () -> answer(readable(who, id).thenCompose(session -> store.find(id, documentId)).thenApply(found -> found.orElseThrow(
            () -> new ProblemException(Problem.notFound("session " + id + " has no document " + documentId)))), this::download))))));
  }

  private Route upload(Principal who, String id) {
    return withoutRequestTimeout(() -> withSizeLimit(DocumentRules.MAX_BYTES, () -> optionalHeaderValueByName("X-Filename", filename -> extractRequestEntity(entity -> {
      CompletionStage<DocumentStore.Upload> accepted = readable(who, id).thenApply(session -> accept(session, who, filename, entity.getContentType()));
      return completeWithFuture(accepted.handle((upload, refused) -> refused == null ? store(upload, entity) : drained(entity, refused)).thenCompose(Function.identity()));
    }))));
  }

  /** The upload, if the session takes documents now and the name and type are fine; otherwise the problem. */
  private static DocumentStore.Upload accept(SessionEntity.SessionSummary session, Principal who, Optional<String> filename, ContentType type) {
    if (!DocumentRules.UPLOADABLE.contains(session.status())) {
      throw new ProblemException(Problem.conflict("the session is " + session.status() + ": it takes documents when it is "
          + DocumentRules.UPLOADABLE.stream().map(Enum::name).collect(Collectors.joining(", "))));
    }
    String name = filename.orElse("");
    DocumentRules.filenameProblem(name).ifPresent(problem -> {
      throw new ProblemException(Problem.badRequest("X-Filename", problem));
    });
    String storedType = DocumentRules.storedContentType(type).orElseThrow(() -> new ProblemException(naming("Content-Type",
        Problem.unsupportedMediaType("Content-Type: a document is one of " + String.join(", ", DocumentRules.MEDIA_TYPES.stream().sorted().toList())
            + ", not " + type.mediaType().mainType() + "/" + type.mediaType().subType()))));
    return new DocumentStore.Upload(session.sessionId(), name, storedType, who.userId());
  }

  private CompletionStage<HttpResponse> store(DocumentStore.Upload upload, RequestEntity entity) {
    return store.save(upload, entity.getDataBytes(), DocumentRules.MAX_BYTES).handle((document, error) -> error == null ? created(document) : failed(error));
  }

  /** Reads and drops the body (up to the size limit) first, so that the answer never comes before the end of the request. */
  private CompletionStage<HttpResponse> drained(HttpEntity entity, Throwable refusal) {
    return entity.discardBytes(materializer).completionStage().handle((done, error) -> failed(refusal));
  }

  private static HttpResponse created(DocumentStore.Document document) {
    return Json.response(201, DocumentDtos.Stored.of(document))
        .addHeader(Location.create("/v1/sessions/" + document.sessionId() + "/documents/" + document.documentId()));
  }

  /** The exact bytes, with the stored type, as an attachment (a browser never renders it inline). */
  private HttpResponse download(DocumentStore.Document document) {
    return HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.parse(document.contentType()), document.sizeBytes(), store.content(document)))
        .addHeader(RawHeader.create("Content-Disposition", DocumentRules.contentDisposition(document.filename())))
        .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"));
  }

  private <T> Route answer(CompletionStage<T> answer, Function<T, HttpResponse> toResponse) {
    return completeWithFuture(answer.handle((value, error) -> error == null ? toResponse.apply(value) : failed(error)));
  }

  private CompletionStage<SessionEntity.SessionSummary> readable(Principal who, String id) {
    return sessions.readable(who, id, "a session's documents are for its participants and admins only");
  }

  /** Failures of the body and the store by kind; the rest as every route answers them. */
  private HttpResponse failed(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof DocumentStore.DocumentTooLarge || cause instanceof EntityStreamSizeException) {
      return Json.problem(naming("body", Problem.tooLarge("body: a document is at most " + DocumentRules.MAX_BYTES + " bytes (10 MiB)")));
    }
    if (cause instanceof DocumentStore.EmptyDocument) {
      return Json.problem(Problem.badRequest("body", "must not be empty: it is the document"));
    }
    if (cause instanceof EntityStreamException) {
      return Json.problem(Problem.badRequest("body", "ended before it was complete"));
    }
    if (cause instanceof DriverException) {
      return Json.problem(Problem.unavailable("document storage did not answer; retry"));
    }
    return failure(cause);
  }

  private static Problem naming(String field, Problem problem) {
    return new Problem(problem.type(), problem.title(), problem.status(), problem.detail(), field);
  }
}
