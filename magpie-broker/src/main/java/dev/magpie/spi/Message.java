package dev.magpie.spi;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An application message as interceptors and listeners see it. Immutable: an {@link Interceptor}
 * changes a message by returning a new one ({@link #withTopic}, {@link #withPayload}, ...). MQTT 5
 * properties of the original PUBLISH travel on unchanged.
 *
 * @param topic   the topic name (no wildcards)
 * @param payload the payload; treat as read-only
 * @param qos     0, 1 or 2
 * @param retain  whether the broker keeps it as the retained message of its topic
 */
public record Message(String topic, byte[] payload, int qos, boolean retain) {

    public Message {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, was " + qos);
        }
    }

    /** A message with a UTF-8 text payload. */
    public static Message of(String topic, String payload, int qos, boolean retain) {
        return new Message(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain);
    }

    /** The payload decoded as UTF-8 (invalid sequences replaced). */
    public String payloadAsString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    public Message withTopic(String newTopic) {
        return new Message(newTopic, payload, qos, retain);
    }

    public Message withPayload(byte[] newPayload) {
        return new Message(topic, newPayload, qos, retain);
    }

    public Message withQos(int newQos) {
        return new Message(topic, payload, newQos, retain);
    }

    @Override
    public String toString() {
        return "Message[topic=" + topic + ", qos=" + qos + ", retain=" + retain + ", payload=" + payload.length + " bytes]";
    }
}
