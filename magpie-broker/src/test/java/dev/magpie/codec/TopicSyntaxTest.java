package dev.magpie.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicSyntaxTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "/", "a/b/c", "/a", "a/", "a//b", "$SYS/broker", "sport/tennis player1", "\u00e9t\u00e9/\ud83d\ude00"})
    void validTopicNames(String topic) {
        assertThat(TopicSyntax.isValidTopicName(topic)).isTrue();
        TopicSyntax.validateTopicName(topic);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/+", "+", "#", "a/#", "a+b", "a#", "a\u0000b", "\ud800", "a\udc00b"})
    void invalidTopicNames_MQTT_4_7_3_1_and_MQTT_3_3_2_2(String topic) {
        assertThat(TopicSyntax.isValidTopicName(topic)).isFalse();
        assertThatThrownBy(() -> TopicSyntax.validateTopicName(topic))
                .isInstanceOfSatisfying(MalformedPacketException.class,
                        e -> assertThat(e.reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID));
    }

    @Test
    void topicNameLengthIsCountedInUtf8Bytes_MQTT_4_7_3_3() {
        assertThat(TopicSyntax.isValidTopicName("a".repeat(65_535))).isTrue();
        assertThat(TopicSyntax.isValidTopicName("a".repeat(65_536))).isFalse();
        // 21845 three-byte characters = 65535 bytes; one more two-byte character goes over
        assertThat(TopicSyntax.isValidTopicName("\u20ac".repeat(21_845))).isTrue();
        assertThat(TopicSyntax.isValidTopicName("\u20ac".repeat(21_845) + "\u00e9")).isFalse();
        assertThat(TopicSyntax.isValidTopicFilter("a".repeat(65_536))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "+", "a/#", "a/+", "+/+", "/+", "+/", "a/+/b", "a/+/#", "/#", "$SYS/#", "a//b",
            "$share/group/a/b", "$share/g/#", "$share/g/+/x", "$share/g//", "$share", "$sharex/a"})
    void validTopicFilters(String filter) {
        assertThat(TopicSyntax.isValidTopicFilter(filter)).isTrue();
        TopicSyntax.validateTopicFilter(filter);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a#", "a/#/b", "#/a", "a/b#", "##", "a+", "+a", "a/+b", "a/b+/c", "++",
            "a\u0000", "$share/", "$share/g", "$share//a", "$share/g/", "$share/g+/a", "$share/#/a", "$share/g/a#"})
    void invalidTopicFilters_MQTT_4_7_1_2_and_MQTT_4_7_1_3_and_MQTT_4_8_2_1(String filter) {
        assertThat(TopicSyntax.isValidTopicFilter(filter)).isFalse();
        assertThatThrownBy(() -> TopicSyntax.validateTopicFilter(filter))
                .isInstanceOfSatisfying(MalformedPacketException.class,
                        e -> assertThat(e.reasonCode()).isEqualTo(ReasonCode.TOPIC_FILTER_INVALID));
    }

    @Test
    void sharedFilterIsRecognisedByPrefix() {
        assertThat(TopicSyntax.isShared("$share/g/a")).isTrue();
        assertThat(TopicSyntax.isShared("$share")).isFalse();
        assertThat(TopicSyntax.isShared("a/$share/g")).isFalse();
    }
}
