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
 * The retained index against {@link ReferenceMatcher}: for random retained topics (then random removals)
 * a filter finds exactly the topics a plain level-by-level comparison says match, including the
 * {@code $} rule [MQTT-4.7.2-1] and "parent matches '#'" [MQTT-4.7.1-2].
 */
class RetainedIndexProperties {

    record Op(String topic, int value, boolean removeLater) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return Combinators.combine(
                        TopicArbitraries.topicNames(),
                        Arbitraries.integers().between(0, 99),
                        Arbitraries.of(false, true))
                .as(Op::new)
                .list().ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<String>> filters() {
        return TopicArbitraries.topicFilters().list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 500)
    void matchesExactlyWhatTheReferenceSays(@ForAll("ops") List<Op> ops, @ForAll("filters") List<String> filters) {
        RetainedIndex<Integer> index = new RetainedIndex<>();
        Map<String, Integer> model = new LinkedHashMap<>();

        for (Op op : ops) {
            assertThat(index.put(op.topic(), op.value())).isEqualTo(model.put(op.topic(), op.value()));
        }
        assertSameContent(index, model, ops, filters);

        for (Op op : ops) {
            if (op.removeLater()) {
                assertThat(index.remove(op.topic())).isEqualTo(model.remove(op.topic()));
            }
        }
        assertSameContent(index, model, ops, filters);

        for (String topic : new ArrayList<>(model.keySet())) {
            assertThat(index.remove(topic)).isEqualTo(model.remove(topic));
        }
        assertThat(index.size()).isZero();
        assertThat(index.nodeCount()).as("every emptied node is pruned").isEqualTo(1);
    }

    private static void assertSameContent(RetainedIndex<Integer> index, Map<String, Integer> model, List<Op> ops,
                                          List<String> filters) {
        assertThat(index.size()).isEqualTo(model.size());
        for (Op op : ops) {
            assertThat(index.get(op.topic())).isEqualTo(model.get(op.topic()));
        }
        for (String filter : filters) {
            List<String> actual = new ArrayList<>();
            index.match(filter, (topic, value) -> actual.add(topic + "=" + value));
            List<String> expected = new ArrayList<>();
            model.forEach((topic, value) -> {
                if (ReferenceMatcher.matches(filter, topic)) {
                    expected.add(topic + "=" + value);
                }
            });
            assertThat(actual).as("retained matching %s", filter).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
