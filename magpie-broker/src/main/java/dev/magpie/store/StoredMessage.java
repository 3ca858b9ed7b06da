package dev.magpie.store;

import java.util.Objects;

/**
 * A message as the store keeps it: what a PUBLISH carried, plus when it was stored and when it expires, both
 * as wall-clock times so they mean the same after a restart.
 *
 * <p>{@code properties} is the MQTT 5.0 property section of the PUBLISH exactly as on the wire (property
 * length first; Payload Format Indicator, Message Expiry Interval, Content Type, Response Topic, Correlation
 * Data, User Properties): the store keeps it opaque so that it depends on no packet model and a property added
 * later needs no schema change. The layer that writes a message is the layer that reads it back.
 *
 * @param topic           the topic name
 * @param qos             0, 1 or 2
 * @param payload         the payload; treat as read-only
 * @param properties      the encoded MQTT 5.0 properties ({@code {0}} for none); treat as read-only
 * @param storedAtMillis  when it was stored, epoch milliseconds
 * @param expiresAtMillis when its Message Expiry Interval runs out, epoch milliseconds, or -1 for never
 */
public record StoredMessage(String topic, int qos, byte[] payload, byte[] properties, long storedAtMillis,
                            long expiresAtMillis) {

    public StoredMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(properties, "properties");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, was " + qos);
        }
    }

    /** Whether it has expired at {@code nowMillis} [MQTT-3.3.2-5]. */
    public boolean expiredAt(long nowMillis) {
        return expiresAtMillis >= 0 && expiresAtMillis <= nowMillis;
    }

    @Override
    public String toString() {
        return "StoredMessage[topic=" + topic + ", qos=" + qos + ", payload=" + payload.length + " bytes, expiresAt="
                + expiresAtMillis + "]";
    }
}
