package dev.magpie.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keep-alive rule: a client silent for 1.5 x its keep-alive is given up ([MQTT-3.1.2-22] in 5.0,
 * [MQTT-3.1.2-24] in 3.1.1), but not while the broker itself stopped reading it, and a keep-alive of 0 is never
 * checked.
 */
class KeepAliveTest {
    private final ChannelInboundHandlerAdapter connection = new ChannelInboundHandlerAdapter();
    private final EmbeddedChannel channel = new EmbeddedChannel(connection);
    private final ReadGate gate = new ReadGate(channel);

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aSilentClientTimesOut_MQTT_3_1_2_22() {
        assertThat(KeepAlive.onIdle(false, gate)).isEqualTo(KeepAlive.Idle.TIMED_OUT);
        gate.pause(ReadGate.Reason.YIELD); // its turn of the loop is over: still its silence that counts
        assertThat(KeepAlive.onIdle(false, gate)).isEqualTo(KeepAlive.Idle.TIMED_OUT);
    }

    @Test
    void silenceWhileTheBrokerStoppedReadingIsNotTheClients() {
        gate.pause(ReadGate.Reason.RATE);
        assertThat(KeepAlive.onIdle(false, gate)).isEqualTo(KeepAlive.Idle.IGNORE);
        gate.resume(ReadGate.Reason.RATE);
        gate.pause(ReadGate.Reason.OUTPUT_FULL);
        assertThat(KeepAlive.onIdle(false, gate)).isEqualTo(KeepAlive.Idle.IGNORE);
    }

    @Test
    void anEndingConnectionStillIdleIsClosedAtOnce() {
        gate.pause(ReadGate.Reason.OUTPUT_FULL); // a DISCONNECT the client never took off the socket
        assertThat(KeepAlive.onIdle(true, gate)).isEqualTo(KeepAlive.Idle.CLOSE_NOW);
    }

    @Test
    void theIdleHandlerTimesOneAndAHalfKeepAlivesInFrontOfTheConnection_MQTT_3_1_2_24() {
        ChannelHandlerContext ctx = channel.pipeline().context(connection);
        KeepAlive.start(ctx, 0);
        assertThat(channel.pipeline().get(KeepAlive.HANDLER)).isNull();

        KeepAlive.start(ctx, 10);
        IdleStateHandler idle = (IdleStateHandler) channel.pipeline().get(KeepAlive.HANDLER);
        assertThat(idle.getReaderIdleTimeInMillis()).isEqualTo(15_000);
        assertThat(channel.pipeline().names().indexOf(KeepAlive.HANDLER))
                .isLessThan(channel.pipeline().names().indexOf(ctx.name()));
    }
}
