package dev.magpie.protocol;

import dev.magpie.BrokerLimits;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PingResp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;

import java.util.function.Consumer;

/**
 * The output side of one connection and how it paces the input: whatever is written to it is flushed once per read or
 * event-loop turn, not once per packet (a system call each, the cost that bounds a broker's throughput), a read that holds a flood of packets yields to the loop's other connections, and a full output stops
 * reading the client until it drains ({@link OutputWatch} gives up on one that never does). Apart from
 * {@link MqttConnection} because these rules are about what the client is owed and how fast, not about the protocol
 * state machine; they share its {@link ReadGate}, the one home of every reason not to read. Event loop only; the
 * connection passes its context and gate, which exist only once the channel is active.
 */
final class ConnectionOutput {
    /**
     * PINGRESP is the same two bytes in every version [MQTT-3.13.1]: encoded once, shared by every connection and
     * never freed (a duplicate per answer), so a PINGREQ costs no allocation of its own. Never written to.
     */
    private static final ByteBuf PINGRESP = encodedOnce(PingResp.INSTANCE);
    /**
     * Packets one connection may have handled in one event-loop turn before it yields to the other connections of its
     * loop: a read can hold tens of thousands of small packets (64 KiB of PINGREQ is 32,768), and a loop that handles
     * them all in one go makes every other client on it wait.
     */
    static final int PACKETS_PER_TURN = 256;

    private final BrokerLimits.UnflushedOutput limits;
    private final Consumer<String> stalled;
    /** Closes the client if its output stays undrained; made the first time the output fills (most never do). */
    private OutputWatch watch;
    /** Packets handled since this connection's last turn began. */
    private int packetsThisTurn;
    /** Whether something was written and awaits a flush (at the end of the read, or of the loop's turn). */
    private boolean unflushed;
    /** Whether {@link #turnEndFlush} is queued on the loop. */
    private boolean flushQueued;
    /** Flushes at the end of the loop's turn; made at the first write, when the context is known. */
    private Runnable turnEndFlush;

    /** {@code stalled} is called once, on the event loop, with the reason to log when the client is to be closed. */
    ConnectionOutput(BrokerLimits.UnflushedOutput limits, Consumer<String> stalled) {
        this.limits = limits;
        this.stalled = stalled;
    }

    private static ByteBuf encodedOnce(MqttPacket packet) {
        ByteBuf encoded = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, packet, MqttVersion.V3_1_1);
        try {
            return Unpooled.unreleasableBuffer(Unpooled.directBuffer(encoded.readableBytes()).writeBytes(encoded));
        } finally {
            encoded.release();
        }
    }

    /** Answers a PINGREQ: written now, flushed once per read, so a burst of PINGREQs costs one system call. */
    void pingResp(ChannelHandlerContext ctx) {
        ctx.write(PINGRESP.duplicate(), ctx.voidPromise());
        unflushed = true;
    }

    /**
     * Writes {@code message} and flushes it at the end of the event loop's turn: a task queued now runs after the
     * loop has handled every socket that was ready, so all a turn writes to this client (one publisher's read fanned
     * out, other publishers' messages, answers) leaves in one system call instead of one each. A write during this
     * connection's own read is flushed by {@link #readComplete} already, and the task finds nothing left.
     */
    void write(ChannelHandlerContext ctx, Object message) {
        ctx.channel().write(message, ctx.channel().voidPromise());
        unflushed = true;
        if (!flushQueued) {
            flushQueued = true;
            if (turnEndFlush == null) {
                turnEndFlush = () -> {
                    flushQueued = false;
                    flush(ctx);
                };
            }
            ctx.executor().execute(turnEndFlush);
        }
    }

    /** Counts a packet handled in this turn; after {@link #PACKETS_PER_TURN} the rest waits for the loop's next turn. */
    void handled(ChannelHandlerContext ctx, ReadGate reading) {
        if (++packetsThisTurn >= PACKETS_PER_TURN && !reading.holds(ReadGate.Reason.YIELD)) {
            reading.pause(ReadGate.Reason.YIELD);
            ctx.executor().execute(() -> reading.resume(ReadGate.Reason.YIELD));
        }
    }

    /** The read is over: its answers are flushed, and the next read starts a new turn. */
    void readComplete(ChannelHandlerContext ctx) {
        packetsThisTurn = 0;
        flush(ctx);
    }

    /** Flushes the answers written since the last flush, if any (also for those written outside a read). */
    void flush(ChannelHandlerContext ctx) {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    /**
     * Every answer the broker owes (PINGRESP, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, AUTH) comes from a
     * packet read from the client, so a full output stops reading it: a client that sends and never reads blocks
     * on its own socket instead of filling the broker's memory with its answers (issue 10). The watch closes it if
     * its output stays undrained. Returns whether the channel is writable again (the session may send once more).
     */
    boolean writabilityChanged(ChannelHandlerContext ctx, ReadGate reading, boolean closed) {
        if (ctx.channel().isWritable()) {
            if (watch != null) {
                watch.writable();
            }
            reading.resume(ReadGate.Reason.OUTPUT_FULL);
            return true;
        }
        if (!closed) {
            reading.pause(ReadGate.Reason.OUTPUT_FULL);
            if (watch == null) {
                watch = new OutputWatch(limits, stalled);
            }
            watch.unwritable(ctx);
        }
        return false;
    }

    /** The channel is closed: nothing is watched any more. */
    void closed() {
        if (watch != null) {
            watch.writable();
        }
    }
}
