package dev.magpie.security.acl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicFiltersTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "a/#     | a          | true",   // [MQTT-4.7.1-2] '#' includes the parent level
            "a/#     | a/b/c      | true",
            "a/+     | a/b        | true",
            "a/+     | a/b/c      | false",
            "a/+     | a          | false",
            "+/+     | /x         | true",   // empty levels are levels [MQTT-4.7.3-4]
            "#       | $SYS/x     | false",  // [MQTT-4.7.2-1]
            "+/x     | $SYS/x     | false",
            "$SYS/#  | $SYS/x     | true",
            "a/b     | a/b        | true",
            "a/b     | A/b        | false",
    })
    void matchesTopicNames(String filter, String topic, boolean expected) {
        assertThat(TopicFilters.matches(filter.strip(), topic.strip())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "rule {0} covers subscription {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "a/#     | a/#        | true",
            "a/b     | a/#        | false",   // a/# could match a/c
            "a/#     | a/+/c      | true",
            "a/+/c   | a/+/c      | true",
            "a/+/c   | a/b/c      | true",
            "a/b/c   | a/+/c      | false",
            "a/+     | a/#        | false",   // a/# matches a and a/b/c
            "a/#     | a          | true",
            "#       | #          | true",
            "+/#     | #          | true",    // both match every non-$ topic
            "+       | #          | false",
            "/+/#    | /#         | true",    // found by the property test: '/#' has no publishable parent
            "a/+/#   | a/+/#      | true",
            "#       | +/#        | true",
            "a/+/#   | a/#        | false",   // a/# matches a itself
            "#       | $SYS/#     | false",   // [MQTT-4.7.2-1]: '#' does not grant $SYS
            "+/#     | $SYS/x     | false",
            "$SYS/#  | $SYS/#     | true",
            "$SYS/#  | $SYS/+/x   | true",
            "/users/test/# | /users/+/x | false",
            "/users/test/# | /users/test/x | true",
    })
    void coversSubscriptionFilters(String rule, String subscription, boolean expected) {
        assertThat(TopicFilters.covers(rule.strip(), subscription.strip())).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/#/b", "a#", "a/b+", "+a/b", "#/a", "a/\u0000"})
    void malformedFiltersAreNamed(String filter) {
        assertThat(TopicFilters.problem(filter)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "+", "a/+/b", "a/#", "/", "//", "$SYS/#", "a b/c d", "%u/%c"})
    void wellFormedFiltersHaveNoProblem(String filter) {
        assertThat(TopicFilters.problem(filter)).isNull();
    }
}
