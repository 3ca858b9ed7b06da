package dev.magpie.observe;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The lag probe: a blocked loop is reported stalled while blocked, and its lag is recorded once it runs again. */
class EventLoopLagTest {

    @Test
    void aBlockedLoopIsStalledAndItsLagIsRecorded() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        EventLoopLag lag = EventLoopLag.start(loops, new BrokerMetrics(registry));
        try {
            Timer second = registry.get("magpie.eventloop.lag").tag("loop", "1").timer();
            await().atMost(Duration.ofSeconds(5)).until(() -> second.count() >= 1);
            assertThat(lag.stalled(Duration.ofMillis(500))).isEmpty();

            CountDownLatch release = new CountDownLatch(1);
            loops.iterator().next().execute(() -> { // loop 0 is held, as a slow handler would hold it
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> lag.stalled(Duration.ofMillis(500)).equals(java.util.List.of(0)));
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> lag.stalled(Duration.ofMillis(500)).isEmpty());
            Timer first = registry.get("magpie.eventloop.lag").tag("loop", "0").timer();
            assertThat(first.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(500);
        } finally {
            lag.close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
