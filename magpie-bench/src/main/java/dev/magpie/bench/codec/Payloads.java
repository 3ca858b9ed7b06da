package dev.magpie.bench.codec;

import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.Publish;

/** The PUBLISH every codec benchmark uses, so their numbers can be compared. */
final class Payloads {
    static final String TOPIC = "building-1/floor-2/room-17/temperature";

    private Payloads() {
    }

    /** A QoS {@code qos} PUBLISH with {@code size} payload bytes; 5.0 adds a Message Expiry Interval and a User Property. */
    static Publish publish(int size, int qos, MqttVersion version) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        MqttProperties properties = version.isV5()
                ? MqttProperties.builder().integer(PropertyId.MESSAGE_EXPIRY_INTERVAL, 3600).userProperty("origin", "bench").build()
                : MqttProperties.EMPTY;
        return new Publish(TOPIC, qos, false, false, qos > 0 ? 1 : 0, payload, properties);
    }
}
