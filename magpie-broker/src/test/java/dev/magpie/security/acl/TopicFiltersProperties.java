package dev.magpie.security.acl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Filter-covers-filter against brute force: over a small alphabet, enumerate every topic name up to one
 * level longer than either filter (with a level value neither filter names, so "any other value" is
 * represented) and check that the subscription's matches are a subset of the rule's.
 */
class TopicFiltersProperties {
    private static final String[] TOPIC_LEVELS = {"a", "b", "", "$x", "z"};

    @Provide
    Arbitrary<String> filters() {
        Arbitrary<List<String>> levels = Arbitraries.of("a", "b", "", "$x", "+", "+").list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<Integer> hashMode = Arbitraries.integers().between(0, 3);
        return Combinators.combine(levels, hashMode).as((list, mode) -> {
            List<String> filter = new ArrayList<>(list);
            if (mode == 0) {
                filter.set(filter.size() - 1, "#");
            } else if (mode == 1) {
                filter.add("#");
            }
            return String.join("/", filter);
        }).filter(f -> !f.isEmpty()); // "" is not a topic filter [MQTT-4.7.3-1]
    }

    @Property(tries = 2000)
    void coversAgreesWithBruteForce(@ForAll("filters") String rule, @ForAll("filters") String subscription) {
        int depth = Math.max(rule.split("/", -1).length, subscription.split("/", -1).length) + 1;
        boolean expected = true;
        for (String topic : topics(depth)) {
            if (reference(subscription, topic) && !reference(rule, topic)) {
                expected = false;
                break;
            }
        }
        assertThat(TopicFilters.covers(rule, subscription)).as("%s covers %s", rule, subscription).isEqualTo(expected);
    }

    @Property(tries = 1000)
    void matchesAgreesWithTheReference(@ForAll("filters") String filter, @ForAll("filters") String anyFilter) {
        for (String topic : topics(3)) {
            assertThat(TopicFilters.matches(filter, topic)).as("%s matches %s", filter, topic).isEqualTo(reference(filter, topic));
        }
    }

    private static List<String> topics(int maxDepth) {
        List<String> all = new ArrayList<>();
        List<String> current = List.of("");
        for (int depth = 1; depth <= maxDepth; depth++) {
            List<String> next = new ArrayList<>();
            for (String prefix : current) {
                for (String level : TOPIC_LEVELS) {
                    next.add(depth == 1 ? level : prefix + "/" + level);
                }
            }
            next.stream().filter(t -> !t.isEmpty()).forEach(all::add);
            current = next;
        }
        return all;
    }

    /** Matching written as plainly as possible. */
    private static boolean reference(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
            return false; // [MQTT-4.7.2-1]
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || (!f[i].equals("+") && !f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
