package dev.magpie.store;

import java.util.Objects;

/**
 * A will waiting for its Will Delay Interval after its client's connection was lost (5.0 section 3.1.3.2): kept
 * so that a broker restarted before the delay passed still publishes it, once, when it is due
 * [MQTT-3.1.3-9], unless the client comes back first.
 *
 * @param message     the PUBLISH the will becomes: topic, QoS, payload and its properties without the Will Delay
 *                    Interval (the delay is {@code dueAtMillis})
 * @param retain      the will's RETAIN flag
 * @param dueAtMillis when it is to be published, epoch milliseconds
 */
public record StoredWill(StoredMessage message, boolean retain, long dueAtMillis) {
    public StoredWill {
        Objects.requireNonNull(message, "message");
    }
}
