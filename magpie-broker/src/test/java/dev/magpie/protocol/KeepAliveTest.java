package dev.magpie.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
    void aKeepAliveOfZeroIsNeverChecked() {
        ChannelHandlerContext ctx = channel.pipeline().context(connection);
        assertThat(KeepAlive.start(ctx, 0, () -> { })).isNull();
    }

    @Test
    void silenceIsTimedFromTheLastReadForOneAndAHalfKeepAlives_MQTT_3_1_2_24() {
        ChannelHandlerContext ctx = channel.pipeline().context(connection);
        channel.freezeTime();
        AtomicInteger idle = new AtomicInteger();
        KeepAlive keepAlive = KeepAlive.start(ctx, 10, idle::incrementAndGet);
        assertThat(keepAlive.idleNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(15));

        channel.advanceTimeBy(14_999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(idle).hasValue(0);

        keepAlive.heard(); // heard at 14.999 s: silent again only from here
        channel.advanceTimeBy(14, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(idle).hasValue(0);

        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(idle).hasValue(1);

        channel.advanceTimeBy(15, TimeUnit.SECONDS); // still silent: every further period counts again
        channel.runScheduledPendingTasks();
        assertThat(idle).hasValue(2);

        keepAlive.stop();
        channel.advanceTimeBy(60, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(idle).hasValue(2);
    }
}
