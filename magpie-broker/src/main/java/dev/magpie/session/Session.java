package dev.magpie.session;

import dev.magpie.codec.Connect;
import dev.magpie.codec.EncodedPublish;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.spi.ClientInfo;
import dev.magpie.store.MessageStore;
import dev.magpie.store.StoredSession;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * The state the broker keeps for one client id: subscriptions, outbound QoS flow, inbound QoS 2 ids, will,
 * and expiry. It outlives connections when it is persistent (3.1.1 Clean Session 0, 5.0 Session Expiry > 0).
 *
 * <p><b>Single writer.</b> A session is bound for life to one event loop, chosen when it is created, and all
 * its state is touched only there: other threads hand it work through {@link #execute}. That keeps the hot
 * path free of locks. A client that reconnects on another event loop still has its session's work run on
 * the original loop; Netty channel writes are thread-safe, so the session writes to whichever connection
 * is attached.
 */
public final class Session {
    private final String clientId;
    private final EventExecutor executor;
    private final SessionObserver observer;
    private final int maxInflight;
    private final OutboundFlow outbound;
    private final Map<String, SessionSubscription> subscriptions = new LinkedHashMap<>();
    private final InboundQos2 inboundQos2 = new InboundQos2();
    /** Whether QoS 0 messages are queued while the client is offline ({@code queue_qos0_messages}). */
    private final boolean queueQos0;

    private volatile ClientInfo clientInfo;
    private SessionConnection connection;
    private long expirySeconds;
    private Future<?> expiryTask;
    private Connect.Will will;
    private volatile boolean ended;
    private volatile boolean online;
    private Future<?> willTask;
    /** Whether messages are being dropped because the queue is full (reported once per overflow). */
    private boolean overflowing;
    /** Where a persistent session's QoS 1/2 messages are written as they move; {@link SessionJournal#NONE} otherwise. */
    private SessionJournal journal = SessionJournal.NONE;
    /** Numbers this session's messages ({@link PendingMessage#seq()}). */
    private long lastSeq;

    public Session(String clientId, EventExecutor executor, SessionObserver observer, int maxInflight, int maxQueued) {
        this(clientId, executor, observer, maxInflight, maxQueued, 0, false);
    }

    /**
     * {@code maxQueuedBytes} bounds the queue's topic and payload bytes besides its message count (0 = no byte
     * bound); {@code queueQos0} keeps QoS 0 messages for an offline client too.
     */
    public Session(String clientId, EventExecutor executor, SessionObserver observer, int maxInflight, int maxQueued, long maxQueuedBytes,
                   boolean queueQos0) {
        this.clientId = clientId;
        this.executor = executor;
        this.observer = observer;
        this.maxInflight = maxInflight;
        this.queueQos0 = queueQos0;
        this.outbound = new OutboundFlow(maxQueued, maxQueuedBytes);
    }

    public String clientId() {
        return clientId;
    }

    public EventExecutor executor() {
        return executor;
    }

    /** The identity of the client that last attached; readable from any thread. */
    public ClientInfo clientInfo() {
        return clientInfo;
    }

    /** Who a session restored from the store at start belonged to, until its client attaches again. */
    public void restoredAs(ClientInfo info) {
        this.clientInfo = info;
    }

    /**
     * Writes this session's QoS 1/2 messages to {@code store} from now on as they are queued, sent and
     * acknowledged, so a restarted broker can deliver them; {@link MessageStore#none()} stops it (a session that
     * ends with its connection keeps nothing). With {@code gated} (durable acknowledgements) nothing is sent
     * before the state it creates is committed (see {@link SessionJournal}). On the session's thread.
     */
    public void persistTo(MessageStore store, boolean gated) {
        this.journal = store == MessageStore.none() ? SessionJournal.NONE : new StoreJournal(store, clientId, gated, this::execute);
    }

    /**
     * Runs {@code task} on this session's thread once everything the session has written so far is committed, or
     * at once when its writes need no waiting (not persistent, or write-behind). For answers that promise state:
     * PUBCOMP, SUBACK, UNSUBACK. On the session's thread.
     */
    public void afterCommit(Runnable task) {
        journal.afterCommit(task);
    }

    /** Whether this session already writes its messages to a store ({@link #persistTo}). */
    public boolean isPersisted() {
        return journal != SessionJournal.NONE;
    }

    /** Puts the messages {@code stored} kept back into this session restored at start (see {@link StoreJournal#restore}). */
    public void restoreMessages(StoredSession stored) {
        StoreJournal.restore(this, stored);
    }

    void restoreQueued(PendingMessage message) {
        lastSeq = Math.max(lastSeq, message.seq());
        outbound.enqueue(message);
    }

    void restoreInflight(int packetId, Publish publish, OutboundFlow.State state, PendingMessage shared) {
        outbound.track(packetId, publish, state, shared, true);
    }

    void restoreInboundQos2(int packetId, long fingerprint) {
        inboundQos2.restore(packetId, fingerprint);
    }

    /**
     * Runs {@code task} on this session's thread: at once if the caller is already there, otherwise queued
     * to the session's event loop (Netty's task queue is MPSC). Returns false if the loop has shut down.
     */
    public boolean execute(Runnable task) {
        if (executor.inEventLoop()) {
            task.run();
            return true;
        }
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    // ---- the following methods must be called on the session's thread ----

    public boolean isConnected() {
        return connection != null;
    }

    public SessionConnection connection() {
        return connection;
    }

    /** Whether the session has ended for good; readable from any thread. */
    public boolean isEnded() {
        return ended;
    }

    /** Whether a connection is attached; readable from any thread (a hint for shared-subscription routing). */
    public boolean isOnline() {
        return online;
    }

    /** A will waiting for its Will Delay Interval; cancelled if the client comes back first [MQTT-3.1.3-9]. */
    public void willTask(Future<?> task) {
        cancelWill();
        this.willTask = task;
    }

    /** Whether a will is waiting for its Will Delay Interval. */
    public boolean hasDelayedWill() {
        return willTask != null;
    }

    public void cancelWill() {
        if (willTask != null) {
            willTask.cancel(false);
            willTask = null;
        }
    }

    public long expirySeconds() {
        return expirySeconds;
    }

    public void expirySeconds(long seconds) {
        this.expirySeconds = seconds;
    }

    public void expiryTask(Future<?> task) {
        cancelExpiry();
        this.expiryTask = task;
    }

    public void cancelExpiry() {
        if (expiryTask != null) {
            expiryTask.cancel(false);
            expiryTask = null;
        }
    }

    public Connect.Will will() {
        return will;
    }

    public void will(Connect.Will newWill) {
        this.will = newWill;
    }

    public Map<String, SessionSubscription> subscriptions() {
        return Collections.unmodifiableMap(subscriptions);
    }

    /** Records a subscription; returns the one it replaced, or null if it is new. */
    public SessionSubscription addSubscription(SessionSubscription subscription) {
        return subscriptions.put(subscription.filter(), subscription);
    }

    public SessionSubscription removeSubscription(String filter) {
        return subscriptions.remove(filter);
    }

    /**
     * Attaches a new connection: the session is online again. Unacknowledged messages are sent again, PUBLISH
     * with DUP set and PUBREL as they were [MQTT-4.4.0-1], then queued messages follow.
     */
    public void attach(SessionConnection newConnection, ClientInfo info) {
        cancelExpiry();
        cancelWill();
        this.connection = newConnection;
        this.online = true;
        this.clientInfo = info;
        inboundQos2.newConnection();
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

    /** Detaches {@code oldConnection} if it is the attached one; returns whether it was. */
    public boolean detach(SessionConnection oldConnection) {
        if (connection != oldConnection || oldConnection == null) {
            return false;
        }
        connection = null;
        online = false;
        return true;
    }

    /** Ends the session for good: nothing more is delivered or remembered. */
    public void end() {
        ended = true;
        online = false;
        cancelExpiry();
        cancelWill();
        connection = null;
        will = null;
        outbound.clear();
        subscriptions.clear();
        inboundQos2.clear();
    }

    /**
     * Takes ownership of an inbound QoS 2 PUBLISH; false if this is the client resending one already owned (same
     * id and content: acknowledge again, do not route twice [MQTT-4.3.3-9]). A held id with other content was
     * finished by the client and is replaced; at most {@code maxHeld} are kept, ids carried over from earlier
     * connections making room first (see {@link InboundQos2}).
     */
    public boolean beginInboundQos2(Publish publish, int maxHeld, OwnershipLatch ownership) {
        return inboundQos2.begin(publish.packetId(), InboundQos2.fingerprint(publish), publish.dup(), maxHeld,
                journal.gates() ? ownership : null, journal) != InboundQos2.Arrival.DUPLICATE;
    }

    /**
     * The routing of the inbound QoS 2 message holding {@code packetId} is durable: records the ownership, and once
     * that is committed opens its latch and runs {@code then} (the PUBREC) on this session's thread.
     */
    public void ownInboundQos2(int packetId, Runnable then) {
        OwnershipLatch latch = inboundQos2.pendingOwnership(packetId);
        inboundQos2.owned(packetId, journal);
        journal.afterCommit(() -> {
            if (latch != null) {
                latch.release();
            }
            then.run();
        });
    }

    /** Runs {@code task} once the ownership of the held id {@code packetId} is durable (at once if it is). */
    public void whenInboundQos2Owned(int packetId, Runnable task) {
        OwnershipLatch latch = inboundQos2.pendingOwnership(packetId);
        if (latch == null) {
            task.run();
        } else {
            latch.whenReleased(() -> execute(task));
        }
    }

    /** Whether this session's inbound QoS 2 routing must wait for the disk (persistent, durable acknowledgements). */
    public boolean journalsDurably() {
        return journal.gates();
    }

    /** Forgets an inbound QoS 2 packet id on PUBREL; false if it was unknown. */
    public boolean releaseInboundQos2(int packetId) {
        return inboundQos2.release(packetId, journal);
    }

    public int inboundQos2Pending() {
        return inboundQos2.pending();
    }

    /** Inbound QoS 2 ids taken on the current connection: what counts against the Receive Maximum [MQTT-3.3.4-9]. */
    public int inboundQos2OnThisConnection() {
        return inboundQos2.pendingOnThisConnection();
    }

    // ---- delivery: callable from any thread ----

    /**
     * Delivers {@code publication} as {@code delivery} says, on the session's thread; the publication is
     * retained until then.
     */
    public void deliver(Publication publication, Delivery delivery) {
        publication.retain();
        boolean accepted = execute(() -> {
            try {
                deliverNow(publication, delivery);
            } finally {
                publication.release();
            }
        });
        if (!accepted) {
            publication.release();
        }
    }

    private void deliverNow(Publication publication, Delivery delivery) {
        if (ended) {
            return;
        }
        Publish publish = publication.publish();
        long now = System.nanoTime();
        if (publication.remainingSeconds(now) == 0) {
            observer.dropped(clientInfo, publish, "message expired"); // [MQTT-3.3.2-5]
            return;
        }
        int qos = delivery.qos();
        PendingMessage queued = new PendingMessage(publish, delivery, publication.createdNanos(), Publication.expiryNanos(publish), ++lastSeq,
                publication.ownership());
        if (connection == null) {
            // QoS 0 is not kept for offline clients unless configured; QoS 1/2 are, within bounds [MQTT-3.1.2-5]
            if (qos > 0 || queueQos0) {
                enqueue(queued);
            }
            return;
        }
        if (outbound.hasQueued() || (qos == 0 ? !connection.isWritable() : outbound.inflightCount() >= window())) {
            enqueue(queued);
            return;
        }
        boolean ownEncoding = (qos > 0 && journal.gates()) || connection.version().isV5()
                && (!delivery.subscriptionIds().isEmpty() || publication.expires() || connection.rewritesPublish());
        if (ownEncoding) {
            // this subscriber needs its own properties (identifiers, remaining expiry, topic alias), or its message
            // waits for the commit of its in-flight record
            send(queued, now, false);
            return;
        }
        EncodedPublish encoded = publication.encoded(connection.allocator(), connection.version(), qos);
        if (encoded.size() > connection.maxPacketSize()) {
            // the client said it cannot take this; the spec says drop it [MQTT-3.1.2-25]
            observer.dropped(clientInfo, publish, "larger than the client's Maximum Packet Size");
            return;
        }
        int packetId = 0;
        if (qos > 0) {
            packetId = outbound.nextPacketId();
            Publish sent = variant(publish, delivery, -1);
            OutboundFlow.State state = qos == 1 ? OutboundFlow.State.AWAIT_PUBACK : OutboundFlow.State.AWAIT_PUBREC;
            outbound.track(packetId, sent, state, delivery.sharedGroup() == null ? null : queued, true);
            journal.sent(queued, false, packetId, sent, state);
        }
        ByteBuf buffer = encoded.forDelivery(packetId, false, delivery.retain());
        connection.send(buffer);
        observer.delivered(clientInfo, publish);
    }

    /**
     * Queues a message, or drops it when the queue is full by count or by bytes; the first drop of an
     * overflow is reported (a log line and the limit metric), the rest only counted until the queue has room.
     */
    private void enqueue(PendingMessage message) {
        boolean byBytes = outbound.fullByBytes(message);
        if (outbound.enqueue(message)) {
            if (journaled(message) && !(message.qos() == 0 && connection != null)) {
                journal.queued(message);
            }
            return;
        }
        observer.dropped(clientInfo, message.publish(), byBytes ? "queue full (bytes)" : "queue full");
        if (!overflowing) {
            overflowing = true;
            observer.queueOverflow(clientInfo, clientId, outbound.queuedCount(), outbound.queuedBytes(), byBytes);
        }
    }

    /** Sends queued messages while the window and the socket allow. */
    public void drain() {
        long now = System.nanoTime();
        while (connection != null && outbound.hasQueued()) {
            PendingMessage next = outbound.peek();
            if (next.qos() == 0 ? !connection.isWritable() : outbound.inflightCount() >= window()) {
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
        boolean queuedRecord = fromQueue && journaled(m);
        long remaining = Publication.remainingSeconds(m.createdNanos(), m.expiryNanos(), now);
        Publish p = remaining == 0 ? null : variant(m.publish(), m.delivery(), remaining);
        String tooBig = p != null && MqttEncoder.encodedSize(p.withPacketId(m.qos() == 0 ? 0 : 1, false), connection.version())
                > connection.maxPacketSize() ? "larger than the client's Maximum Packet Size" : null;
        if (p == null || tooBig != null || m.qos() == 0) {
            if (queuedRecord) {
                journal.dequeued(m);
            }
            if (p == null || tooBig != null) {
                observer.dropped(clientInfo, m.publish(), p == null ? "message expired" : tooBig);
                return;
            }
            connection.send(p);
            observer.delivered(clientInfo, p);
            return;
        }
        int packetId = outbound.nextPacketId();
        OutboundFlow.State state = m.qos() == 1 ? OutboundFlow.State.AWAIT_PUBACK : OutboundFlow.State.AWAIT_PUBREC;
        boolean gated = journal.gates();
        OutboundFlow.Inflight entry = outbound.track(packetId, p, state, m.delivery().sharedGroup() == null ? null : m, !gated);
        entry.ownership = m.ownership();
        journal.sent(m, queuedRecord, packetId, p, state);
        if (gated) {
            whenCommitted(packetId, entry);
            return;
        }
        connection.send(p.withPacketId(packetId, false));
        observer.delivered(clientInfo, p);
    }

    /**
     * Once the store has committed {@code entry}'s current state, sends what it calls for to the connection then
     * attached (PUBLISH, or PUBREL past PUBREC), unless it has moved on meanwhile; a client that is away gets it
     * when it attaches ({@link #attach} skips what is not committed yet, so nothing goes out twice).
     */
    private void whenCommitted(int packetId, OutboundFlow.Inflight entry) {
        OutboundFlow.State state = entry.state;
        journal.afterCommit(() -> {
            if (outbound.inflight(packetId) != entry || entry.state != state || entry.committed) {
                return;
            }
            OwnershipLatch ownership = entry.ownership;
            if (ownership != null && !ownership.isReleased()) {
                // routed from an inbound QoS 2 PUBLISH whose ownership is not on disk yet: a crash now would drop
                // this copy and route the client's resend again, so the subscriber must not hold this one
                ownership.whenReleased(() -> execute(() -> {
                    entry.ownership = null;
                    whenCommitted(packetId, entry);
                }));
                return;
            }
            entry.committed = true;
            if (connection == null) {
                return;
            }
            if (state == OutboundFlow.State.AWAIT_PUBCOMP) {
                connection.send(PubResponse.of(PacketType.PUBREL, packetId));
            } else {
                connection.send(entry.publish.withPacketId(packetId, false));
                observer.delivered(clientInfo, entry.publish);
            }
        });
    }

    /** Which messages are written to a persistent session's store: QoS 1/2, and QoS 0 when offline queueing keeps it. */
    private boolean journaled(PendingMessage m) {
        return m.qos() > 0 || queueQos0;
    }

    private void complete(int packetId) {
        outbound.complete(packetId);
        journal.completed(packetId);
    }

    private int window() {
        return Math.min(maxInflight, connection.receiveMaximum());
    }

    /**
     * The PUBLISH as this subscriber gets it: its QoS and RETAIN flag, and for 5.0 its own Subscription
     * Identifiers and the remaining expiry ({@code remainingSeconds} -1 = none); 3.1.1 carries no properties.
     */
    private Publish variant(Publish p, Delivery delivery, long remainingSeconds) {
        MqttProperties props;
        if (connection != null && !connection.version().isV5()) {
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
    public int discardUndelivered(Predicate<Publish> refused) {
        return outbound.discard(refused, journal::completed, journal::dequeued);
    }

    /**
     * Removes the unfinished messages that came through shared subscriptions, for redistribution. Their records
     * stay in the store until {@code forget} of the result runs (on the session's thread): the caller runs it
     * once the other members' copies are durable, so a crash in between finds the message in one place or two,
     * never in none.
     */
    public SharedHandOff takeSharedMessages() {
        List<OutboundFlow.TakenShared> taken = outbound.takeShared();
        List<PendingMessage> messages = new java.util.ArrayList<>(taken.size());
        taken.forEach(t -> messages.add(t.message()));
        SessionJournal current = journal;
        return new SharedHandOff(messages, () -> {
            for (OutboundFlow.TakenShared t : taken) {
                if (t.wasInflight()) {
                    current.completed((int) t.key());
                } else {
                    current.dequeued(t.message());
                }
            }
        });
    }

    /** Shared-subscription messages taken from a session, and how to forget their stored records. */
    public record SharedHandOff(List<PendingMessage> messages, Runnable forget) {
    }

    /** PUBACK from the client: QoS 1 delivery complete [MQTT-4.3.2-3]. Unknown ids are ignored. */
    public AckOutcome onPubAck(int packetId) {
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
    public AckOutcome onPubRec(int packetId, int reasonCode) {
        OutboundFlow.Inflight m = outbound.inflight(packetId);
        if (m == null) {
            if (connection != null) {
                connection.send(new PubResponse(PacketType.PUBREL, packetId,
                        connection.version().isV5() ? ReasonCode.PACKET_IDENTIFIER_NOT_FOUND : ReasonCode.SUCCESS, MqttProperties.EMPTY));
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
        journal.inflight(packetId, m.publish, m.state, m.sharedGroup());
        if (journal.gates()) {
            // PUBREL tells the client the broker will not send the PUBLISH again: only once that is on disk
            m.committed = false;
            whenCommitted(packetId, m);
        } else if (connection != null) {
            connection.send(PubResponse.of(PacketType.PUBREL, packetId));
        }
        return AckOutcome.ACCEPTED;
    }

    /** PUBCOMP from the client: QoS 2 delivery complete [MQTT-4.3.3-3]. Unknown ids are ignored. */
    public AckOutcome onPubComp(int packetId) {
        OutboundFlow.Inflight m = outbound.inflight(packetId);
        if (m == null || m.state != OutboundFlow.State.AWAIT_PUBCOMP) {
            return m == null ? AckOutcome.UNKNOWN_ID : AckOutcome.WRONG_KIND;
        }
        complete(packetId);
        drain();
        return AckOutcome.ACCEPTED;
    }

    public int inflightCount() {
        return outbound.inflightCount();
    }

    public int queuedCount() {
        return outbound.queuedCount();
    }

    public long queuedBytes() {
        return outbound.queuedBytes();
    }
}
