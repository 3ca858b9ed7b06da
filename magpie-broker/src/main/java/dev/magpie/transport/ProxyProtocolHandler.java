package dev.magpie.transport;

import dev.magpie.protocol.ClientAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Takes the client address from the PROXY protocol header (v1 text or v2 binary, decoded by Netty's
 * {@code HAProxyMessageDecoder} just before this handler) and records it as the connection's
 * {@link ClientAddress}. A {@code LOCAL} header (a load balancer's health check) keeps the socket's peer.
 * A connection whose first bytes are not a valid header is closed with one log line. Removes itself after
 * the header.
 */
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    private final String listenerName;

    ProxyProtocolHandler(String listenerName) {
        this.listenerName = listenerName;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null) {
                byte[] ip = NetUtil.createByteArrayFromIpAddressString(header.sourceAddress());
                if (ip != null) {
                    ctx.channel().attr(ClientAddress.KEY).set(new InetSocketAddress(InetAddress.getByAddress(ip), header.sourcePort()));
                }
            }
        } catch (java.net.UnknownHostException e) {
            // cannot happen for a 4 or 16 byte array; keep the socket's peer
        } finally {
            header.release();
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause.getCause() != null ? cause.getCause() : cause;
        if (cause instanceof HAProxyProtocolException || root instanceof HAProxyProtocolException) {
            LOG.info("listener {}: {} sent no valid PROXY protocol header, closing: {}", listenerName, ctx.channel().remoteAddress(),
                    root.getMessage());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
