package io.tutormesh.persistence.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tutormesh.persistence.notifications.Notification.Channel;
import io.tutormesh.persistence.notifications.Notification.Recipient;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NotificationTest {

  private static final Instant AT = Instant.parse("2030-03-01T10:00:00.123456Z");
  private static final Recipient ANNA = new Recipient("st-1", Channel.EMAIL, "anna@example.com");

  @Test
  void idIsDerivedFromWhatTheNotificationIsAbout() {
    Notification reminder = Notification.of("s-42", "reminder", "PT15M", ANNA, "Soon", "Body", AT);
    Notification again = Notification.of("s-42", "reminder", "PT15M", ANNA, "Other text", "Other", AT.plusSeconds(9));

    assertThat(reminder.id()).isEqualTo("s-42:reminder:PT15M:st-1:EMAIL").isEqualTo(again.id());
    assertThat(Notification.of("s-42", "matched", null, ANNA, "S", "B", AT).id()).isEqualTo("s-42:matched:st-1:EMAIL");
    assertThat(Notification.id("s-42", "reminder", "PT15M", new Recipient("st-1", Channel.SMS, "+33612345678")))
        .isEqualTo("s-42:reminder:PT15M:st-1:SMS");
    assertThat(Notification.id("s-42", "reminder", "PT24H", ANNA)).isNotEqualTo(reminder.id());
  }

  @Test
  void dueTimeIsKeptToTheMillisecondAsCassandraStoresIt() {
    assertThat(Notification.of("s-1", "k", null, ANNA, "S", "B", AT).dueAt())
        .isEqualTo(Instant.parse("2030-03-01T10:00:00.123Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "anna", "anna@", "@example.com", "a b@example.com", "anna@example.com\r\nBcc: x@y.z",
      "<anna@example.com>"})
  void refusesWhatIsNotAnEmailAddress(String address) {
    assertThatThrownBy(() -> new Recipient("st-1", Channel.EMAIL, address)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "12345", "+33 6 12 34 56 78", "+3361234567890123", "phone"})
  void refusesWhatIsNotAPhoneNumber(String number) {
    assertThatThrownBy(() -> new Recipient("st-1", Channel.SMS, number)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesBadFields() {
    assertThatThrownBy(() -> Notification.of("s:1", "k", null, ANNA, "S", "B", AT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groupKey");
    assertThatThrownBy(() -> Notification.of("s-1", "", null, ANNA, "S", "B", AT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind");
    assertThatThrownBy(() -> Notification.of("s-1", "k", "a:b", ANNA, "S", "B", AT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qualifier");
    assertThatThrownBy(() -> Notification.of("s-1", "k", null, ANNA, "Hi\r\nBcc: x@y.z", "B", AT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subject");
    assertThatThrownBy(() -> Notification.of("s-1", "k", null, ANNA, "S", " ", AT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("body");
    assertThatThrownBy(() -> Notification.of("s-1", "k", null, ANNA, "S", "x".repeat(Notification.MAX_BODY + 1), AT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("body");
    assertThatThrownBy(() -> Notification.of("s-1", "k", null, ANNA, "S", "B", null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Notification("id", "g", "k", Channel.SMS, "anna@example.com", "S", "B", AT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SMS");
  }
}
