package dev.magpie.security.throttle;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A map that holds at most {@code capacity} entries and forgets the least recently used one to make room, and
 * whose entries expire {@code lifetimeNanos} after they were last touched. Whoever floods it with new keys only
 * pushes out old ones: memory stays bounded. Not thread-safe; {@link LoginThrottle} guards it.
 */
final class RecentTable<K, V extends RecentTable.Touched> {
    /** An entry that knows when it was last touched (in {@link System#nanoTime()} terms). */
    interface Touched {
        long touchedNanos();
    }

    private final int capacity;
    private final long lifetimeNanos;
    private final LinkedHashMap<K, V> entries;

    RecentTable(int capacity, long lifetimeNanos) {
        this.capacity = capacity;
        this.lifetimeNanos = lifetimeNanos;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > RecentTable.this.capacity;
            }
        };
    }

    /** The live entry for {@code key}, or null if there is none or it expired (then it is removed). */
    V get(K key, long nowNanos) {
        V v = entries.get(key);
        if (v != null && nowNanos - v.touchedNanos() > lifetimeNanos) {
            entries.remove(key);
            return null;
        }
        return v;
    }

    /** The live entry for {@code key}, made by {@code create} if there is none. */
    V getOrCreate(K key, long nowNanos, Function<K, V> create) {
        V v = get(key, nowNanos);
        if (v == null) {
            v = create.apply(key);
            entries.put(key, v);
        }
        return v;
    }

    void remove(K key) {
        entries.remove(key);
    }

    int size() {
        return entries.size();
    }

    /** Drops every expired entry. */
    void purge(long nowNanos) {
        for (Iterator<V> it = entries.values().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next().touchedNanos() > lifetimeNanos) {
                it.remove();
            }
        }
    }
}
