package io.tutormesh.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.junit.jupiter.api.Test;

/** Names, types and the download header of session documents; no node needed. */
class DocumentRulesTest {

  @Test
  void aFilenameIsOneTo255CharactersWithoutControlsOrSlashes() {
    for (String fine : new String[] {"a", "homework 1.pdf", "résumé.pdf", "数学.txt", "x".repeat(255), "😀".repeat(255), "..hidden", "a\"b'c.txt"}) {
      assertThat(DocumentRules.filenameProblem(fine)).as(fine).isEmpty();
    }
    for (String bad : new String[] {
        null, "", "x".repeat(256), "😀".repeat(256), "a/b.pdf", "a\\b.pdf", "tab\t.pdf", "nl\n.pdf", "del\u007f.pdf",
        "c1\u0085.pdf", "rlo\u202egpj.exe", "zw\u200b.pdf", "ls\u2028.pdf", "half\ud800.pdf", ".", ".."}) {
      assertThat(DocumentRules.filenameProblem(bad)).as(String.valueOf(bad)).isPresent();
    }
  }

  @Test
  void onlyTheFourMediaTypesAreStoredWithTheirCharset() {
    assertThat(DocumentRules.storedContentType(ContentTypes.parse("application/pdf"))).hasValue("application/pdf");
    assertThat(DocumentRules.storedContentType(ContentTypes.parse("IMAGE/PNG"))).hasValue("image/png");
    assertThat(DocumentRules.storedContentType(ContentTypes.parse("image/jpeg"))).hasValue("image/jpeg");
    assertThat(DocumentRules.storedContentType(ContentTypes.parse("text/plain"))).hasValue("text/plain");
    assertThat(DocumentRules.storedContentType(ContentTypes.parse("text/plain; charset=utf-8"))).hasValue("text/plain; charset=UTF-8");
    assertThat(DocumentRules.storedContentType(ContentTypes.parse("application/pdf; version=1.7"))).hasValue("application/pdf");
    for (String refused : new String[] {"application/zip", "text/html", "image/gif", "application/octet-stream", "image/svg+xml", "text/plain-x"}) {
      assertThat(DocumentRules.storedContentType(ContentTypes.parse(refused))).as(refused).isEmpty();
    }
  }

  @Test
  void theDownloadNameIsQuotedSafelyAndKeptExactInUtf8() {
    assertThat(DocumentRules.contentDisposition("homework 1.pdf")).isEqualTo("attachment; filename=\"homework 1.pdf\"");
    assertThat(DocumentRules.contentDisposition("say \"hi\"\\.txt"))
        .isEqualTo("attachment; filename=\"say _hi__.txt\"; filename*=UTF-8''say%20%22hi%22%5C.txt");
    assertThat(DocumentRules.contentDisposition("résumé.pdf"))
        .isEqualTo("attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
    assertThat(DocumentRules.contentDisposition("😀.png")).isEqualTo("attachment; filename=\"_.png\"; filename*=UTF-8''%F0%9F%98%80.png");
  }
}
