package io.tutormesh.gateway.session;

import io.tutormesh.engine.session.SessionEntity.Status;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.MediaType;

/** What a session document may be, and how its name goes back on the wire; no I/O here. */
final class DocumentRules {

  /** API.md: documents are at most 10 MiB (else 413). */
  static final long MAX_BYTES = 10L * 1024 * 1024;

  /** API.md: the media types a document may have (else 415). */
  static final Set<String> MEDIA_TYPES = Set.of("application/pdf", "image/png", "image/jpeg", "text/plain");

  /** A session takes documents once it has a tutor, and keeps taking them after it ended normally. */
  static final Set<Status> UPLOADABLE = EnumSet.of(Status.MATCHED, Status.BOOKED, Status.LIVE, Status.COMPLETED, Status.DISPUTED);

  static final int MAX_FILENAME_CHARS = 255;

  private static final String ATTR_CHARS = "!#$&+-.^_`|~";

  private DocumentRules() {}

  /** Why `filename` (the `X-Filename` header) is refused, or empty when it is fine. */
  static Optional<String> filenameProblem(String filename) {
    if (filename == null || filename.isEmpty()) {
      return Optional.of("is required: the document's file name, 1-" + MAX_FILENAME_CHARS + " characters");
    }
    if (filename.codePointCount(0, filename.length()) > MAX_FILENAME_CHARS) {
      return Optional.of("must be at most " + MAX_FILENAME_CHARS + " characters");
    }
    for (int i = 0; i < filename.length(); ) {
      int c = filename.codePointAt(i);
      int type = Character.getType(c);
      if (type == Character.CONTROL
          || type == Character.FORMAT
          || type == Character.SURROGATE
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR) {
        return Optional.of("must not contain control characters");
      }
      if (c == '/' || c == '\\') {
        return Optional.of("must be a file name, without '/' or '\\'");
      }
      i += Character.charCount(c);
    }
    if (filename.equals(".") || filename.equals("..")) {
      return Optional.of("must be a file name, not '" + filename + "'");
    }
    return Optional.empty();
  }

  /**
   * The Content-Type a document is stored and served with (its media type, and its charset if it
   * has one: `text/plain; charset=UTF-8`), or empty when the media type is not allowed.
   */
  static Optional<String> storedContentType(ContentType contentType) {
    MediaType media = contentType.mediaType();
    String essence = (media.mainType() + "/" + media.subType()).toLowerCase(Locale.ROOT);
    if (!MEDIA_TYPES.contains(essence)) {
      return Optional.empty();
    }
    return Optional.of(contentType.getCharsetOption().map(charset -> essence + "; charset=" + charset.value()).orElse(essence));
  }

  /**
   * `attachment` with the name as an ASCII quoted string (other characters, `"` and `\` replaced by
   * `_`) and, when that is not the name itself, the exact name as RFC 8187 UTF-8 (`filename*`).
   */
  static String contentDisposition(String filename) {
    StringBuilder ascii = new StringBuilder(filename.length());
    filename.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? (char) c : '_'));
    String value = "attachment; filename=\"" + ascii + "\"";
    return ascii.toString().equals(filename) ? value : value + "; filename*=UTF-8''" + percentEncoded(filename);
  }

  private static String percentEncoded(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (c < 0x80 && (Character.isLetterOrDigit(c) || ATTR_CHARS.indexOf(c) >= 0)) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }
}
