package dev.magpie.codec;

import java.util.List;

/** UNSUBACK. 3.1.1 carries no reason codes; the list is then empty and the encoder omits it. */
public record UnsubAck(int packetId, List<Integer> reasonCodes, MqttProperties properties) implements MqttPacket {
    public UnsubAck {
        reasonCodes = List.copyOf(reasonCodes);
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBACK;
    }
}
