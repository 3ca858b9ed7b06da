package dev.magpie.codec;

import io.netty.buffer.ByteBuf;

import java.util.Optional;

/**
 * Decodes the body of a CONNECT in two steps, because the version is needed before the rest can be
 * read and the caller wants to remember it even if the rest turns out to be bad (a 5.0 client then gets
 * a 5.0 CONNACK with the reason code). A wrong protocol name is a protocol error; the right name with an
 * unknown level is {@link ReasonCode#UNSUPPORTED_PROTOCOL_VERSION}, which the protocol layer answers
 * with CONNACK 0x01 [MQTT-3.1.2-2]. A failure after the level is thrown with the version attached
 * ({@link MalformedPacketException#connectVersion()}, set by {@link MqttDecoder}).
 */
final class ConnectDecoder {
    private static final int RESERVED = 0x01;
    private static final int CLEAN = 0x02;
    private static final int WILL = 0x04;
    private static final int WILL_RETAIN = 0x20;
    private static final int PASSWORD = 0x40;
    private static final int USERNAME = 0x80;

    private ConnectDecoder() {
    }

    /** Reads the protocol name and level [MQTT-3.1.2-1], [MQTT-3.1.2-2]. */
    static MqttVersion readVersion(ByteBuf body) {
        String name = WireReader.readString(body, "CONNECT protocol name");
        if (!"MQTT".equals(name) && !"MQIsdp".equals(name)) {
            throw new MalformedPacketException(ReasonCode.PROTOCOL_ERROR,
                    "CONNECT protocol name is '" + name + "'; expected 'MQTT' or 'MQIsdp' [MQTT-3.1.2-1]");
        }
        int level = WireReader.readByte(body, "CONNECT protocol level");
        for (MqttVersion v : MqttVersion.values()) {
            if (v.protocolName().equals(name) && v.level() == level) {
                return v;
            }
        }
        throw new MalformedPacketException(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
                "CONNECT protocol '" + name + "' level " + level + " is not supported; use MQTT 3.1 (MQIsdp/3), "
                        + "3.1.1 (MQTT/4) or 5.0 (MQTT/5) [MQTT-3.1.2-2]");
    }

    /**
     * The version a CONNECT names, from the first bytes of its variable header without consuming them; empty if
     * those bytes do not name a supported version. For a CONNECT refused before its body is read (too large).
     */
    static Optional<MqttVersion> peekVersion(ByteBuf start) {
        try {
            return Optional.of(readVersion(start.duplicate()));
        } catch (MalformedPacketException e) {
            return Optional.empty();
        }
    }

    /** Reads everything after the protocol level. */
    static Connect readRest(ByteBuf body, MqttVersion version) {
        int flags = WireReader.readByte(body, "CONNECT flags");
        if ((flags & RESERVED) != 0) {
            throw WireReader.malformed("CONNECT reserved flag (bit 0) is set; it must be 0 [MQTT-3.1.2-3]");
        }
        boolean willFlag = (flags & WILL) != 0;
        int willQos = (flags >> 3) & 0x03;
        boolean willRetain = (flags & WILL_RETAIN) != 0;
        if (!willFlag && willQos != 0) {
            throw WireReader.malformed("CONNECT has Will QoS " + willQos + " without the Will flag ([MQTT-3.1.2-13] in 3.1.1, [MQTT-3.1.2-11] in 5.0)");
        }
        if (!willFlag && willRetain) {
            throw WireReader.malformed("CONNECT has Will Retain without the Will flag ([MQTT-3.1.2-15] in 3.1.1, [MQTT-3.1.2-13] in 5.0)");
        }
        if (willQos == 3) {
            throw WireReader.malformed("CONNECT has Will QoS 3; it must be 0, 1 or 2 ([MQTT-3.1.2-14] in 3.1.1, [MQTT-3.1.2-12] in 5.0)");
        }
        boolean hasUsername = (flags & USERNAME) != 0;
        boolean hasPassword = (flags & PASSWORD) != 0;
        if (!version.isV5() && hasPassword && !hasUsername) {
            throw WireReader.malformed("CONNECT has a password without a user name, which " + version
                    + " does not allow [MQTT-3.1.2-22]");
        }
        int keepAlive = WireReader.readShort(body, "CONNECT keep alive");
        MqttProperties properties = version.isV5()
                ? PropertiesReader.read(body, PacketType.CONNECT.code(), false) : MqttProperties.EMPTY;
        String clientId = WireReader.readString(body, "CONNECT client identifier");
        Connect.Will will = null;
        if (willFlag) {
            MqttProperties willProperties = version.isV5()
                    ? PropertiesReader.read(body, PropertiesReader.WILL, false) : MqttProperties.EMPTY;
            String topic = WireReader.readString(body, "CONNECT will topic");
            TopicSyntax.validateTopicName(topic);
            byte[] payload = WireReader.readBinary(body, "CONNECT will payload");
            will = new Connect.Will(topic, payload, willQos, willRetain, willProperties);
        }
        String username = hasUsername ? WireReader.readString(body, "CONNECT user name") : null;
        byte[] password = hasPassword ? WireReader.readBinary(body, "CONNECT password") : null;
        WireReader.requireEnd(body, PacketType.CONNECT);
        return new Connect(version, clientId, (flags & CLEAN) != 0, keepAlive, username, password, will, properties);
    }
}
