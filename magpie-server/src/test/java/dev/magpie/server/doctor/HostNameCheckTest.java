package dev.magpie.server.doctor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 6125 section 6.4 name matching, as phones and browsers do it. */
class HostNameCheckTest {

    @Test
    void exactNamesMatchCaseInsensitivelyAndIgnoreATrailingDot() {
        assertThat(HostNameCheck.matches("mqtt.example.com", "MQTT.example.com")).isTrue();
        assertThat(HostNameCheck.matches("mqtt.example.com.", "mqtt.example.com")).isTrue();
        assertThat(HostNameCheck.matches("mqtt.example.com", "example.com")).isFalse();
    }

    @Test
    void aWildcardStandsForExactlyOneLeftmostLabel() {
        assertThat(HostNameCheck.matches("*.example.com", "mqtt.example.com")).isTrue();
        assertThat(HostNameCheck.matches("*.example.com", "example.com")).isFalse();
        assertThat(HostNameCheck.matches("*.example.com", "a.mqtt.example.com")).isFalse();
        assertThat(HostNameCheck.matches("*.com", "example.com")).isFalse(); // not for a whole top-level domain
        assertThat(HostNameCheck.matches("m*.example.com", "mqtt.example.com")).isFalse(); // partial wildcards: no
    }
}
