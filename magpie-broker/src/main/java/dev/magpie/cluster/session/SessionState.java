package dev.magpie.cluster.session;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.magpie.store.StoredDelivery;
import dev.magpie.store.StoredSession;

/**
 * A persistent session as the cluster stores it for the next owner (what {@code ClusterBackend.writeSession} carries,
 * in the bytes of {@link SessionStateCodec}): its expiry, subscriptions, will, queued messages, in-flight QoS 1/2
 * messages with their packet ids and state, and the inbound QoS 2 ids awaiting PUBREL: all a next owner needs to go on
 * with the session's exact protocol state [MQTT-4.4.0-1]. The messages are the records the local store keeps
 * ({@link StoredDelivery}), so one restore path ({@code Session.restoreMessages}) serves a restart and a takeover.
 *
 * @param client        who the session belongs to, so the next owner can publish its will and check its rights
 * @param expirySeconds the Session Expiry Interval
 * @param subscriptions the subscriptions, in the order they were made
 * @param will          the will, if the session has one
 * @param deliveries    queued messages (by queue key, oldest first) and in-flight ones (by packet id, in send order)
 * @param inboundQos2   QoS 2 messages the client sent that await its PUBREL [MQTT-4.3.3-9]
 * @param inboxMarks    how far into the writer's inbox, per sending node, every message was in the session when the
 *                      state was taken: a survivor that drains a dead writer's inbox skips those ([MQTT-4.3.3-10])
 */
public record SessionState(Client client, long expirySeconds, List<Subscription> subscriptions, Optional<Will> will,
                           List<StoredDelivery> deliveries, List<StoredSession.InboundQos2> inboundQos2,
                           List<InboxMark> inboxMarks) {

    /** A state without inbox marks (nothing from the writer's inbox is known to be in it). */
    public SessionState(Client client, long expirySeconds, List<Subscription> subscriptions, Optional<Will> will,
                        List<StoredDelivery> deliveries, List<StoredSession.InboundQos2> inboundQos2) {
        this(client, expirySeconds, subscriptions, will, deliveries, inboundQos2, List.of());
    }

    public SessionState {
        Objects.requireNonNull(client, "client");
        if (expirySeconds < 0 || expirySeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("session expiry " + expirySeconds + " s is not a four-byte interval");
        }
        subscriptions = List.copyOf(subscriptions);
        Objects.requireNonNull(will, "will");
        deliveries = List.copyOf(deliveries);
        inboundQos2 = List.copyOf(inboundQos2);
        inboxMarks = List.copyOf(inboxMarks);
    }

    /** Every message that {@code origin} (node id and incarnation) sent to the writer's inbox up to {@code seq}. */
    public record InboxMark(String nodeId, long incarnation, long seq) {
        public InboxMark {
            Objects.requireNonNull(nodeId, "nodeId");
            if (incarnation <= 0 || seq <= 0) {
                throw new IllegalArgumentException("inbox mark of " + nodeId + " out of range");
            }
        }
    }

    /**
     * The session's client as its CONNECT was admitted: user name (empty: anonymous), MQTT protocol level and the
     * listener it came through.
     */
    public record Client(Optional<String> username, int protocolLevel, String listener) {
        /** What a state written before the client was recorded (version 1) stands for. */
        public static final Client UNKNOWN = new Client(Optional.empty(), 5, "cluster");

        public Client {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(listener, "listener");
            if (protocolLevel < 3 || protocolLevel > 5) {
                throw new IllegalArgumentException("protocol level " + protocolLevel);
            }
        }
    }

    /**
     * One subscription with its options [MQTT-3.8.3-1..4] and its Subscription Identifier (0: none).
     */
    public record Subscription(String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling,
                               int subscriptionId) {
        public Subscription {
            Objects.requireNonNull(filter, "filter");
            if (qos < 0 || qos > 2 || retainHandling < 0 || retainHandling > 2 || subscriptionId < 0) {
                throw new IllegalArgumentException("subscription options out of range for " + filter);
            }
        }
    }

    /** The will: topic, QoS, RETAIN, Will Delay Interval, its properties as encoded, and payload. */
    public record Will(String topic, int qos, boolean retain, long delaySeconds, byte[] properties, byte[] payload) {
        public Will {
            Objects.requireNonNull(topic, "topic");
            if (qos < 0 || qos > 2 || delaySeconds < 0 || delaySeconds > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("will QoS or delay out of range");
            }
        }
    }
}
