package dev.magpie.codec;

import java.nio.charset.StandardCharsets;

/**
 * PUBLISH. {@code packetId} is 0 for QoS 0. For 5.0 the topic may be empty when a Topic Alias is set
 * [MQTT-3.3.2-8]; the protocol layer resolves it. The payload array is never modified after decoding.
 */
public record Publish(String topic, int qos, boolean retain, boolean dup, int packetId, byte[] payload,
                      MqttProperties properties) implements MqttPacket {

    @Override
    public PacketType type() {
        return PacketType.PUBLISH;
    }

    public Publish withPacketId(int id, boolean duplicate) {
        return new Publish(topic, qos, retain, duplicate, id, payload, properties);
    }

    @Override
    public String toString() {
        return "Publish[topic=" + topic + ", qos=" + qos + ", retain=" + retain + ", dup=" + dup + ", packetId=" + packetId
                + ", payload=" + payload.length + " bytes" + (payload.length <= 64 ? " '" + new String(payload, StandardCharsets.UTF_8) + "'" : "")
                + ", properties=" + properties + "]";
    }
}
