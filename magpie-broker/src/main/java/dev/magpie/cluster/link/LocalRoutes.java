package dev.magpie.cluster.link;

import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.magpie.cluster.ClusterBackend;

/**
 * This node's side of the routes: the distinct local filters that came or went since the last turn of the link
 * thread, folded into one delta (a filter added and removed in one turn is no change) and published; after a failed
 * delta, or when the store may have lost the set, the whole set is published again until it is stored.
 *
 * <pre>{@code
 * LocalRoutes routes = new LocalRoutes(backend, linkThread, distributor::localFilters);
 * routes.changed("sensors/#", true);   // an event loop: the first local subscriber of sensors/#
 * routes.publish();                    // the link thread, once per turn
 * }</pre>
 */
final class LocalRoutes {
    private static final long RETRY_SECONDS = 1;

    private record Change(String filter, boolean added) {
    }

    private final ClusterBackend backend;
    private final ScheduledExecutorService thread;
    private final Supplier<Set<String>> localFilters;
    private final Queue<Change> changes = new ConcurrentLinkedQueue<>();

    LocalRoutes(ClusterBackend backend, ScheduledExecutorService thread, Supplier<Set<String>> localFilters) {
        this.backend = backend;
        this.thread = thread;
        this.localFilters = localFilters;
    }

    /** {@code filter} got its first local subscriber ({@code added}) or lost its last. Any thread. */
    void changed(String filter, boolean added) {
        changes.add(new Change(filter, added));
    }

    /** On the link thread: publishes what changed since the last call, as one delta. */
    void publish() {
        if (changes.isEmpty()) {
            return;
        }
        Set<String> added = new HashSet<>();
        Set<String> removed = new HashSet<>();
        Change change;
        while ((change = changes.poll()) != null) {
            if (change.added()) {
                removed.remove(change.filter());
                added.add(change.filter());
            } else {
                added.remove(change.filter());
                removed.add(change.filter());
            }
        }
        backend.publishRoutes(added, removed).whenCompleteAsync((seq, failure) -> {
            if (failure != null && !thread.isShutdown()) {
                // the backend sends the whole set with the next change; make sure there is one
                thread.schedule(this::republish, RETRY_SECONDS, TimeUnit.SECONDS);
            }
        }, thread);
    }

    /** Publishes the whole local set, again every second until the store took it. */
    void republish() {
        backend.replaceRoutes(localFilters.get()).whenCompleteAsync((seq, failure) -> {
            if (failure != null && !thread.isShutdown()) {
                thread.schedule(this::republish, RETRY_SECONDS, TimeUnit.SECONDS);
            }
        }, thread);
    }
}
