package dev.magpie.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;

import java.util.List;

/**
 * Splits the byte stream into MQTT packets and hands each one, still in the read buffer, to a {@link Sink}: no packet
 * object is built, so receiving a PUBLISH costs a few reads of the buffer. Packets larger than {@code maxPacket} are
 * refused (a broker sending one is broken or the wrong port).
 */
final class FrameDecoder extends ByteToMessageDecoder {

    /** Receives one packet: {@code body} is readable from {@code start} for {@code length} bytes, valid only during the call. */
    interface Sink {
        void packet(ChannelHandlerContext ctx, int type, int flags, ByteBuf body, int start, int length);
    }

    private final Sink sink;
    private final int maxPacket;

    FrameDecoder(Sink sink, int maxPacket) {
        this.sink = sink;
        this.maxPacket = maxPacket;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 2) {
            int start = in.readerIndex();
            int header = in.getUnsignedByte(start);
            int remaining = 0;
            int multiplier = 1;
            int index = start + 1;
            boolean complete = false;
            for (int i = 0; i < 4; i++) {
                if (index >= in.writerIndex()) {
                    return;
                }
                int digit = in.getUnsignedByte(index++);
                remaining += (digit & 0x7F) * multiplier;
                multiplier <<= 7;
                if ((digit & 0x80) == 0) {
                    complete = true;
                    break;
                }
            }
            if (!complete || remaining > maxPacket) {
                throw new DecoderException("malformed or oversized packet from the broker (remaining length)");
            }
            if (in.writerIndex() - index < remaining) {
                return;
            }
            sink.packet(ctx, header >>> 4, header & 0x0F, in, index, remaining);
            in.readerIndex(index + remaining);
            if (ctx.isRemoved()) {
                return;
            }
        }
    }
}
