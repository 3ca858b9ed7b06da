package dev.magpie.cluster.session;

import java.util.List;
import java.util.Optional;

import dev.magpie.session.SessionRegistry;
import dev.magpie.store.MessageStore;
import dev.magpie.store.StoredDelivery;
import dev.magpie.store.StoredMessage;
import dev.magpie.store.StoredSession;
import dev.magpie.store.StoredSubscription;
import dev.magpie.store.StoredWill;

/**
 * The store persistent sessions journal to on a cluster node: every write goes to this node's own store
 * ({@code local}: SQLite, memory, or none), and a change of a session's messages also makes its copy in the cluster
 * store stale ({@link SessionCopies#changed}); a commit is complete when both are ({@link #afterCommit}). So the rules
 * a restart relies on (nothing sent before its record is committed, a PUBACK only once the deliveries it caused are)
 * hold for the node that takes a session over or adopts it from a dead node too.
 *
 * <p>Subscriptions, expiry and will reach the copy through the lifecycle's own hook ({@code SessionPersistence.mirror});
 * this class adds the message records. Called on the sessions' threads, like any store.
 */
final class ClusterSessionStore implements MessageStore {
    private final MessageStore local;
    private final SessionRegistry sessions;
    private final SessionCopies copies;

    ClusterSessionStore(MessageStore local, SessionRegistry sessions, SessionCopies copies) {
        this.local = local;
        this.sessions = sessions;
        this.copies = copies;
    }

    /** A message record of {@code clientId} changed: its copy is stale (on the session's thread). */
    private void messagesChanged(String clientId) {
        sessions.find(clientId).ifPresent(session -> copies.changed(session, null));
    }

    @Override
    public void afterCommit(Runnable callback) {
        local.afterCommit(() -> copies.afterAllStored(callback));
    }

    @Override
    public void putDelivery(String clientId, StoredDelivery delivery) {
        local.putDelivery(clientId, delivery);
        messagesChanged(clientId);
    }

    @Override
    public void removeDelivery(String clientId, boolean inflight, long key) {
        local.removeDelivery(clientId, inflight, key);
        messagesChanged(clientId);
    }

    @Override
    public void moveDelivery(String clientId, long queuedKey, StoredDelivery inflight) {
        local.moveDelivery(clientId, queuedKey, inflight);
        messagesChanged(clientId);
    }

    @Override
    public void inboundQos2(String clientId, int packetId, long fingerprint, long origin, boolean awaiting) {
        local.inboundQos2(clientId, packetId, fingerprint, origin, awaiting);
        messagesChanged(clientId);
    }

    @Override
    public void inboundQos2Owned(String clientId, int packetId) {
        local.inboundQos2Owned(clientId, packetId);
        messagesChanged(clientId);
    }

    // ---- the rest is this node's alone ----

    @Override
    public List<StoredMessage> loadRetained(long nowMillis) {
        return local.loadRetained(nowMillis);
    }

    @Override
    public RetainedLoad loadRetained(long nowMillis, int maxMessages, long maxBytes) {
        return local.loadRetained(nowMillis, maxMessages, maxBytes);
    }

    @Override
    public Optional<String> problem() {
        return local.problem();
    }

    @Override
    public void putRetained(StoredMessage message) {
        local.putRetained(message);
    }

    @Override
    public void removeRetained(String topic) {
        local.removeRetained(topic);
    }

    @Override
    public void close() {
        local.close();
    }

    @Override
    public List<StoredSession> loadSessions(long nowMillis) {
        return local.loadSessions(nowMillis);
    }

    @Override
    public void putSession(StoredSession session) {
        local.putSession(session);
    }

    @Override
    public void removeSession(String clientId) {
        local.removeSession(clientId);
    }

    @Override
    public void putSubscription(String clientId, StoredSubscription subscription) {
        local.putSubscription(clientId, subscription);
    }

    @Override
    public void removeSubscription(String clientId, String filter) {
        local.removeSubscription(clientId, filter);
    }

    @Override
    public void putWill(String clientId, StoredWill will) {
        local.putWill(clientId, will);
    }

    @Override
    public void removeWill(String clientId) {
        local.removeWill(clientId);
    }

    @Override
    public String toString() {
        return local.toString();
    }
}
