package dev.magpie.codec;

import io.netty.buffer.ByteBuf;

/**
 * Decodes PUBLISH and its four handshake packets, in either direction. The fixed-header flags (QoS 3,
 * DUP on QoS 0) have been checked by {@link MqttDecoder} before the body arrived.
 */
final class PublishDecoder {
    private PublishDecoder() {
    }

    static Publish publish(ByteBuf body, int flags, MqttVersion version, boolean fromServer) {
        int qos = (flags >> 1) & 0x03;
        String topic = WireReader.readString(body, "PUBLISH topic name");
        int packetId = qos > 0 ? WireReader.readPacketId(body, PacketType.PUBLISH) : 0;
        MqttProperties properties = version.isV5()
                ? PropertiesReader.read(body, PacketType.PUBLISH.code(), fromServer) : MqttProperties.EMPTY;
        // 5.0: an empty topic stands for the one the Topic Alias maps to; the protocol layer resolves it [MQTT-3.3.2-8]
        if (!(topic.isEmpty() && properties.has(PropertyId.TOPIC_ALIAS))) {
            TopicSyntax.validateTopicName(topic);
        }
        byte[] payload = new byte[body.readableBytes()];
        body.readBytes(payload);
        return new Publish(topic, qos, (flags & 0x01) != 0, (flags & 0x08) != 0, packetId, payload, properties);
    }

    /**
     * PUBACK, PUBREC, PUBREL or PUBCOMP. In 5.0 the reason code and properties may be left off: a
     * remaining length of 2 means success without properties, 3 a reason code without properties
     * [MQTT-3.4.2-1].
     */
    static PubResponse response(ByteBuf body, PacketType type, MqttVersion version, boolean fromServer) {
        int packetId = WireReader.readPacketId(body, type);
        if (!version.isV5() || !body.isReadable()) {
            WireReader.requireEnd(body, type);
            return PubResponse.of(type, packetId);
        }
        int reasonCode = ReasonCodeRules.check(type, WireReader.readByte(body, type + " reason code"));
        MqttProperties properties = body.isReadable()
                ? PropertiesReader.read(body, type.code(), fromServer) : MqttProperties.EMPTY;
        WireReader.requireEnd(body, type);
        return new PubResponse(type, packetId, reasonCode, properties);
    }
}
