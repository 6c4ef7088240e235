package io.tutormesh.engine.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.tutormesh.engine.money.NoShowPolicy.Absent;
import io.tutormesh.engine.money.NoShowPolicy.Decision;
import org.junit.jupiter.api.Test;

class NoShowPolicyTest {

  @Test
  void anAbsentTutorRefundsEverythingAndGetsAStrike() {
    assertThat(NoShowPolicy.decide(Absent.TUTOR, 4500, 100)).isEqualTo(new Decision(Settlement.fullRefund(4500), true));
    assertThat(NoShowPolicy.decide(Absent.TUTOR, 4500, 0)).isEqualTo(new Decision(Settlement.fullRefund(4500), true));
  }

  @Test
  void anAbsentStudentPaysTheTutorItsShare() {
    assertThat(NoShowPolicy.decide(Absent.STUDENT, 4500, 100)).isEqualTo(new Decision(Settlement.allToTutor(4500), false));
    assertThat(NoShowPolicy.decide(Absent.STUDENT, 4501, 50)).isEqualTo(new Decision(new Settlement(2251, 2250), false));
    assertThat(NoShowPolicy.decide(Absent.STUDENT, 4500, 0)).isEqualTo(new Decision(Settlement.fullRefund(4500), false));
  }

  @Test
  void usesTheConfiguredShare() {
    assertThat(NoShowPolicy.decide(Absent.STUDENT, 1000, MoneySettingsTest.defaults()).settlement())
        .isEqualTo(Settlement.allToTutor(1000));
    MoneySettings lenient = MoneySettingsTest.settings("tutormesh.money.student-no-show-tutor-share-percent = 70");
    assertThat(NoShowPolicy.decide(Absent.STUDENT, 999, lenient).settlement()).isEqualTo(new Settlement(300, 699));
  }

  @Test
  void alwaysAddsUpToTheHold() {
    for (long held = 0; held < 2_000; held += 7) {
      for (int share = 0; share <= 100; share++) {
        for (Absent absent : Absent.values()) {
          if (NoShowPolicy.decide(absent, held, share).settlement().totalCents() != held) {
            fail("%s, %d held, %d %%", absent, held, share);
          }
        }
      }
    }
  }

  @Test
  void refusesBadInput() {
    assertThatThrownBy(() -> NoShowPolicy.decide(Absent.STUDENT, -1, 50)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NoShowPolicy.decide(Absent.STUDENT, 10, 101)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NoShowPolicy.decide(null, 10, 50)).isInstanceOf(NullPointerException.class);
  }
}
