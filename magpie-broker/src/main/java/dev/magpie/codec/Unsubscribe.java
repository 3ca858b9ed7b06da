package dev.magpie.codec;

import java.util.List;

/** UNSUBSCRIBE with its ordered topic filters. */
public record Unsubscribe(int packetId, List<String> filters, MqttProperties properties) implements MqttPacket {
    public Unsubscribe {
        filters = List.copyOf(filters);
    }

    @Override
    public PacketType type() {
        return PacketType.UNSUBSCRIBE;
    }
}
