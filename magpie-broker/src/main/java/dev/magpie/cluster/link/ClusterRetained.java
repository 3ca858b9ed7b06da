package dev.magpie.cluster.link;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.RetainedEntry;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.Publish;
import dev.magpie.routing.Distributor;
import dev.magpie.routing.RetainedMessage;
import dev.magpie.session.PublishStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retained messages cluster-wide. Every node keeps the whole set in its own {@link Distributor} index, so a wildcard
 * subscription is answered from memory, never by scanning the store; the store holds the same set with a version per
 * topic and announces every change. A change made here goes to the store (in order per topic, from the link thread);
 * a change announced by the store goes into the local index unless this node already knows a newer version of the
 * topic (a stale change never overwrites a newer one, also for deletes: the versions of recently deleted topics are
 * remembered, boundedly).
 *
 * <p>At start and after every reconnect the node re-reads the whole set ({@link #resync}); announcements that arrive
 * meanwhile wait and are applied after it with the same version rule, since the read and the announcements travel on
 * different connections. The store is the truth for what it holds. For a topic this node holds that the store lacks,
 * the topic's stored version decides: above the node's own, someone deleted it meanwhile (deleted here too); 0 or
 * not above (the store restarted empty and counts again), the store lost it and the node writes it back. Changes the
 * store refused while it was unreachable are written again then.
 *
 * <p>All state is touched on the link thread only.
 */
final class ClusterRetained {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRetained.class);
    /** Versions of deleted topics remembered, so a late older set cannot bring one back; the oldest go first. */
    private static final int MAX_TOMBSTONES = 16_384;
    /** Announcements waiting while a resync reads; past it they are dropped and another resync follows. */
    private static final int MAX_WAITING_EVENTS = 100_000;
    /** Local changes the store refused, written again at the next resync; past it the next resync writes everything. */
    private static final int MAX_UNSENT = 100_000;
    private static final long RESYNC_RETRY_MILLIS = 1_000;

    private final ClusterBackend backend;
    private final Distributor distributor;
    private final ScheduledExecutorService thread;
    /** Topics in the local index that came through the store, with the version they had. */
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, Long> tombstones = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_TOMBSTONES;
        }
    };
    private final Set<String> unsent = new HashSet<>();
    private boolean unsentOverflowed;
    private final Queue<Runnable> waitingEvents = new ArrayDeque<>();
    private boolean syncing;
    private boolean resyncAgain;
    private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
    private final AtomicLong rejected = new AtomicLong();

    ClusterRetained(ClusterBackend backend, Distributor distributor, ScheduledExecutorService thread) {
        this.backend = backend;
        this.distributor = distributor;
        this.thread = thread;
    }

    /** Completes when the first full read of the store's set was applied. */
    CompletionStage<Void> firstSync() {
        return firstSync;
    }

    /** Retained messages announced by the store that the local bound ({@code max_retained_*}) refused. */
    long rejectedCount() {
        return rejected.get();
    }

    /** Topics whose versions this node tracks, and recently deleted ones (for the bounded-memory test). */
    int trackedTopics() {
        return versions.size() + tombstones.size();
    }

    // ---- local changes (any thread, under the distributor's retained lock: only enqueue) ----

    void localChange(Publish kept, long storedAtMillis) {
        String topic = kept.topic();
        if (topic.startsWith("$")) {
            return; // '$' topics stay on their node, as their live messages do
        }
        byte[] body = kept.payload().length == 0 ? null : ForwardedPublish.encode(kept, "", storedAtMillis);
        execute(() -> write(topic, body));
    }

    private void write(String topic, byte[] body) {
        CompletionStage<Long> written = body == null ? backend.deleteRetained(topic)
                : backend.setRetained(topic, body).thenApply(RetainedEntry::version);
        written.whenCompleteAsync((version, failure) -> {
            if (failure != null) {
                remember(topic);
            } else if (body == null) {
                tombstone(topic, version);
            } else if (version > versions.getOrDefault(topic, 0L)) {
                versions.put(topic, version);
                tombstones.remove(topic);
            }
        }, thread);
    }

    private void remember(String topic) {
        if (unsent.size() < MAX_UNSENT) {
            unsent.add(topic);
        } else {
            unsentOverflowed = true;
        }
    }

    private void tombstone(String topic, long version) {
        if (version > tombstones.getOrDefault(topic, 0L)) {
            tombstones.put(topic, version);
        }
        if (versions.getOrDefault(topic, 0L) < version) {
            versions.remove(topic);
        }
    }

    // ---- announcements (the backend's event thread) ----

    void announcedSet(RetainedEntry entry) {
        execute(() -> whenNotSyncing(() -> applySet(entry, false)));
    }

    void announcedDelete(String topic, long version) {
        execute(() -> whenNotSyncing(() -> applyDelete(topic, version)));
    }

    private void whenNotSyncing(Runnable event) {
        if (!syncing) {
            event.run();
        } else if (waitingEvents.size() < MAX_WAITING_EVENTS) {
            waitingEvents.add(event);
        } else {
            resyncAgain = true; // what was dropped is in the store: the next full read brings it
        }
    }

    private long known(String topic) {
        return Math.max(versions.getOrDefault(topic, 0L), tombstones.getOrDefault(topic, 0L));
    }

    /** {@code fromLoad}: the store's full set is the truth, also when its versions count again after a restart. */
    private void applySet(RetainedEntry entry, boolean fromLoad) {
        String topic = entry.topic();
        if (!fromLoad && entry.version() <= known(topic)) {
            return;
        }
        ForwardedPublish decoded;
        try {
            decoded = ForwardedPublish.decode(entry.body());
        } catch (IllegalArgumentException e) {
            LOG.warn("cluster node {}: the retained message of {} in the store is skipped: {}", backend.self(), topic,
                    e.getMessage());
            return;
        }
        versions.put(topic, entry.version());
        tombstones.remove(topic);
        Publish publish = decoded.publish();
        RetainedMessage current = distributor.retainedOn(topic).orElse(null);
        if (current != null && sameContent(current.publish(), publish)) {
            return; // this node's own change coming back: keep its local time, seen by the subscribe race check
        }
        long nowMillis = System.currentTimeMillis();
        long nanos = PublishStorage.storedNanos(decoded.stored(), nowMillis, System.nanoTime());
        if (!distributor.applyRetained(publish, decoded.stored().storedAtMillis(), nanos)) {
            rejected.incrementAndGet();
            LOG.warn("cluster node {}: the retained message of {} does not fit max_retained_messages/bytes here",
                    backend.self(), topic);
        }
    }

    private void applyDelete(String topic, long version) {
        if (version <= known(topic)) {
            return;
        }
        tombstone(topic, version);
        distributor.applyRetained(new Publish(topic, 0, true, false, 0, new byte[0], MqttProperties.EMPTY), 0, 0);
    }

    private static boolean sameContent(Publish a, Publish b) {
        return a.qos() == b.qos() && Arrays.equals(a.payload(), b.payload())
                && Arrays.equals(PublishStorage.toStored(a, 0).properties(), PublishStorage.toStored(b, 0).properties());
    }

    // ---- full read (start, reconnect) ----

    /** Re-reads the store's whole set (any thread). */
    void resync() {
        execute(() -> {
            if (syncing) {
                resyncAgain = true;
                return;
            }
            syncing = true;
            load();
        });
    }

    private void load() {
        backend.loadRetained().whenCompleteAsync((entries, failure) -> {
            if (failure != null) {
                LOG.info("cluster node {}: retained messages not read ({}); trying again", backend.self(),
                        failure.getMessage());
                thread.schedule(this::load, RESYNC_RETRY_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            applyLoad(entries);
            syncing = false;
            Runnable event;
            while ((event = waitingEvents.poll()) != null) {
                event.run();
            }
            firstSync.complete(null);
            if (resyncAgain) {
                resyncAgain = false;
                resync();
            }
        }, thread);
    }

    private void applyLoad(List<RetainedEntry> entries) {
        Map<String, RetainedEntry> stored = new HashMap<>(entries.size() * 2);
        for (RetainedEntry entry : entries) {
            stored.put(entry.topic(), entry);
            if (!unsent.contains(entry.topic()) && !unsentOverflowed) {
                applySet(entry, true);
            }
        }
        boolean writeAll = unsentOverflowed;
        unsentOverflowed = false;
        Set<String> rewrite = new HashSet<>(unsent);
        unsent.clear();
        for (RetainedMessage held : distributor.retainedMatching("#")) {
            String topic = held.publish().topic();
            if (rewrite.remove(topic) || writeAll) {
                write(topic, encode(held));
            } else if (!stored.containsKey(topic)) {
                checkMissing(topic, held);
            }
        }
        for (String deleted : rewrite) { // refused deletes of topics still absent here
            if (distributor.retainedOn(deleted).isEmpty()) {
                write(deleted, null);
            }
        }
        versions.keySet().removeIf(topic -> !stored.containsKey(topic) && distributor.retainedOn(topic).isEmpty());
    }

    /** A topic held here that the store lacks: deleted meanwhile, or lost by the store (see the class comment). */
    private void checkMissing(String topic, RetainedMessage held) {
        long mine = versions.getOrDefault(topic, 0L);
        backend.retainedVersion(topic).whenCompleteAsync((storeVersion, failure) -> {
            if (failure != null) {
                remember(topic);
                return;
            }
            RetainedMessage now = distributor.retainedOn(topic).orElse(null);
            if (now != held) {
                return; // changed meanwhile: that change went (or goes) to the store by itself
            }
            if (storeVersion > mine) {
                // deleted meanwhile (also when this run never stored it, e.g. restored from the node's own file)
                applyDelete(topic, storeVersion);
            } else {
                LOG.info("cluster node {}: the store lacks the retained message of {} (lost or never stored); writing it",
                        backend.self(), topic);
                write(topic, encode(held));
            }
        }, thread);
    }

    private static byte[] encode(RetainedMessage held) {
        long ageMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - held.storedNanos());
        return ForwardedPublish.encode(held.publish(), "", System.currentTimeMillis() - ageMillis);
    }

    private void execute(Runnable task) {
        try {
            thread.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the link stops: the store keeps what it has, the node's index goes with it
        }
    }
}
