package dev.magpie.transport;

import dev.magpie.observe.BrokerMetrics;
import dev.magpie.protocol.ClientAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP connection whose answer stopped leaving: output is waiting, and for the whole timeout no
 * write completed and the unflushed output did not shrink. A reader that takes a 4 MB file at a few bytes a
 * second, or not at all, would otherwise hold its connection (and its slot, see {@link ResponseSlots})
 * forever, since the idle timer of the HTTP side only runs between requests. A slow but moving reader is not
 * affected: every chunk the client accepts restarts the clock ({@code observeOutput}). Counted in
 * {@code magpie.limits} as {@code limit=http_write_stall}.
 *
 * <p>Only on the HTTP side: a WebSocket upgrade removes it, MQTT connections have their own output bounds.
 */
final class WriteStallTimeout extends IdleStateHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WriteStallTimeout.class);

    private final String listenerName;
    private final Duration timeout;
    private final BrokerMetrics metrics;

    WriteStallTimeout(String listenerName, Duration timeout, BrokerMetrics metrics) {
        super(true, 0, timeout.toMillis(), 0, TimeUnit.MILLISECONDS);
        this.listenerName = listenerName;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        if (evt.state() == IdleState.WRITER_IDLE && unflushedBytes(ctx) > 0) {
            metrics.limitHit("http_write_stall");
            LOG.info("listener {}: {} accepted no HTTP output for {} ms, closing", listenerName, ClientAddress.of(ctx.channel()),
                    timeout.toMillis());
            ctx.close();
        }
    }

    private static long unflushedBytes(ChannelHandlerContext ctx) {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }
}
