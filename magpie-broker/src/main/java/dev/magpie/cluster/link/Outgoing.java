package dev.magpie.cluster.link;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.InboxMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node sends to other nodes' inboxes: a bounded queue per destination, filled from any thread; on the link
 * thread, one batch per destination at a time, numbered per destination (1, 2, 3… for this incarnation) and resent
 * with the same numbers after a failure, so the receiver drops what arrived twice and order per destination holds.
 * Acknowledgements can wait for what was queued before them ({@link #afterSent}, through a {@link ForwardBarrier}).
 *
 * <pre>{@code
 * Outgoing outgoing = new Outgoing(backend, linkThread, link::scheduleFlush);
 * outgoing.offer("node-b", body, 1); // an event loop
 * outgoing.sendBatches();          // the link thread, once per turn
 * }</pre>
 */
final class Outgoing {
    private static final Logger LOG = LoggerFactory.getLogger(Outgoing.class);
    private static final int BATCH = 512;
    /** Messages waiting per destination by default; past it new ones are dropped (and counted) rather than fill the heap. */
    static final int MAX_WAITING = 50_000;
    private static final long RETRY_MILLIS = 200;
    private static final int MAX_ATTEMPTS = 50;

    private final ClusterBackend backend;
    private final ScheduledExecutorService thread;
    private final Runnable wake;
    private final int maxWaiting;
    /**
     * QoS 0 messages are refused past four fifths of {@link #maxWaiting}: a slow or unreachable node sheds them first,
     * and the last fifth stays for QoS 1 and 2 (QoS 0 is "at most once" [MQTT-4.3.1-1]; the others were promised).
     */
    private final int maxWaitingQos0;
    private final Map<String, Queue<byte[]>> queues = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> waiting = new ConcurrentHashMap<>();
    /** Only touched on {@link #thread}. */
    private final Map<String, Long> nextSeq = new HashMap<>();
    private final Set<String> sending = new HashSet<>();
    private final ForwardBarrier barrier = new ForwardBarrier();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** {@code wake}: schedules a turn of the link thread (which calls {@link #sendBatches}). */
    Outgoing(ClusterBackend backend, ScheduledExecutorService thread, Runnable wake) {
        this(backend, thread, wake, MAX_WAITING);
    }

    /** With {@code maxWaiting} messages at most waiting per destination. */
    Outgoing(ClusterBackend backend, ScheduledExecutorService thread, Runnable wake, int maxWaiting) {
        this.backend = backend;
        this.thread = thread;
        this.wake = wake;
        this.maxWaiting = maxWaiting;
        this.maxWaitingQos0 = maxWaiting * 4 / 5;
    }

    /**
     * Queues {@code body}, a message of QoS {@code qos}, for {@code nodeId}; false (dropped and counted) when that
     * destination's queue is full for that QoS.
     */
    boolean offer(String nodeId, byte[] body, int qos) {
        AtomicInteger count = waiting.computeIfAbsent(nodeId, id -> new AtomicInteger());
        if (count.incrementAndGet() > (qos == 0 ? maxWaitingQos0 : maxWaiting)) {
            count.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        add(nodeId, body);
        return true;
    }

    /** Queues {@code body} for {@code nodeId} past the bound (a control message: few, and each matters). */
    void offerAlways(String nodeId, byte[] body) {
        waiting.computeIfAbsent(nodeId, id -> new AtomicInteger()).incrementAndGet();
        add(nodeId, body);
    }

    private void add(String nodeId, byte[] body) {
        queues.computeIfAbsent(nodeId, id -> new ConcurrentLinkedQueue<>()).add(body);
        barrier.queued(nodeId, 1);
    }

    /** Counts messages that never reached a queue (no node left to take them). */
    void droppedElsewhere(int count) {
        dropped.addAndGet(count);
    }

    /** Runs {@code then} once what was queued so far is in the store or given up; see {@link ForwardBarrier}. */
    void afterSent(Runnable then) {
        barrier.after(then);
    }

    /** On the link thread: one batch for each destination that has messages and no batch in flight. */
    void sendBatches() {
        for (Map.Entry<String, Queue<byte[]>> destination : queues.entrySet()) {
            String nodeId = destination.getKey();
            if (sending.contains(nodeId) || destination.getValue().isEmpty()) {
                continue;
            }
            List<InboxMessage> batch = new ArrayList<>();
            byte[] body;
            while (batch.size() < BATCH && (body = destination.getValue().poll()) != null) {
                long seq = nextSeq.merge(nodeId, 1L, Long::sum);
                batch.add(new InboxMessage(backend.self(), seq, body));
            }
            waiting.get(nodeId).addAndGet(-batch.size());
            sending.add(nodeId);
            send(nodeId, batch, 1);
        }
    }

    private void send(String nodeId, List<InboxMessage> batch, int attempt) {
        backend.send(nodeId, batch).whenCompleteAsync((ok, failure) -> {
            if (failure == null) {
                sent.addAndGet(batch.size());
                sending.remove(nodeId);
                barrier.storeBack();
                barrier.settled(nodeId, batch.size());
                if (!queues.get(nodeId).isEmpty()) {
                    wake.run();
                }
            } else if (attempt < MAX_ATTEMPTS && !thread.isShutdown()) {
                barrier.storeFailing(); // local clients keep being served: their acknowledgements stop waiting
                // the same messages, the same seqs: whatever arrived the first time is dropped by the receiver
                thread.schedule(() -> send(nodeId, batch, attempt + 1), RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                LOG.warn("cluster node {}: {} messages for {} dropped after {} attempts: {}", backend.self(),
                        batch.size(), nodeId, attempt, failure.getMessage());
                dropped.addAndGet(batch.size());
                sending.remove(nodeId);
                barrier.settled(nodeId, batch.size()); // given up: its acknowledgements must not wait for ever
                wake.run();
            }
        }, thread);
    }

    /** Messages the store accepted. */
    long sentCount() {
        return sent.get();
    }

    /** Messages dropped: a full queue, the last attempt failed, or no node to take them. */
    long droppedCount() {
        return dropped.get();
    }

    /** The link stops: acknowledgements still waiting go now (their connections close with the broker). */
    void stop() {
        barrier.releaseAll();
    }
}
