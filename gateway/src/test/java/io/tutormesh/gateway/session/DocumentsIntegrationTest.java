package io.tutormesh.gateway.session;

import static io.tutormesh.gateway.session.Fixtures.assertBadField;
import static io.tutormesh.gateway.session.Fixtures.assertProblem;
import static io.tutormesh.gateway.session.Fixtures.instantJson;
import static io.tutormesh.gateway.session.Fixtures.studentJson;
import static io.tutormesh.gateway.session.Fixtures.tutorJson;
import static io.tutormesh.gateway.session.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tutormesh.engine.session.SessionEntity;
import io.tutormesh.engine.tutor.TutorEntity;
import io.tutormesh.gateway.Node;
import io.tutormesh.gateway.availability.TutorPresence;
import io.tutormesh.gateway.testing.Api;
import io.tutormesh.gateway.testing.Funding;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.gateway.testing.TestNodes;
import io.tutormesh.persistence.testing.SharedCassandra;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Session documents through real HTTP, on a real node and the shared embedded Cassandra: upload,
 * list and download by participants and admins, and every refusal leaving the session's documents
 * as they were.
 */
class DocumentsIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int MIB = 1024 * 1024;
  private static final int CHUNK = 256 * 1024;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static Node node;
  private static Api api;
  private static HttpClient http;
  private static String admin;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNodes.start();
    api = new Api(node.httpPort());
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    admin = api.token(unique("admin"), "admin");
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.stop();
    }
  }

  // --- the tests ---

  @Test
  void participantsUploadAndParticipantsAndAdminsDownloadTheExactBytes() {
    Session s = matchedSession();
    byte[] pdf = pdf(CHUNK + 1234); // two chunks
    byte[] png = png(3 * CHUNK); // exactly three chunks
    byte[] jpeg = randomBytes(777, (byte) 0xFF, (byte) 0xD8);
    byte[] text = "Ünïcode notes: ∫ f(x) dx\nline 2\n".getBytes(StandardCharsets.UTF_8);

    JsonNode fromStudent = created(upload(s.id(), s.student(), "application/pdf", "homework 1.pdf", pdf));
    JsonNode fromTutor = created(upload(s.id(), s.tutor(), "image/png", "diagram.png", png));
    JsonNode photo = created(upload(s.id(), s.student(), "image/jpeg", "IMG_0001.JPG", jpeg));
    JsonNode notes = created(upload(s.id(), s.tutor(), "text/plain; charset=utf-8", "notes \"week 1\".txt", text));

    assertThat(fromStudent.get("filename").asText()).isEqualTo("homework 1.pdf");
    assertThat(fromStudent.get("contentType").asText()).isEqualTo("application/pdf");
    assertThat(fromStudent.get("sizeBytes").asLong()).isEqualTo(pdf.length);
    assertThat(fromStudent.get("sha256").asText()).isEqualTo(sha256(pdf));
    assertThat(fromTutor.get("sha256").asText()).isEqualTo(sha256(png));
    assertThat(notes.get("contentType").asText()).isEqualTo("text/plain; charset=UTF-8");

    for (String reader : List.of(s.student(), s.tutor(), admin)) {
      assertDownload(s.id(), fromStudent, reader, pdf, "application/pdf", "attachment; filename=\"homework 1.pdf\"");
      assertDownload(s.id(), fromTutor, reader, png, "image/png", "attachment; filename=\"diagram.png\"");
      assertDownload(s.id(), photo, reader, jpeg, "image/jpeg", "attachment; filename=\"IMG_0001.JPG\"");
      assertDownload(s.id(), notes, reader, text, "text/plain; charset=UTF-8",
          "attachment; filename=\"notes _week 1_.txt\"; filename*=UTF-8''notes%20%22week%201%22.txt");
    }

    JsonNode items = list(s.id(), s.tutor());
    assertThat(items.findValuesAsText("documentId")).containsExactly(
        id(fromStudent), id(fromTutor), id(photo), id(notes));
    assertThat(items.findValuesAsText("uploadedBy")).containsExactly(s.studentId(), s.tutorId(), s.studentId(), s.tutorId());
    assertThat(items.findValuesAsText("filename")).containsExactly("homework 1.pdf", "diagram.png", "IMG_0001.JPG", "notes \"week 1\".txt");
    assertThat(items.findValuesAsText("contentType"))
        .containsExactly("application/pdf", "image/png", "image/jpeg", "text/plain; charset=UTF-8");
    assertThat(items.get(1).get("sizeBytes").asLong()).isEqualTo(png.length);
    assertThat(items.get(0).get("uploadedAt").asText()).isNotBlank();
    assertThat(list(s.id(), admin)).isEqualTo(items);
    assertThat(list(s.id(), s.student())).isEqualTo(items);
  }

  @Test
  void anAdminMayUploadAndLongNamesAreKeptWhole() {
    Session s = matchedSession();
    String name = "n".repeat(251) + ".txt";
    JsonNode stored = created(upload(s.id(), admin, "text/plain", name, "by the admin".getBytes(StandardCharsets.UTF_8)));

    assertThat(stored.get("filename").asText()).isEqualTo(name);
    assertThat(stored.get("contentType").asText()).isEqualTo("text/plain");
    assertDownload(s.id(), stored, s.student(), "by the admin".getBytes(StandardCharsets.UTF_8), "text/plain", "attachment; filename=\"" + name + "\"");
  }

  @Test
  void tenMebibytesAreAcceptedAndOneByteMoreIsRefused() {
    Session s = matchedSession();
    byte[] limit = randomBytes(10 * MIB);
    byte[] over = randomBytes(10 * MIB + 1);

    JsonNode stored = created(upload(s.id(), s.student(), "application/pdf", "exactly-10MiB.pdf", limit));
    assertThat(stored.get("sizeBytes").asLong()).isEqualTo(10L * MIB);
    assertDownload(s.id(), stored, s.tutor(), limit, "application/pdf", "attachment; filename=\"exactly-10MiB.pdf\"");

    Set<String> chunkedDocuments = documentsWithChunks();
    // Announced by Content-Length: refused before a byte is stored, so the answer comes before the
    // body: the request here is the headers alone (a client still writing 10 MiB may see the
    // connection close before it reads the 413).
    Reply tooLarge = headersOnlyUpload(s.id(), s.student(), "application/pdf", "too-large.pdf", over.length);
    assertProblem(tooLarge, 413);
    assertThat(tooLarge.json().get("field").asText()).isEqualTo("body");
    // Chunked, so only counting tells: refused at the byte over the limit, the chunks stored so far
    // removed. The 413 comes while the client is still sending; a client busy writing may see the
    // connection close instead of reading it, which is fine as long as nothing was stored.
    try {
      assertProblem(send(uploadRequest(s.id(), s.student(), "application/pdf", "too-large.pdf")
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(over)))), 413);
    } catch (UncheckedIOException closedWhileSending) {
      assertThat(closedWhileSending.getCause()).isInstanceOf(IOException.class);
    }
    assertThat(documentsWithChunks()).as("no chunks are left behind").isEqualTo(chunkedDocuments);
    // Chunked and within the limit: fine.
    JsonNode streamed = created(send(uploadRequest(s.id(), s.tutor(), "image/png", "streamed.png")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(limit, 0, 3 * MIB)))));
    assertThat(streamed.get("sizeBytes").asLong()).isEqualTo(3L * MIB);

    assertThat(list(s.id(), s.student()).findValuesAsText("documentId")).containsExactly(id(stored), id(streamed));
  }

  @Test
  void badUploadsAreRefusedByFieldAndStoreNothing() {
    Session s = matchedSession();
    byte[] good = "the good one".getBytes(StandardCharsets.UTF_8);
    JsonNode stored = created(upload(s.id(), s.student(), "text/plain", "good.txt", good));
    byte[] body = pdf(1000);

    for (String type : List.of("application/zip", "text/html", "image/gif", "application/octet-stream", "application/json", "text/plainx")) {
      Reply refused = upload(s.id(), s.student(), type, "file.pdf", body);
      assertProblem(refused, 415);
      assertThat(refused.json().get("field").asText()).as(type).isEqualTo("Content-Type");
    }
    assertProblem(upload(s.id(), s.student(), null, "file.pdf", body), 415);

    assertBadField(upload(s.id(), s.student(), "application/pdf", null, body), "X-Filename");
    assertBadField(upload(s.id(), s.student(), "application/pdf", "", body), "X-Filename");
    assertBadField(upload(s.id(), s.student(), "application/pdf", "x".repeat(256), body), "X-Filename");
    assertBadField(upload(s.id(), s.student(), "application/pdf", "../etc/passwd", body), "X-Filename");
    assertBadField(upload(s.id(), s.student(), "application/pdf", "dir\\file.pdf", body), "X-Filename");
    assertBadField(upload(s.id(), s.student(), "application/pdf", "..", body), "X-Filename");

    assertBadField(upload(s.id(), s.student(), "application/pdf", "empty.pdf", new byte[0]), "body");
    assertBadField(upload(s.id(), s.tutor(), "text/plain", "empty.txt", new byte[0]), "body");

    assertProblem(upload(s.id(), null, "application/pdf", "file.pdf", body), 401);
    assertProblem(upload(s.id(), "not-a-token", "application/pdf", "file.pdf", body), 401);

    // The connection is still good after every refusal, and the one good upload is all there is.
    assertThat(list(s.id(), s.student()).findValuesAsText("documentId")).containsExactly(id(stored));
    assertDownload(s.id(), stored, s.tutor(), good, "text/plain", "attachment; filename=\"good.txt\"");
  }

  @Test
  void onlyTheSessionsParticipantsAndAdminsGetIn() {
    Session s = matchedSession();
    Session other = matchedSession();
    byte[] pdf = pdf(2000);
    JsonNode stored = created(upload(s.id(), s.student(), "application/pdf", "mine.pdf", pdf));
    String download = "/v1/sessions/" + s.id() + "/documents/" + id(stored);
    String documents = "/v1/sessions/" + s.id() + "/documents";

    List<String> outsiders = List.of(
        api.token(unique("student"), "student"),
        api.token(unique("tutor"), "tutor"),
        api.token(unique("partner"), "partner"),
        other.student(),
        other.tutor(),
        api.token(s.studentId(), "tutor"), // the right id with the wrong role
        api.token(s.tutorId(), "student"));
    for (String outsider : outsiders) {
      assertProblem(upload(s.id(), outsider, "application/pdf", "theirs.pdf", pdf), 403);
      assertProblem(api.get(documents, outsider), 403);
      assertProblem(api.get(download, outsider), 403);
    }
    assertProblem(api.get(documents, null), 401);
    assertProblem(api.get(download, null), 401);
    assertProblem(api.get(download, "garbage"), 401);

    String nowhere = unique("nope");
    assertProblem(upload(nowhere, admin, "application/pdf", "x.pdf", pdf), 404);
    assertProblem(api.get("/v1/sessions/" + nowhere + "/documents", admin), 404);
    assertProblem(api.get("/v1/sessions/" + nowhere + "/documents/" + id(stored), admin), 404);
    assertProblem(api.get(documents + "/" + unique("doc"), s.student()), 404);
    // A document is found only through its own session, even by someone who may read both.
    assertProblem(api.get("/v1/sessions/" + other.id() + "/documents/" + id(stored), admin), 404);
    assertProblem(api.get("/v1/sessions/" + other.id() + "/documents/" + id(stored), other.student()), 404);

    assertBadField(api.get("/v1/sessions/bad%20id!/documents", admin), "id");
    assertBadField(api.get(documents + "/bad%20id!", admin), "documentId");
    assertProblem(api.send("PUT", documents, s.student(), "{}"), 405);
    assertProblem(api.send("DELETE", download, s.student(), null), 405);

    assertThat(list(s.id(), s.student()).findValuesAsText("documentId")).containsExactly(id(stored));
    assertThat(list(other.id(), other.student())).isEmpty();
  }

  @Test
  void aSessionTakesDocumentsOnlyOnceMatchedAndNotOnceCancelled() {
    String studentId = unique("student");
    String student = student(studentId);
    Reply requested = api.post("/v1/instant-requests", student, instantJson("history", "adult", "sv", 5000, 30));
    assertThat(requested.status()).as(requested.body()).isEqualTo(202);
    String matching = requested.json().get("sessionId").asText();
    assertThat(api.get("/v1/sessions/" + matching, student).json().get("status").asText()).isEqualTo("MATCHING");

    Reply early = upload(matching, student, "application/pdf", "early.pdf", pdf(100));
    assertProblem(early, 409);
    assertThat(early.json().get("detail").asText()).contains("MATCHING");
    assertThat(list(matching, student)).isEmpty();
    assertThat(api.post("/v1/sessions/" + matching + "/cancel", student, null).status()).isEqualTo(200);
    assertProblem(upload(matching, student, "application/pdf", "late.pdf", pdf(100)), 409);

    Session s = matchedSession();
    byte[] pdf = pdf(5000);
    JsonNode stored = created(upload(s.id(), s.student(), "application/pdf", "before.pdf", pdf));
    assertThat(api.post("/v1/sessions/" + s.id() + "/cancel", s.tutor(), null).status()).isEqualTo(200);

    Reply afterCancel = upload(s.id(), s.tutor(), "application/pdf", "after.pdf", pdf);
    assertProblem(afterCancel, 409);
    assertThat(afterCancel.json().get("detail").asText()).contains("CANCELLED");
    // What was stored before stays readable.
    assertThat(list(s.id(), s.student()).findValuesAsText("documentId")).containsExactly(id(stored));
    assertDownload(s.id(), stored, s.tutor(), pdf, "application/pdf", "attachment; filename=\"before.pdf\"");
  }

  @Test
  void aUtf8NameComesBackExactly() throws IOException {
    Session s = matchedSession();
    String name = "r\u00e9sum\u00e9 \u6570\u5b66.txt"; // résumé 数学.txt
    byte[] text = "bonjour".getBytes(StandardCharsets.UTF_8);
    // java.net.http sends header values as ISO-8859-1; a browser sends UTF-8, as here.
    try (Socket socket = new Socket("127.0.0.1", node.httpPort())) {
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.write(("POST /v1/sessions/" + s.id() + "/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
          + "Authorization: Bearer " + s.student() + "\r\nContent-Type: text/plain\r\nContent-Length: " + text.length + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      request.write(("X-Filename: " + name + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      request.write(text);
      socket.getOutputStream().write(request.toByteArray());
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 201 ");
      JsonNode stored = MAPPER.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
      assertThat(stored.get("filename").asText()).isEqualTo(name);

      assertDownload(s.id(), stored, s.tutor(), text, "text/plain",
          "attachment; filename=\"r_sum_ __.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E6%95%B0%E5%AD%A6.txt");
      assertThat(list(s.id(), s.tutor()).findValuesAsText("filename")).containsExactly(name);
    }
  }

  @Test
  void theOpenApiDocumentDescribesTheDocumentRoutes() {
    JsonNode paths = api.get("/openapi.json", null).json().get("paths");
    assertThat(paths.get("/v1/sessions/{id}/documents").has("get")).isTrue();
    assertThat(paths.get("/v1/sessions/{id}/documents").has("post")).isTrue();
    assertThat(paths.get("/v1/sessions/{id}/documents/{documentId}").has("get")).isTrue();
  }

  // --- a matched session of its own for every test ---

  /** A session and its participants' ids and tokens. */
  private record Session(String id, String studentId, String student, String tutorId, String tutor) {}

  /** A new student and a new tutor, matched: a MATCHED session. */
  private static Session matchedSession() {
    String tutorId = unique("tutor");
    String tutor = api.token(tutorId, "tutor");
    Reply profile = api.put("/v1/tutors/" + tutorId, tutor, tutorJson("Rosalind", "biology", List.of("university"), List.of("pt"), 3000));
    assertThat(profile.status()).as(profile.body()).isEqualTo(200);
    String studentId = unique("student");
    String student = student(studentId);
    try (TutorPresence presence = TutorPresence.connect(node, tutorId)) {
      Reply requested = api.post("/v1/instant-requests", student, instantJson("biology", "university", "pt", 5000, 30));
      assertThat(requested.status()).as(requested.body()).isEqualTo(202);
      String sessionId = requested.json().get("sessionId").asText();
      TutorEntity.OfferMade offer = presence.socket().expectMessageClass(TutorEntity.OfferMade.class, TIMEOUT);
      assertThat(offer.offer().sessionId()).isEqualTo(sessionId);
      SessionEntity.SessionSummary matched = ClusterSharding.get(node.system())
          .entityRefFor(SessionEntity.ENTITY_KEY, sessionId)
          .<SessionEntity.SessionSummary>askWithStatus(r -> new SessionEntity.AcceptOffer(offer.offer().offerId(), tutorId, r), TIMEOUT)
          .toCompletableFuture()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(matched.status()).isEqualTo(SessionEntity.Status.MATCHED);
      return new Session(sessionId, studentId, student, tutorId, tutor);
    } catch (Exception e) {
      throw new IllegalStateException("could not match a session", e);
    }
  }

  private static String student(String id) {
    String token = api.token(id, "student");
    Reply created = api.put("/v1/students/" + id, token, studentJson("Gregor"));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    Funding.fund(api, id, token);
    return token;
  }

  // --- HTTP with bytes and headers ---

  private static Reply upload(String sessionId, String token, String contentType, String filename, byte[] body) {
    HttpRequest.Builder request = uploadRequest(sessionId, token, contentType, filename);
    return send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** An upload that announces {@code contentLength} bytes and sends none: the answer to its headers. */
  private static Reply headersOnlyUpload(String sessionId, String token, String contentType, String filename, long contentLength) {
    try (Socket socket = new Socket("127.0.0.1", node.httpPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("POST /v1/sessions/" + sessionId + "/documents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Connection: close\r\nAuthorization: Bearer " + token + "\r\nContent-Type: " + contentType + "\r\n"
          + "X-Filename: " + filename + "\r\nContent-Length: " + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      java.io.InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("closed before the response's headers ended: " + head.toString(StandardCharsets.ISO_8859_1));
        }
        head.write(b);
      }
      List<String> lines = head.toString(StandardCharsets.ISO_8859_1).lines().toList();
      int status = Integer.parseInt(lines.get(0).split(" ")[1]);
      String type = header(lines, "content-type");
      byte[] body = in.readNBytes(Integer.parseInt(header(lines, "content-length")));
      return new Reply(status, type, new String(body, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String header(List<String> lines, String name) {
    return lines.stream()
        .filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith(name + ":"))
        .map(line -> line.substring(line.indexOf(':') + 1).trim())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + lines));
  }

  private static HttpRequest.Builder uploadRequest(String sessionId, String token, String contentType, String filename) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri("/v1/sessions/" + sessionId + "/documents")).timeout(Duration.ofSeconds(60));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (filename != null) {
      request.header("X-Filename", filename);
    }
    return request;
  }

  private static Reply send(HttpRequest.Builder request) {
    HttpResponse<byte[]> response = exchange(request.build());
    return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), new String(response.body(), StandardCharsets.UTF_8));
  }

  private static HttpResponse<byte[]> exchange(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + node.httpPort() + path);
  }

  private static JsonNode created(Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    assertThat(reply.contentType()).startsWith("application/json");
    JsonNode stored = reply.json();
    assertThat(stored.get("documentId").asText()).matches("[A-Za-z0-9_-]{1,64}");
    return stored;
  }

  private static JsonNode list(String sessionId, String token) {
    Reply reply = api.get("/v1/sessions/" + sessionId + "/documents", token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("items");
  }

  private static void assertDownload(String sessionId, JsonNode stored, String token, byte[] expected, String contentType, String disposition) {
    HttpResponse<byte[]> response = exchange(HttpRequest.newBuilder(uri("/v1/sessions/" + sessionId + "/documents/" + id(stored)))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + token)
        .GET()
        .build());
    assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(contentType);
    assertThat(response.headers().firstValue("Content-Disposition")).hasValue(disposition);
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(response.body()).hasSize(expected.length);
    assertThat(sha256(response.body())).isEqualTo(sha256(expected));
    assertThat(response.body()).isEqualTo(expected);
  }

  /** Every document id that has chunks in Cassandra (a full scan: test data only). */
  private static Set<String> documentsWithChunks() {
    return SharedCassandra.get().session()
        .execute("SELECT DISTINCT document_id FROM " + SharedCassandra.KEYSPACE + ".document_chunks")
        .all()
        .stream()
        .map(row -> row.getString("document_id"))
        .collect(Collectors.toSet());
  }

  private static String id(JsonNode stored) {
    return stored.get("documentId").asText();
  }

  // --- file contents ---

  private static byte[] pdf(int size) {
    return randomBytes(size, "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] png(int size) {
    return randomBytes(size, (byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G', (byte) 0x0D, (byte) 0x0A, (byte) 0x1A, (byte) 0x0A);
  }

  private static byte[] randomBytes(int size, byte... header) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    System.arraycopy(header, 0, bytes, 0, Math.min(header.length, size));
    return bytes;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
