package dev.magpie.codec;

/** DISCONNECT, from either side in 5.0; a 3.1.1 DISCONNECT decodes as reason 0x00 with no properties. */
public record Disconnect(int reasonCode, MqttProperties properties) implements MqttPacket {
    public static final Disconnect NORMAL = new Disconnect(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.EMPTY);

    @Override
    public PacketType type() {
        return PacketType.DISCONNECT;
    }
}
