package dev.magpie.protocol;

import dev.magpie.observe.LogSafe;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.Publish;
import dev.magpie.observe.BrokerMetrics;
import dev.magpie.observe.EventDispatcher;
import dev.magpie.routing.Distributor;
import dev.magpie.security.AuthorizationChain;
import dev.magpie.session.DropReason;
import dev.magpie.session.PendingMessage;
import dev.magpie.session.Publication;
import dev.magpie.session.Session;
import dev.magpie.session.SessionObserver;
import dev.magpie.session.SessionRegistry;
import dev.magpie.session.SessionSubscription;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Message;
import dev.magpie.store.MessageStore;
import dev.magpie.session.PublishStorage;
import dev.magpie.store.StoredSession;
import dev.magpie.store.StoredWill;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Creates and ends sessions, and decides what happens when a connection goes away: the will is published
 * unless the client said goodbye normally [MQTT-3.1.2-8], [MQTT-3.1.2-10], and the session either ends at once
 * (clean, expiry 0) or is kept until its expiry interval passes [MQTT-3.1.2-23]. Sessions never import routing,
 * so removing a session's subscriptions from the tree happens here. Every method that takes a session must run
 * on that session's thread.
 */
public final class SessionLifecycle implements SessionObserver {
    private static final Logger LOG = LoggerFactory.getLogger(SessionLifecycle.class);

    private final BrokerSettings settings;
    private final long maxQueuedBytes;
    private final long maxInflightBytes;
    private final SessionRegistry sessions;
    private final Distributor distributor;
    private final AuthorizationChain authorization;
    private final EventDispatcher events;
    private final BrokerMetrics metrics;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final SessionPersistence persistence = new SessionPersistence();
    /** Who else must agree that this node owns a client id (a cluster); {@link ClientIdClaims#LOCAL} alone. */
    private volatile ClientIdClaims claims = ClientIdClaims.LOCAL;
    private PublishPipeline pipeline;

    public SessionLifecycle(BrokerSettings settings, long maxQueuedBytes, SessionRegistry sessions, Distributor distributor,
                            AuthorizationChain authorization, EventDispatcher events, BrokerMetrics metrics) {
        this(settings, maxQueuedBytes, 0, sessions, distributor, authorization, events, metrics);
    }

    /** {@code maxQueuedBytes} and {@code maxInflightBytes} bound every session's queue and in-flight window by bytes (0 = no bound). */
    public SessionLifecycle(BrokerSettings settings, long maxQueuedBytes, long maxInflightBytes, SessionRegistry sessions, Distributor distributor,
                            AuthorizationChain authorization, EventDispatcher events, BrokerMetrics metrics) {
        this.settings = settings;
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxInflightBytes = maxInflightBytes;
        this.sessions = sessions;
        this.distributor = distributor;
        this.authorization = authorization;
        this.events = events;
        this.metrics = metrics;
    }

    /** Set once during broker assembly (the pipeline and the lifecycle refer to each other through wills). */
    /** Makes the CONNECT gate claim client ids through {@code claims} (a cluster node); before listeners are bound. */
    public void claims(ClientIdClaims claims) {
        this.claims = claims;
        persistence.mirror(claims::sessionChanged);
    }

    /**
     * Registers, offline, a persistent session that another node kept (its client is connecting here and took it
     * over), with {@code subscriptions} in the tree, the queued and in-flight messages and inbound QoS 2 ids of
     * {@code messages} under their keys and packet ids (resent with DUP on attach [MQTT-4.4.0-1]), and its expiry
     * running; the gate then resumes it. {@code prepare} runs on the new session before anything can reach it. False
     * when a local session of the id exists already (it is resumed instead).
     */
    public boolean adopt(ClientInfo client, long expirySeconds, List<SessionSubscription> subscriptions, StoredSession messages,
                         EventExecutor loop, java.util.function.Consumer<Session> prepare) {
        if (sessions.find(client.clientId()).isPresent()) {
            return false;
        }
        Session session = newSession(client.clientId(), client.username(), loop);
        prepare.accept(session);
        session.restoredAs(client);
        session.expirySeconds(expirySeconds);
        for (SessionSubscription subscription : subscriptions) {
            session.addSubscription(subscription);
            distributor.subscribe(session, subscription.options(), subscription.identifier());
        }
        try {
            session.restoreMessages(messages); // before anyone can reach it, as at a restart
        } catch (IllegalArgumentException e) {
            LOG.warn("session {}: messages of its copy from another node skipped: {}", client.clientId(), e.getMessage());
        }
        persistence.journal(session);
        persistence.restoredInto(session, messages);
        sessions.replace(client.clientId(), session);
        scheduleExpiry(session, expirySeconds);
        return true;
    }

    public ClientIdClaims claims() {
        return claims;
    }

    /**
     * Another node took the client id over: the connection, if any, is closed with 0x8E Session taken over
     * [MQTT-3.1.4-3] (3.1.1: just closed), its will goes as in a local takeover ({@code sessionEnds}: the other node
     * did not resume the session; spec 3.1.2.5), and this node's copy of the session ends. On the session's thread.
     */
    public void takenOverElsewhere(Session session, boolean sessionEnds) {
        if (session.isEnded()) {
            return;
        }
        if (session.connection() instanceof MqttConnection previous) {
            if (SessionRules.publishWillAtTakeover(session.will(), sessionEnds)) {
                publishWill(session);
            } else {
                session.will(null);
            }
            session.detach(previous);
            previous.takenOver();
            metrics.takeover(!sessionEnds);
            LOG.info("{}: session taken over by a connection on another cluster node", previous.describe());
        }
        end(session);
    }

    public void pipeline(PublishPipeline publishPipeline) {
        this.pipeline = publishPipeline;
    }

    /** What persistent sessions write to the store. */
    public SessionPersistence persistence() {
        return persistence;
    }

    /**
     * Brings back the persistent sessions {@code store} kept, offline, with their subscriptions in the tree, their
     * queued and in-flight QoS 1/2 messages and inbound QoS 2 ids, and
     * their expiry running from when they disconnected (a session whose client was connected when the broker
     * went down starts its interval now); then sends every later change there. Called once at start, before any
     * listener is bound, so no client can touch these sessions yet.
     *
     * @return how many sessions were restored
     * @throws dev.magpie.store.StoreException if the store cannot be read
     */
    public int restore(MessageStore store, Supplier<EventExecutor> loops) {
        long now = System.currentTimeMillis();
        List<StoredSession> stored = store.loadSessions(now);
        persistence.use(store);
        int restored = 0;
        for (StoredSession s : stored) {
            if (s.expiredAt(now) || sessions.find(s.clientId()).isPresent()) {
                continue;
            }
            Session session = newSession(s.clientId(), s.username(), loops.get()); // the stored user owns it
            session.restoredAs(new ClientInfo(s.clientId(), s.username(), null, s.protocolLevel(), s.listener()));
            session.expirySeconds(s.expirySeconds());
            for (SessionSubscription subscription : SessionPersistence.restored(s)) {
                session.addSubscription(subscription);
                distributor.subscribe(session, subscription.options(), subscription.identifier());
            }
            try {
                session.restoreMessages(s);
            } catch (IllegalArgumentException e) {
                LOG.warn("session {}: stored messages skipped: {}", s.clientId(), e.getMessage());
            }
            persistence.journal(session);
            sessions.replace(s.clientId(), session);
            long remaining = s.expiresAtMillis() < 0 ? s.expirySeconds()
                    : Math.max(1, (s.expiresAtMillis() - now + 999) / 1_000);
            scheduleExpiry(session, remaining);
            if (s.will() != null) {
                restoreDelayedWill(session, s.will(), now);
            }
            restored++;
        }
        return restored;
    }

    /**
     * A will that was waiting for its delay when the broker went down: published when it falls due (at once if
     * that passed while the broker was down), unless its client attaches first [MQTT-3.1.3-9].
     */
    private void restoreDelayedWill(Session session, StoredWill stored, long nowMillis) {
        Publish p;
        try {
            p = PublishStorage.toPublish(stored.message(), stored.retain());
        } catch (IllegalArgumentException e) {
            LOG.warn("session {}: stored will skipped: {}", session.clientId(), e.getMessage());
            return;
        }
        session.will(new Connect.Will(p.topic(), p.payload(), p.qos(), p.retain(), p.properties()));
        long delayMillis = Math.max(0, stored.dueAtMillis() - nowMillis);
        // scheduled from the session's own thread, so the task cannot run before willTask holds it: publishWill learns
        // from that the will was a delayed one whose stored copy must go (else every restart published it again)
        session.execute(() -> session.willTask(session.executor().schedule(() -> {
            if (!session.isConnected() && !session.isEnded()) {
                publishWill(session);
            }
        }, delayMillis, TimeUnit.MILLISECONDS)));
    }

    /** After this, connections that close are the broker's doing: no wills are published. */
    public void shuttingDown() {
        shuttingDown.set(true);
    }

    public boolean isShuttingDown() {
        return shuttingDown.get();
    }

    /** A session for {@code clientId} owned by user {@code owner} ({@code null}: anonymous). */
    public Session newSession(String clientId, String owner, EventExecutor loop) {
        Session session = new Session(clientId, owner, loop, this, settings.maxInflight(), settings.maxQueuedMessages(), maxQueuedBytes,
                settings.queueQos0Messages());
        session.countSubscriptionsIn(sessions);
        session.maxInflightBytes(maxInflightBytes);
        return session;
    }

    /** Ends a session for good: subscriptions leave the tree, the registry forgets it. */
    public void end(Session session) {
        for (String filter : new ArrayList<>(session.subscriptions().keySet())) {
            distributor.unsubscribe(session, filter);
        }
        session.end();
        boolean removed = sessions.remove(session);
        if (removed) {
            persistence.ended(session); // not when a Clean Start replaced it: the new session rewrites the store
        }
        claims.ended(session.clientId(), !removed);
    }

    /**
     * A stored session is about to resume for {@code client}: the rules may have changed while it was offline
     * (a reloaded ACL, a revoked user), and the client may now be another user. Every stored subscription is
     * asked again; one that is now denied is removed, as if the client had unsubscribed. Messages waiting for the
     * client are asked again too, against the delivery rule: those it may no longer read are dropped rather
     * than sent on resume. Runs on the session's thread, before the session is attached.
     */
    public void reauthorize(Session session, ClientInfo client) {
        if (authorization.isEmpty()) {
            return; // no rules: nothing can have been revoked
        }
        for (SessionSubscription s : new ArrayList<>(session.subscriptions().values())) {
            if (!authorization.maySubscribe(client, s.filter(), s.options().qos())) {
                session.removeSubscription(s.filter());
                distributor.unsubscribe(session, s.filter());
                LOG.info("client {}: stored subscription to {} removed on resume: no longer authorized", client.clientId(), LogSafe.text(s.filter()));
            }
        }
        int dropped = session.discardUndelivered(p -> !authorization.mayDeliver(client, new Message(p.topic(), p.payload(), p.qos(), p.retain())));
        if (dropped > 0) {
            LOG.info("client {}: {} stored message(s) not delivered on resume: no longer authorized", client.clientId(), dropped);
            metrics.messagesDropped(dropped);
        }
    }

    /**
     * The attached connection went away. {@code publishWill} is false after a normal DISCONNECT.
     * Does nothing if {@code connection} was no longer the session's (taken over).
     */
    public void connectionLost(Session session, MqttConnection connection, boolean publishWill) {
        if (!session.detach(connection)) {
            return;
        }
        handOffShared(session);
        long expiry = session.expirySeconds();
        Connect.Will will = session.will();
        if (!publishWill || will == null) {
            session.will(null);
        } else {
            long wait = SessionRules.willDelayOnLoss(will, expiry);
            if (wait == 0) {
                publishWill(session);
            } else {
                scheduleWill(session, wait);
                persistence.willDelayed(session, willPublish(will), System.currentTimeMillis() + wait * 1_000);
            }
        }
        if (expiry == 0) {
            end(session);
        } else {
            persistence.disconnected(session);
            scheduleExpiry(session, expiry);
        }
    }

    /**
     * How long after its connection was lost a will falls due: its Will Delay Interval, bounded by the session's
     * expiry [MQTT-3.1.3-9] (the rule's one home is {@code SessionRules}).
     */
    public static long willDelayOnLoss(Connect.Will will, long expirySeconds) {
        return SessionRules.willDelayOnLoss(will, expirySeconds);
    }

    /** Publishes the session's will after {@code seconds} unless a client attaches first, which cancels it [MQTT-3.1.3-9]. */
    private void scheduleWill(Session session, long seconds) {
        session.willTask(session.executor().schedule(() -> {
            if (!session.isConnected() && !session.isEnded()) {
                publishWill(session);
            }
        }, seconds, TimeUnit.SECONDS));
    }

    /**
     * A client of a dead cluster node, taken on here by the node that cleans up after it. A persistent session
     * ({@code expirySeconds} above 0) is registered offline with its subscriptions and its expiry running, and its
     * will falls due after the Will Delay Interval as if its connection had just been lost [MQTT-3.1.3-9]; a clean
     * session's will is published now. Returns the registered session, if any (none when a local one exists).
     */
    public Optional<Session> adoptOrphan(ClientInfo client, long expirySeconds, List<SessionSubscription> subscriptions,
                                         StoredSession messages, Connect.Will will, EventExecutor loop) {
        if (expirySeconds == 0) {
            if (will != null) {
                publishWillOf(client, will);
            }
            return Optional.empty();
        }
        if (!adopt(client, expirySeconds, subscriptions, messages, loop, session -> { })) {
            return Optional.empty();
        }
        Optional<Session> adopted = sessions.find(client.clientId());
        adopted.filter(session -> will != null).ifPresent(session -> session.execute(() -> {
            session.will(will);
            long wait = SessionRules.willDelayOnLoss(will, expirySeconds);
            if (wait == 0) {
                publishWill(session);
            } else {
                scheduleWill(session, wait);
            }
        }));
        return adopted;
    }

    /** Ends the offline session after {@code seconds} unless a client attaches first [MQTT-3.1.2-23]. */
    private void scheduleExpiry(Session session, long seconds) {
        session.expiryTask(session.executor().schedule(() -> {
            if (!session.isConnected() && !session.isEnded()) {
                LOG.info("session {} expired after {} s offline", session.clientId(), seconds);
                metrics.clients().expired();
                publishWill(session); // a will still waiting for its delay goes with the session [MQTT-3.1.3-9]
                end(session);
            }
        }, seconds, TimeUnit.SECONDS));
    }

    /**
     * Messages this session received through shared subscriptions and did not finish go to another member of
     * the group [MQTT-4.8.2-5]; if there is none, they stay with this session.
     */
    private void handOffShared(Session session) {
        Session.SharedHandOff handOff = session.takeSharedMessages();
        if (handOff.messages().isEmpty()) {
            return;
        }
        for (PendingMessage m : handOff.messages()) {
            Publication publication = new Publication(m.publish(), "$shared", m.createdNanos());
            try {
                if (!distributor.redeliverShared(publication, m.delivery().sharedGroup(), session)) {
                    session.deliver(publication, m.delivery());
                }
            } finally {
                publication.release();
            }
        }
        // this session's records go once the new copies are durable: a crash in between may deliver one twice, never lose it
        persistence.whenDurable(session.executor(), handOff.forget());
    }

    /**
     * Publishes and clears the session's will, if it has one, after checking that its client may publish to the
     * will topic. Not during shutdown: then the broker, not the client, closed the connection.
     */
    public void publishWill(Session session) {
        Connect.Will will = session.will();
        boolean wasDelayed = session.hasDelayedWill();
        session.will(null);
        if (will == null || shuttingDown.get()) {
            return;
        }
        session.cancelWill();
        try {
            publishWillOf(session.clientInfo(), will);
            if (wasDelayed) {
                persistence.willSettled(session, true);
            }
        } finally {
            persistence.willGone(session); // published or refused: a peer must not publish it again
        }
    }

    /**
     * Publishes {@code will} for {@code client} after checking that it may publish to the will topic: a session's
     * will, or that of a dead cluster node's client. False when refused.
     */
    public boolean publishWillOf(ClientInfo client, Connect.Will will) {
        if (shuttingDown.get()) {
            return false;
        }
        if (Distributor.isSysTopic(will.topic())) {
            LOG.info("will of {} to {} not published: $SYS/ is the broker's own (section 4.7.2)", client.clientId(), LogSafe.text(will.topic()));
            return false;
        }
        if (!authorization.mayPublish(client, will.topic(), will.qos(), will.retain())) {
            LOG.info("will of {} to {} not published: not authorized", client.clientId(), LogSafe.text(will.topic()));
            return false;
        }
        LOG.debug("publishing will of {} to {}", client.clientId(), LogSafe.text(will.topic()));
        pipeline.publish(client, willPublish(will));
        return true;
    }

    /** The PUBLISH a will becomes: its properties without the Will Delay Interval, which is not a PUBLISH property. */
    private static Publish willPublish(Connect.Will will) {
        MqttProperties props = will.properties().isEmpty() ? MqttProperties.EMPTY
                : will.properties().toBuilder().remove(PropertyId.WILL_DELAY_INTERVAL).build();
        return new Publish(will.topic(), will.qos(), will.retain(), false, 0, will.payload(), props);
    }

    @Override
    public void delivered(ClientInfo subscriber, Publish publish) {
        metrics.messageDelivered();
        if (!events.isEmpty()) {
            events.delivered(subscriber, new Message(publish.topic(), publish.payload(), publish.qos(), publish.retain()));
        }
    }

    @Override
    public void dropped(ClientInfo subscriber, Publish publish, DropReason reason) {
        metrics.messageDropped(reason.tag());
        if (subscriber != null && !events.isEmpty()) { // a session restored at start has no client until one attaches
            events.dropped(subscriber, new Message(publish.topic(), publish.payload(), publish.qos(), publish.retain()), reason.tag());
        }
        LOG.debug("message to {} on {} dropped: {}", subscriber == null ? "?" : subscriber.clientId(), LogSafe.text(publish.topic()), reason.text());
    }

    @Override
    public void queueOverflow(ClientInfo subscriber, String clientId, int queuedMessages, long queuedBytes, boolean byBytes) {
        metrics.limitHit(byBytes ? "queued_bytes" : "queued_messages");
        LOG.info("client {}: queue full ({} messages, {} bytes; limit {}), dropping new messages until it drains", clientId,
                queuedMessages, queuedBytes, byBytes ? "max_queued_bytes" : "max_queued_messages");
    }
}
