package dev.magpie.cluster.link;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import dev.magpie.routing.SubscriptionTree;

/**
 * Where the shared groups of the other nodes have members, and which node serves the next message of a group.
 * A node routes each shared group key ({@code $share/group/filter}) while it has members of it; a message matching
 * the group's filter goes to one member cluster-wide [MQTT-4.8.2-3]: a member on the publisher's own node when there is
 * one (the distributor serves it), otherwise one of the nodes with members, in turn, so the group's messages are
 * split evenly across those nodes. Wildcards are matched here, as for plain routes, never in the store.
 *
 * <p>Safe to use from every event loop: the tree takes concurrent matches, the turn counters are atomic. Memory is
 * one entry per (group, node) and one counter per group, removed with the group's last node.
 */
final class SharedRoutes {
    /** NUL never occurs in a topic filter [MQTT-4.7.3-2], so it separates the group key from the node id. */
    private static final char SEPARATOR = '\0';

    /** Keyed (topic filter, group key NUL node id), valued by the group key. */
    private final SubscriptionTree<String> tree = new SubscriptionTree<>();
    private final Map<String, AtomicLong> turns = new ConcurrentHashMap<>();
    private final Map<String, Integer> nodesPerGroup = new ConcurrentHashMap<>();

    /** The topic filter of a group key {@code $share/group/filter}. */
    static String topicFilterOf(String groupKey) {
        int slash = groupKey.indexOf('/', "$share/".length());
        return groupKey.substring(slash + 1);
    }

    /** Node {@code nodeId} now has members of {@code groupKey}. */
    void added(String groupKey, String nodeId) {
        if (tree.put(topicFilterOf(groupKey), groupKey + SEPARATOR + nodeId, groupKey) == null) {
            nodesPerGroup.merge(groupKey, 1, Integer::sum);
            turns.computeIfAbsent(groupKey, key -> new AtomicLong());
        }
    }

    /** Node {@code nodeId} has no member of {@code groupKey} any more. */
    void removed(String groupKey, String nodeId) {
        if (tree.remove(topicFilterOf(groupKey), groupKey + SEPARATOR + nodeId) != null) {
            nodesPerGroup.computeIfPresent(groupKey, (key, count) -> {
                if (count <= 1) {
                    turns.remove(key);
                    return null;
                }
                return count - 1;
            });
        }
    }

    boolean isEmpty() {
        return tree.isEmpty();
    }

    /**
     * For every remote group matching {@code topic} that {@code servedHere} does not claim, the node that gets the
     * message for it: {@code node id -> group keys}. Nodes in {@code excluded} are chosen only when no other has
     * members.
     */
    Map<String, List<String>> choose(String topic, Predicate<String> servedHere, Set<String> excluded) {
        Map<String, List<String>> nodesOfGroup = new HashMap<>(2);
        tree.match(topic, (key, filter, groupKey) -> {
            if (!servedHere.test(groupKey)) {
                nodesOfGroup.computeIfAbsent(groupKey, g -> new ArrayList<>(2))
                        .add(key.substring(key.lastIndexOf(SEPARATOR) + 1));
            }
        });
        if (nodesOfGroup.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> chosen = new HashMap<>(2);
        nodesOfGroup.forEach((groupKey, nodes) -> {
            List<String> candidates = new ArrayList<>(nodes);
            candidates.removeAll(excluded);
            if (candidates.isEmpty()) {
                candidates = nodes;
            }
            candidates.sort(null); // the same order on every call, so the turns rotate through all of them
            AtomicLong turn = turns.get(groupKey);
            long next = turn == null ? 0 : turn.getAndIncrement();
            String node = candidates.get((int) Math.floorMod(next, (long) candidates.size()));
            chosen.computeIfAbsent(node, n -> new ArrayList<>(2)).add(groupKey);
        });
        return chosen;
    }
}
