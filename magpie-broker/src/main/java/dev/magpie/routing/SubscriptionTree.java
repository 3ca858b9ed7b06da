package dev.magpie.routing;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The subscriptions of all clients, as a tree keyed by topic-filter level, holding one value per
 * (filter, client id) pair.
 *
 * <h2>Why a level tree</h2>
 * Matching a topic name walks the tree once, level by level, and at each level visits at most three
 * children: the exact level, {@code +} and {@code #}. Its cost depends on the topic's depth and the number
 * of matches, never on the number of subscriptions. A filter's wildcards are just children named {@code +}
 * and {@code #}; filters are validated by the caller, so the tree trusts that {@code #} is last
 * [MQTT-4.7.1-2] and that {@code +} fills a whole level [MQTT-4.7.1-3]. Levels are compared exactly:
 * case-sensitive, empty levels kept, nothing normalised [MQTT-4.7.3-4]. {@code $share/...} filters are for
 * now ordinary filters.
 *
 * <h2>Memory</h2>
 * Most nodes are thin, so both the children of a node and its subscribers are stored as nothing, a single
 * inline element, or a concurrent map once there are two (see {@link TreeNode}). A node with one
 * subscriber keeps one small immutable record. The filter string passed to {@link #put} is kept by
 * reference, to be handed back by {@link #match}. Nothing is interned and there is no static state.
 *
 * <h2>Concurrency</h2>
 * {@link #match} takes no lock: it reads volatile fields and concurrent maps only. {@link #put} and
 * {@link #remove} lock one node at a time; pruning an emptied node locks its parent, then it. Guarantees:
 * <ul>
 *   <li>a {@code put} or {@code remove} that completed before a {@code match} started is seen by it; one
 *   that overlaps a {@code match} may or may not be seen, and a match sees a subscriber's old or new value,
 *   never a mix;</li>
 *   <li>pruning never loses a concurrent {@code put}: a node is unlinked only while empty and is marked
 *   removed under its own monitor in the same step; a {@code put} adds its subscriber under that same
 *   monitor after checking the mark, and if it finds the node removed it starts again from the root,
 *   re-creating the path;</li>
 *   <li>{@link #size()} is exact when no writer is running and otherwise approximate.</li>
 * </ul>
 *
 * @param <V> the caller's subscription record; never {@code null}
 */
public final class SubscriptionTree<V> {

    /** Returned by a node whose monitor showed it removed: the writer starts again from the root. */
    private static final Object RETRY = new Object();

    private final Node<V> root = new Node<>("");
    private final LongAdder size = new LongAdder();

    /**
     * Adds client {@code clientId}'s subscription on {@code filter}, or replaces its value.
     *
     * @param filter a syntactically valid topic filter
     * @return the previous value for this (filter, client) pair, or {@code null} if there was none
     */
    @SuppressWarnings("unchecked")
    public V put(String filter, String clientId, V value) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(value, "value");
        String[] levels = TopicLevels.split(filter);
        while (true) {
            Node<V> node = root;
            for (int i = 0; i < levels.length && node != null; i++) {
                node = node.obtainChild(levels[i]);
            }
            if (node == null) {
                continue; // an ancestor was pruned under us; its replacement is created on the next pass
            }
            Object previous = node.putSubscriber(filter, clientId, value);
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
     * Removes client {@code clientId}'s subscription on {@code filter} and prunes nodes left empty.
     *
     * @return the removed value, or {@code null} if there was none
     */
    @SuppressWarnings("unchecked")
    public V remove(String filter, String clientId) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(clientId, "clientId");
        String[] levels = TopicLevels.split(filter);
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
            Object removed = node.removeSubscriber(clientId);
            if (removed == RETRY) {
                continue; // a stale node: look again along the current path
            }
            if (removed == null) {
                return null;
            }
            size.decrement();
            TreeNode.pruneUpwards(path);
            return (V) removed;
        }
    }

    /**
     * Calls {@code consumer} once for every (filter, client) pair whose filter matches {@code topicName}.
     *
     * <p>Iterative, so the depth of a topic or filter costs time, never stack.
     *
     * @param topicName a valid topic name (no wildcards [MQTT-4.7.1-1])
     */
    public void match(String topicName, MatchConsumer<? super V> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        String[] levels = TopicLevels.split(topicName);
        boolean reserved = TopicLevels.isReserved(topicName);
        // A loop, not recursion: a topic may have 65,535 levels, and a recursive walk over a deep filter is
        // the stack overflow of CVE-2019-11779. The walk follows one branch; where both '+' and the exact
        // level match it remembers the exact one, so only real branch points cost an allocation.
        Node<V> node = root;
        int depth = 0;
        ArrayDeque<Branch<V>> branches = null;
        while (true) {
            // [MQTT-4.7.2-1] a filter starting with a wildcard does not match a topic starting with '$'
            boolean wildcards = depth > 0 || !reserved;
            if (wildcards) {
                // [MQTT-4.7.1-2] '#' matches the remaining levels, none included: "sport/#" matches "sport"
                Node<V> multi = node.child(TopicLevels.MULTI);
                if (multi != null) {
                    multi.deliver(consumer);
                }
            }
            Node<V> next = null;
            if (depth == levels.length) {
                node.deliver(consumer);
            } else {
                // [MQTT-4.7.1-3] '+' matches exactly one level, an empty one included
                Node<V> single = wildcards ? node.child(TopicLevels.SINGLE) : null;
                Node<V> exact = node.child(levels[depth]);
                if (single != null && exact != null) {
                    if (branches == null) {
                        branches = new ArrayDeque<>();
                    }
                    branches.push(new Branch<>(exact, depth + 1));
                }
                next = single != null ? single : exact;
            }
            if (next != null) {
                node = next;
                depth++;
            } else if (branches != null && !branches.isEmpty()) {
                Branch<V> b = branches.pop();
                node = b.node();
                depth = b.depth();
            } else {
                return;
            }
        }
    }

    /** A node still to visit, with the number of topic levels consumed to reach it. */
    private record Branch<V>(Node<V> node, int depth) {
    }

    /** Number of (filter, client) pairs; exact when no writer is running. */
    public int size() {
        return (int) size.sum();
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** Nodes in the tree, root included; 1 once everything was removed. For tests (not atomic). */
    int nodeCount() {
        return root.countNodes();
    }

    private record Subscriber<V>(String clientId, V value) {
    }

    private static final class Node<V> extends TreeNode<Node<V>> {

        /**
         * {@code null}, one {@link Subscriber}, or a {@code ConcurrentHashMap<String, V>} of client id to
         * value once there are two; written under this monitor, read without it.
         */
        private volatile Object subscribers;

        /**
         * The filter this node stands for, as first passed to {@code put}; written once under this monitor
         * before the first write of {@link #subscribers}, so a reader that sees a subscriber sees it.
         */
        private String filter;

        Node(String level) {
            super(level);
        }

        @Override
        Node<V> newChild(String level) {
            return new Node<>(level);
        }

        @Override
        boolean hasContentLocked() {
            return subscribers != null;
        }

        @SuppressWarnings("unchecked")
        synchronized Object putSubscriber(String filter, String clientId, V value) {
            if (isRemovedLocked()) {
                return RETRY;
            }
            if (this.filter == null) {
                this.filter = filter;
            }
            Object current = subscribers;
            if (current == null) {
                subscribers = new Subscriber<>(clientId, value);
                return null;
            }
            if (current instanceof Subscriber) {
                Subscriber<V> only = (Subscriber<V>) current;
                if (only.clientId().equals(clientId)) {
                    subscribers = new Subscriber<>(clientId, value);
                    return only.value();
                }
                ConcurrentHashMap<String, V> map = new ConcurrentHashMap<>(4);
                map.put(only.clientId(), only.value());
                map.put(clientId, value);
                subscribers = map;
                return null;
            }
            return ((ConcurrentHashMap<String, V>) current).put(clientId, value);
        }

        @SuppressWarnings("unchecked")
        synchronized Object removeSubscriber(String clientId) {
            if (isRemovedLocked()) {
                return RETRY;
            }
            Object current = subscribers;
            if (current == null) {
                return null;
            }
            if (current instanceof Subscriber) {
                Subscriber<V> only = (Subscriber<V>) current;
                if (!only.clientId().equals(clientId)) {
                    return null;
                }
                subscribers = null;
                return only.value();
            }
            ConcurrentHashMap<String, V> map = (ConcurrentHashMap<String, V>) current;
            V removed = map.remove(clientId);
            if (map.isEmpty()) {
                subscribers = null;
            }
            return removed;
        }

        @SuppressWarnings("unchecked")
        void deliver(MatchConsumer<? super V> consumer) {
            Object current = subscribers;
            if (current == null) {
                return;
            }
            String nodeFilter = filter;
            if (current instanceof Subscriber) {
                Subscriber<V> only = (Subscriber<V>) current;
                consumer.accept(only.clientId(), nodeFilter, only.value());
            } else {
                ((ConcurrentHashMap<String, V>) current).forEach((id, v) -> consumer.accept(id, nodeFilter, v));
            }
        }
    }
}
