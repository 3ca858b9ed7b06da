package dev.magpie.codec;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the acknowledgements only a server sends: CONNACK, SUBACK and UNSUBACK. The broker never
 * receives these; they exist for test clients and benchmarks, and are as strict as the server side so
 * that a spec test notices when the broker sends something out of line.
 */
final class AckDecoder {
    private AckDecoder() {
    }

    static ConnAck connAck(ByteBuf body, MqttVersion version) {
        int flags = WireReader.readByte(body, "CONNACK acknowledge flags");
        if ((flags & 0xFE) != 0) {
            throw WireReader.malformed("CONNACK acknowledge flags set reserved bits 7-1 [MQTT-3.2.2-1]");
        }
        // 3.1 has no Session Present: its first byte is reserved, so the flag means nothing there (the encoder writes 0)
        boolean sessionPresent = (flags & 0x01) != 0 && version != MqttVersion.V3_1;
        int code = WireReader.readByte(body, "CONNACK reason code");
        MqttProperties properties = MqttProperties.EMPTY;
        if (version.isV5()) {
            ReasonCodeRules.check(PacketType.CONNACK, code);
            properties = PropertiesReader.read(body, PacketType.CONNACK.code(), true);
        } else {
            code = fromV3ConnackCode(code);
        }
        if (sessionPresent && code != ReasonCode.SUCCESS) {
            throw new MalformedPacketException(ReasonCode.PROTOCOL_ERROR,
                    "CONNACK sets Session Present with a failure code [MQTT-3.2.2-6]");
        }
        WireReader.requireEnd(body, PacketType.CONNACK);
        return new ConnAck(sessionPresent, code, properties);
    }

    /** The inverse of {@link ReasonCode#toV3ConnackCode} for the six 3.1.1 return codes [MQTT-3.2.2-4]. */
    private static int fromV3ConnackCode(int code) {
        return switch (code) {
            case ReasonCode.V3_ACCEPTED -> ReasonCode.SUCCESS;
            case ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION -> ReasonCode.UNSUPPORTED_PROTOCOL_VERSION;
            case ReasonCode.V3_IDENTIFIER_REJECTED -> ReasonCode.CLIENT_IDENTIFIER_NOT_VALID;
            case ReasonCode.V3_SERVER_UNAVAILABLE -> ReasonCode.SERVER_UNAVAILABLE;
            case ReasonCode.V3_BAD_USER_NAME_OR_PASSWORD -> ReasonCode.BAD_USER_NAME_OR_PASSWORD;
            case ReasonCode.V3_NOT_AUTHORIZED -> ReasonCode.NOT_AUTHORIZED;
            default -> throw WireReader.malformed("CONNACK return code " + code + " is not defined; 0 to 5 exist");
        };
    }

    static SubAck subAck(ByteBuf body, MqttVersion version) {
        int packetId = WireReader.readPacketId(body, PacketType.SUBACK);
        MqttProperties properties = version.isV5()
                ? PropertiesReader.read(body, PacketType.SUBACK.code(), true) : MqttProperties.EMPTY;
        List<Integer> codes = readCodes(body, PacketType.SUBACK, version);
        return new SubAck(packetId, codes, properties);
    }

    /** 3.1/3.1.1 UNSUBACK is just the packet identifier; 5.0 adds properties and one code per filter. */
    static UnsubAck unsubAck(ByteBuf body, MqttVersion version) {
        int packetId = WireReader.readPacketId(body, PacketType.UNSUBACK);
        if (!version.isV5()) {
            WireReader.requireEnd(body, PacketType.UNSUBACK);
            return new UnsubAck(packetId, List.of(), MqttProperties.EMPTY);
        }
        MqttProperties properties = PropertiesReader.read(body, PacketType.UNSUBACK.code(), true);
        return new UnsubAck(packetId, readCodes(body, PacketType.UNSUBACK, version), properties);
    }

    private static List<Integer> readCodes(ByteBuf body, PacketType type, MqttVersion version) {
        if (!body.isReadable()) {
            throw new MalformedPacketException(ReasonCode.PROTOCOL_ERROR, type + " has no reason code; it needs one per filter");
        }
        List<Integer> codes = new ArrayList<>(body.readableBytes());
        while (body.isReadable()) {
            int code = body.readUnsignedByte();
            if (version.isV5()) {
                ReasonCodeRules.check(type, code);
            } else if (code > 2 && code != ReasonCode.V3_SUBACK_FAILURE) {
                throw WireReader.malformed("SUBACK return code 0x" + Integer.toHexString(code)
                        + " is not defined; 0, 1, 2 or 0x80 exist [MQTT-3.9.3-2]");
            }
            codes.add(code);
        }
        return codes;
    }
}
