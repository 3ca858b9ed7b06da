package dev.magpie.codec;

import java.util.List;

/** SUBACK: one reason code per filter, in the order of the SUBSCRIBE [MQTT-3.9.3-1]. */
public record SubAck(int packetId, List<Integer> reasonCodes, MqttProperties properties) implements MqttPacket {
    public SubAck {
        reasonCodes = List.copyOf(reasonCodes);
    }

    @Override
    public PacketType type() {
        return PacketType.SUBACK;
    }
}
