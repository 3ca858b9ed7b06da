package dev.magpie.codec;

/** CONNACK. {@code reasonCode} is a 5.0 code; the encoder maps it to a 3.1.1 return code when needed. */
public record ConnAck(boolean sessionPresent, int reasonCode, MqttProperties properties) implements MqttPacket {
    @Override
    public PacketType type() {
        return PacketType.CONNACK;
    }
}
