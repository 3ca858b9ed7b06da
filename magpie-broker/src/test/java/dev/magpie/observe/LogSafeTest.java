package dev.magpie.observe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The one rule for characters that could forge log lines (CWE-117), and their escaping. */
class LogSafeTest {

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(ints = {0x00, 0x01, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9B, 0x9F, 0x2028, 0x2029, 0x200E, 0x202E, 0x2066, 0x2069})
    void controlsSeparatorsAndBidiFormattingAreUnsafe(int c) {
        assertThat(LogSafe.isUnsafe((char) c)).isTrue();
        assertThat(LogSafe.firstUnsafe("ab" + (char) c)).isEqualTo(2);
    }

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(ints = {0x20, 'a', '~', '#', '+', '/', '\\', 0xA0, 0xE9, 0x4E2D, 0x2027, 0x202F})
    void printableTextIsSafe(int c) {
        assertThat(LogSafe.isUnsafe((char) c)).isFalse();
    }

    @Test
    void aForgedLogLineStaysOnOneLine() {
        String forged = "x\n2026-12-01 22:00:00 INFO ConnectGate - admin connected\r\u001b[2J";
        String escaped = LogSafe.text(forged);
        assertThat(escaped).doesNotContain("\n", "\r", "\u001b")
                .isEqualTo("x\\n2026-12-01 22:00:00 INFO ConnectGate - admin connected\\r\\u001B[2J");
    }

    @Test
    void aBackslashIsDoubledSoAnEscapeCannotBeFaked() {
        assertThat(LogSafe.text("a\\nb")).isEqualTo("a\\\\nb");
        assertThat(LogSafe.text("a\nb")).isNotEqualTo(LogSafe.text("a\\nb"));
    }

    @Test
    void cleanTextIsReturnedAsItIs() {
        String clean = "sensors/kitchen/température";
        assertThat(LogSafe.text(clean)).isSameAs(clean);
        assertThat(LogSafe.text(null)).isEqualTo("null");
        assertThat(LogSafe.firstUnsafe(null)).isEqualTo(-1);
        assertThat(LogSafe.codePoint("a\u0085", 1)).isEqualTo("U+0085");
    }
}
