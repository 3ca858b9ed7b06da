package dev.magpie.protocol;

import dev.magpie.BrokerLimits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelHandlerContext;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches the output of one connection while it is not writable, and gives up on a client that does not take it:
 * one whose output has not drained by a single byte for {@link BrokerLimits.UnflushedOutput#timeout()}, or whose
 * unflushed output exceeds {@link BrokerLimits.UnflushedOutput#maxBytes()}. The rule is about output that is not
 * drained at all, not about a slow reader: any progress (a message taken off the buffer, or part of one) restarts
 * the clock, and a subscriber that reads slowly meets QoS 0 drops ({@code SessionOutbox}) and a paused socket
 * ({@link ReadGate}), never this.
 *
 * <p>Checks run on the connection's event loop, a few times per timeout and only while the channel is unwritable,
 * so an idle or healthy connection costs nothing. What it compares is the channel's outbound buffer: its pending
 * bytes, and the message at its head with the bytes that message still has to write (a partial write moves them).
 */
final class OutputWatch {
    /** How often the output is looked at within one timeout. */
    private static final int CHECKS_PER_TIMEOUT = 6;

    private final BrokerLimits.UnflushedOutput limits;
    private final Consumer<String> giveUp;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> check;
    private long stalledSince;
    private long lastPending;
    private Object lastHead;
    private long lastHeadBytes;

    /** {@code giveUp} is called once, on the event loop, with the reason to log when the client is to be closed. */
    OutputWatch(BrokerLimits.UnflushedOutput limits, Consumer<String> giveUp) {
        this.limits = limits;
        this.giveUp = giveUp;
    }

    /** The channel became unwritable: start watching (once). */
    void unwritable(ChannelHandlerContext context) {
        this.ctx = context;
        if (check != null || !limits.enabled()) {
            return;
        }
        stalledSince = context.executor().ticker().nanoTime();
        remember(context.channel().unsafe().outboundBuffer());
        if (overCap()) {
            return;
        }
        long period = Math.max(1, limits.timeout().toMillis() / CHECKS_PER_TIMEOUT);
        check = context.executor().scheduleAtFixedRate(this::look, period, period, TimeUnit.MILLISECONDS);
    }

    /** The channel is writable again (or closed): stop watching. */
    void writable() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        lastHead = null; // not kept past the episode
    }

    private void look() {
        Channel channel = ctx.channel();
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        if (!channel.isActive() || out == null || channel.isWritable()) {
            writable();
            return;
        }
        if (overCap()) {
            return;
        }
        long now = ctx.executor().ticker().nanoTime();
        if (progressed(out)) {
            stalledSince = now;
        }
        remember(out);
        long stalledMillis = (now - stalledSince) / 1_000_000;
        if (stalledMillis >= limits.timeout().toMillis()) {
            writable();
            giveUp.accept("output not drained for " + limits.timeout().toSeconds() + " s (" + pending(out) + " bytes unflushed)");
        }
    }

    /** Whether the bytes unflushed exceed the cap; then the client is given up at once. */
    private boolean overCap() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        long pending = pending(out);
        if (limits.maxBytes() > 0 && pending > limits.maxBytes()) {
            writable();
            giveUp.accept(pending + " bytes of output unflushed, over the limit of " + limits.maxBytes());
            return true;
        }
        return false;
    }

    private boolean progressed(ChannelOutboundBuffer out) {
        Object head = out.current();
        long headBytes = bytesOf(head);
        return out.totalPendingWriteBytes() < lastPending || head != lastHead || headBytes < lastHeadBytes;
    }

    private void remember(ChannelOutboundBuffer out) {
        lastPending = pending(out);
        lastHead = out == null ? null : out.current();
        lastHeadBytes = bytesOf(lastHead);
    }

    private static long pending(ChannelOutboundBuffer out) {
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    private static long bytesOf(Object message) {
        return message instanceof io.netty.buffer.ByteBuf b ? b.readableBytes()
                : message instanceof io.netty.buffer.ByteBufHolder h ? h.content().readableBytes() : -1;
    }
}
