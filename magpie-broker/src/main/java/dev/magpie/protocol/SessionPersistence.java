package dev.magpie.protocol;

import dev.magpie.codec.Publish;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.session.OwnershipLatch;
import dev.magpie.session.PublishStorage;
import dev.magpie.session.Session;
import dev.magpie.session.SessionSubscription;
import dev.magpie.spi.ClientInfo;
import dev.magpie.store.MessageStore;
import dev.magpie.store.StoredSession;
import dev.magpie.store.StoredSubscription;
import dev.magpie.store.StoredWill;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tells the {@link MessageStore} what changes in persistent sessions (those that outlive their connection:
 * Session Expiry Interval above 0, 3.1.1 Clean Session 0), so that a restarted broker finds them with their
 * subscriptions and their QoS 1/2 messages (the session journals those itself once {@link Session#persistTo} is
 * set). Sessions that end with their connection are never written. Every call only queues a write;
 * the store applies them in order on its own thread.
 *
 * <p>Called on the session's thread by the connect gate (attached), the subscribe flow and the lifecycle
 * (disconnected, ended). The store is set once at start, before any client connects.
 */
public final class SessionPersistence {
    private volatile java.util.function.BiConsumer<Session, ClientInfo> mirror = (session, client) -> { };
    private volatile MessageStore store = MessageStore.none();
    private volatile java.util.function.Consumer<Runnable> forwardedBarrier;
    /** The event loops sessions live on, when acknowledgements wait for the disk; null otherwise. */
    private volatile EventLoopGroup durableAckLoops;
    /** Source of {@link #newOwnership} tokens: above every token an earlier run of this data directory used. */
    private final java.util.concurrent.atomic.AtomicLong originTokens = new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis() * 1_000_000L);

    void use(MessageStore newStore) {
        this.store = newStore;
    }

    /**
     * From now on a publisher's PUBACK/PUBREC waits until what its message caused is committed (see
     * {@link #whenDurable}). Set once at start.
     */
    public void durableAcknowledgements(EventLoopGroup sessionLoops) {
        this.durableAckLoops = sessionLoops;
    }

    /**
     * Runs {@code ack} on {@code ackLoop} once the store has committed every write the message just routed caused,
     * or at once in write-behind mode.
     *
     * <p>Why a barrier through every loop: routing hands the message to each subscriber's session on that
     * session's event loop, where the session journals it. A task queued to a loop after those deliveries runs
     * after them (a loop's task queue is FIFO for one producer), so when such a barrier task has run on every loop
     * all the writes are queued; the store's commit marker queued behind them then fires when they are on disk.
     */
    void whenDurable(EventExecutor ackLoop, Runnable original) {
        java.util.function.Consumer<Runnable> forwarded = forwardedBarrier;
        // on a cluster node, then until the copies for other nodes are in the cluster store; always handed to the loop,
        // never run inline, so an acknowledgement released by the barrier cannot be overtaken by a later one
        Runnable ack = forwarded == null ? original : () -> forwarded.accept(() -> runOn(ackLoop, original));
        EventLoopGroup loops = durableAckLoops;
        if (loops == null) {
            ack.run();
            return;
        }
        MessageStore target = store;
        List<EventExecutor> all = new ArrayList<>();
        loops.forEach(all::add);
        AtomicInteger pending = new AtomicInteger(all.size());
        Runnable oneCommitted = () -> {
            if (pending.decrementAndGet() == 0) {
                try {
                    ackLoop.execute(ack);
                } catch (RejectedExecutionException stopped) {
                    // the broker is stopping and its connections are closed: there is no one to answer
                }
            }
        };
        for (EventExecutor loop : all) {
            try {
                loop.execute(() -> target.afterCommit(oneCommitted));
            } catch (RejectedExecutionException shuttingDown) {
                oneCommitted.run();
            }
        }
    }

    /**
     * Runs {@code done} once every write that what was routed so far caused is committed (with the same barrier as a
     * publisher's PUBACK, {@link #whenDurable}): a cluster node acknowledges a batch of its inbox only then, so a
     * message it takes out of the cluster store is in a session's copy first. On a session loop, or at once when
     * nothing waits for the store. Any thread; the routing must have been done on it.
     */
    public void afterRouted(Runnable done) {
        EventLoopGroup loops = durableAckLoops;
        whenDurable(loops == null ? io.netty.util.concurrent.ImmediateEventExecutor.INSTANCE : loops.next(), done);
    }

    MessageStore store() {
        return store;
    }

    /**
     * On a cluster node: acknowledgements also wait until the copies a message sent to other nodes are stored
     * ({@code ClusterLink.afterForwarded}). Set once during assembly.
     */
    public void forwardedBarrier(java.util.function.Consumer<Runnable> barrier) {
        this.forwardedBarrier = barrier;
    }

    private static void runOn(EventExecutor loop, Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException stopped) {
            // the broker is stopping and its connections are closed: there is no one to answer
        }
    }

    /**
     * A latch for a new inbound QoS 2 message of a durably journaled session; its token is unique for the life of
     * the data directory (start time in microseconds, then counting), as stored copies are tagged with it.
     */
    OwnershipLatch newOwnership() {
        return new OwnershipLatch(originTokens.incrementAndGet());
    }

    /** Whether acknowledgements and a persistent session's sends wait for the store's commit. */
    boolean durable() {
        return durableAckLoops != null;
    }

    /** Starts journaling {@code session}'s messages to the store (restored sessions, resumed ones). */
    void journal(Session session) {
        session.persistTo(store, durable());
    }

    /**
     * A session adopted from another node's copy starts its local record with the messages restored into it, so this
     * node's own restart still has them.
     */
    void restoredInto(Session session, StoredSession messages) {
        if (session.expirySeconds() == 0 || session.clientInfo() == null) {
            return;
        }
        store.putSession(header(session, session.clientInfo(), -1));
        for (SessionSubscription s : session.subscriptions().values()) {
            store.putSubscription(session.clientId(), stored(s));
        }
        for (StoredSession.InboundQos2 id : messages.inboundQos2()) {
            store.inboundQos2(session.clientId(), id.packetId(), id.fingerprint(), 0, true);
        }
        messages.deliveries().forEach(d -> store.putDelivery(session.clientId(), d));
    }

    /**
     * {@code session}'s client is gone and its will waits for its delay: kept so that a broker restarted before
     * {@code dueAtMillis} still publishes it [MQTT-3.1.3-9]. The will is stored as the PUBLISH it becomes.
     */
    void willDelayed(Session session, Publish will, long dueAtMillis) {
        if (session.expirySeconds() > 0) {
            store.putWill(session.clientId(), new StoredWill(PublishStorage.toStored(will, dueAtMillis), will.retain(), dueAtMillis));
        }
    }

    /**
     * The delayed will is settled: cancelled by a reconnect (forgotten at once), or published ({@code published}):
     * then forgotten once the deliveries it caused are durable, so a crash in between publishes it again rather
     * than never.
     */
    void willSettled(Session session, boolean published) {
        if (session.expirySeconds() == 0 && !session.isPersisted()) {
            return;
        }
        String clientId = session.clientId();
        MessageStore target = store;
        if (published) {
            whenDurable(session.executor(), () -> target.removeWill(clientId));
        } else {
            target.removeWill(clientId);
        }
    }

    /**
     * A connection attached. A new session ({@code present} false) replaces whatever was stored for the client
     * id [MQTT-3.1.2-4]; a persistent one is stored as connected (its expiry starts when it disconnects).
     */
    void attached(Session session, ClientInfo info, boolean present) {
        if (!present || session.expirySeconds() == 0) {
            store.removeSession(session.clientId());
        }
        if (session.hasDelayedWill()) {
            willSettled(session, false); // the client is back before its will was due: cancelled [MQTT-3.1.3-9]
        }
        boolean wasPersisted = session.isPersisted();
        session.persistTo(session.expirySeconds() > 0 ? store : MessageStore.none(), durable());
        if (session.expirySeconds() > 0) {
            store.putSession(header(session, info, -1));
            if (present && !wasPersisted) {
                // a session taken over while it was not persistent: its subscriptions were never written
                for (SessionSubscription s : session.subscriptions().values()) {
                    store.putSubscription(session.clientId(), stored(s));
                }
            }
        }
        if (session.expirySeconds() > 0 || session.will() != null) {
            mirror.accept(session, info); // the will too: a peer publishes it if this node dies
        }
    }

    /** The will of a session that outlives its connection was published or dropped: its stored copy goes too. */
    void willGone(Session session) {
        if (session.expirySeconds() > 0) {
            mirror.accept(session, null);
        }
    }

    /** The connection went away and the session waits for its client until {@code expirySeconds} from now. */
    void disconnected(Session session) {
        long expiry = session.expirySeconds();
        if (expiry > 0 && session.clientInfo() != null) {
            store.putSession(header(session, session.clientInfo(), System.currentTimeMillis() + expiry * 1_000));
            mirror.accept(session, null);
        }
    }

    /** The session ended for good. */
    void ended(Session session) {
        store.removeSession(session.clientId());
    }

    void subscribed(Session session, SessionSubscription subscription) {
        if (session.expirySeconds() > 0) {
            store.putSubscription(session.clientId(), stored(subscription));
            mirror.accept(session, null);
        }
    }

    void unsubscribed(Session session, String filter) {
        if (session.expirySeconds() > 0) {
            store.removeSubscription(session.clientId(), filter);
            mirror.accept(session, null);
        }
    }

    /** Where persistent sessions' changes are also told (a cluster node's copy in the cluster store). */
    void mirror(java.util.function.BiConsumer<Session, ClientInfo> onChange) {
        this.mirror = onChange;
    }

    private static StoredSession header(Session session, ClientInfo info, long expiresAt) {
        return new StoredSession(session.clientId(), info.username(), info.protocolLevel(), info.listener(),
                session.expirySeconds(), expiresAt, List.of());
    }

    static StoredSubscription stored(SessionSubscription s) {
        Subscription o = s.options();
        return new StoredSubscription(o.filter(), o.qos(), o.noLocal(), o.retainAsPublished(), o.retainHandling(), s.identifier());
    }

    static List<SessionSubscription> restored(StoredSession session) {
        List<SessionSubscription> subscriptions = new ArrayList<>(session.subscriptions().size());
        for (StoredSubscription s : session.subscriptions()) {
            subscriptions.add(new SessionSubscription(
                    new Subscription(s.filter(), s.qos(), s.noLocal(), s.retainAsPublished(), s.retainHandling()), s.identifier()));
        }
        return subscriptions;
    }
}
