package dev.magpie.routing;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Topic names and filters over a tiny alphabet, so that random filters overlap and random topics match:
 * levels from {"a", "b", "", "$x"} (empty levels and reserved first levels included), depth 1 to 5.
 */
final class TopicArbitraries {

    private static final String[] LEVELS = {"a", "b", "", "$x"};

    private TopicArbitraries() {
    }

    static Arbitrary<String> topicNames() {
        return Arbitraries.of(LEVELS).list().ofMinSize(1).ofMaxSize(5).map(levels -> String.join("/", levels));
    }

    /** Valid filters: '+' anywhere as a whole level [MQTT-4.7.1-3], '#' only last [MQTT-4.7.1-2]. */
    static Arbitrary<String> topicFilters() {
        Arbitrary<List<String>> levels = Arbitraries.of("a", "b", "", "$x", "+", "+").list().ofMinSize(1).ofMaxSize(5);
        Arbitrary<Integer> hashMode = Arbitraries.integers().between(0, 3);
        return Combinators.combine(levels, hashMode).as((list, mode) -> {
            List<String> filter = new ArrayList<>(list);
            if (mode == 0) {
                filter.set(filter.size() - 1, "#");
            } else if (mode == 1 && filter.size() < 5) {
                filter.add("#");
            }
            return String.join("/", filter);
        });
    }
}
