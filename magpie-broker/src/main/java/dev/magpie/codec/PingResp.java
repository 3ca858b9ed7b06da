package dev.magpie.codec;

/** PINGRESP; it has no fields, so one instance serves. */
public record PingResp() implements MqttPacket {
    public static final PingResp INSTANCE = new PingResp();

    @Override
    public PacketType type() {
        return PacketType.PINGRESP;
    }
}
