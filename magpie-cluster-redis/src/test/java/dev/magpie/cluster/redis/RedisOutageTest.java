package dev.magpie.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.ClusterException;
import dev.magpie.cluster.ClusterNodeProbe;
import dev.magpie.cluster.InboxMessage;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.cluster.OwnershipClaim;
import dev.magpie.cluster.RouteSnapshot;
import io.lettuce.core.RedisCommandTimeoutException;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the Redis backend does when Redis itself misbehaves: restarted empty in the middle of traffic
 * ({@code SHUTDOWN NOSAVE} and a new server on the same port), and paused ({@code CLIENT PAUSE}). Each test has a
 * Redis of its own, since both disturb it for everyone.
 */
@Timeout(30)
class RedisOutageTest {
    private RedisServerKit redis;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisServerKit.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private ClusterNodeProbe node(String nodeId, Duration timeout) {
        RedisBackendSettings settings = RedisBackendSettings.of(redis.uri()).withCommandTimeout(timeout)
                .withReconnectMaxDelay(Duration.ofMillis(200));
        ClusterNodeProbe probe = new ClusterNodeProbe(RedisClusterBackend.create(settings, NodeIdentity.fresh(nodeId)));
        opened.add(probe);
        return probe.start();
    }

    private static <T> Optional<T> attempt(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return Optional.ofNullable(stage.toCompletableFuture().get(5, TimeUnit.SECONDS));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static boolean succeeded(java.util.concurrent.CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static List<InboxMessage> messages(NodeIdentity origin, long from, long to) {
        List<InboxMessage> messages = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            messages.add(new InboxMessage(origin, seq, ("m" + seq).getBytes(StandardCharsets.UTF_8)));
        }
        return messages;
    }

    @Test
    void afterRedisRestartedEmptyNodesRepublishRoutesAndTheInboxWorksAgain() throws Exception {
        ClusterNodeProbe a = node("a", Duration.ofSeconds(1));
        ClusterNodeProbe b = node("b", Duration.ofSeconds(1));
        ClusterBackend sender = a.backend;
        sender.replaceRoutes(Set.of("sensors/#")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        sender.send("b", messages(sender.self(), 1, 3)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.received.size() == 3
                && b.routes.filtersOf("a").equals(Set.of("sensors/#")));

        redis.restart();                                           // everything Redis held is gone

        await().atMost(Duration.ofSeconds(10)).until(() -> a.connects.get() >= 2 && b.connects.get() >= 2);
        // a put its routes back by itself; b can read them from the new Redis
        await().atMost(Duration.ofSeconds(10)).until(() -> attempt(b.backend.loadRoutes("a"))
                .flatMap(found -> found).map(RouteSnapshot::filters).orElse(Set.of()).equals(Set.of("sensors/#")));
        await().atMost(Duration.ofSeconds(10)).until(() -> succeeded(sender.publishRoutes(Set.of("cmd/+"), Set.of())));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.routes.filtersOf("a").equals(Set.of("sensors/#", "cmd/+")));
        // the inbox stream and its consumer group were lost too: the reader makes them again
        await().atMost(Duration.ofSeconds(10)).until(() -> succeeded(sender.send("b", messages(sender.self(), 4, 6))));
        await().atMost(Duration.ofSeconds(10)).until(() -> b.received.size() == 6);
        assertThat(b.received).extracting(InboxMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        // the scripts were lost from Redis's cache as well: EVALSHA falls back to EVAL
        OwnershipClaim claim = b.backend.claim("after-restart").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(claim.epoch()).isEqualTo(1);
    }

    @Test
    void whileRedisIsPausedCallsTimeOutAndNoEventLoopWaits() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        ClusterNodeProbe a = node("a", timeout);
        a.backend.claim("paused").toCompletableFuture().get(5, TimeUnit.SECONDS);
        EventLoop loop = new DefaultEventLoop();
        opened.add(() -> loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(2, TimeUnit.SECONDS));
        AtomicInteger ticks = new AtomicInteger();
        loop.scheduleAtFixedRate(ticks::incrementAndGet, 0, 10, TimeUnit.MILLISECONDS);

        assertThat(redis.command("CLIENT", "PAUSE", "3000", "ALL")).isEqualTo("OK");
        long pausedAt = System.nanoTime();
        AtomicLong callNanos = new AtomicLong();
        AtomicReference<CompletableFuture<OwnershipClaim>> pending = new AtomicReference<>();
        loop.submit(() -> {
            long start = System.nanoTime();
            pending.set(a.backend.claim("paused").toCompletableFuture());
            callNanos.set(System.nanoTime() - start);
        }).get(5, TimeUnit.SECONDS);
        int ticksAtCall = ticks.get();

        assertThat(Duration.ofNanos(callNanos.get())).as("the call returns at once").isLessThan(Duration.ofMillis(100));
        await().atMost(Duration.ofSeconds(2)).until(() -> pending.get().isDone());
        long failedAfterMillis = (System.nanoTime() - pausedAt) / 1_000_000;
        assertThat(pending.get()).isCompletedExceptionally();
        assertThat(pending.get().handle((ok, failure) -> failure).get())
                .isInstanceOf(ClusterException.class)
                .hasRootCauseInstanceOf(RedisCommandTimeoutException.class);
        assertThat(failedAfterMillis).as("failed after the command timeout, not after the pause")
                .isBetween(timeout.toMillis() - 50, 2_000L);
        assertThat(ticks.get() - ticksAtCall).as("the event loop kept running its tasks meanwhile")
                .isGreaterThanOrEqualTo(10);

        // after the pause, the same call works again
        await().atMost(Duration.ofSeconds(10)).until(() -> succeeded(a.backend.claim("paused")));
    }
}
