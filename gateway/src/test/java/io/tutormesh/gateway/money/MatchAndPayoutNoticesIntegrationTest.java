package io.tutormesh.gateway.money;

import static io.tutormesh.gateway.money.Lessons.await;
import static io.tutormesh.gateway.money.Lessons.key;
import static io.tutormesh.gateway.money.Lessons.payoutJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.tutormesh.gateway.session.Fixtures;
import io.tutormesh.gateway.testing.Api.Reply;
import io.tutormesh.persistence.notifications.EmailChannel;
import io.tutormesh.persistence.notifications.Notices;
import io.tutormesh.persistence.notifications.Notification;
import io.tutormesh.persistence.notifications.Notification.Channel;
import io.tutormesh.persistence.notifications.Notification.Recipient;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The other notices on a real node, mailed to a real SMTP server (GreenMail): an instant match is
 * announced to its student (not to the tutor, who is in the room already), and a tutor's payout to
 * that tutor, through the ledger's projection of the tutors' events. Due at once: the node's
 * notifications run on the system clock here.
 */
class MatchAndPayoutNoticesIntegrationTest {

  private static final int SMTP_PORT = freePort();

  @RegisterExtension
  static final GreenMailExtension greenMail =
      new GreenMailExtension(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  private static Lessons lessons;

  @BeforeAll
  static void startNode() throws Exception {
    lessons = Lessons.start(Map.of(
        "tutormesh.money.dispute-window", "6s",
        "tutormesh.money.payout-delay-after-window", "0s",
        "tutormesh.notifications.enabled", true,
        "tutormesh.notifications.outbox.name", "it" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16),
        "tutormesh.notifications.poll-interval", "200ms",
        "tutormesh.notifications.smtp.host", "127.0.0.1",
        "tutormesh.notifications.smtp.port", SMTP_PORT));
  }

  @AfterAll
  static void stopNode() {
    if (lessons != null) {
      lessons.close();
    }
  }

  /** `json` (a JSON object) with an "email" field added. */
  private static String withEmail(String json, String email) {
    String object = json.trim();
    return object.substring(0, object.length() - 1) + ",\"email\":\"" + email + "\"}";
  }

  private static List<String> mailIds() {
    List<String> ids = new ArrayList<>();
    for (MimeMessage message : greenMail.getReceivedMessages()) {
      try {
        String[] header = message.getHeader(EmailChannel.ID_HEADER);
        if (header != null) {
          ids.add(header[0]);
        }
      } catch (MessagingException e) {
        throw new IllegalStateException(e);
      }
    }
    return ids;
  }

  @Test
  void theStudentHearsOfTheMatchAndTheTutorOfThePayout() throws Exception {
    Lessons.Student s = lessons.student();
    String studentEmail = s.id() + "@example.com";
    Reply student = lessons.api().put("/v1/students/" + s.id(), s.token(), withEmail(Fixtures.studentJson("Pia"), studentEmail));
    assertThat(student.status()).as(student.body()).isEqualTo(200);
    try (Lessons.Tutor t = lessons.tutor()) {
      String tutorEmail = t.id() + "@example.org";
      Reply tutor = lessons.api().put("/v1/tutors/" + t.id(), t.token(), withEmail(
          Fixtures.tutorJson("Emmy", "physics", List.of("high"), List.of(t.language()), Lessons.TUTOR_RATE), tutorEmail));
      assertThat(tutor.status()).as(tutor.body()).isEqualTo(200);

      String sessionId = lessons.completed(s, t);
      String matched = Notification.id(Notices.sessionGroup(sessionId), Notices.MATCHED, null,
          new Recipient(s.id(), Channel.EMAIL, studentEmail));
      await(MatchAndPayoutNoticesIntegrationTest::mailIds, ids -> ids.contains(matched), "match notice " + matched, Lessons.LEDGER_DEADLINE);
      assertThat(mailIds()).as("the tutor is not told of its own match")
          .noneMatch(id -> id.startsWith(sessionId + ":" + Notices.MATCHED + ":" + t.id()));

      await(() -> lessons.earnings(t), e -> e.get("availableCents").asLong() == Lessons.NET, "earnings available");
      Reply payout = lessons.payout(t.id(), t.token(), key(), payoutJson(Lessons.NET, "acct_ok"));
      assertThat(payout.status()).as(payout.body()).isEqualTo(201);
      String paid = ":" + Notices.PAYOUT + ":paid:" + t.id() + ":EMAIL";
      await(MatchAndPayoutNoticesIntegrationTest::mailIds, ids -> ids.stream().anyMatch(id -> id.startsWith("payout-") && id.endsWith(paid)),
          "payout notice to " + t.id(), Lessons.LEDGER_DEADLINE);
      MimeMessage notice = List.of(greenMail.getReceivedMessages()).stream()
          .filter(m -> subjectOf(m) != null && subjectOf(m).startsWith("Payout sent")).findFirst().orElseThrow();
      assertThat(notice.getAllRecipients()[0].toString()).isEqualTo(tutorEmail);
      assertThat(subjectOf(notice)).contains("5.02 EUR");
    }
  }

  private static String subjectOf(MimeMessage message) {
    try {
      return message.getSubject();
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
