package dev.magpie;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settings of failed-login throttling and the password-check queue (issue 10). */
class LoginLimitsTest {

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        LoginLimits d = LoginLimits.defaults();
        assertThat(d).isEqualTo(new LoginLimits(5, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10), 10_000, 64, 256, 0));
        assertThat(d.throttling()).isTrue();
        assertThat(d.threadCount()).isGreaterThanOrEqualTo(2);
        assertThat(d.toBuilder().threads(3).build().threadCount()).isEqualTo(3);
        assertThat(d.toBuilder().freeFailures(0).build().throttling()).isFalse();
    }

    @Test
    void nonsenseIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> LoginLimits.defaults().toBuilder().maxPending(0).build()).hasMessageContaining("maxPending must be >= 1");
        assertThatThrownBy(() -> LoginLimits.defaults().toBuilder().backoff(Duration.ZERO).build()).hasMessageContaining("backoff must be positive");
        assertThatThrownBy(() -> LoginLimits.defaults().toBuilder().backoff(Duration.ofMinutes(5)).build())
                .hasMessageContaining("maxBackoff").hasMessageContaining("must not be shorter than backoff");
        assertThatThrownBy(() -> LoginLimits.defaults().toBuilder().freeFailures(-1).build()).hasMessageContaining("freeFailures");
    }
}
