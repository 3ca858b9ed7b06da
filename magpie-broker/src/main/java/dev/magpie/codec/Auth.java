package dev.magpie.codec;

/** AUTH (5.0 only), for enhanced authentication exchanges [MQTT-3.15]. */
public record Auth(int reasonCode, MqttProperties properties) implements MqttPacket {
    @Override
    public PacketType type() {
        return PacketType.AUTH;
    }
}
