package dev.magpie.codec;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * The pipeline end of {@link MqttEncoder}: encodes outbound {@link MqttPacket}s in the connection's
 * version. Anything else, notably a {@link io.netty.buffer.ByteBuf} such as one from
 * {@link EncodedPublish#forDelivery}, passes through untouched, so pre-encoded packets and records can be
 * written to the same channel in order.
 *
 * <p>The version is V3_1_1 until the protocol layer, having accepted a CONNECT, sets it. One instance per
 * channel; the field is volatile so the setter may be called from outside the event loop.
 */
public final class MqttPacketEncoder extends MessageToMessageEncoder<MqttPacket> {
    private volatile MqttVersion version = MqttVersion.V3_1_1;

    public MqttPacketEncoder() {
        super(MqttPacket.class);
    }

    public MqttVersion version() {
        return version;
    }

    public void version(MqttVersion newVersion) {
        if (newVersion == null) {
            throw new IllegalArgumentException("version must not be null");
        }
        this.version = newVersion;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MqttPacket packet, List<Object> out) {
        out.add(MqttEncoder.encode(ctx.alloc(), packet, version));
    }
}
