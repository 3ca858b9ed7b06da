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
import java.util.HashSet;
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
    private final Set<Integer> inboundQos2 = new HashSet<>();

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
        this(clientId, executor, observer, maxInflight, maxQueued, 0);
    }

    /** {@code maxQueuedBytes} bounds the queue's topic and payload bytes besides its message count; 0 = no byte bound. */
    public Session(String clientId, EventExecutor executor, SessionObserver observer, int maxInflight, int maxQueued, long maxQueuedBytes) {
        this.clientId = clientId;
        this.executor = executor;
        this.observer = observer;
        this.maxInflight = maxInflight;
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
     * ends with its connection keeps nothing). On the session's thread.
     */
    public void persistTo(MessageStore store) {
        this.journal = store == MessageStore.none() ? SessionJournal.NONE : new StoreJournal(store, clientId);
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

    void restoreInflight(int packetId, Publish publish, OutboundFlow.State state) {
        outbound.track(packetId, publish, state, null);
    }

    void restoreInboundQos2(int packetId) {
        inboundQos2.add(packetId);
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
        for (Map.Entry<Integer, OutboundFlow.Inflight> e : outbound.inflightInOrder()) {
            int id = e.getKey();
            OutboundFlow.Inflight m = e.getValue();
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

    /** Remembers an inbound QoS 2 packet id; false if it was already awaiting PUBREL (a duplicate) [MQTT-4.3.3-9]. */
    public boolean beginInboundQos2(int packetId) {
        if (!inboundQos2.add(packetId)) {
            return false;
        }
        journal.inboundQos2(packetId, true);
        return true;
    }

    /** Forgets an inbound QoS 2 packet id on PUBREL; false if it was unknown. */
    public boolean releaseInboundQos2(int packetId) {
        if (!inboundQos2.remove(packetId)) {
            return false;
        }
        journal.inboundQos2(packetId, false);
        return true;
    }

    public int inboundQos2Pending() {
        return inboundQos2.size();
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
        PendingMessage queued = new PendingMessage(publish, delivery, publication.createdNanos(), Publication.expiryNanos(publish), ++lastSeq);
        if (connection == null) {
            // QoS 0 is not kept for offline clients; QoS 1/2 are, within bounds [MQTT-3.1.2-5]
            if (qos > 0) {
                enqueue(queued);
            }
            return;
        }
        if (outbound.hasQueued() || (qos == 0 ? !connection.isWritable() : outbound.inflightCount() >= window())) {
            enqueue(queued);
            return;
        }
        boolean ownEncoding = connection.version().isV5()
                && (!delivery.subscriptionIds().isEmpty() || publication.expires() || connection.rewritesPublish());
        if (ownEncoding) {
            // this subscriber needs its own properties (identifiers, remaining expiry, topic alias)
            send(queued, now);
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
            outbound.track(packetId, sent, state, delivery.sharedGroup() == null ? null : queued);
            if (delivery.sharedGroup() == null) {
                journal.inflight(packetId, sent, state);
            }
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
            if (journaled(message)) {
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
            if (journaled(next)) {
                journal.dequeued(next);
            }
            overflowing = false;
            send(next, now);
        }
    }

    /** Encodes one message for this subscriber alone and sends it (or drops it if expired or too large). */
    private void send(PendingMessage m, long now) {
        long remaining = Publication.remainingSeconds(m.createdNanos(), m.expiryNanos(), now);
        if (remaining == 0) {
            observer.dropped(clientInfo, m.publish(), "message expired");
            return;
        }
        Publish p = variant(m.publish(), m.delivery(), remaining);
        if (MqttEncoder.encodedSize(p.withPacketId(m.qos() == 0 ? 0 : 1, false), connection.version()) > connection.maxPacketSize()) {
            observer.dropped(clientInfo, p, "larger than the client's Maximum Packet Size");
            return;
        }
        int packetId = 0;
        if (m.qos() > 0) {
            packetId = outbound.nextPacketId();
            OutboundFlow.State state = m.qos() == 1 ? OutboundFlow.State.AWAIT_PUBACK : OutboundFlow.State.AWAIT_PUBREC;
            outbound.track(packetId, p, state, m.delivery().sharedGroup() == null ? null : m);
            if (journaled(m)) {
                journal.inflight(packetId, p, state);
            }
        }
        connection.send(p.withPacketId(packetId, false));
        observer.delivered(clientInfo, p);
    }

    /** QoS 1/2 messages not owned by a shared group are written to a persistent session's store. */
    private static boolean journaled(PendingMessage m) {
        return m.qos() > 0 && m.delivery().sharedGroup() == null;
    }

    /** Completes an in-flight message and tells the journal (shared-group messages were never journaled). */
    private void complete(int packetId, OutboundFlow.Inflight m) {
        outbound.complete(packetId);
        if (m.shared == null) {
            journal.completed(packetId);
        }
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
        return outbound.discard(refused);
    }

    /** Removes the unfinished messages that came through shared subscriptions, for redistribution. */
    public List<PendingMessage> takeSharedMessages() {
        return outbound.takeShared();
    }

    /** PUBACK from the client: QoS 1 delivery complete [MQTT-4.3.2-3]. Unknown ids are ignored. */
    public AckOutcome onPubAck(int packetId) {
        OutboundFlow.Inflight m = outbound.inflight(packetId);
        if (m == null || m.state != OutboundFlow.State.AWAIT_PUBACK) {
            return m == null ? AckOutcome.UNKNOWN_ID : AckOutcome.WRONG_KIND;
        }
        complete(packetId, m);
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
            complete(packetId, m);
            drain();
            return AckOutcome.ACCEPTED;
        }
        m.state = OutboundFlow.State.AWAIT_PUBCOMP;
        if (m.shared == null) {
            journal.inflight(packetId, m.publish, m.state);
        }
        if (connection != null) {
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
        complete(packetId, m);
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
