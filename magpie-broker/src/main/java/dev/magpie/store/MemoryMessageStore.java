package dev.magpie.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store in the JVM's heap, for tests and for applications that restart a broker inside one process. A
 * concurrent map: writes never block and never fail.
 */
final class MemoryMessageStore implements MessageStore {
    private final Map<String, StoredMessage> retained = new ConcurrentHashMap<>();
    /** Client id to session; a session's subscriptions are replaced as a whole under the map's per-key lock. */
    private final Map<String, StoredSession> sessions = new ConcurrentHashMap<>();

    @Override
    public List<StoredMessage> loadRetained(long nowMillis) {
        List<StoredMessage> live = new ArrayList<>(retained.size());
        for (StoredMessage m : retained.values()) {
            if (m.expiredAt(nowMillis)) {
                retained.remove(m.topic(), m);
            } else {
                live.add(m);
            }
        }
        return live;
    }

    @Override
    public void putRetained(StoredMessage message) {
        retained.put(message.topic(), message);
    }

    @Override
    public void removeRetained(String topic) {
        retained.remove(topic);
    }

    @Override
    public List<StoredSession> loadSessions(long nowMillis) {
        List<StoredSession> live = new ArrayList<>(sessions.size());
        for (StoredSession s : sessions.values()) {
            if (s.expiredAt(nowMillis)) {
                sessions.remove(s.clientId(), s);
            } else {
                live.add(s);
            }
        }
        return live;
    }

    @Override
    public void putSession(StoredSession session) {
        sessions.compute(session.clientId(), (id, old) -> old == null ? session.withSubscriptions(List.of()).withMessages(List.of(), List.of()).withWill(null)
                : session.withSubscriptions(old.subscriptions()).withMessages(old.deliveries(), old.inboundQos2()).withWill(old.will()));
    }

    @Override
    public void removeSession(String clientId) {
        sessions.remove(clientId);
    }

    @Override
    public void putSubscription(String clientId, StoredSubscription subscription) {
        sessions.computeIfPresent(clientId, (id, old) -> {
            Map<String, StoredSubscription> subs = new LinkedHashMap<>();
            old.subscriptions().forEach(s -> subs.put(s.filter(), s));
            subs.put(subscription.filter(), subscription);
            return old.withSubscriptions(new ArrayList<>(subs.values()));
        });
    }

    @Override
    public void removeSubscription(String clientId, String filter) {
        sessions.computeIfPresent(clientId, (id, old) -> old.withSubscriptions(
                old.subscriptions().stream().filter(s -> !s.filter().equals(filter)).toList()));
    }

    @Override
    public void putDelivery(String clientId, StoredDelivery delivery) {
        sessions.computeIfPresent(clientId, (id, old) -> {
            List<StoredDelivery> kept = new ArrayList<>(old.deliveries());
            int at = -1;
            for (int i = 0; i < kept.size() && at < 0; i++) {
                if (kept.get(i).inflight() == delivery.inflight() && kept.get(i).key() == delivery.key()) {
                    at = i;
                }
            }
            if (at >= 0) {
                kept.set(at, delivery); // an update (PUBREC) keeps the send order
            } else {
                kept.add(delivery);
            }
            return old.withMessages(kept, old.inboundQos2());
        });
    }

    @Override
    public void removeDelivery(String clientId, boolean inflight, long key) {
        sessions.computeIfPresent(clientId, (id, old) -> old.withMessages(
                old.deliveries().stream().filter(d -> !(d.inflight() == inflight && d.key() == key)).toList(), old.inboundQos2()));
    }

    @Override
    public void moveDelivery(String clientId, long queuedKey, StoredDelivery inflight) {
        // one compute: atomic like the SQLite store's transaction
        sessions.computeIfPresent(clientId, (id, old) -> {
            List<StoredDelivery> kept = new ArrayList<>(old.deliveries().size());
            for (StoredDelivery d : old.deliveries()) {
                if (!(d.inflight() == inflight.inflight() && d.key() == inflight.key()) && !(!d.inflight() && d.key() == queuedKey)) {
                    kept.add(d);
                }
            }
            kept.add(inflight);
            return old.withMessages(kept, old.inboundQos2());
        });
    }

    @Override
    public void inboundQos2Owned(String clientId, int packetId) {
        // a memory store never sees a crash: every id it holds counts as owned
    }

    @Override
    public void inboundQos2(String clientId, int packetId, long fingerprint, long origin, boolean awaiting) {
        sessions.computeIfPresent(clientId, (id, old) -> {
            List<StoredSession.InboundQos2> ids = new ArrayList<>(old.inboundQos2());
            ids.removeIf(i -> i.packetId() == packetId);
            if (awaiting) {
                ids.add(new StoredSession.InboundQos2(packetId, fingerprint));
            }
            return old.withMessages(old.deliveries(), ids);
        });
    }

    @Override
    public void putWill(String clientId, StoredWill will) {
        sessions.computeIfPresent(clientId, (id, old) -> old.withWill(will));
    }

    @Override
    public void removeWill(String clientId) {
        sessions.computeIfPresent(clientId, (id, old) -> old.withWill(null));
    }

    @Override
    public void close() {
        // kept for the next broker using this instance
    }

    @Override
    public String toString() {
        return "memory store";
    }
}
