package dev.magpie.session;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionTermsTest {
    @Test
    void packingKeepsTimeToTheMillisecondKeepAliveAndCleanStart() {
        ConnectionTerms t = new ConnectionTerms(Instant.parse("2026-12-02T07:55:01.123Z"), 65535, true);
        assertThat(ConnectionTerms.unpack(t.pack())).isEqualTo(t);
        ConnectionTerms u = new ConnectionTerms(Instant.parse("2399-01-01T00:00:00Z"), 0, false);
        assertThat(ConnectionTerms.unpack(u.pack())).isEqualTo(u);
        assertThat(ConnectionTerms.unpack(0)).isNull();
    }
}
