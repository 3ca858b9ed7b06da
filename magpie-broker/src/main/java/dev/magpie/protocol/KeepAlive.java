package dev.magpie.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * Keep-alive of one connection: when the silence is timed, and what the silence means when it is. Apart from
 * {@link MqttConnection} so that the rule has one home: a client is given up when nothing was received for 1.5 x
 * its keep-alive ([MQTT-3.1.2-22] in 5.0, [MQTT-3.1.2-24] in 3.1.1), but only a silence of its own counts; a
 * socket the broker stopped reading ({@link ReadGate#pausedByBroker()}) says nothing about the client.
 */
final class KeepAlive {
    /** The name of the idle handler in the pipeline. */
    static final String HANDLER = "keepalive";

    /** What an idle connection calls for. */
    enum Idle {
        /** The connection is already ending and the client has not taken its last packet in all that time: close it. */
        CLOSE_NOW,
        /** The broker stopped reading (the client's rate, or answers it does not take): not the client's silence. */
        IGNORE,
        /** The client has been silent for 1.5 x keep-alive: disconnect it with 0x8D Keep Alive timeout. */
        TIMED_OUT
    }

    private KeepAlive() {
    }

    /** Times the client's silence from now, in front of {@code ctx}'s handler; a keep-alive of 0 is never checked. */
    static void start(ChannelHandlerContext ctx, int keepAliveSeconds) {
        if (keepAliveSeconds > 0) {
            long idleMillis = keepAliveSeconds * 1500L;
            ctx.pipeline().addBefore(ctx.name(), HANDLER, new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        }
    }

    /** Decides what an idle event means for a connection that is {@code ending} and whose socket is in {@code reading}. */
    static Idle onIdle(boolean ending, ReadGate reading) {
        if (ending) {
            return Idle.CLOSE_NOW;
        }
        return reading.pausedByBroker() ? Idle.IGNORE : Idle.TIMED_OUT;
    }
}
