package dev.magpie.protocol;

import dev.magpie.BrokerLimits;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.Publish;
import dev.magpie.session.SessionConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

/**
 * The half of a client connection that sessions see ({@link SessionConnection}): where they write, the terms the
 * client's CONNECT set for what it is sent ({@link ClientTerms}), and how the broker ends the connection (a 5.0
 * DISCONNECT with the reason when the client is past CONNACK [MQTT-3.14.0-1], else a plain close). Callable from
 * any thread: sessions write from their own loop, and Netty channel writes are thread-safe. {@link MqttConnection}
 * is the other half, what the client sends.
 */
abstract class ClientChannel extends ChannelInboundHandlerAdapter implements SessionConnection {
    /** Where the connection is in its life; the one state both halves read. */
    final ConnectionLife life = new ConnectionLife();
    /** Set once, when the channel becomes active (event loop). */
    ChannelHandlerContext ctx;
    /** Why the socket is not read, if it is not; set with {@link #ctx} (event loop). */
    ReadGate reading;
    volatile ClientTerms terms = ClientTerms.beforeConnect();
    /** Flushing once per event-loop turn, yielding the loop, stopping reads while the output is full; event loop only. */
    final ConnectionOutput output;

    ClientChannel(BrokerLimits.UnflushedOutput limits) {
        this.output = new ConnectionOutput(limits, this::outputStalled);
    }

    /** The client has not taken its output off the socket for too long: close it, saying {@code why} (event loop). */
    abstract void outputStalled(String why);

    @Override
    public MqttVersion version() {
        return terms.version();
    }

    @Override
    public int maxPacketSize() {
        return terms.maxPacketSize();
    }

    @Override
    public int receiveMaximum() {
        return terms.receiveMaximum();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public ByteBufAllocator allocator() {
        return ctx.alloc();
    }

    @Override
    public boolean rewritesPublish() {
        return terms.aliases().rewritesOutbound();
    }

    @Override
    public void send(MqttPacket packet) {
        MqttPacket out = packet instanceof Publish p ? terms.aliases().applyOutbound(p) : packet;
        write(out);
    }

    @Override
    public void send(ByteBuf encoded) {
        write(encoded);
    }

    /**
     * Writes on the channel's loop and leaves the flush to the end of its turn ({@link ConnectionOutput#write}), so a
     * fan-out's deliveries to this client, or a read's answers, leave in one system call. From another thread (a
     * session whose client reconnected on another loop) it is one task per message, in order, as Netty's own write.
     */
    private void write(Object message) {
        if (ctx.executor().inEventLoop()) {
            output.write(ctx, message);
            return;
        }
        try {
            ctx.executor().execute(() -> output.write(ctx, message));
        } catch (RejectedExecutionException e) {
            ReferenceCountUtil.release(message); // the loop has shut down: the channel is gone with it
        }
    }

    @Override
    public void disconnect(int reasonCode, String reason) {
        disconnect(reasonCode, reason, null);
    }

    /** As {@link #disconnect(int, String)}, with a Server Reference for 0x9C / 0x9D (5.0 only). */
    void disconnect(int reasonCode, String reason, String serverReference) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> disconnect(reasonCode, reason, serverReference));
            return;
        }
        if (life.isEnding()) {
            return; // already on its way out, with the first reason
        }
        // the CONNACK is written from the session's thread; a server DISCONNECT is allowed from the moment it went
        // out [MQTT-3.14.0-1] (close is atomic, so a CONNACK written meanwhile is seen here); 3.1.1 has none
        boolean clientIsIn = ConnectionLife.clientIsIn(life.close(ctx, reading));
        ClientTerms t = terms;
        Optional<Disconnect> out = clientIsIn && t.version().isV5()
                ? ProblemInformation.disconnect(reasonCode, reason, serverReference, t.problemInformation(), t.version(), t.maxPacketSize())
                : Optional.empty();
        if (out.isPresent()) {
            ctx.channel().writeAndFlush(out.get()).addListener(ChannelFutureListener.CLOSE);
        } else {
            flushAndClose();
        }
    }

    /** Closes after flushing what this turn wrote: a close discards unflushed writes, and these were owed first. */
    void flushAndClose() {
        output.flush(ctx);
        ctx.close();
    }
}
