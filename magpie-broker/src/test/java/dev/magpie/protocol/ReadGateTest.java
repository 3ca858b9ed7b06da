package dev.magpie.protocol;

import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttDecoder;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PingReq;
import dev.magpie.testkit.RawMqttClient;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read-gate rule: reading resumes only when no reason to pause holds any more, and a full output also holds the
 * decoder, so a client that sends PINGREQs and never reads cannot make the broker queue a PINGRESP per packet it
 * already read (issue 10, "PINGREQ without reading").
 */
class ReadGateTest {
    private static final byte[] PINGREQ = {(byte) 0xC0, 0x00};

    /** Counts the reads the pipeline asks the socket for while auto-read is off. */
    private final AtomicInteger explicitReads = new AtomicInteger();
    private final MqttDecoder decoder = MqttDecoder.forServer(1024);
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
        @Override
        public void read(ChannelHandlerContext ctx) {
            explicitReads.incrementAndGet();
            ctx.read();
        }
    }, decoder);
    private final ReadGate gate = new ReadGate(channel);

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void readingResumesOnlyWhenNoReasonHoldsAnyMore() {
        assertThat(channel.config().isAutoRead()).isTrue();
        gate.pause(ReadGate.Reason.RATE);
        gate.pause(ReadGate.Reason.OUTPUT_FULL);
        assertThat(channel.config().isAutoRead()).isFalse();

        gate.resume(ReadGate.Reason.RATE); // the throttle is satisfied, but the output is still full
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(gate.pausedByBroker()).isTrue();

        gate.resume(ReadGate.Reason.OUTPUT_FULL);
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(gate.isPaused()).isFalse();
    }

    @Test
    void resumingAReasonThatDoesNotHoldChangesNothing() {
        gate.pause(ReadGate.Reason.CONNECT_PENDING);
        gate.resume(ReadGate.Reason.RATE);
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(gate.holds(ReadGate.Reason.CONNECT_PENDING)).isTrue();
    }

    @Test
    void closingIsNeverResumed() {
        gate.pause(ReadGate.Reason.CLOSING);
        gate.resume(ReadGate.Reason.CLOSING);
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(gate.isPaused()).isTrue();
    }

    @Test
    void aFullOutputHoldsTheDecoderAndDoesNotAskForMoreInput() {
        channel.writeInbound(Unpooled.wrappedBuffer(RawMqttClient.encode(
                RawMqttClient.connectPacket(MqttVersion.V3_1_1, "c", true, 60), MqttVersion.V3_1_1)));
        assertThat((Object) channel.readInbound()).isInstanceOf(Connect.class);

        gate.pause(ReadGate.Reason.OUTPUT_FULL);
        assertThat(decoder.isHolding()).isTrue();
        int readsBefore = explicitReads.get();
        channel.writeInbound(Unpooled.wrappedBuffer(PINGREQ), Unpooled.wrappedBuffer(PINGREQ));

        assertThat((Object) channel.readInbound()).as("nothing is decoded while the output is full").isNull();
        // with auto-read off, a read that decodes nothing would otherwise ask the socket for more, without bound
        assertThat(explicitReads.get()).isEqualTo(readsBefore);

        gate.resume(ReadGate.Reason.OUTPUT_FULL);
        channel.runPendingTasks();
        assertThat((Object) channel.readInbound()).isInstanceOf(PingReq.class);
        assertThat((Object) channel.readInbound()).isInstanceOf(PingReq.class);
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void aYieldHoldsTheDecoderUntilTheLastHoldingReasonIsGone() {
        gate.pause(ReadGate.Reason.YIELD);
        gate.pause(ReadGate.Reason.OUTPUT_FULL);
        gate.resume(ReadGate.Reason.YIELD);
        assertThat(decoder.isHolding()).as("the output is still full").isTrue();
        gate.resume(ReadGate.Reason.OUTPUT_FULL);
        assertThat(decoder.isHolding()).isFalse();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void anotherReasonDoesNotHoldTheDecoder() {
        gate.pause(ReadGate.Reason.RATE);
        assertThat(decoder.isHolding()).isFalse();
    }
}
