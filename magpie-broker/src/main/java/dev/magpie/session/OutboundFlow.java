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
        final String sharedGroup;
        State state;

        Inflight(Publish publish, State state, String sharedGroup) {
            this.publish = publish;
            this.state = state;
            this.sharedGroup = sharedGroup;
        }
    }


    private final Map<Integer, Inflight> inflight = new LinkedHashMap<>();
    private final ArrayDeque<PendingMessage> queue = new ArrayDeque<>();
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

    void track(int packetId, Publish publish, State state, String sharedGroup) {
        inflight.put(packetId, new Inflight(publish, state, sharedGroup));
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
    boolean enqueue(PendingMessage message) {
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

    PendingMessage peek() {
        return queue.peekFirst();
    }

    PendingMessage poll() {
        return queue.pollFirst();
    }

    /**
     * Removes and returns the messages that came through a shared subscription and are not yet complete
     * (queued, or sent but not acknowledged with PUBACK/PUBREC), so another member can have them
     * [MQTT-4.8.2-5]. A message already PUBRECed stays: its delivery is decided.
     */
    java.util.List<PendingMessage> takeShared() {
        java.util.List<PendingMessage> taken = new java.util.ArrayList<>();
        var it = inflight.entrySet().iterator();
        while (it.hasNext()) {
            Inflight m = it.next().getValue();
            if (m.sharedGroup != null && m.state != State.AWAIT_PUBCOMP) {
                taken.add(new PendingMessage(m.publish.withPacketId(0, false),
                        new Delivery(m.publish.qos(), m.publish.retain(), java.util.List.of(), m.sharedGroup), System.nanoTime(), -1));
                it.remove();
            }
        }
        var q = queue.iterator();
        while (q.hasNext()) {
            PendingMessage m = q.next();
            if (m.delivery().sharedGroup() != null) {
                taken.add(m);
                q.remove();
            }
        }
        return taken;
    }

    /** Forgets everything (the session ended). */
    void clear() {
        inflight.clear();
        queue.clear();
    }
}
