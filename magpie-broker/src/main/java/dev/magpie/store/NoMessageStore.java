package dev.magpie.store;

import java.util.List;

/** Keeps nothing: retained messages and sessions live only in the broker's memory, as before persistence existed. */
final class NoMessageStore implements MessageStore {
    static final NoMessageStore INSTANCE = new NoMessageStore();

    private NoMessageStore() {
    }

    @Override
    public List<StoredMessage> loadRetained(long nowMillis) {
        return List.of();
    }

    @Override
    public void putRetained(StoredMessage message) {
        // nothing kept
    }

    @Override
    public void removeRetained(String topic) {
        // nothing kept
    }

    @Override
    public List<StoredSession> loadSessions(long nowMillis) {
        return List.of();
    }

    @Override
    public void putSession(StoredSession session) {
        // nothing kept
    }

    @Override
    public void removeSession(String clientId) {
        // nothing kept
    }

    @Override
    public void putSubscription(String clientId, StoredSubscription subscription) {
        // nothing kept
    }

    @Override
    public void removeSubscription(String clientId, String filter) {
        // nothing kept
    }

    @Override
    public void putDelivery(String clientId, StoredDelivery delivery) {
        // nothing kept
    }

    @Override
    public void removeDelivery(String clientId, boolean inflight, long key) {
        // nothing kept
    }

    @Override
    public void moveDelivery(String clientId, long queuedKey, StoredDelivery inflight) {
        // nothing kept
    }

    @Override
    public void inboundQos2(String clientId, int packetId, long fingerprint, long origin, boolean awaiting) {
        // nothing kept
    }

    @Override
    public void inboundQos2Owned(String clientId, int packetId) {
        // nothing kept
    }

    @Override
    public void putWill(String clientId, StoredWill will) {
        // nothing kept
    }

    @Override
    public void removeWill(String clientId) {
        // nothing kept
    }

    @Override
    public void close() {
        // nothing to release
    }

    @Override
    public String toString() {
        return "no store";
    }
}
