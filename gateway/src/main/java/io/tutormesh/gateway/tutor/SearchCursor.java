package io.tutormesh.gateway.tutor;

import io.tutormesh.engine.common.Ids;
import io.tutormesh.gateway.http.Problem;
import io.tutormesh.gateway.http.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;

/**
 * The opaque {@code cursor} of tutor search: where the next page starts (the last tutor id the
 * previous page looked at) and the subject it belongs to, base64url with a checksum. The checksum
 * catches a cursor that was edited or cut (400); it is not a secret, and it need not be: a forged
 * cursor can only point into the same public listing.
 */
public final class SearchCursor {

  private static final String VERSION = "1";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private SearchCursor() {}

  /** The cursor of a page that ends (exclusively) after {@code lastTutorId} of {@code subject}. */
  public static String encode(String subject, String lastTutorId) {
    String payload = VERSION + "|" + subject + "|" + lastTutorId;
    return ENCODER.encodeToString((payload + "|" + checksum(payload)).getBytes(StandardCharsets.UTF_8));
  }

  /** The last tutor id of the previous page, or a 400 naming {@code cursor}. */
  public static String decode(String cursor, String subject) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    String[] parts = text.split("\\|", -1);
    if (parts.length != 4 || !VERSION.equals(parts[0]) || !Ids.isValid(parts[2])) {
      throw invalid();
    }
    String payload = parts[0] + "|" + parts[1] + "|" + parts[2];
    if (!checksum(payload).equals(parts[3])) {
      throw invalid();
    }
    if (!parts[1].equals(subject)) {
      throw new ProblemException(Problem.badRequest("cursor", "belongs to a search of another subject; start again without a cursor"));
    }
    return parts[2];
  }

  private static ProblemException invalid() {
    return new ProblemException(Problem.badRequest("cursor", "is not a cursor this API returned (pass nextCursor unchanged)"));
  }

  private static String checksum(String payload) {
    CRC32 crc = new CRC32();
    crc.update(payload.getBytes(StandardCharsets.UTF_8));
    return Long.toHexString(crc.getValue());
  }
}
