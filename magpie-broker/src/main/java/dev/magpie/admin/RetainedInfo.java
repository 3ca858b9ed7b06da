package dev.magpie.admin;

import java.time.Instant;

/**
 * A retained message.
 *
 * @param topic    its topic
 * @param qos      the QoS it was published with
 * @param payload  the payload bytes (a copy)
 * @param storedAt when it was stored (approximate for messages restored at start)
 */
public record RetainedInfo(String topic, int qos, byte[] payload, Instant storedAt) {
    public RetainedInfo {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Payload bytes. */
    public int bytes() {
        return payload.length;
    }
}
