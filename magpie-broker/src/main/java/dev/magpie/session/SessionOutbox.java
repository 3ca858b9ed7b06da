package dev.magpie.session;

import dev.magpie.codec.EncodedPublish;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.store.StoredDelivery;
import io.netty.buffer.ByteBuf;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A session's way out: what it sends its client and when. Fresh messages go out at once while the in-flight
 * window and the socket allow, else wait in the bounded queue; QoS 1/2 messages are tracked until acknowledged
 * [MQTT-4.3.2], [MQTT-4.3.3] and resent on resume [MQTT-4.4.0-1]. For a persistent session with durable
 * acknowledgements nothing goes on the wire before the state it creates is committed (see {@link SessionJournal}):
 * a QoS 1/2 PUBLISH enters the window at once and is sent when its in-flight record is, a PUBREL when the
 * PUBREC's state change is, and a copy of an inbound QoS 2 message when the broker's ownership of it is
 * ({@link OwnershipLatch}). Confined to the session's thread, like the {@link Session} it belongs to.
 */
final class SessionOutbox {
    private final Session session;
    private final SessionObserver observer;
    private final int maxInflight;
    /** Whether QoS 0 messages are queued while the client is offline ({@code queue_qos0_messages}). */
    private final boolean queueQos0;
    private final OutboundFlow outbound;
    /** Whether messages are being dropped because the queue is full (reported once per overflow). */
    private boolean overflowing;
    /** Numbers this session's messages ({@link PendingMessage#seq()}). */
    private long lastSeq;

    SessionOutbox(Session session, SessionObserver observer, int maxInflight, int maxQueued, long maxQueuedBytes, boolean queueQos0) {
        this.session = session;
        this.observer = observer;
        this.maxInflight = maxInflight;
        this.queueQos0 = queueQos0;
        this.outbound = new OutboundFlow(maxQueued, maxQueuedBytes);
    }

    private SessionConnection connection() {
        return session.connection();
    }

    void restoreQueued(PendingMessage message) {
        lastSeq = Math.max(lastSeq, message.seq());
        outbound.enqueue(message);
    }

    void restoreInflight(int packetId, Publish publish, OutboundFlow.State state, PendingMessage shared) {
        outbound.track(packetId, publish, state, shared, true);
    }

    /**
     * A connection attached: unacknowledged messages are sent again, PUBLISH with DUP set and PUBREL as they were
     * [MQTT-4.4.0-1], then queued messages follow. One whose state is not committed yet is left to its commit.
     */
    void resendOnAttach(SessionConnection newConnection) {
        for (Map.Entry<Integer, OutboundFlow.Inflight> e : outbound.inflightInOrder()) {
            int id = e.getKey();
            OutboundFlow.Inflight m = e.getValue();
            if (!m.committed) {
                continue; // its commit sends it (to this connection, now attached)
            }
            if (m.state == OutboundFlow.State.AWAIT_PUBCOMP) {
                newConnection.send(PubResponse.of(PacketType.PUBREL, id));
            } else {
                newConnection.send(m.publish.withPacketId(id, true));
            }
        }
        drain();
    }

    void clear() {
        outbound.clear();
    }

    void deliverNow(Publication publication, Delivery delivery) {
        SessionConnection c = connection();
        if (session.isEnded()) {
            return;
        }
        Publish publish = publication.publish();
        long now = System.nanoTime();
        if (publication.remainingSeconds(now) == 0) {
            observer.dropped(session.clientInfo(), publish, DropReason.EXPIRED); // [MQTT-3.3.2-5]
            return;
        }
        int qos = delivery.qos();
        PendingMessage queued = new PendingMessage(publish, delivery, publication.createdNanos(), Publication.expiryNanos(publish), ++lastSeq,
                publication.ownership(), publication.stamp());
        if (c == null) {
            // QoS 0 is not kept for offline clients unless configured; QoS 1/2 are, within bounds [MQTT-3.1.2-5]
            if (qos > 0 || queueQos0) {
                enqueue(queued);
            }
            return;
        }
        if (outbound.hasQueued() || (qos == 0 ? !c.isWritable() : outbound.windowFull(window(), queued.queuedBytes()))) {
            enqueue(queued);
            return;
        }
        boolean ownEncoding = (qos > 0 && session.journal().gates()) || c.version().isV5()
                && (!delivery.subscriptionIds().isEmpty() || publication.expires() || c.rewritesPublish());
        if (ownEncoding) {
            // this subscriber needs its own properties (identifiers, remaining expiry, topic alias), or its message
            // waits for the commit of its in-flight record
            send(queued, now, false);
            return;
        }
        EncodedPublish encoded = publication.encoded(c.allocator(), c.version(), qos);
        if (encoded.size() > c.maxPacketSize()) {
            // the client said it cannot take this; the spec says drop it [MQTT-3.1.2-25]
            observer.dropped(session.clientInfo(), publish, DropReason.TOO_LARGE_FOR_CLIENT);
            return;
        }
        int packetId = 0;
        if (qos > 0) {
            packetId = outbound.nextPacketId();
            Publish sent = variant(publish, delivery, -1);
            OutboundFlow.State state = qos == 1 ? OutboundFlow.State.AWAIT_PUBACK : OutboundFlow.State.AWAIT_PUBREC;
            OutboundFlow.Inflight entry = outbound.track(packetId, sent, state, delivery.sharedGroup() == null ? null : queued, true);
            entry.seq = queued.seq();
            entry.stamp = queued.stamp();
            session.journal().sent(queued, false, packetId, sent, state);
        }
        ByteBuf buffer = encoded.forDelivery(packetId, false, delivery.retain());
        c.send(buffer);
        observer.delivered(session.clientInfo(), publish);
    }

    /**
     * Queues a message, or drops it when the queue is full by count or by bytes; the first drop of an
     * overflow is reported (a log line and the limit metric), the rest only counted until the queue has room.
     */
    private void enqueue(PendingMessage message) {
        boolean byBytes = outbound.fullByBytes(message);
        if (outbound.enqueue(message)) {
            if (journaled(message) && !(message.qos() == 0 && connection() != null)) {
                session.journal().queued(message);
            }
            return;
        }
        observer.dropped(session.clientInfo(), message.publish(), byBytes ? DropReason.QUEUE_FULL_BYTES : DropReason.QUEUE_FULL);
        if (!overflowing) {
            overflowing = true;
            observer.queueOverflow(session.clientInfo(), session.clientId(), outbound.queuedCount(), outbound.queuedBytes(), byBytes);
        }
    }

    /** Sends queued messages while the window and the socket allow. */
    void drain() {
        SessionConnection c = connection();
        long now = System.nanoTime();
        while (c != null && outbound.hasQueued()) {
            PendingMessage next = outbound.peek();
            if (next.qos() == 0 ? !c.isWritable() : outbound.windowFull(window(), next.queuedBytes())) {
                return;
            }
            outbound.poll();
            overflowing = false;
            send(next, now, true);
        }
    }

    /**
     * Encodes one message for this subscriber alone and sends it (or drops it if expired or too large);
     * {@code fromQueue} says it was taken from the queue (and journaled there, when journaled). A QoS 1/2 message
     * of a gated session enters the window at once but goes on the wire when its record is committed.
     */
    private void send(PendingMessage m, long now, boolean fromQueue) {
        SessionConnection c = connection();
        boolean queuedRecord = fromQueue && journaled(m);
        long remaining = Publication.remainingSeconds(m.createdNanos(), m.expiryNanos(), now);
        Publish p = remaining == 0 ? null : variant(m.publish(), m.delivery(), remaining);
        boolean tooBig = p != null && MqttEncoder.encodedSize(p.withPacketId(m.qos() == 0 ? 0 : 1, false), c.version())
                > c.maxPacketSize();
        if (p == null || tooBig || m.qos() == 0) {
            if (queuedRecord) {
                session.journal().dequeued(m);
            }
            if (p == null || tooBig) {
                observer.dropped(session.clientInfo(), m.publish(), p == null ? DropReason.EXPIRED : DropReason.TOO_LARGE_FOR_CLIENT);
                return;
            }
            c.send(p);
            observer.delivered(session.clientInfo(), p);
            return;
        }
        int packetId = outbound.nextPacketId();
        OutboundFlow.State state = m.qos() == 1 ? OutboundFlow.State.AWAIT_PUBACK : OutboundFlow.State.AWAIT_PUBREC;
        boolean gated = session.journal().gates();
        OutboundFlow.Inflight entry = outbound.track(packetId, p, state, m.delivery().sharedGroup() == null ? null : m, !gated);
        entry.ownership = m.ownership();
        entry.seq = m.seq();
        entry.stamp = m.stamp();
        session.journal().sent(m, queuedRecord, packetId, p, state);
        if (gated) {
            whenCommitted(packetId, entry);
            return;
        }
        c.send(p.withPacketId(packetId, false));
        observer.delivered(session.clientInfo(), p);
    }

    /**
     * Once the store has committed {@code entry}'s current state, and for a copy of an inbound QoS 2 message once the
     * broker's ownership of it is durable too ({@link OwnershipLatch}: a crash before would drop this copy and route
     * the client's resend again), sends what the state calls for to the connection then attached (PUBLISH, or PUBREL
     * past PUBREC), unless it has moved on meanwhile; a client that is away gets it when it attaches
     * ({@link #resendOnAttach} skips what is not committed yet, so nothing goes out twice).
     */
    private void whenCommitted(int packetId, OutboundFlow.Inflight entry) {
        OutboundFlow.State state = entry.state;
        session.journal().afterCommit(() -> {
            OwnershipLatch ownership = entry.ownership;
            if (ownership == null || ownership.isReleased()) {
                sendCommitted(packetId, entry, state);
            } else {
                ownership.whenReleased(() -> session.execute(() -> sendCommitted(packetId, entry, state)));
            }
        });
    }

    private void sendCommitted(int packetId, OutboundFlow.Inflight entry, OutboundFlow.State state) {
        if (outbound.inflight(packetId) != entry || entry.state != state || entry.committed) {
            return;
        }
        entry.committed = true;
        entry.ownership = null;
        SessionConnection c = connection();
        if (c == null) {
            return;
        }
        if (state == OutboundFlow.State.AWAIT_PUBCOMP) {
            c.send(PubResponse.of(PacketType.PUBREL, packetId));
        } else {
            c.send(entry.publish.withPacketId(packetId, false));
            observer.delivered(session.clientInfo(), entry.publish);
        }
    }

    /** Which messages are written to a persistent session's store: QoS 1/2, and QoS 0 when offline queueing keeps it. */
    private boolean journaled(PendingMessage m) {
        return m.qos() > 0 || queueQos0;
    }

    private void complete(int packetId) {
        outbound.complete(packetId);
        session.journal().completed(packetId);
    }

    private int window() {
        return Math.min(maxInflight, connection().receiveMaximum());
    }

    /**
     * The PUBLISH as this subscriber gets it: its QoS and RETAIN flag, and for 5.0 its own Subscription
     * Identifiers and the remaining expiry ({@code remainingSeconds} -1 = none); 3.1.1 carries no properties.
     */
    private Publish variant(Publish p, Delivery delivery, long remainingSeconds) {
        MqttProperties props;
        if (connection() != null && !connection().version().isV5()) {
            props = MqttProperties.EMPTY;
        } else if (delivery.subscriptionIds().isEmpty() && remainingSeconds < 0 && !p.properties().has(PropertyId.SUBSCRIPTION_IDENTIFIER)) {
            props = p.properties();
        } else {
            MqttProperties.Builder b = p.properties().toBuilder().remove(PropertyId.SUBSCRIPTION_IDENTIFIER);
            for (int id : delivery.subscriptionIds()) {
                b.integer(PropertyId.SUBSCRIPTION_IDENTIFIER, id);
            }
            if (remainingSeconds >= 0) {
                b.integer(PropertyId.MESSAGE_EXPIRY_INTERVAL, (int) remainingSeconds);
            }
            props = b.build();
        }
        return new Publish(p.topic(), delivery.qos(), delivery.retain(), false, 0, p.payload(), props);
    }

    /**
     * Drops the undelivered messages (queued, or sent and not yet acknowledged) that {@code refused} matches, so
     * that they are not sent again on resume; returns how many were dropped.
     */
    int discardUndelivered(Predicate<Publish> refused) {
        return outbound.discard(refused, session.journal()::completed, session.journal()::dequeued);
    }

    /**
     * The records a store holds for this session now, as its journal wrote them: in-flight messages in send order,
     * then the queued ones in queue order ({@link StoreJournal#restore} puts them back).
     */
    void storedMessages(List<StoredDelivery> out) {
        for (Map.Entry<Integer, OutboundFlow.Inflight> e : outbound.inflightInOrder()) {
            OutboundFlow.Inflight m = e.getValue();
            out.add(StoreJournal.inflightRecord(e.getKey(), m.publish, m.state, m.sharedGroup(), 0));
        }
        for (PendingMessage m : outbound.queuedInOrder()) {
            if (journaled(m)) {
                out.add(StoreJournal.queuedRecord(m, 0));
            }
        }
    }

    /** The {@link PendingMessage#seq()} of the newest message this session made or restored. */
    long lastSeq() {
        return lastSeq;
    }

    /**
     * The unfinished messages newer than {@code seq} (in flight, then queued), as the client would get them; in-flight
     * ones among them were never sent when the session is gated (their record was not committed).
     */
    List<Session.Undelivered> undeliveredAfter(long seq) {
        List<Session.Undelivered> out = new java.util.ArrayList<>();
        for (Map.Entry<Integer, OutboundFlow.Inflight> e : outbound.inflightInOrder()) {
            OutboundFlow.Inflight m = e.getValue();
            if (m.seq > seq && m.state != OutboundFlow.State.AWAIT_PUBCOMP) {
                out.add(new Session.Undelivered(m.publish, m.stamp));
            }
        }
        for (PendingMessage m : outbound.queuedInOrder()) {
            if (m.seq() > seq) {
                out.add(new Session.Undelivered(m.publish(), m.stamp()));
            }
        }
        return out;
    }

    /**
     * Removes the unfinished messages that came through shared subscriptions, for redistribution. Their records
     * stay in the store until {@code forget} of the result runs (on the session's thread): the caller runs it
     * once the other members' copies are durable, so a crash in between finds the message in one place or two,
     * never in none.
     */
    Session.SharedHandOff takeSharedMessages() {
        List<OutboundFlow.TakenShared> taken = outbound.takeShared();
        List<PendingMessage> messages = new java.util.ArrayList<>(taken.size());
        taken.forEach(t -> messages.add(t.message()));
        SessionJournal current = session.journal();
        return new Session.SharedHandOff(messages, () -> {
            for (OutboundFlow.TakenShared t : taken) {
                if (t.wasInflight()) {
                    current.completed((int) t.key());
                } else {
                    current.dequeued(t.message());
                }
            }
        });
    }

    /** PUBACK from the client: QoS 1 delivery complete [MQTT-4.3.2-3]. Unknown ids are ignored. */
    AckOutcome onPubAck(int packetId) {
        OutboundFlow.Inflight m = outbound.inflight(packetId);
        if (m == null || m.state != OutboundFlow.State.AWAIT_PUBACK) {
            return m == null ? AckOutcome.UNKNOWN_ID : AckOutcome.WRONG_KIND;
        }
        complete(packetId);
        drain();
        return AckOutcome.ACCEPTED;
    }

    /**
     * PUBREC from the client: answer PUBREL [MQTT-4.3.3-3], or end the flow if the 5.0 client refused it
     * (reason >= 0x80). For an unknown id a 5.0 client is told 0x92.
     */
    AckOutcome onPubRec(int packetId, int reasonCode) {
        OutboundFlow.Inflight m = outbound.inflight(packetId);
        if (m == null) {
            if (connection() != null) {
                connection().send(new PubResponse(PacketType.PUBREL, packetId,
                        connection().version().isV5() ? ReasonCode.PACKET_IDENTIFIER_NOT_FOUND : ReasonCode.SUCCESS, MqttProperties.EMPTY));
            }
            return AckOutcome.UNKNOWN_ID;
        }
        if (m.state != OutboundFlow.State.AWAIT_PUBREC) {
            return AckOutcome.WRONG_KIND;
        }
        if (ReasonCode.isFailure(reasonCode)) {
            complete(packetId);
            drain();
            return AckOutcome.ACCEPTED;
        }
        m.state = OutboundFlow.State.AWAIT_PUBCOMP;
        session.journal().inflight(packetId, m.publish, m.state, m.sharedGroup());
        if (session.journal().gates()) {
            // PUBREL tells the client the broker will not send the PUBLISH again: only once that is on disk
            m.committed = false;
            whenCommitted(packetId, m);
        } else if (connection() != null) {
            connection().send(PubResponse.of(PacketType.PUBREL, packetId));
        }
        return AckOutcome.ACCEPTED;
    }

    /** PUBCOMP from the client: QoS 2 delivery complete [MQTT-4.3.3-3]. Unknown ids are ignored. */
    AckOutcome onPubComp(int packetId) {
        OutboundFlow.Inflight m = outbound.inflight(packetId);
        if (m == null || m.state != OutboundFlow.State.AWAIT_PUBCOMP) {
            return m == null ? AckOutcome.UNKNOWN_ID : AckOutcome.WRONG_KIND;
        }
        complete(packetId);
        drain();
        return AckOutcome.ACCEPTED;
    }

    void maxInflightBytes(long bytes) {
        outbound.maxInflightBytes(bytes);
    }

    long inflightBytes() {
        return outbound.inflightBytes();
    }

    int inflightCount() {
        return outbound.inflightCount();
    }

    int queuedCount() {
        return outbound.queuedCount();
    }

    List<MessageSummary> inflightSummary(int limit) {
        List<MessageSummary> out = new java.util.ArrayList<>();
        for (Map.Entry<Integer, OutboundFlow.Inflight> e : outbound.inflightInOrder()) {
            if (out.size() >= limit) {
                break;
            }
            Publish p = e.getValue().publish;
            out.add(new MessageSummary(e.getKey(), p.topic(), p.qos(), p.payload().length));
        }
        return out;
    }

    List<MessageSummary> queuedSummary(int limit) {
        List<MessageSummary> out = new java.util.ArrayList<>();
        for (PendingMessage m : outbound.queuedInOrder()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(new MessageSummary(0, m.publish().topic(), m.qos(), m.publish().payload().length));
        }
        return out;
    }

    long queuedBytes() {
        return outbound.queuedBytes();
    }
}
