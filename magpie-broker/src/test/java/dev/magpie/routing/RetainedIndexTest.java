package dev.magpie.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetainedIndexTest {

    private final RetainedIndex<String> index = new RetainedIndex<>();

    private List<String> topicsMatching(String filter) {
        List<String> out = new ArrayList<>();
        index.match(filter, (topic, value) -> out.add(topic));
        return out;
    }

    private void retain(String... topics) {
        for (String topic : topics) {
            index.put(topic, "m:" + topic);
        }
    }

    @Test
    void putGetRemove() {
        assertThat(index.put("a/b", "1")).isNull();
        assertThat(index.put("a/b", "2")).isEqualTo("1");
        assertThat(index.get("a/b")).isEqualTo("2");
        assertThat(index.get("a")).isNull();
        assertThat(index.get("a/b/c")).isNull();
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.remove("a")).isNull();
        assertThat(index.remove("a/b")).isEqualTo("2");
        assertThat(index.remove("a/b")).isNull();
        assertThat(index.size()).isZero();
        assertThat(index.nodeCount()).isEqualTo(1);
    }

    @Test
    void exactFilterFindsOneTopic() {
        retain("sport/tennis", "sport/tennis/player1");
        assertThat(topicsMatching("sport/tennis")).containsExactly("sport/tennis");
        assertThat(topicsMatching("sport")).isEmpty();
    }

    @Test
    void multiLevelWildcardFindsParentAndSubtree_MQTT_4_7_1_2() {
        retain("sport", "sport/tennis", "sport/tennis/player1", "sport/", "sports", "other");
        assertThat(topicsMatching("sport/#"))
                .containsExactlyInAnyOrder("sport", "sport/tennis", "sport/tennis/player1", "sport/");
        assertThat(topicsMatching("sport/tennis/#")).containsExactlyInAnyOrder("sport/tennis", "sport/tennis/player1");
        assertThat(topicsMatching("#")).hasSize(6);
    }

    @Test
    void singleLevelWildcardFindsOneLevel_MQTT_4_7_1_3() {
        retain("sport/tennis", "sport/golf", "sport/", "sport", "sport/tennis/player1", "/finance", "finance");
        assertThat(topicsMatching("sport/+")).containsExactlyInAnyOrder("sport/tennis", "sport/golf", "sport/");
        assertThat(topicsMatching("+/+")).containsExactlyInAnyOrder("sport/tennis", "sport/golf", "sport/", "/finance");
        assertThat(topicsMatching("/+")).containsExactly("/finance");
        assertThat(topicsMatching("+")).containsExactlyInAnyOrder("sport", "finance");
        assertThat(topicsMatching("+/tennis/#")).containsExactlyInAnyOrder("sport/tennis", "sport/tennis/player1");
    }

    @Test
    void leadingWildcardsSkipReservedTopics_MQTT_4_7_2_1() {
        retain("$SYS/broker/uptime", "$SYS", "a/$x", "a");
        assertThat(topicsMatching("#")).containsExactlyInAnyOrder("a/$x", "a");
        assertThat(topicsMatching("+/broker/uptime")).isEmpty();
        assertThat(topicsMatching("+")).containsExactly("a");
        assertThat(topicsMatching("a/+")).containsExactly("a/$x");
        assertThat(topicsMatching("$SYS/#")).containsExactlyInAnyOrder("$SYS", "$SYS/broker/uptime");
        assertThat(topicsMatching("$SYS/+/uptime")).containsExactly("$SYS/broker/uptime");
    }

    @Test
    void caseSensitiveAndEmptyLevels_MQTT_4_7_3_4() {
        retain("Accounts", "ACCOUNTS", "/a", "a//b", "a/b", "a/b/");
        assertThat(topicsMatching("Accounts")).containsExactly("Accounts");
        assertThat(topicsMatching("a/+/b")).containsExactly("a//b");
        assertThat(topicsMatching("+/a")).containsExactly("/a");
        assertThat(topicsMatching("a/b/+")).containsExactly("a/b/");
        assertThat(topicsMatching("a/b")).containsExactly("a/b");
    }

    @Test
    void deliversTopicWithItsValue() {
        retain("x/1", "x/2");
        List<String> pairs = new ArrayList<>();
        index.match("x/+", (topic, value) -> pairs.add(topic + "=" + value));
        assertThat(pairs).containsExactlyInAnyOrder("x/1=m:x/1", "x/2=m:x/2");
    }

    @Test
    void removalPrunesOnlyEmptyBranches() {
        retain("a", "a/b/c", "a/d");
        index.remove("a/b/c");
        assertThat(index.nodeCount()).isEqualTo(3); // root, a, d
        index.remove("a");
        assertThat(index.nodeCount()).isEqualTo(3);
        index.remove("a/d");
        assertThat(index.nodeCount()).isEqualTo(1);
    }
}
