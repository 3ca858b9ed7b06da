package dev.magpie.session;

import dev.magpie.codec.Publish;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Outbound QoS bookkeeping of one session: the in-flight window (QoS 1/2 messages sent and not yet
 * acknowledged, by packet id, in send order for redelivery [MQTT-4.6.0-1]) and the bounded queue of
 * messages waiting for a free slot or for the client to come back. Confined to the session's thread.
 */
final class OutboundFlow {

    /** Where an outbound QoS 1/2 message stands in its handshake [MQTT-4.3.2], [MQTT-4.3.3]. */
    enum State { AWAIT_PUBACK, AWAIT_PUBREC, AWAIT_PUBCOMP }

    /** A message sent with {@code packetId} awaiting its acknowledgement. */
    static final class Inflight {
        final Publish publish;
        State state;

        Inflight(Publish publish, State state) {
            this.publish = publish;
            this.state = state;
        }
    }

    /** A message waiting to be sent at {@code qos} with RETAIN {@code retain}. */
    record Queued(Publish publish, int qos, boolean retain) {
    }

    private final Map<Integer, Inflight> inflight = new LinkedHashMap<>();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final int maxQueued;
    private int lastPacketId;

    OutboundFlow(int maxQueued) {
        this.maxQueued = maxQueued;
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

    void track(int packetId, Publish publish, State state) {
        inflight.put(packetId, new Inflight(publish, state));
    }

    Inflight complete(int packetId) {
        return inflight.remove(packetId);
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

    /**
     * Queues a message; when the queue is full a queued QoS 0 message makes room first (it carries no
     * delivery promise), otherwise the new message is refused and the caller counts the drop.
     */
    boolean enqueue(Queued message) {
        if (queue.size() >= maxQueued) {
            if (!dropOldestQos0()) {
                return false;
            }
        }
        queue.addLast(message);
        return true;
    }

    private boolean dropOldestQos0() {
        var it = queue.iterator();
        while (it.hasNext()) {
            if (it.next().qos() == 0) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    Queued peek() {
        return queue.peekFirst();
    }

    Queued poll() {
        return queue.pollFirst();
    }

    /** Forgets everything (the session ended). */
    void clear() {
        inflight.clear();
        queue.clear();
    }
}
