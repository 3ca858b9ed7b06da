package dev.magpie.session;

import dev.magpie.codec.Connect;
import dev.magpie.codec.Publish;
import dev.magpie.spi.ClientInfo;
import dev.magpie.store.MessageStore;
import dev.magpie.store.StoredDelivery;
import dev.magpie.store.StoredSession;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /** The user that created the session ({@code null}: an anonymous client); it never changes (see {@link #owner()}). */
    private final String owner;
    private final EventExecutor executor;
    /** Where deliveries enter (and the inbox marks they leave, the hold while arriving from another node). */
    private final SessionArrivals arrivals;
    private final SessionOutbox outbox;
    private final Map<String, SessionSubscription> subscriptions = new LinkedHashMap<>();
    /** Made at the first inbound QoS 2 id: most sessions never hold one, and every session counts (issue 11). */
    private InboundQos2 inboundQos2;

    private volatile ClientInfo clientInfo;
    /**
     * How the current or last connection was accepted, packed into one long ({@link ConnectionTerms#pack}): 0 before the
     * first (a session restored at start). Eight bytes rather than an object per session: every session counts (issue 11).
     */
    private volatile long connectionTerms;
    private SessionConnection connection;
    private long expirySeconds;
    private Future<?> expiryTask;
    private Connect.Will will;
    private volatile boolean ended;
    private volatile boolean online;
    private Future<?> willTask;
    /** Where this session's subscriptions are counted for its owner's quota; null when not counted. */
    private SessionRegistry tally;
    /** Where a persistent session's QoS 1/2 messages are written as they move; {@link SessionJournal#NONE} otherwise. */
    private SessionJournal journal = SessionJournal.NONE;

    public Session(String clientId, EventExecutor executor, SessionObserver observer, int maxInflight, int maxQueued) {
        this(clientId, executor, observer, maxInflight, maxQueued, 0, false);
    }

    /**
     * {@code maxQueuedBytes} bounds the queue's topic and payload bytes besides its message count (0 = no byte
     * bound); {@code queueQos0} keeps QoS 0 messages for an offline client too.
     */
    public Session(String clientId, EventExecutor executor, SessionObserver observer, int maxInflight, int maxQueued, long maxQueuedBytes,
                   boolean queueQos0) {
        this(clientId, null, executor, observer, maxInflight, maxQueued, maxQueuedBytes, queueQos0);
    }

    /** A session owned by {@code owner} (the user name of the client that creates it; {@code null} if anonymous). */
    public Session(String clientId, String owner, EventExecutor executor, SessionObserver observer, int maxInflight, int maxQueued,
                   long maxQueuedBytes, boolean queueQos0) {
        this.clientId = clientId;
        this.owner = owner;
        this.executor = executor;
        this.outbox = new SessionOutbox(this, observer, maxInflight, maxQueued, maxQueuedBytes, queueQos0);
        this.arrivals = new SessionArrivals(outbox);
    }

    public String clientId() {
        return clientId;
    }

    public EventExecutor executor() {
        return executor;
    }

    /**
     * The user this session belongs to: the user name of the client that created it, {@code null} for an
     * anonymous one. Fixed for the session's life, so readable from any thread; only a client of the same user
     * may resume or take it over (MQTT 5.0 section 5.4.2, see {@code ClientIdOwnership}).
     */
    public String owner() {
        return owner;
    }

    /** Counts this session's subscriptions for its owner in {@code registry} (subscriptions per user); set once, at creation. */
    public void countSubscriptionsIn(SessionRegistry registry) {
        this.tally = registry;
    }

    /** The identity of the client that last attached; readable from any thread. */
    public ClientInfo clientInfo() {
        return clientInfo;
    }

    /** How the current or last connection was accepted; null if no client attached since the broker started. Any thread. */
    public ConnectionTerms connectionTerms() {
        return ConnectionTerms.unpack(connectionTerms);
    }

    /** Records how the connection about to attach was accepted (the connect gate, before {@link #attach}). */
    public void connectionTerms(ConnectionTerms terms) {
        this.connectionTerms = terms.pack();
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

    /** Where this session's messages are journaled now ({@link SessionJournal#NONE} when not persistent). */
    SessionJournal journal() {
        return journal;
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
        outbox.restoreQueued(message);
    }

    void restoreInflight(int packetId, Publish publish, OutboundFlow.State state, PendingMessage shared) {
        outbox.restoreInflight(packetId, publish, state, shared);
    }

    void restoreInboundQos2(int packetId, long fingerprint) {
        inboundQos2().restore(packetId, fingerprint);
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
        SessionSubscription previous = subscriptions.put(subscription.filter(), subscription);
        if (previous == null && tally != null) {
            tally.subscriptionsChanged(owner, 1);
        }
        return previous;
    }

    public SessionSubscription removeSubscription(String filter) {
        SessionSubscription removed = subscriptions.remove(filter);
        if (removed != null && tally != null) {
            tally.subscriptionsChanged(owner, -1);
        }
        return removed;
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
        if (inboundQos2 != null) {
            inboundQos2.newConnection();
        }
        outbox.resendOnAttach(newConnection);
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
        outbox.clear();
        arrivals.discard();
        if (tally != null) {
            tally.subscriptionsChanged(owner, -subscriptions.size());
        }
        subscriptions.clear();
        inboundQos2 = null;
    }

    /**
     * Takes ownership of an inbound QoS 2 PUBLISH; false if this is the client resending one already owned (same
     * id and content: acknowledge again, do not route twice [MQTT-4.3.3-9]). A held id with other content was
     * finished by the client and is replaced; at most {@code maxHeld} are kept, ids carried over from earlier
     * connections making room first (see {@link InboundQos2}).
     */
    private InboundQos2 inboundQos2() {
        if (inboundQos2 == null) {
            inboundQos2 = new InboundQos2();
        }
        return inboundQos2;
    }

    public boolean beginInboundQos2(Publish publish, int maxHeld, OwnershipLatch ownership) {
        return inboundQos2().begin(publish.packetId(), InboundQos2.fingerprint(publish), publish.dup(), maxHeld, ownership, journal)
                != InboundQos2.Arrival.DUPLICATE;
    }

    /**
     * The routing of the inbound QoS 2 message holding {@code packetId} is durable: records the ownership, and once
     * that is committed opens its latch and runs {@code then} (the PUBREC) on this session's thread.
     */
    public void ownInboundQos2(int packetId, OwnershipLatch latch, Runnable then) {
        if (inboundQos2 != null && (latch == null || inboundQos2.pendingOwnership(packetId) == latch)) {
            inboundQos2.owned(packetId, journal);
        }
        // opened even if the id is gone meanwhile (the session ended): nothing may wait on it for ever
        journal.afterCommit(() -> {
            if (latch != null) {
                latch.release();
            }
            then.run();
        });
    }

    /** Runs {@code task} once the ownership of the held id {@code packetId} is durable (at once if it is). */
    public void whenInboundQos2Owned(int packetId, Runnable task) {
        OwnershipLatch latch = inboundQos2 == null ? null : inboundQos2.pendingOwnership(packetId);
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
        return inboundQos2 != null && inboundQos2.release(packetId, journal);
    }

    public int inboundQos2Pending() {
        InboundQos2 held = inboundQos2; // also read by a metrics gauge's thread: a moment's view
        return held == null ? 0 : held.pending();
    }

    /** Inbound QoS 2 ids taken on the current connection: what counts against the Receive Maximum [MQTT-3.3.4-9]. */
    public int inboundQos2OnThisConnection() {
        return inboundQos2 == null ? 0 : inboundQos2.pendingOnThisConnection();
    }

    // ---- delivery: callable from any thread ----

    /**
     * Delivers {@code publication} as {@code delivery} says, on the session's thread; the publication is
     * retained until then.
     */
    public void deliver(Publication publication, Delivery delivery) {
        deliver(publication, delivery, false);
    }

    /**
     * As {@link #deliver}, for a message the previous owner of this session, another cluster node, handed over: it
     * goes ahead of the deliveries held meanwhile ({@link #holdArrivals}), and a held copy of it is not delivered.
     */
    public void deliverHandedOver(Publication publication, Delivery delivery) {
        deliver(publication, delivery, true);
    }

    private void deliver(Publication publication, Delivery delivery, boolean handedOver) {
        publication.retain();
        boolean accepted = execute(() -> {
            try {
                arrivals.arrive(publication, delivery, handedOver);
            } finally {
                publication.release();
            }
        });
        if (!accepted) {
            publication.release();
        }
    }

    /**
     * This session arrived from cluster node {@code fromNode}, which still hands over what it had not delivered: the
     * deliveries routed here meanwhile wait behind those ({@link ArrivalHold}) until {@link #endArrivalHold}. Called
     * before the session can be reached.
     */
    public void holdArrivals(String fromNode) {
        arrivals.holdFor(fromNode);
    }

    /**
     * Node {@code fromNode} has handed over all it had ({@code null}: whichever node, the wait is over): the held
     * deliveries follow, less those that came handed over too. On the session's thread.
     */
    public void endArrivalHold(String fromNode) {
        arrivals.endHold(fromNode);
    }

    /**
     * Per sending node, the highest seq of this cluster node's inbox that reached this session: a copy of the session
     * in the cluster store carries them, so that a survivor draining the inbox after this node's death skips what the
     * copy holds already (the inbox is acknowledged a round trip after the copy is written). On the session's thread.
     */
    public Map<dev.magpie.cluster.NodeIdentity, Long> inboxMarks() {
        return arrivals.inboxMarks();
    }

    /** Sends queued messages while the window and the socket allow. */
    public void drain() {
        outbox.drain();
    }

    /**
     * What this session's store records hold now ({@link StoredDelivery}: in flight, then queued; the inbound QoS 2 ids
     * the broker owns), and the newest message number among them: what a cluster node copies for the next owner,
     * which puts it back with {@link #restoreMessages}. On the session's thread.
     */
    public StoredMessages storedMessages() {
        List<StoredDelivery> deliveries = new ArrayList<>();
        outbox.storedMessages(deliveries);
        List<StoredSession.InboundQos2> inbound = new ArrayList<>();
        if (inboundQos2 != null) {
            inboundQos2.owned(inbound);
        }
        return new StoredMessages(deliveries, inbound, outbox.lastSeq());
    }

    /** A message not delivered yet, with its cluster-wide identity ({@link PendingMessage#stamp()}, may be null). */
    public record Undelivered(Publish publish, dev.magpie.cluster.MessageStamp stamp) {
    }

    /** A session's messages as records, and {@link PendingMessage#seq()} of the newest (see {@link #storedMessages}). */
    public record StoredMessages(List<StoredDelivery> deliveries, List<StoredSession.InboundQos2> inboundQos2, long lastSeq) {
    }

    /**
     * Drops every unfinished message, returning those newer than {@code seq} (in flight, then queued; as the client
     * would get them): a cluster node hands those to the next owner, which has the older ones from the stored copy.
     * On the session's thread.
     */
    public List<Undelivered> discardUndeliveredAfter(long seq) {
        endArrivalHold(null); // what is held goes on with the rest
        List<Undelivered> newer = outbox.undeliveredAfter(seq);
        outbox.discardUndelivered(publish -> true);
        return newer;
    }

    /**
     * Drops the undelivered messages (queued, or sent and not yet acknowledged) that {@code refused} matches, so
     * that they are not sent again on resume; returns how many were dropped.
     */
    public int discardUndelivered(Predicate<Publish> refused) {
        return outbox.discardUndelivered(refused);
    }

    /**
     * Removes the unfinished messages that came through shared subscriptions, for redistribution. Their records
     * stay in the store until {@code forget} of the result runs (on the session's thread): the caller runs it
     * once the other members' copies are durable, so a crash in between finds the message in one place or two,
     * never in none.
     */
    public SharedHandOff takeSharedMessages() {
        return outbox.takeSharedMessages();
    }

    /** Shared-subscription messages taken from a session, and how to forget their stored records. */
    public record SharedHandOff(List<PendingMessage> messages, Runnable forget) {
    }

    /** PUBACK from the client: QoS 1 delivery complete [MQTT-4.3.2-3]. Unknown ids are ignored. */
    public AckOutcome onPubAck(int packetId) {
        return outbox.onPubAck(packetId);
    }

    /**
     * PUBREC from the client: answer PUBREL [MQTT-4.3.3-3], or end the flow if the 5.0 client refused it
     * (reason >= 0x80). For an unknown id a 5.0 client is told 0x92.
     */
    public AckOutcome onPubRec(int packetId, int reasonCode) {
        return outbox.onPubRec(packetId, reasonCode);
    }

    /** PUBCOMP from the client: QoS 2 delivery complete [MQTT-4.3.3-3]. Unknown ids are ignored. */
    public AckOutcome onPubComp(int packetId) {
        return outbox.onPubComp(packetId);
    }

    /**
     * Bounds the topic and payload bytes of QoS 1/2 messages in flight to this session's client, besides the
     * window's message count (0 = only the count); set at creation, on the session's thread.
     */
    public void maxInflightBytes(long bytes) {
        outbox.maxInflightBytes(bytes);
    }

    /** Topic and payload bytes of the QoS 1/2 messages sent and not yet acknowledged. */
    public long inflightBytes() {
        return outbox.inflightBytes();
    }

    public int inflightCount() {
        return outbox.inflightCount();
    }

    /** The first {@code limit} messages in flight (sent, not yet acknowledged), oldest first; on the session's thread. */
    public List<MessageSummary> inflightSummary(int limit) {
        return outbox.inflightSummary(limit);
    }

    /** The first {@code limit} messages waiting in the queue, oldest first; on the session's thread. */
    public List<MessageSummary> queuedSummary(int limit) {
        return outbox.queuedSummary(limit);
    }

    public int queuedCount() {
        return outbox.queuedCount();
    }

    public long queuedBytes() {
        return outbox.queuedBytes();
    }
}
