package dev.magpie.protocol;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MalformedPacketException;
import dev.magpie.codec.MqttPacketEncoder;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.ReasonCode;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

/**
 * Answers a CONNECT the decoder could not accept. An unknown protocol level gets CONNACK 0x01 in the 3.1.1
 * format, which every level can read [MQTT-3.1.2-2]. A 5.0 CONNECT that failed after its protocol name and level
 * gets one CONNACK with the reason (0x81 malformed, 0x82 protocol error, 0x90 a will topic that is not a valid
 * topic name, 0x95 too large) before the close, so its client learns why: a CONNECT that does not match its format
 * is closed [MQTT-3.1.4-1], and the server may first send a CONNACK 0x80 or above (section 4.13), after which it
 * must close [MQTT-3.2.2-7]. 3.1/3.1.1 have no return
 * code for these and are closed silently, as before. The CONNACK has no Reason String: the client's Maximum
 * Packet Size is unknown, since the CONNECT that would carry it did not decode.
 */
final class BrokenConnect {
    private BrokenConnect() {
    }

    /** Writes the refusing CONNACK and closes after it; false if this failure is closed without one. */
    static boolean answer(ChannelHandlerContext ctx, MqttPacketEncoder encoder, MalformedPacketException failure) {
        if (failure.reasonCode() == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
            ctx.writeAndFlush(new ConnAck(false, ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, MqttProperties.EMPTY))
                    .addListener(ChannelFutureListener.CLOSE);
            return true;
        }
        if (failure.connectVersion().filter(MqttVersion::isV5).isEmpty()) {
            return false;
        }
        encoder.version(MqttVersion.V5);
        ctx.writeAndFlush(new ConnAck(false, connackCode(failure.reasonCode()), MqttProperties.EMPTY))
                .addListener(ChannelFutureListener.CLOSE);
        return true;
    }

    /** The decoder's reason as a CONNACK can carry it (table of section 2.4); anything else is "malformed". */
    private static int connackCode(int reasonCode) {
        return switch (reasonCode) {
            case ReasonCode.MALFORMED_PACKET, ReasonCode.PROTOCOL_ERROR, ReasonCode.TOPIC_NAME_INVALID,
                    ReasonCode.PACKET_TOO_LARGE, ReasonCode.PAYLOAD_FORMAT_INVALID -> reasonCode;
            default -> ReasonCode.MALFORMED_PACKET;
        };
    }
}
