package io.tutormesh.persistence.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.tutormesh.engine.money.ProviderResult;
import io.tutormesh.engine.session.SessionEntity.TutorMatched;
import io.tutormesh.engine.tutor.TutorEntity.PayoutSettled;
import io.tutormesh.persistence.notifications.Notification.Channel;
import io.tutormesh.persistence.notifications.Notification.Recipient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoticesTest {

  private static final Instant NOW = Instant.parse("2030-03-01T08:00:00Z");
  private static final Instant START = Instant.parse("2030-03-02T10:00:00Z");
  private static final Recipient STUDENT = new Recipient("st-1", Channel.EMAIL, "anna@example.com");
  private static final Recipient TUTOR = new Recipient("tu-1", Channel.SMS, "+33612345678");

  @Test
  void aBookingsConfirmationAndRemindersShareTheSessionsGroup() {
    ReminderPlan plan = ReminderPlan.of("s-1", START, List.of(Duration.ofHours(24), Duration.ofMinutes(15)), NOW);

    Notification confirmation = Notices.bookingConfirmed("s-1", "math", START, 60, STUDENT, NOW);
    List<Notification> reminders = Notices.reminders(plan, "math", STUDENT);

    assertThat(confirmation.dueAt()).isEqualTo(NOW);
    assertThat(confirmation.id()).isEqualTo("s-1:booking-confirmed:st-1:EMAIL");
    assertThat(reminders).extracting(Notification::id)
        .containsExactly("s-1:reminder:PT24H:st-1:EMAIL", "s-1:reminder:PT15M:st-1:EMAIL");
    assertThat(reminders).extracting(Notification::dueAt)
        .containsExactly(Instant.parse("2030-03-01T10:00:00Z"), Instant.parse("2030-03-02T09:45:00Z"));
    assertThat(reminders).allSatisfy(r -> assertThat(r.subject()).contains("math").contains(START.toString()));
    assertThat(reminders).extracting(Notification::groupKey).containsOnly(confirmation.groupKey());
  }

  @Test
  void theCancellationNoticeIsOutsideTheGroupItCancels() {
    Notification cancelled = Notices.cancelled("s-1", START, TUTOR, NOW);

    assertThat(cancelled.groupKey()).isNotEqualTo(Notices.sessionGroup("s-1")).isEqualTo("s-1/cancelled");
    assertThat(cancelled.channel()).isEqualTo(Channel.SMS);
    assertThat(cancelled.dueAt()).isEqualTo(NOW);
  }

  @Test
  void matchNoticeFromTheEvent() {
    Notification matched = Notices.matched(new TutorMatched("s-9", "tu-1", "o-1", 3000, NOW), STUDENT);

    assertThat(matched.id()).isEqualTo("s-9:matched:st-1:EMAIL");
    assertThat(matched.body()).contains("tu-1");
    assertThat(matched.dueAt()).isEqualTo(NOW);
  }

  @Test
  void payoutNoticeSaysWhetherTheMoneyWent() {
    PayoutSettled paid = new PayoutSettled("tu-1", "po-7", 12345,
        new ProviderResult(ProviderResult.Outcome.SUCCEEDED, "ref", null), NOW);
    PayoutSettled failed = new PayoutSettled("tu-1", "po-8", 500,
        new ProviderResult(ProviderResult.Outcome.FAILED, null, "bank down"), NOW);

    Notification ok = Notices.payout(paid, "EUR", TUTOR);
    Notification ko = Notices.payout(failed, "EUR", TUTOR);

    assertThat(ok.id()).isEqualTo("payout-po-7:payout:paid:tu-1:SMS");
    assertThat(ok.subject()).isEqualTo("Payout sent: 123.45 EUR");
    assertThat(ko.subject()).isEqualTo("Payout failed: 5.00 EUR");
    assertThat(ko.body()).contains("available again");
  }
}
