package dev.magpie.session;

import dev.magpie.codec.Publish;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Outbound QoS bookkeeping of one session: the in-flight window (QoS 1/2 messages sent and not yet
 * acknowledged, by packet id, in send order for redelivery [MQTT-4.6.0-1]) and the bounded queue of
 * messages waiting for a free slot or for the client to come back. Confined to the session's thread.
 */
final class OutboundFlow {

    /** Where an outbound QoS 1/2 message stands in its handshake [MQTT-4.3.2], [MQTT-4.3.3]. */
    enum State { AWAIT_PUBACK, AWAIT_PUBREC, AWAIT_PUBCOMP }

    /**
     * A message sent with {@code packetId} awaiting its acknowledgement. {@code shared} is the message as it was
     * routed (all its properties, its original QoS and age) when it came through a shared subscription, so it
     * can be handed to another member unchanged; null otherwise.
     */
    static final class Inflight {
        final Publish publish;
        final PendingMessage shared;
        State state;
        /**
         * Whether the store has committed this state, so the packet it calls for (PUBLISH, or PUBREL) may go on
         * the wire; always true for a session that does not wait for commits.
         */
        boolean committed;
        /** The ownership this message's routing waits for (see {@link OwnershipLatch}); null when none. */
        OwnershipLatch ownership;
        /** The {@link PendingMessage#seq()} it was sent as; 0 for one restored in flight. */
        long seq;
        /** Its cluster-wide identity ({@link PendingMessage#stamp()}); null off a cluster and for one restored in flight. */
        dev.magpie.cluster.MessageStamp stamp;

        Inflight(Publish publish, State state, PendingMessage shared, boolean committed) {
            this.publish = publish;
            this.state = state;
            this.shared = shared;
            this.committed = committed;
        }

        String sharedGroup() {
            return shared == null ? null : shared.delivery().sharedGroup();
        }
    }

    /** A shared-subscription message taken away for another member, with the key of its record in the journal. */
    record TakenShared(PendingMessage message, boolean wasInflight, long key) {
    }


    private final Map<Integer, Inflight> inflight = new LinkedHashMap<>();
    /** Two slots to start with: most subscribers never have a message waiting, and each session counts. */
    private final ArrayDeque<PendingMessage> queue = new ArrayDeque<>(1);
    private final int maxQueued;
    private final long maxQueuedBytes;
    private long queuedBytes;
    /** Topic and payload bytes of the messages in flight, for {@link #windowFull}. */
    private long inflightBytes;
    private long maxInflightBytes;
    private int lastPacketId;

    /** {@code maxQueuedBytes} 0 = only the message count bounds the queue. */
    OutboundFlow(int maxQueued, long maxQueuedBytes) {
        this.maxQueued = maxQueued;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** Bounds the bytes in flight besides the window's message count (0 = only the count). */
    void maxInflightBytes(long bytes) {
        this.maxInflightBytes = bytes;
    }

    /**
     * Whether a QoS 1/2 message of {@code size} bytes must wait: the window of {@code window} messages is full, or
     * the in-flight bytes would pass their bound. An empty window always takes one message, however large, so a
     * message larger than the bound is still delivered (one at a time).
     */
    boolean windowFull(int window, long size) {
        if (inflight.size() >= window) {
            return true;
        }
        return maxInflightBytes > 0 && !inflight.isEmpty() && inflightBytes + size > maxInflightBytes;
    }

    long inflightBytes() {
        return inflightBytes;
    }

    private static long sizeOf(Publish publish) {
        return (long) publish.topic().length() + publish.payload().length;
    }

    int inflightCount() {
        return inflight.size();
    }

    Inflight inflight(int packetId) {
        return inflight.get(packetId);
    }

    Collection<Map.Entry<Integer, Inflight>> inflightInOrder() {
        return inflight.entrySet();
    }

    Inflight track(int packetId, Publish publish, State state, PendingMessage shared, boolean committed) {
        Inflight m = new Inflight(publish, state, shared, committed);
        Inflight previous = inflight.put(packetId, m);
        if (previous != null) {
            inflightBytes -= sizeOf(previous.publish);
        }
        inflightBytes += sizeOf(publish);
        return m;
    }

    Inflight complete(int packetId) {
        Inflight m = inflight.remove(packetId);
        if (m != null) {
            inflightBytes -= sizeOf(m.publish);
        }
        return m;
    }

    /**
     * Picks the next unused packet id, cycling through 1..65535 [MQTT-2.2.1-3]. The window is at most
     * 65535 wide, so a free id always exists when a slot is free.
     */
    int nextPacketId() {
        int id = lastPacketId;
        do {
            id = id == 0xFFFF ? 1 : id + 1;
        } while (inflight.containsKey(id));
        lastPacketId = id;
        return id;
    }

    boolean hasQueued() {
        return !queue.isEmpty();
    }

    int queuedCount() {
        return queue.size();
    }

    /** The queued messages, oldest first (read-only use). */
    Iterable<PendingMessage> queuedInOrder() {
        return java.util.Collections.unmodifiableCollection(queue);
    }

    long queuedBytes() {
        return queuedBytes;
    }

    /**
     * Queues a message. When the queue is full, by count or by bytes, queued QoS 0 messages make room first,
     * oldest first (they carry no delivery promise); if that is not enough the new message is refused and the
     * caller counts the drop. A single message larger than the whole byte bound is refused outright.
     */
    boolean enqueue(PendingMessage message) {
        long size = message.queuedBytes();
        if (maxQueuedBytes > 0 && size > maxQueuedBytes) {
            return false;
        }
        while (queue.size() >= maxQueued || (maxQueuedBytes > 0 && queuedBytes + size > maxQueuedBytes)) {
            if (!dropOldestQos0()) {
                return false;
            }
        }
        queue.addLast(message);
        queuedBytes += size;
        return true;
    }

    /** Whether the byte bound (rather than the count) is what stops the queue from taking {@code message}. */
    boolean fullByBytes(PendingMessage message) {
        return maxQueuedBytes > 0 && queue.size() < maxQueued && queuedBytes + message.queuedBytes() > maxQueuedBytes;
    }

    private boolean dropOldestQos0() {
        var it = queue.iterator();
        while (it.hasNext()) {
            PendingMessage m = it.next();
            if (m.qos() == 0) {
                it.remove();
                queuedBytes -= m.queuedBytes();
                return true;
            }
        }
        return false;
    }

    PendingMessage peek() {
        return queue.peekFirst();
    }

    PendingMessage poll() {
        PendingMessage m = queue.pollFirst();
        if (m != null) {
            queuedBytes -= m.queuedBytes();
        }
        return m;
    }

    /**
     * Removes and returns the messages that came through a shared subscription and may go to another member
     * (spec 4.8.2): those still queued, and QoS 1 messages sent but not acknowledged. A QoS 2 message already
     * sent stays: its delivery must be completed with this session when the client reconnects, and never
     * goes to another member [MQTT-4.8.2-4], [MQTT-4.8.2-5]. A message the client refused (PUBACK / PUBREC
     * >= 0x80) is already complete and not offered again [MQTT-4.8.2-6].
     */
    List<TakenShared> takeShared() {
        List<TakenShared> taken = new ArrayList<>();
        var it = inflight.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, Inflight> e = it.next();
            Inflight m = e.getValue();
            if (m.shared != null && m.state == State.AWAIT_PUBACK) {
                taken.add(new TakenShared(m.shared, true, e.getKey()));
                it.remove();
                inflightBytes -= sizeOf(m.publish);
            }
        }
        var q = queue.iterator();
        while (q.hasNext()) {
            PendingMessage m = q.next();
            if (m.delivery().sharedGroup() != null) {
                taken.add(new TakenShared(m, false, m.seq()));
                q.remove();
                queuedBytes -= m.queuedBytes();
            }
        }
        return taken;
    }

    /**
     * Removes the queued messages, and the sent ones still waiting for PUBACK or PUBREC, that {@code refused}
     * matches; returns how many. A QoS 2 message waiting for PUBCOMP stays: the client has it already, only
     * the handshake is left [MQTT-4.3.3].
     */
    int discard(Predicate<Publish> refused, java.util.function.IntConsumer inflightRemoved, java.util.function.Consumer<PendingMessage> queuedRemoved) {
        int before = inflight.size() + queue.size();
        inflight.entrySet().removeIf(e -> {
            boolean drop = e.getValue().state != State.AWAIT_PUBCOMP && refused.test(e.getValue().publish);
            if (drop) {
                inflightRemoved.accept(e.getKey());
                inflightBytes -= sizeOf(e.getValue().publish);
            }
            return drop;
        });
        queue.removeIf(m -> {
            boolean drop = refused.test(m.publish());
            if (drop) {
                queuedBytes -= m.queuedBytes();
                queuedRemoved.accept(m);
            }
            return drop;
        });
        return before - inflight.size() - queue.size();
    }

    /** Forgets everything (the session ended). */
    void clear() {
        inflight.clear();
        queue.clear();
        queuedBytes = 0;
        inflightBytes = 0;
    }
}
