package dev.magpie.cluster.link;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets an acknowledgement wait until the copies a message sent to other nodes are in the cluster store, so a node
 * killed right after a PUBACK has lost nothing it acknowledged [MQTT-4.3.2-1]. Counts, per destination node, the
 * messages queued for it and those settled (accepted by the store, or given up after the link's last attempt); a
 * waiter registered now runs once every destination has settled what was queued before it. Destinations send in
 * order, one batch at a time, so "settled up to n" means every message queued before the n-th is settled.
 *
 * <p>Waiters run in the order they came (a later one waits for an earlier one, whatever its destinations): the
 * acknowledgements of one connection keep the order of its PUBLISHes [MQTT-4.6.0-2]. For the same reason a waiter
 * that need not wait still runs under the lock that releases the others, so give it a hand-off (an event loop's
 * {@code execute}), not the work itself.
 *
 * <p>While sends to the store fail, nothing waits ({@link #storeFailing}): the guarantee then is the link's bounded,
 * retried buffer, as documented for the outage policy.
 *
 * <pre>{@code
 * ForwardBarrier barrier = new ForwardBarrier();
 * barrier.queued("node-b", 1);                 // an event loop queued a copy for node-b
 * barrier.after(() -> loop.execute(() -> connection.send(puback)));
 * barrier.settled("node-b", 1);                // the link thread: the store accepted it; the PUBACK goes now
 * }</pre>
 */
final class ForwardBarrier {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardBarrier.class);

    private record Waiter(Map<String, Long> targets, Runnable then) {
    }

    private final Map<String, AtomicLong> queued = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> settled = new ConcurrentHashMap<>();
    /** Guarded by {@code this}. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Guarded by {@code this}: the store is failing, so waiters do not wait (the link's bounded buffer holds the copies). */
    private boolean storeFailing;

    /** {@code count} messages were queued for {@code nodeId}. Any thread. */
    void queued(String nodeId, int count) {
        queued.computeIfAbsent(nodeId, id -> new AtomicLong()).addAndGet(count);
    }

    /** {@code count} of {@code nodeId}'s messages, the oldest not yet settled, were settled; runs the waiters now free. */
    void settled(String nodeId, int count) {
        settled.computeIfAbsent(nodeId, id -> new AtomicLong()).addAndGet(count);
        release();
    }

    /**
     * Runs {@code then} once everything queued so far is settled: at once, on the caller's thread, when nothing is
     * waiting; else on the thread that settles the last of it.
     */
    synchronized void after(Runnable then) {
        Map<String, Long> targets = null;
        for (Map.Entry<String, AtomicLong> destination : queued.entrySet()) {
            long target = destination.getValue().get();
            if (settledOf(destination.getKey()) < target) {
                if (targets == null) {
                    targets = new HashMap<>(4);
                }
                targets.put(destination.getKey(), target);
            }
        }
        if (storeFailing || (targets == null && waiters.isEmpty())) {
            run(then);
            return;
        }
        waiters.add(new Waiter(targets == null ? Map.of() : targets, then));
        release(); // settled between the check and the add: not left waiting for a settle that already came
    }

    /**
     * A send to the store failed (unreachable, paused, timed out): acknowledgements stop waiting, those waiting go now,
     * as the outage policy keeps local clients served; the copies wait in the link's bounded buffer instead.
     */
    synchronized void storeFailing() {
        storeFailing = true;
        releaseAll();
    }

    /** A send succeeded again: acknowledgements wait for the store again. */
    synchronized void storeBack() {
        storeFailing = false;
    }

    /** Waiters not yet released (for tests and shutdown). */
    synchronized int waiting() {
        return waiters.size();
    }

    /** Runs every waiter now, settled or not (the link stops: nothing more will be settled). */
    synchronized void releaseAll() {
        Waiter waiter;
        while ((waiter = waiters.poll()) != null) {
            run(waiter.then());
        }
    }

    /** Runs the waiters at the head that are settled, in order. */
    private synchronized void release() {
        while (!waiters.isEmpty() && isSettled(waiters.peek())) {
            run(waiters.poll().then());
        }
    }

    private boolean isSettled(Waiter waiter) {
        for (Map.Entry<String, Long> target : waiter.targets().entrySet()) {
            if (settledOf(target.getKey()) < target.getValue()) {
                return false;
            }
        }
        return true;
    }

    private long settledOf(String nodeId) {
        AtomicLong count = settled.get(nodeId);
        return count == null ? 0 : count.get();
    }

    private static void run(Runnable then) {
        try {
            then.run();
        } catch (RuntimeException e) {
            LOG.warn("an acknowledgement waiting for the cluster store failed: {}", e.toString());
        }
    }
}
