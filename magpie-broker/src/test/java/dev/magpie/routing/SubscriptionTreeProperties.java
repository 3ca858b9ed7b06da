package dev.magpie.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The tree against {@link ReferenceMatcher}: for random subscriptions (then random removals) it reports
 * exactly the (client, filter, value) triples a plain level-by-level comparison says match, covering
 * [MQTT-4.7.1-2], [MQTT-4.7.1-3], [MQTT-4.7.2-1] and [MQTT-4.7.3-4] together.
 */
class SubscriptionTreeProperties {

    record Op(String filter, String clientId, int value, boolean removeLater) {
    }

    private record Key(String filter, String clientId) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return Combinators.combine(
                        TopicArbitraries.topicFilters(),
                        Arbitraries.of("c1", "c2", "c3"),
                        Arbitraries.integers().between(0, 99),
                        Arbitraries.of(false, true))
                .as(Op::new)
                .list().ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<String>> topics() {
        return TopicArbitraries.topicNames().list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 500)
    void matchesExactlyWhatTheReferenceSays(@ForAll("ops") List<Op> ops, @ForAll("topics") List<String> topics) {
        SubscriptionTree<Integer> tree = new SubscriptionTree<>();
        Map<Key, Integer> model = new LinkedHashMap<>();

        for (Op op : ops) {
            Integer expected = model.put(new Key(op.filter(), op.clientId()), op.value());
            assertThat(tree.put(op.filter(), op.clientId(), op.value())).isEqualTo(expected);
        }
        assertSameMatches(tree, model, topics);

        for (Op op : ops) {
            if (op.removeLater()) {
                Integer expected = model.remove(new Key(op.filter(), op.clientId()));
                assertThat(tree.remove(op.filter(), op.clientId())).isEqualTo(expected);
            }
        }
        assertSameMatches(tree, model, topics);

        for (Key key : new ArrayList<>(model.keySet())) {
            assertThat(tree.remove(key.filter(), key.clientId())).isEqualTo(model.remove(key));
        }
        assertThat(tree.isEmpty()).isTrue();
        assertThat(tree.nodeCount()).as("every emptied node is pruned").isEqualTo(1);
    }

    private static void assertSameMatches(SubscriptionTree<Integer> tree, Map<Key, Integer> model, List<String> topics) {
        assertThat(tree.size()).isEqualTo(model.size());
        for (String topic : topics) {
            List<String> actual = new ArrayList<>();
            tree.match(topic, (clientId, filter, value) -> actual.add(clientId + "|" + filter + "|" + value));
            List<String> expected = new ArrayList<>();
            model.forEach((key, value) -> {
                if (ReferenceMatcher.matches(key.filter(), topic)) {
                    expected.add(key.clientId() + "|" + key.filter() + "|" + value);
                }
            });
            assertThat(actual).as("matches of %s", topic).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
