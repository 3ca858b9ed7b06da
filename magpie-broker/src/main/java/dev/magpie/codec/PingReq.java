package dev.magpie.codec;

/** PINGREQ; it has no fields, so one instance serves. */
public record PingReq() implements MqttPacket {
    public static final PingReq INSTANCE = new PingReq();

    @Override
    public PacketType type() {
        return PacketType.PINGREQ;
    }
}
