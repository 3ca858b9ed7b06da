package dev.magpie.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Closes a connection at once when its first bytes are not a PROXY protocol header. Netty's decoder treats
 * anything that is not the v2 signature as a v1 line and waits for its end, so a client that skipped the
 * proxy (say, an MQTT client talking to the broker directly) would hang until a timeout; this handler looks
 * at the first 5 to 12 bytes, then steps aside.
 */
final class ProxyProtocolDetector extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolDetector.class);

    private final String listenerName;

    ProxyProtocolDetector(String listenerName) {
        this.listenerName = listenerName;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ProtocolDetectionResult<HAProxyProtocolVersion> result = HAProxyMessageDecoder.detectProtocol(in);
        switch (result.state()) {
            case NEEDS_MORE_DATA -> { }
            case INVALID -> {
                LOG.info("listener {}: {} sent no valid PROXY protocol header, closing", listenerName, ctx.channel().remoteAddress());
                in.skipBytes(in.readableBytes());
                ctx.close();
            }
            case DETECTED -> ctx.pipeline().remove(this); // the bytes read so far go on to the header decoder
        }
    }
}
