package io.tutormesh.persistence.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationSettingsTest {

  private static Config withDefaults(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void defaultsFromReferenceConf() {
    NotificationSettings settings = NotificationSettings.fromConfig(withDefaults(""));

    assertThat(settings.enabled()).isTrue();
    assertThat(settings.reminderOffsets()).containsExactly(Duration.ofHours(24), Duration.ofMinutes(15));
    assertThat(settings.outbox().name()).isEqualTo("main");
    assertThat(settings.outbox().backoff().delayAfter(1)).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.outbox().backoff().maxAttempts()).isEqualTo(8);
    assertThat(settings.smtp()).as("no SMTP host: e-mails go to the log").isNull();
    assertThat(settings.outbox().lease()).isGreaterThan(settings.sendTimeout());
  }

  @Test
  void anSmtpHostMakesTheEmailChannelSmtp() {
    NotificationSettings settings = NotificationSettings.fromConfig(withDefaults(
        "tutormesh.notifications.smtp.host = \"mail.example.com\""));

    assertThat(settings.smtp().host()).isEqualTo("mail.example.com");
    assertThat(settings.smtp().port()).isEqualTo(25);
    assertThat(settings.smtp().authenticates()).isFalse();
  }

  @Test
  void overridden() {
    NotificationSettings settings = NotificationSettings.fromConfig(withDefaults("""
        tutormesh.notifications {
          reminder-offsets = [2h]
          smtp { host = "mail.example.com", port = 587, username = "u", password = "secret", starttls = true }
        }
        """));

    assertThat(settings.reminderOffsets()).isEqualTo(List.of(Duration.ofHours(2)));
    assertThat(settings.smtp().authenticates()).isTrue();
    assertThat(settings.smtp().toString()).contains("mail.example.com:587").doesNotContain("secret");
  }

  @Test
  void refusesALeaseShorterThanASendAndOtherNonsense() {
    assertThatThrownBy(() -> NotificationSettings.fromConfig(withDefaults("""
        tutormesh.notifications { send-timeout = 5m, outbox.lease = 1m }
        """))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
    assertThatThrownBy(() -> NotificationSettings.fromConfig(withDefaults(
        "tutormesh.notifications.reminder-offsets = [0s]"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NotificationSettings.fromConfig(withDefaults(
        "tutormesh.notifications.smtp { host = \"mail.example.com\", port = 0 }"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NotificationSettings.fromConfig(withDefaults(
        "tutormesh.notifications.outbox.name = \"bad-name\""))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NotificationSettings.fromConfig(withDefaults(
        "tutormesh.notifications.batch-size = 0"))).isInstanceOf(IllegalArgumentException.class);
  }
}
