package dev.magpie.routing;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Retained messages by topic name, as a tree keyed by topic level.
 *
 * <h2>Why a level tree</h2>
 * A new subscription must receive every retained message its filter matches. Scanning all retained topics
 * per SUBSCRIBE is what brokers regret at scale, so this index is walked by the filter's levels instead:
 * an exact level follows one child, {@code +} visits every child of that level, and {@code #} delivers the
 * whole subtree, the level it hangs from included ({@code sport/#} finds {@code sport}) [MQTT-4.7.1-2].
 * Work is proportional to the branches the filter can reach, not to the size of the index. At the first
 * level a wildcard skips topics beginning with {@code $} [MQTT-4.7.2-1]. Levels are compared exactly,
 * case-sensitive and with empty levels kept [MQTT-4.7.3-4].
 *
 * <h2>Concurrency</h2>
 * The same discipline as {@link SubscriptionTree} (see {@link TreeNode}): reads and matches take no lock;
 * a writer locks the one node it changes, and pruning an emptied node locks its parent, then it, and marks
 * it removed so that a concurrent {@code put} holding it starts again from the root rather than writing
 * into a detached node. A node's topic and value live in one immutable entry, so a reader never sees a
 * value paired with the wrong topic. Completed writes are seen by later reads; overlapping ones may or may
 * not be. {@link #size()} is exact when no writer is running.
 *
 * @param <V> the stored retained message; never {@code null}
 */
public final class RetainedIndex<V> {

    private static final Object RETRY = new Object();

    private final Node<V> root = new Node<>("");
    private final LongAdder size = new LongAdder();

    /**
     * Stores {@code value} as the retained message of {@code topicName}.
     *
     * @return the message it replaces, or {@code null}
     */
    @SuppressWarnings("unchecked")
    public V put(String topicName, V value) {
        Objects.requireNonNull(topicName, "topicName");
        Objects.requireNonNull(value, "value");
        String[] levels = TopicLevels.split(topicName);
        while (true) {
            Node<V> node = root;
            for (int i = 0; i < levels.length && node != null; i++) {
                node = node.obtainChild(levels[i]);
            }
            if (node == null) {
                continue;
            }
            Object previous = node.set(new Entry<>(topicName, value));
            if (previous == RETRY) {
                continue;
            }
            if (previous == null) {
                size.increment();
            }
            return (V) previous;
        }
    }

    /**
     * Removes the retained message of {@code topicName} and prunes nodes left empty.
     *
     * @return the removed message, or {@code null}
     */
    @SuppressWarnings("unchecked")
    public V remove(String topicName) {
        Objects.requireNonNull(topicName, "topicName");
        String[] levels = TopicLevels.split(topicName);
        TreeNode<?>[] path = new TreeNode<?>[levels.length + 1];
        while (true) {
            Node<V> node = root;
            path[0] = root;
            for (int i = 0; i < levels.length; i++) {
                node = node.child(levels[i]);
                if (node == null) {
                    return null;
                }
                path[i + 1] = node;
            }
            Object removed = node.set(null);
            if (removed == RETRY) {
                continue;
            }
            if (removed == null) {
                return null;
            }
            size.decrement();
            TreeNode.pruneUpwards(path);
            return (V) removed;
        }
    }

    /** The retained message of {@code topicName}, or {@code null}. */
    public V get(String topicName) {
        Node<V> node = find(TopicLevels.split(topicName));
        if (node == null) {
            return null;
        }
        Entry<V> entry = node.entry;
        return entry == null ? null : entry.value();
    }

    /**
     * Calls {@code consumer} with (topic name, message) for every retained message whose topic matches
     * {@code topicFilter}.
     *
     * @param topicFilter a syntactically valid topic filter
     */
    public void match(String topicFilter, BiConsumer<? super String, ? super V> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        String[] levels = TopicLevels.split(topicFilter);
        // Loops, not recursion: a retained topic or a filter may be 65,535 levels deep (CVE-2019-11779). Plain
        // levels are followed at once (visit); only nodes waiting at a wildcard level are kept on the stack, so
        // "devices/+/status" over a million devices looks each one up in passing instead of stacking them all.
        ArrayDeque<Node<V>> nodes = new ArrayDeque<>();
        ArrayDeque<Integer> depths = new ArrayDeque<>();
        visit(root, 0, levels, consumer, nodes, depths);
        while (!nodes.isEmpty()) {
            Node<V> node = nodes.pop();
            int depth = depths.pop();
            // [MQTT-4.7.2-1] at the first level, wildcards skip topics beginning with '$'
            boolean skipReserved = depth == 0;
            if (levels[depth].equals(TopicLevels.MULTI)) {
                // [MQTT-4.7.1-2] '#' matches the parent level and everything below it
                node.deliver(consumer);
                node.forEachChild(child -> {
                    if (!(skipReserved && TopicLevels.isReserved(child.level))) {
                        deliverSubtree(child, consumer);
                    }
                });
            } else {
                // [MQTT-4.7.1-3] '+' matches exactly one level, an empty one included
                node.forEachChild(child -> {
                    if (!(skipReserved && TopicLevels.isReserved(child.level))) {
                        visit(child, depth + 1, levels, consumer, nodes, depths);
                    }
                });
            }
        }
    }

    /**
     * Follows the filter's plain levels down from {@code node} (at {@code depth} levels consumed): delivers
     * the message there if the filter ends, or leaves the node on the stack if a wildcard level comes next.
     */
    private static <V> void visit(Node<V> node, int depth, String[] levels, BiConsumer<? super String, ? super V> consumer,
                                  ArrayDeque<Node<V>> nodes, ArrayDeque<Integer> depths) {
        Node<V> at = node;
        int d = depth;
        while (d < levels.length && !TopicLevels.isWildcard(levels[d])) {
            at = at.child(levels[d]);
            if (at == null) {
                return;
            }
            d++;
        }
        if (d == levels.length) {
            at.deliver(consumer);
        } else {
            nodes.push(at);
            depths.push(d);
        }
    }

    private void deliverSubtree(Node<V> top, BiConsumer<? super String, ? super V> consumer) {
        ArrayDeque<Node<V>> pending = new ArrayDeque<>();
        pending.push(top);
        while (!pending.isEmpty()) {
            Node<V> node = pending.pop();
            node.deliver(consumer);
            node.forEachChild(pending::push);
        }
    }

    private Node<V> find(String[] levels) {
        Node<V> node = root;
        for (int i = 0; i < levels.length && node != null; i++) {
            node = node.child(levels[i]);
        }
        return node;
    }

    /** Number of retained messages; exact when no writer is running. */
    public int size() {
        return (int) size.sum();
    }

    /** Nodes in the tree, root included; 1 once everything was removed. For tests (not atomic). */
    int nodeCount() {
        return root.countNodes();
    }

    private record Entry<V>(String topic, V value) {
    }

    private static final class Node<V> extends TreeNode<Node<V>> {

        /** The retained message at exactly this topic, or {@code null}; written under this monitor. */
        private volatile Entry<V> entry;

        Node(String level) {
            super(level);
        }

        @Override
        Node<V> newChild(String level) {
            return new Node<>(level);
        }

        @Override
        boolean hasContentLocked() {
            return entry != null;
        }

        /** Replaces the entry; returns the previous value, {@code null}, or {@link #RETRY} if removed. */
        synchronized Object set(Entry<V> replacement) {
            if (isRemovedLocked()) {
                return RETRY; // a stale node: the writer looks again from the root
            }
            Entry<V> previous = entry;
            entry = replacement;
            return previous == null ? null : previous.value();
        }

        void deliver(BiConsumer<? super String, ? super V> consumer) {
            Entry<V> current = entry;
            if (current != null) {
                consumer.accept(current.topic(), current.value());
            }
        }
    }
}
