package dev.magpie.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Keep-alive of one connection: when the silence is timed, and what the silence means when it is. Apart from
 * {@link MqttConnection} so that the rule has one home: a client is given up when nothing was received for 1.5 x
 * its keep-alive ([MQTT-3.1.2-22] in 5.0, [MQTT-3.1.2-24] in 3.1.1), but only a silence of its own counts; a
 * socket the broker stopped reading ({@link ReadGate#pausedByBroker()}) says nothing about the client.
 *
 * <p>One timer per connection on its event loop, re-armed for the time left when it finds the client has been
 * heard from meanwhile (a read only writes down the time). Not Netty's {@code IdleStateHandler}: that is a pipeline
 * handler, its context and a task object more per connection, and a pipeline change at every CONNECT, for a rule
 * that needs one timestamp and one scheduled check. Event loop only.
 */
final class KeepAlive {
    /** What an idle connection calls for. */
    enum Idle {
        /** The connection is already ending and the client has not taken its last packet in all that time: close it. */
        CLOSE_NOW,
        /** The broker stopped reading (the client's rate, or answers it does not take): not the client's silence. */
        IGNORE,
        /** The client has been silent for 1.5 x keep-alive: disconnect it with 0x8D Keep Alive timeout. */
        TIMED_OUT
    }

    private final ChannelHandlerContext ctx;
    private final long idleNanos;
    /** Called on the event loop each time a whole idle period passed without a read. */
    private final Runnable idle;
    private long lastReadNanos;
    private ScheduledFuture<?> check;

    private KeepAlive(ChannelHandlerContext ctx, long idleNanos, Runnable idle) {
        this.ctx = ctx;
        this.idleNanos = idleNanos;
        this.idle = idle;
        this.lastReadNanos = now();
    }

    /**
     * Times the client's silence from now: {@code idle} runs after every 1.5 x {@code keepAliveSeconds} without a
     * read. A keep-alive of 0 is never checked: returns null then.
     */
    static KeepAlive start(ChannelHandlerContext ctx, int keepAliveSeconds, Runnable idle) {
        if (keepAliveSeconds <= 0) {
            return null;
        }
        KeepAlive keepAlive = new KeepAlive(ctx, TimeUnit.MILLISECONDS.toNanos(keepAliveSeconds * 1500L), idle);
        keepAlive.arm(keepAlive.idleNanos);
        return keepAlive;
    }

    /** The client was heard from (at the end of a read). */
    void heard() {
        lastReadNanos = now();
    }

    /** The connection is closed: the timer is off, so it holds nothing of it any longer. */
    void stop() {
        ScheduledFuture<?> c = check;
        check = null;
        if (c != null) {
            c.cancel(false);
        }
    }

    /** The idle period configured: 1.5 x the keep-alive. */
    long idleNanos() {
        return idleNanos;
    }

    private void arm(long delayNanos) {
        check = ctx.executor().schedule(this::look, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void look() {
        if (check == null) {
            return; // stopped meanwhile
        }
        long silent = now() - lastReadNanos;
        if (silent < idleNanos) {
            arm(idleNanos - silent);
            return;
        }
        arm(idleNanos);
        idle.run();
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    /** Decides what an idle event means for a connection that is {@code ending} and whose socket is in {@code reading}. */
    static Idle onIdle(boolean ending, ReadGate reading) {
        if (ending) {
            return Idle.CLOSE_NOW;
        }
        return reading.pausedByBroker() ? Idle.IGNORE : Idle.TIMED_OUT;
    }
}
