package dev.magpie.store;

import java.util.List;
import java.util.Objects;

/**
 * A persistent session as the store keeps it (3.1.1 Clean Session 0, 5.0 Session Expiry Interval above 0):
 * who owned it, how long it outlives its connection, and its subscriptions.
 *
 * @param clientId        the client identifier
 * @param username        the user it belonged to, or {@code null} for an anonymous client
 * @param protocolLevel   3, 4 or 5, as the client last connected
 * @param listener        the listener the client last connected through
 * @param expirySeconds   the Session Expiry Interval (above 0)
 * @param expiresAtMillis when it expires, epoch milliseconds, or -1 while a client is connected (then the
 *                        interval starts again when the broker restarts: its connection ended with the broker)
 * @param subscriptions   its subscriptions, in the order they were made
 * @param deliveries      QoS 1/2 messages queued for it (by key) and in flight to it (by packet id, in send order)
 * @param inboundQos2     QoS 2 messages it sent that await its PUBREL [MQTT-4.3.3-9], by packet id
 * @param will            its will waiting for the Will Delay Interval, or {@code null}
 */
public record StoredSession(String clientId, String username, int protocolLevel, String listener, long expirySeconds,
                            long expiresAtMillis, List<StoredSubscription> subscriptions, List<StoredDelivery> deliveries,
                            List<InboundQos2> inboundQos2, StoredWill will) {

    /**
     * An inbound QoS 2 packet id awaiting PUBREL with the fingerprint of the PUBLISH that took it (topic and
     * payload, {@link #UNKNOWN} if not known): a PUBLISH with the same id and fingerprint is the client resending
     * it, one with another fingerprint means the client completed the old exchange and reused the id.
     */
    public record InboundQos2(int packetId, long fingerprint) {
        public static final long UNKNOWN = 0;
    }

    public StoredSession {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(listener, "listener");
        subscriptions = List.copyOf(subscriptions);
        deliveries = List.copyOf(deliveries);
        inboundQos2 = List.copyOf(inboundQos2);
    }

    /** A session without a pending will. */
    public StoredSession(String clientId, String username, int protocolLevel, String listener, long expirySeconds,
                         long expiresAtMillis, List<StoredSubscription> subscriptions, List<StoredDelivery> deliveries,
                         List<InboundQos2> inboundQos2) {
        this(clientId, username, protocolLevel, listener, expirySeconds, expiresAtMillis, subscriptions, deliveries, inboundQos2, null);
    }

    /** A session without messages: what {@link MessageStore#putSession} writes (it leaves the rest alone). */
    public StoredSession(String clientId, String username, int protocolLevel, String listener, long expirySeconds,
                         long expiresAtMillis, List<StoredSubscription> subscriptions) {
        this(clientId, username, protocolLevel, listener, expirySeconds, expiresAtMillis, subscriptions, List.of(), List.of());
    }

    /** Whether it has expired at {@code nowMillis}; a session connected when the broker went down has not. */
    public boolean expiredAt(long nowMillis) {
        return expiresAtMillis >= 0 && expiresAtMillis <= nowMillis;
    }

    /** The same session with {@code newSubscriptions}. */
    public StoredSession withSubscriptions(List<StoredSubscription> newSubscriptions) {
        return new StoredSession(clientId, username, protocolLevel, listener, expirySeconds, expiresAtMillis, newSubscriptions,
                deliveries, inboundQos2, will);
    }

    /** The same session with {@code newDeliveries} and {@code newInboundQos2}. */
    public StoredSession withMessages(List<StoredDelivery> newDeliveries, List<InboundQos2> newInboundQos2) {
        return new StoredSession(clientId, username, protocolLevel, listener, expirySeconds, expiresAtMillis, subscriptions,
                newDeliveries, newInboundQos2, will);
    }

    /** The same session with {@code newWill} pending ({@code null}: none). */
    public StoredSession withWill(StoredWill newWill) {
        return new StoredSession(clientId, username, protocolLevel, listener, expirySeconds, expiresAtMillis, subscriptions,
                deliveries, inboundQos2, newWill);
    }
}
