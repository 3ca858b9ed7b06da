package dev.magpie.codec;

import io.netty.buffer.ByteBuf;

/**
 * Decodes the small session-control packets: PINGREQ, PINGRESP, DISCONNECT and AUTH. In 5.0 a
 * DISCONNECT or AUTH with remaining length 0 means reason 0x00 without properties, and one with
 * remaining length 1 a reason code without properties [MQTT-3.14.2.1], [MQTT-3.15.2.1].
 */
final class ControlDecoder {
    private ControlDecoder() {
    }

    static PingReq pingReq(ByteBuf body) {
        WireReader.requireEnd(body, PacketType.PINGREQ);
        return PingReq.INSTANCE;
    }

    static PingResp pingResp(ByteBuf body) {
        WireReader.requireEnd(body, PacketType.PINGRESP);
        return PingResp.INSTANCE;
    }

    static Disconnect disconnect(ByteBuf body, MqttVersion version, boolean fromServer) {
        if (!version.isV5() || !body.isReadable()) {
            WireReader.requireEnd(body, PacketType.DISCONNECT);
            return Disconnect.NORMAL;
        }
        int reasonCode = ReasonCodeRules.check(PacketType.DISCONNECT, WireReader.readByte(body, "DISCONNECT reason code"));
        MqttProperties properties = body.isReadable()
                ? PropertiesReader.read(body, PacketType.DISCONNECT.code(), fromServer) : MqttProperties.EMPTY;
        WireReader.requireEnd(body, PacketType.DISCONNECT);
        return new Disconnect(reasonCode, properties);
    }

    static Auth auth(ByteBuf body, boolean fromServer) {
        if (!body.isReadable()) {
            return new Auth(ReasonCode.SUCCESS, MqttProperties.EMPTY);
        }
        int reasonCode = ReasonCodeRules.check(PacketType.AUTH, WireReader.readByte(body, "AUTH reason code"));
        MqttProperties properties = body.isReadable()
                ? PropertiesReader.read(body, PacketType.AUTH.code(), fromServer) : MqttProperties.EMPTY;
        WireReader.requireEnd(body, PacketType.AUTH);
        return new Auth(reasonCode, properties);
    }
}
