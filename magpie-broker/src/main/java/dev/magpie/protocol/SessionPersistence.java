package dev.magpie.protocol;

import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.session.Session;
import dev.magpie.session.SessionSubscription;
import dev.magpie.spi.ClientInfo;
import dev.magpie.store.MessageStore;
import dev.magpie.store.StoredSession;
import dev.magpie.store.StoredSubscription;

import java.util.ArrayList;
import java.util.List;

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
    private volatile MessageStore store = MessageStore.none();

    void use(MessageStore newStore) {
        this.store = newStore;
    }

    MessageStore store() {
        return store;
    }

    /**
     * A connection attached. A new session ({@code present} false) replaces whatever was stored for the client
     * id [MQTT-3.1.2-4]; a persistent one is stored as connected (its expiry starts when it disconnects).
     */
    void attached(Session session, ClientInfo info, boolean present) {
        if (!present || session.expirySeconds() == 0) {
            store.removeSession(session.clientId());
        }
        session.persistTo(session.expirySeconds() > 0 ? store : MessageStore.none());
        if (session.expirySeconds() > 0) {
            store.putSession(header(session, info, -1));
            if (present) {
                for (SessionSubscription s : session.subscriptions().values()) {
                    store.putSubscription(session.clientId(), stored(s)); // a session that just became persistent
                }
            }
        }
    }

    /** The connection went away and the session waits for its client until {@code expirySeconds} from now. */
    void disconnected(Session session) {
        long expiry = session.expirySeconds();
        if (expiry > 0 && session.clientInfo() != null) {
            store.putSession(header(session, session.clientInfo(), System.currentTimeMillis() + expiry * 1_000));
        }
    }

    /** The session ended for good. */
    void ended(Session session) {
        store.removeSession(session.clientId());
    }

    void subscribed(Session session, SessionSubscription subscription) {
        if (session.expirySeconds() > 0) {
            store.putSubscription(session.clientId(), stored(subscription));
        }
    }

    void unsubscribed(Session session, String filter) {
        if (session.expirySeconds() > 0) {
            store.removeSubscription(session.clientId(), filter);
        }
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
