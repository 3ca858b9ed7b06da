package dev.magpie.cluster.session;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A persistent session as the cluster stores it for the next owner (what {@code ClusterBackend.writeSession} carries,
 * in the bytes of {@link SessionStateCodec}): its expiry, subscriptions, will, queued messages and in-flight QoS 1/2
 * messages with their packet ids. Plain data, independent of the broker's live {@code Session}.
 *
 * @param client        who the session belongs to, so the next owner can publish its will and check its rights
 * @param expirySeconds the Session Expiry Interval
 * @param subscriptions the subscriptions, in the order they were made
 * @param will          the will, if the session has one
 * @param queued        messages waiting for the client, oldest first
 * @param inflight      QoS 1/2 messages sent and not yet completed, in packet-id order of sending
 */
public record SessionState(Client client, long expirySeconds, List<Subscription> subscriptions, Optional<Will> will,
                           List<Message> queued, List<Inflight> inflight) {

    public SessionState {
        Objects.requireNonNull(client, "client");
        if (expirySeconds < 0 || expirySeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("session expiry " + expirySeconds + " s is not a four-byte interval");
        }
        subscriptions = List.copyOf(subscriptions);
        Objects.requireNonNull(will, "will");
        queued = List.copyOf(queued);
        inflight = List.copyOf(inflight);
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

    /**
     * A message kept for the client: topic, QoS, when it was published and when it expires (0: never; wall clock, so
     * the next owner counts the Message Expiry Interval on), the properties as encoded and the payload.
     */
    public record Message(String topic, int qos, long publishedAtMillis, long expiresAtMillis, byte[] properties, byte[] payload) {
        public Message {
            Objects.requireNonNull(topic, "topic");
            if (qos < 0 || qos > 2) {
                throw new IllegalArgumentException("QoS " + qos);
            }
        }
    }

    /**
     * An in-flight message under its packet id: sent and awaiting PUBACK/PUBREC ({@code message} present, resent with
     * DUP on resume [MQTT-4.4.0-1]), or PUBREC received and PUBREL sent ({@code message} empty: only the PUBREL is
     * resent).
     */
    public record Inflight(int packetId, Optional<Message> message) {
        public Inflight {
            if (packetId < 1 || packetId > 65_535) {
                throw new IllegalArgumentException("packet id " + packetId);
            }
            Objects.requireNonNull(message, "message");
        }
    }
}
