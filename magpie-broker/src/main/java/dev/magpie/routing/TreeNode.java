package dev.magpie.routing;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One level of a topic tree; the shape shared by {@link SubscriptionTree} and {@link RetainedIndex}.
 *
 * <h2>Why it is shaped so</h2>
 * <ul>
 *   <li><b>Children are stored compactly.</b> Real trees are wide near the root and thin below it:
 *   {@code devices/<id>/telemetry} gives one node with a million children, each of which has exactly one
 *   child. The {@code children} field therefore holds {@code null}, the single child itself, or a
 *   {@link ConcurrentHashMap} once there are two or more. A thin node costs one object, not a map.</li>
 *   <li><b>Reads take no lock.</b> {@code children} is volatile and every value it holds is either
 *   immutable (a node reference) or a concurrent map, so a reader sees a consistent, possibly slightly
 *   old, view of the tree.</li>
 *   <li><b>Writes lock one node at a time, and pruning locks parent then child.</b> A child is added only
 *   under its parent's monitor and only while the parent is not {@linkplain #isRemovedLocked() removed}.
 *   A node is unlinked only under its parent's and its own monitor, only while it is empty, and is marked
 *   removed in the same step. Hence a node that is not removed is always reachable from the root: its
 *   parent has at least one child (it), so the parent cannot have been pruned either. A writer that finds
 *   a removed node starts again from the root, which re-creates the path. Content is added under the
 *   node's own monitor after checking the mark, so pruning and a concurrent insert cannot both win: either
 *   the insert lands first (the node is no longer empty and pruning backs off) or pruning lands first (the
 *   insert sees the mark and retries). Puts hold one monitor at a time and pruning takes parent before
 *   child, so there is no lock-order cycle.</li>
 *   <li><b>A node does not know its parent.</b> Pruning walks back along the path the writer recorded on
 *   the way down, which saves a reference per node.</li>
 * </ul>
 *
 * @param <N> the concrete node type
 */
abstract class TreeNode<N extends TreeNode<N>> {

    /** This node's level, also the key under which the parent holds it. */
    final String level;

    /** {@code null}, a single child {@code N}, or a {@code ConcurrentHashMap<String, N>}; written under this monitor. */
    private volatile Object children;

    /** Set once, under the parent's and this monitor, when this node is unlinked; guarded by this monitor. */
    private boolean removed;

    TreeNode(String level) {
        this.level = level;
    }

    /** Creates a child node for {@code level}; called under this monitor. */
    abstract N newChild(String level);

    /** Whether this node holds a subscription or a retained message; called under this monitor. */
    abstract boolean hasContentLocked();

    /** The child at {@code level}, or {@code null}; lock-free. */
    @SuppressWarnings("unchecked")
    final N child(String level) {
        Object c = children;
        if (c == null) {
            return null;
        }
        if (c instanceof ConcurrentHashMap) {
            return ((ConcurrentHashMap<String, N>) c).get(level);
        }
        N only = (N) c;
        return only.level.equals(level) ? only : null;
    }

    /** Calls {@code action} for every child present at the time of the read; lock-free. */
    @SuppressWarnings("unchecked")
    final void forEachChild(Consumer<? super N> action) {
        Object c = children;
        if (c == null) {
            return;
        }
        if (c instanceof ConcurrentHashMap) {
            ((ConcurrentHashMap<String, N>) c).values().forEach(action);
        } else {
            action.accept((N) c);
        }
    }

    /**
     * The child at {@code level}, created if absent; {@code null} if this node has been removed, in which case
     * the caller must start again from the root.
     */
    @SuppressWarnings("unchecked")
    final N obtainChild(String level) {
        N existing = child(level);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            if (removed) {
                return null;
            }
            Object c = children;
            if (c == null) {
                N created = newChild(level);
                children = created;
                return created;
            }
            if (c instanceof ConcurrentHashMap) {
                ConcurrentHashMap<String, N> map = (ConcurrentHashMap<String, N>) c;
                N found = map.get(level);
                if (found == null) {
                    found = newChild(level);
                    map.put(level, found);
                }
                return found;
            }
            N only = (N) c;
            if (only.level.equals(level)) {
                return only;
            }
            ConcurrentHashMap<String, N> map = new ConcurrentHashMap<>(4);
            map.put(only.level, only);
            N created = newChild(level);
            map.put(level, created);
            children = map;
            return created;
        }
    }

    /** Whether this node was unlinked; the caller holds this monitor. */
    final boolean isRemovedLocked() {
        return removed;
    }

    /**
     * Unlinks {@code child} if it is still this node's child and holds nothing; marks it removed so that a
     * writer holding a stale reference retries. Returns whether it was unlinked.
     */
    @SuppressWarnings("unchecked")
    final boolean unlinkIfEmpty(TreeNode<?> child) {
        synchronized (this) {
            synchronized (child) {
                if (child.removed || child.children != null || child.hasContentLocked()
                        || child(child.level) != child) {
                    return false;
                }
                child.removed = true;
                Object c = children;
                if (c instanceof ConcurrentHashMap) {
                    ConcurrentHashMap<String, N> map = (ConcurrentHashMap<String, N>) c;
                    map.remove(child.level, child);
                    if (map.isEmpty()) {
                        children = null;
                    }
                } else {
                    children = null;
                }
                return true;
            }
        }
    }

    /**
     * Prunes the path recorded by a writer, from the deepest node upwards, stopping at the first node that
     * still holds something. {@code path[0]} is the root, which is never unlinked.
     */
    static void pruneUpwards(TreeNode<?>[] path) {
        for (int i = path.length - 1; i >= 1; i--) {
            if (!path[i - 1].unlinkIfEmpty(path[i])) {
                return;
            }
        }
    }

    /** Number of nodes in this subtree, this one included; for tests (not atomic). */
    final int countNodes() {
        int count = 0;
        ArrayDeque<TreeNode<?>> pending = new ArrayDeque<>();
        pending.push(this);
        while (!pending.isEmpty()) {
            count++;
            pending.pop().forEachChild(pending::push);
        }
        return count;
    }
}
