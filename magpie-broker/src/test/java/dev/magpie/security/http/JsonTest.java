package dev.magpie.security.http;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {
    @Test
    void writtenStringsReadBackExactly() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("s", "quote\" back\\ nl\n tab\t ctl\u0001 é 😀");
        fields.put("n", 42);
        assertThat(Json.parse(Json.write(fields))).isEqualTo(Map.of("s", fields.get("s"), "n", 42.0));
    }

    @Test
    void readsNestedValues() {
        assertThat(Json.parse(" {\"a\": [1, true, null, {\"b\": \"\\u00e9\"}], \"c\": {}} "))
                .isEqualTo(Map.of("a", java.util.Arrays.asList(1.0, true, null, Map.of("b", "é")), "c", Map.of()));
    }

    @Test
    void refusesMalformedInputWithTheOffset() {
        for (String bad : List.of("", "{", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "tru", "\"open", "{} x", "01x", "\"\\x\"")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("malformed JSON at offset");
        }
    }

    @Test
    void refusesDeepNesting() {
        assertThatThrownBy(() -> Json.parse("[".repeat(100) + "]".repeat(100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested deeper");
    }
}
