package dev.magpie.protocol;

import dev.magpie.codec.MalformedPacketException;
import dev.magpie.codec.MqttPacketEncoder;
import dev.magpie.codec.ReasonCode;
import dev.magpie.observe.BrokerMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * What a connection does when something goes wrong under it, by kind: a malformed packet is a protocol violation
 * (a CONNECT that fails after its version was read gets its one CONNACK first, see {@link BrokenConnect}); a
 * lost socket is logged at debug and closes quietly; anything else is an internal error, logged with its stack
 * and answered 0x80 (5.0), so a bug closes one connection and never the broker.
 */
final class ConnectionFaults {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private final MqttConnection connection;
    private final BrokerMetrics metrics;
    private final MqttPacketEncoder encoder;

    ConnectionFaults(MqttConnection connection, BrokerMetrics metrics, MqttPacketEncoder encoder) {
        this.connection = connection;
        this.metrics = metrics;
        this.encoder = encoder;
    }

    /** On the event loop, from {@code exceptionCaught}; {@code awaitingConnect} while no CONNECT was read. */
    void caught(ChannelHandlerContext context, Throwable cause, boolean awaitingConnect) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof MalformedPacketException m) {
            metrics.protocolError();
            if (awaitingConnect && BrokenConnect.answer(context, encoder, m)) {
                LOG.info("{}: refused: {}", connection.describe(), m.getMessage());
                connection.refused();
                return;
            }
            if (m.reasonCode() == ReasonCode.PACKET_TOO_LARGE) {
                metrics.messageDroppedTooLarge(); // over max_packet_size: refused unread, the connection closed [MQTT-3.2.2-15]
            }
            connection.protocolViolation(m.reasonCode(), m.getMessage());
        } else if (root instanceof IOException) {
            LOG.debug("{}: {}", connection.describe(), root.toString());
            if (!connection.isEnding()) { // else the writes failed by the broker's own close: keep its reason
                connection.closeReason("connection lost: " + root.getMessage());
            }
            context.close();
        } else {
            LOG.warn("{}: internal error, closing: {}", connection.describe(), root.toString(), root);
            connection.closeReason("internal error");
            connection.disconnect(ReasonCode.UNSPECIFIED_ERROR, "internal error");
        }
    }
}
