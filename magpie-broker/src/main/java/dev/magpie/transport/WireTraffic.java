package dev.magpie.transport;

import dev.magpie.codec.MqttPacketEncoder;
import dev.magpie.codec.MqttVersion;
import dev.magpie.observe.TrafficCounters;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the MQTT bytes of one connection both ways, and the packets written to it, into the broker's
 * {@link TrafficCounters}. It sits between the transport handlers and the decoder, so it sees the MQTT byte stream
 * itself (TLS records and WebSocket frames already removed, as mosquitto counts) and every packet the broker writes,
 * already encoded: each write is one whole packet, whether the encoder made it or it was encoded once for many
 * subscribers. A PUBLISH is told by its first byte (type 3, QoS in bits 1-2 [MQTT-2.1.3]), and its payload size from the
 * few header bytes in front of it, so nothing is decoded and nothing allocated per packet; the counts are plain additions
 * to the loop's own {@link TrafficCounters.Local}. Packets read are counted by the connection, once decoded.
 *
 * <p>One per channel (it reads the connection's negotiated version from its encoder); event loop only.
 */
final class WireTraffic extends ChannelDuplexHandler {
    private static final int PUBLISH = 3;

    private final TrafficCounters counters;
    private final MqttPacketEncoder encoder;
    /** This loop's counts, taken at the first packet (on the loop, where every later one is counted too). */
    private TrafficCounters.Local local;

    WireTraffic(TrafficCounters counters, MqttPacketEncoder encoder) {
        this.counters = counters;
        this.encoder = encoder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf in) {
            local().bytesReceived(in.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf out && out.isReadable()) {
            count(out);
        }
        ctx.write(msg, promise);
    }

    private TrafficCounters.Local local() {
        TrafficCounters.Local l = local;
        if (l == null) {
            l = counters.local();
            local = l;
        }
        return l;
    }

    private void count(ByteBuf packet) {
        int start = packet.readerIndex();
        int size = packet.readableBytes();
        int first = packet.getUnsignedByte(start);
        if (first >>> 4 != PUBLISH) {
            local().sent(size);
            return;
        }
        int qos = (first >> 1) & 0x03;
        local().publishSent(qos, size, payloadSize(packet, start, size, qos, encoder.version()));
    }

    /**
     * The payload's share of an encoded PUBLISH: what follows the fixed header, topic, packet id (QoS 1/2) and, in 5.0,
     * the properties [MQTT-3.3.2]. 0 if the packet is shorter than its header says (it is not, the broker encoded it).
     */
    static int payloadSize(ByteBuf packet, int start, int size, int qos, MqttVersion version) {
        int at = start + 1;
        int end = start + size;
        while (at < end && (packet.getUnsignedByte(at) & 0x80) != 0) {
            at++; // remaining length: the packet's size is known, only its length in bytes matters
        }
        at++;
        if (at + 2 > end) {
            return 0;
        }
        at += 2 + packet.getUnsignedShort(at);
        if (qos > 0) {
            at += 2;
        }
        if (version.isV5()) {
            int propertiesLength = 0;
            int shift = 0;
            int b;
            do {
                if (at >= end) {
                    return 0;
                }
                b = packet.getUnsignedByte(at++);
                propertiesLength |= (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0 && shift < 28);
            at += propertiesLength;
        }
        return Math.max(0, end - at);
    }
}
