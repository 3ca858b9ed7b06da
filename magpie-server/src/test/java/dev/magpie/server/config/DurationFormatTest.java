package dev.magpie.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationFormatTest {

    @ParameterizedTest
    @CsvSource({"500ms, 500", "10s, 10000", "5m, 300000", "1h, 3600000", "1d, 86400000", "0s, 0", " 2s , 2000"})
    void parsesEveryUnit(String text, long millis) {
        assertThat(DurationFormat.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "10 s", "10sec", "1.5s", "-1s", "PT10S", "s", "", "1w"})
    void refusesAnythingElseAndShowsTheAcceptedForms(String text) {
        assertThatThrownBy(() -> DurationFormat.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "' is not a duration")
                .hasMessageContaining("500ms, 10s, 5m, 1h or 1d");
    }

    @ParameterizedTest
    @CsvSource({"86400000, 1d", "7200000, 2h", "90000, 90s", "1500, 1500ms", "300000, 5m", "0, 0s"})
    void formatsInTheLargestExactUnit(long millis, String text) {
        assertThat(DurationFormat.format(Duration.ofMillis(millis))).isEqualTo(text);
    }

    @Test
    void formatThenParseIsTheIdentity() {
        for (Duration d : new Duration[]{Duration.ofMillis(1), Duration.ofSeconds(61), Duration.ofDays(400)}) {
            assertThat(DurationFormat.parse(DurationFormat.format(d))).isEqualTo(d);
        }
    }
}
