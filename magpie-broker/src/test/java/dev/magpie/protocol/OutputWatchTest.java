package dev.magpie.protocol;

import dev.magpie.BrokerLimits;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unflushed-output rule (issue 10): a client whose output does not drain at all for the timeout, or whose unflushed
 * output passes the byte cap, is given up; one whose output drains, however slowly, is not. The channel is made
 * unwritable by hand and the clock advanced by hand.
 */
class OutputWatchTest {
    private static final BrokerLimits.UnflushedOutput RULE = new BrokerLimits.UnflushedOutput(Duration.ofSeconds(30), 0);

    private final List<String> gaveUp = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = channel.pipeline().firstContext();

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    private void unwritable() {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        assertThat(channel.isWritable()).isFalse();
    }

    private void advance(Duration by) {
        channel.advanceTimeBy(by.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void outputThatDoesNotDrainForTheTimeoutIsGivenUp() {
        channel.freezeTime();
        OutputWatch watch = new OutputWatch(RULE, gaveUp::add);
        unwritable();
        watch.unwritable(ctx);
        for (int i = 0; i < 5; i++) {
            advance(Duration.ofSeconds(5));
        }
        assertThat(gaveUp).as("25 s without progress").isEmpty();
        advance(Duration.ofSeconds(6));
        assertThat(gaveUp).singleElement().asString().contains("output not drained for 30 s");
        advance(Duration.ofSeconds(60));
        assertThat(gaveUp).as("given up once").hasSize(1);
    }

    @Test
    void aChannelWritableAgainIsNotGivenUp() {
        channel.freezeTime();
        OutputWatch watch = new OutputWatch(RULE, gaveUp::add);
        unwritable();
        watch.unwritable(ctx);
        advance(Duration.ofSeconds(20));
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        watch.writable();
        advance(Duration.ofSeconds(60));
        assertThat(gaveUp).isEmpty();
    }

    @Test
    void outputThatDrainsSlowlyIsNotGivenUp() {
        channel.freezeTime();
        // an outbound handler that holds writes as pending in the outbound buffer, as an unread socket does
        EmbeddedChannel slow = new EmbeddedChannel();
        try {
            slow.freezeTime();
            slow.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                @Override
                public void flush(ChannelHandlerContext c) {
                    // nothing reaches the "socket" until the test drains it
                }

                @Override
                public void write(ChannelHandlerContext c, Object msg, ChannelPromise promise) {
                    c.write(msg, promise);
                }
            });
            OutputWatch watch = new OutputWatch(RULE, gaveUp::add);
            for (int i = 0; i < 10; i++) {
                slow.write(Unpooled.wrappedBuffer(new byte[1000]));
            }
            slow.unsafe().outboundBuffer().addFlush();
            slow.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
            watch.unwritable(slow.pipeline().firstContext());
            for (int i = 0; i < 9; i++) { // one message taken every 10 s: far slower than the timeout, never stalled
                slow.advanceTimeBy(10, TimeUnit.SECONDS);
                slow.unsafe().outboundBuffer().remove();
                slow.runScheduledPendingTasks();
            }
            assertThat(gaveUp).isEmpty();
            slow.advanceTimeBy(31, TimeUnit.SECONDS); // then it stops reading altogether
            slow.runScheduledPendingTasks();
            slow.advanceTimeBy(5, TimeUnit.SECONDS);
            slow.runScheduledPendingTasks();
            assertThat(gaveUp).singleElement().asString().contains("output not drained");
        } finally {
            slow.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
            slow.finishAndReleaseAll();
        }
    }

    @Test
    void unflushedBytesOverTheCapAreGivenUpAtOnce() {
        EmbeddedChannel held = new EmbeddedChannel();
        try {
            held.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                @Override
                public void flush(ChannelHandlerContext c) {
                }
            });
            for (int i = 0; i < 4; i++) {
                held.write(Unpooled.wrappedBuffer(new byte[1024]));
            }
            held.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
            OutputWatch watch = new OutputWatch(new BrokerLimits.UnflushedOutput(Duration.ZERO, 2048), gaveUp::add);
            watch.unwritable(held.pipeline().firstContext());
            assertThat(gaveUp).singleElement().asString().contains("over the limit of 2048");
        } finally {
            held.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
            held.finishAndReleaseAll();
        }
    }
}
