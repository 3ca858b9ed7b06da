package dev.magpie.observe.webhook;

import dev.magpie.observe.BrokerMetrics;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queue and retry rules of one webhook without a network: a stand-in transport that never answers (a receiver
 * hung forever) or answers a chosen status. Bounded memory is the point: whatever the receiver does, the events held
 * stay within {@code max_queued} and {@code max_queued_bytes}, and every event that does not get through is counted.
 */
class WebhookSinkTest {
    private static final ClientInfo CLIENT = new ClientInfo("c1", "u", new InetSocketAddress("127.0.0.1", 1), 5, "tcp");

    private final BrokerMetrics metrics = BrokerMetrics.standalone();
    private final AtomicInteger posts = new AtomicInteger();
    private Webhooks webhooks;

    @AfterEach
    void close() {
        if (webhooks != null) {
            webhooks.close(Duration.ZERO);
        }
    }

    private Webhooks webhooks(Webhook hook, IntFunction<CompletableFuture<Integer>> answer) {
        webhooks = Webhooks.withTransport(List.of(hook), metrics, (h, workers) -> (w, event, id, body) -> answer.apply(posts.incrementAndGet()));
        return webhooks;
    }

    private static Webhook.Builder hook() {
        return Webhook.builder(URI.create("http://127.0.0.1:9/hook"), "0123456789abcdef0123").events(WebhookEvent.MESSAGE_PUBLISHED);
    }

    private double webhookCounter(String name) {
        return metrics.registry().find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aHungReceiverHoldsAtMostMaxQueuedEventsFromManyThreadsAndTheRestAreCounted() throws Exception {
        Webhook hook = hook().maxQueued(100).maxInFlight(4).build();
        Webhooks w = webhooks(hook, n -> new CompletableFuture<>()); // never answered
        int threads = 4;
        int each = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    w.published(CLIENT, new Message("t/" + i, new byte[16], 1, false));
                }
            });
        }
        // a bound that holds only at the end is no bound: watch it while the four threads race
        AtomicInteger maxSeen = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (!pool.isTerminated()) {
                maxSeen.accumulateAndGet(w.held(hook.name()), Math::max);
            }
        });
        pool.shutdown();
        sampler.start();
        go.countDown();
        assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        sampler.join();
        assertThat(maxSeen.get()).isLessThanOrEqualTo(100);

        assertThat(w.held(hook.name())).isEqualTo(100);
        assertThat(metrics.webhookDrops(hook.name(), "queue_full")).isEqualTo(threads * each - 100);
        await().atMost(Duration.ofSeconds(5)).until(() -> posts.get() == 4); // the slots are taken, the rest wait
    }

    @Test
    void theByteBoundHoldsForLargePayloadsAndARefusedOneIsNotCounted() {
        Webhook hook = hook().maxQueued(10_000).maxQueuedBytes(64 * 1024).build();
        Webhooks w = webhooks(hook, n -> new CompletableFuture<>());
        for (int i = 0; i < 1_000; i++) {
            w.published(CLIENT, new Message("big", new byte[4096], 1, false));
        }
        Double bytes = metrics.registry().find("magpie.webhook.queued.bytes").gauge().value();
        assertThat(bytes).isLessThanOrEqualTo(64 * 1024);
        int held = w.held(hook.name());
        assertThat(held).isBetween(10, 16); // 64 KiB / (4 KiB + overhead)
        assertThat(metrics.webhookDrops(hook.name(), "queue_full")).isEqualTo(1_000 - held);
    }

    @Test
    void failuresAreRetriedWithBackoffThenDroppedAndTheQueueEmpties() {
        Webhook hook = hook().retries(3).backoff(Duration.ofMillis(5)).build();
        Webhooks w = webhooks(hook, n -> CompletableFuture.completedFuture(503));
        w.published(CLIENT, new Message("t", new byte[1], 1, false));
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.webhookDrops(hook.name(), "retries_exhausted") == 1);
        assertThat(posts.get()).isEqualTo(4); // the first attempt and three retries
        assertThat(webhookCounter("magpie.webhook.retries")).isEqualTo(3);
        assertThat(w.held(hook.name())).isZero();
    }

    @Test
    void aClientErrorAnswerIsNotRetried() {
        // 401/403: a wrong secret will not be right on the next attempt; retrying would only hammer the receiver
        Webhook hook = hook().retries(3).backoff(Duration.ofMillis(5)).build();
        Webhooks w = webhooks(hook, n -> CompletableFuture.completedFuture(401));
        w.published(CLIENT, new Message("t", new byte[1], 1, false));
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.webhookDrops(hook.name(), "rejected") == 1);
        assertThat(posts.get()).isEqualTo(1);
    }

    @Test
    void aTransportThatAnswersAtOnceDrainsAThousandEventsWithoutDeepStacks() {
        // answers complete on the calling thread: the slot must move on through the pool, not by recursion
        Webhook hook = hook().maxInFlight(1).build();
        Webhooks w = webhooks(hook, n -> CompletableFuture.completedFuture(204));
        for (int i = 0; i < 1_000; i++) {
            w.published(CLIENT, new Message("t", new byte[1], 0, false));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> webhookCounter("magpie.webhook.sent") == 1_000);
        assertThat(w.held(hook.name())).isZero();
    }

    @Test
    void closingWithRetriesPendingCountsThemToo() {
        Webhook hook = hook().retries(5).backoff(Duration.ofSeconds(30)).build();
        Webhooks w = webhooks(hook, n -> CompletableFuture.completedFuture(503));
        w.published(CLIENT, new Message("t", new byte[1], 0, false));
        await().atMost(Duration.ofSeconds(5)).until(() -> webhookCounter("magpie.webhook.retries") == 1); // now waiting 30 s
        w.close(Duration.ofMillis(50));
        webhooks = null;
        assertThat(metrics.webhookDrops(hook.name(), "shutdown")).isEqualTo(1);
    }

    @Test
    void closingCountsWhatWasNeverSent() {
        Webhook hook = hook().maxQueued(10).maxInFlight(1).build();
        Webhooks w = webhooks(hook, n -> new CompletableFuture<>());
        for (int i = 0; i < 10; i++) {
            w.published(CLIENT, new Message("t", new byte[1], 0, false));
        }
        w.close(Duration.ofMillis(50));
        webhooks = null;
        // nine queued and the one in flight, whose answer can no longer come: every event ends counted
        assertThat(metrics.webhookDrops(hook.name(), "shutdown")).isEqualTo(10);
        assertThat(w.held(hook.name())).isZero();
        w.published(CLIENT, new Message("t", new byte[1], 0, false));
        assertThat(metrics.webhookDrops(hook.name(), "shutdown")).isEqualTo(11);
    }
}
