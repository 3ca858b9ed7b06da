package dev.magpie.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionTreeTest {

    private final SubscriptionTree<Integer> tree = new SubscriptionTree<>();

    private List<String> matches(String topic) {
        List<String> out = new ArrayList<>();
        tree.match(topic, (client, filter, value) -> out.add(client + "@" + filter + "=" + value));
        return out;
    }

    private List<String> filtersMatching(String topic) {
        List<String> out = new ArrayList<>();
        tree.match(topic, (client, filter, value) -> out.add(filter));
        return out;
    }

    private void subscribe(String... filters) {
        for (String filter : filters) {
            tree.put(filter, "c", 1);
        }
    }

    @Test
    void exactFilterMatchesOnlyItsTopic() {
        subscribe("sport/tennis/player1");
        assertThat(filtersMatching("sport/tennis/player1")).containsExactly("sport/tennis/player1");
        assertThat(filtersMatching("sport/tennis")).isEmpty();
        assertThat(filtersMatching("sport/tennis/player1/ranking")).isEmpty();
    }

    @Test
    void multiLevelWildcardMatchesParentAndAllBelow_MQTT_4_7_1_2() {
        // [MQTT-4.7.1-2] "sport/tennis/player1/#" matches "sport/tennis/player1" and anything below it
        subscribe("sport/tennis/player1/#");
        assertThat(filtersMatching("sport/tennis/player1")).hasSize(1);
        assertThat(filtersMatching("sport/tennis/player1/ranking")).hasSize(1);
        assertThat(filtersMatching("sport/tennis/player1/score/wimbledon")).hasSize(1);
        assertThat(filtersMatching("sport/tennis")).isEmpty();
        assertThat(filtersMatching("sport/tennis/player2")).isEmpty();
    }

    @Test
    void sportHashMatchesSport_MQTT_4_7_1_2() {
        subscribe("sport/#");
        assertThat(filtersMatching("sport")).containsExactly("sport/#");
        assertThat(filtersMatching("sport/")).containsExactly("sport/#");
        assertThat(filtersMatching("sports")).isEmpty();
    }

    @Test
    void hashAloneMatchesEverythingNotReserved_MQTT_4_7_1_2() {
        subscribe("#");
        assertThat(filtersMatching("a")).hasSize(1);
        assertThat(filtersMatching("/")).hasSize(1);
        assertThat(filtersMatching("a/b/c/d")).hasSize(1);
    }

    @Test
    void singleLevelWildcardMatchesExactlyOneLevel_MQTT_4_7_1_3() {
        // [MQTT-4.7.1-3] "sport/tennis/+" matches "sport/tennis/player1" but not "sport/tennis/player1/ranking"
        subscribe("sport/tennis/+");
        assertThat(filtersMatching("sport/tennis/player1")).hasSize(1);
        assertThat(filtersMatching("sport/tennis/player2")).hasSize(1);
        assertThat(filtersMatching("sport/tennis/player1/ranking")).isEmpty();
        assertThat(filtersMatching("sport/tennis")).isEmpty();
    }

    @Test
    void singleLevelWildcardMatchesEmptyLevel_MQTT_4_7_1_3() {
        // "sport/+" does not match "sport" but does match "sport/"
        subscribe("sport/+");
        assertThat(filtersMatching("sport")).isEmpty();
        assertThat(filtersMatching("sport/")).hasSize(1);
        assertThat(filtersMatching("sport//")).isEmpty();
    }

    @Test
    void singleLevelWildcardAtFirstAndLastLevels_MQTT_4_7_1_3() {
        // "+/+" and "/+" match "/finance"; "+" does not
        subscribe("+/+", "/+", "+");
        assertThat(filtersMatching("/finance")).containsExactlyInAnyOrder("+/+", "/+");
        assertThat(filtersMatching("finance")).containsExactly("+");
        assertThat(filtersMatching("")).containsExactly("+");
    }

    @Test
    void wildcardsCombine_MQTT_4_7_1_3() {
        subscribe("+/tennis/#", "+/+/+", "sport/+/player1");
        assertThat(filtersMatching("sport/tennis/player1"))
                .containsExactlyInAnyOrder("+/tennis/#", "+/+/+", "sport/+/player1");
        assertThat(filtersMatching("sport/tennis")).containsExactly("+/tennis/#");
    }

    @Test
    void leadingWildcardsDoNotMatchReservedTopics_MQTT_4_7_2_1() {
        subscribe("#", "+/monitor/Clients", "+", "$SYS/#", "$SYS/monitor/+");
        // [MQTT-4.7.2-1] "#" does not match "$SYS/..."; "+/monitor/Clients" does not match "$SYS/monitor/Clients"
        assertThat(filtersMatching("$SYS/monitor/Clients")).containsExactlyInAnyOrder("$SYS/#", "$SYS/monitor/+");
        assertThat(filtersMatching("$SYS")).containsExactly("$SYS/#");
        assertThat(filtersMatching("$x")).isEmpty();
        // '$' elsewhere is an ordinary character
        assertThat(filtersMatching("a/$x")).containsExactly("#");
    }

    @Test
    void topicsAreCaseSensitive_MQTT_4_7_3_4() {
        // [MQTT-4.7.3-4] no normalisation: "ACCOUNTS" and "Accounts" are different topics
        subscribe("Accounts/payable");
        assertThat(filtersMatching("Accounts/payable")).hasSize(1);
        assertThat(filtersMatching("ACCOUNTS/payable")).isEmpty();
        assertThat(filtersMatching("accounts/Payable")).isEmpty();
    }

    @Test
    void emptyLevelsAreLevels_MQTT_4_7_3_4() {
        // "/a" has an empty first level; "a//b" an empty middle one; trailing '/' is a level too
        subscribe("/a", "a//b", "a/b/", "+/a");
        assertThat(filtersMatching("/a")).containsExactlyInAnyOrder("/a", "+/a");
        assertThat(filtersMatching("a")).isEmpty();
        assertThat(filtersMatching("a//b")).containsExactly("a//b");
        assertThat(filtersMatching("a/b")).isEmpty();
        assertThat(filtersMatching("a/b/")).containsExactly("a/b/");
    }

    @Test
    void overlappingFiltersOfOneClientAreReportedOncePerFilter() {
        tree.put("a/b", "c1", 1);
        tree.put("a/+", "c1", 2);
        tree.put("#", "c1", 3);
        tree.put("a/b", "c2", 4);
        assertThat(matches("a/b")).containsExactlyInAnyOrder("c1@a/b=1", "c1@a/+=2", "c1@#=3", "c2@a/b=4");
    }

    @Test
    void putReplacesAndReturnsPreviousValue() {
        assertThat(tree.put("a/b", "c1", 1)).isNull();
        assertThat(tree.put("a/b", "c1", 2)).isEqualTo(1);
        assertThat(tree.put("a/b", "c2", 3)).isNull();
        assertThat(tree.put("a/b", "c2", 4)).isEqualTo(3);
        assertThat(tree.size()).isEqualTo(2);
        assertThat(matches("a/b")).containsExactlyInAnyOrder("c1@a/b=2", "c2@a/b=4");
    }

    @Test
    void removeReturnsValueAndPrunesEmptyNodes() {
        tree.put("a/b/c", "c1", 1);
        tree.put("a/b/c", "c2", 2);
        tree.put("a/x", "c1", 3);
        assertThat(tree.remove("a/b/c", "c3")).isNull();
        assertThat(tree.remove("a/b/zz", "c1")).isNull();
        assertThat(tree.remove("a/b/c", "c1")).isEqualTo(1);
        assertThat(tree.remove("a/b/c", "c1")).isNull();
        assertThat(tree.nodeCount()).isEqualTo(5); // root, a, b, c, x
        assertThat(tree.remove("a/b/c", "c2")).isEqualTo(2);
        assertThat(tree.nodeCount()).isEqualTo(3); // root, a, x
        assertThat(tree.remove("a/x", "c1")).isEqualTo(3);
        assertThat(tree.nodeCount()).isEqualTo(1);
        assertThat(tree.isEmpty()).isTrue();
        assertThat(matches("a/b/c")).isEmpty();
    }

    @Test
    void interiorNodeWithSubscribersIsNotPruned() {
        tree.put("a", "c1", 1);
        tree.put("a/b", "c1", 2);
        tree.remove("a/b", "c1");
        assertThat(tree.nodeCount()).isEqualTo(2);
        assertThat(matches("a")).containsExactly("c1@a=1");
        tree.put("a/b", "c1", 3);
        tree.remove("a", "c1");
        assertThat(tree.nodeCount()).isEqualTo(3);
        assertThat(matches("a/b")).containsExactly("c1@a/b=3");
    }

    @Test
    void manyChildrenAndSubscribersSwitchToMapsAndBack() {
        for (int i = 0; i < 100; i++) {
            tree.put("d/" + i + "/t", "c" + i, i);
            tree.put("d/+/t", "c" + i, -i);
        }
        assertThat(tree.size()).isEqualTo(200);
        assertThat(matches("d/42/t")).hasSize(101).contains("c42@d/42/t=42", "c7@d/+/t=-7");
        for (int i = 0; i < 100; i++) {
            assertThat(tree.remove("d/" + i + "/t", "c" + i)).isEqualTo(i);
            assertThat(tree.remove("d/+/t", "c" + i)).isEqualTo(-i);
        }
        assertThat(tree.nodeCount()).isEqualTo(1);
    }
}
