package dev.magpie.codec;

/**
 * PUBACK, PUBREC, PUBREL or PUBCOMP: the four QoS handshake packets share one shape (packet id, 5.0
 * reason code, properties), so one record with its {@link #type()} stands for all four.
 */
public record PubResponse(PacketType type, int packetId, int reasonCode, MqttProperties properties) implements MqttPacket {
    public PubResponse {
        if (type != PacketType.PUBACK && type != PacketType.PUBREC && type != PacketType.PUBREL && type != PacketType.PUBCOMP) {
            throw new IllegalArgumentException("not a publish response: " + type);
        }
    }

    public static PubResponse of(PacketType type, int packetId) {
        return new PubResponse(type, packetId, ReasonCode.SUCCESS, MqttProperties.EMPTY);
    }
}
