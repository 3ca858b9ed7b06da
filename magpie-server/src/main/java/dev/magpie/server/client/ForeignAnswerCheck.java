package dev.magpie.server.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.charset.StandardCharsets;

/**
 * Looks at the first bytes a server sends back over plain MQTT and recognises two common mistakes before the
 * MQTT decoder calls them a malformed packet: an HTTP answer (the port is a WebSocket or HTTP listener: use
 * {@code --ws}) and a TLS alert record (the port wants TLS: add {@code --cafile}). Then it steps aside.
 */
final class ForeignAnswerCheck extends ChannelInboundHandlerAdapter {
    /** TLS record type 21 (alert) and major version 3 [RFC 8446 5.1]. */
    private static final int TLS_ALERT = 0x15;
    private static final int TLS_MAJOR_VERSION = 0x03;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.readableBytes() >= 2) {
            int first = bytes.getUnsignedByte(bytes.readerIndex());
            int second = bytes.getUnsignedByte(bytes.readerIndex() + 1);
            String start = bytes.toString(bytes.readerIndex(), Math.min(5, bytes.readableBytes()), StandardCharsets.US_ASCII);
            ClientFailure foreign = null;
            if (start.equals("HTTP/")) {
                foreign = new ClientFailure(ClientFailure.Kind.NETWORK, "the server answered in HTTP: this port is a"
                        + " WebSocket or HTTP listener; connect with --ws (and --ws-path) or a ws:// URL");
            } else if (first == TLS_ALERT && second == TLS_MAJOR_VERSION) {
                foreign = new ClientFailure(ClientFailure.Kind.NETWORK, "the server answered with a TLS alert: this"
                        + " port wants TLS; add --cafile FILE (or --tls-use-os-certs)");
            }
            if (foreign != null) {
                bytes.release();
                ctx.pipeline().remove(this);
                ctx.fireUserEventTriggered(foreign);
                return;
            }
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }
}
