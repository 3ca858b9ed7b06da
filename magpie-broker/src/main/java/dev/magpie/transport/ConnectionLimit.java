package dev.magpie.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts a listener's open connections and closes new ones beyond the limit before any MQTT work is done.
 * Shared by all channels of one listener, hence {@link ChannelHandler.Sharable}.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

    private final String listenerName;
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimit(String listenerName, int max) {
        this.listenerName = listenerName;
        this.max = max;
    }

    int open() {
        return open.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() > max) {
            LOG.warn("listener {}: {} connections open (max {}): refusing {}", listenerName, max, max, ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        open.decrementAndGet();
        ctx.fireChannelInactive();
    }
}
