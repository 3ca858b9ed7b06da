package dev.magpie.observe.metrics;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.cluster.ClusterBackend;
import dev.magpie.cluster.ClusterEvents;
import dev.magpie.cluster.InboxHandler;
import dev.magpie.cluster.LocalClusterHub;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Interceptor;
import dev.magpie.store.MessageStore;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code /health} and {@code /ready} through a broker's life (starting, running, stopping, stopped), and who may read
 * {@code /metrics} on a WebSocket listener: loopback clients and holders of the token, not a request a local reverse
 * proxy forwarded. And a stuck event loop: not alive, told by the loopback port, which runs on a thread of its own. A
 * cluster node is not ready before it has joined its cluster.
 */
class HealthAndReadinessTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOKEN = "0123456789abcdef0123";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The in-memory store, whose retained messages can only be read once {@code open} is counted down. */
    private static MessageStore storeOpeningWhen(CountDownLatch open) {
        MessageStore real = MessageStore.inMemory();
        return (MessageStore) Proxy.newProxyInstance(MessageStore.class.getClassLoader(), new Class<?>[]{MessageStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("loadRetained") && !open.await(20, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never let the store open");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void readyOnlyWhileRunningWithEveryListenerBoundAndHealthyUntilStopped() throws Exception {
        CountDownLatch storeOpens = new CountDownLatch(1);
        CompletableFuture<Integer> readyWhileStopping = new CompletableFuture<>();
        String[] base = new String[1];
        Broker broker = TestBrokers.anonymous()
                .store(storeOpeningWhen(storeOpens))
                .metrics(MetricsSettings.defaults().withLoopbackPort(0))
                .eventListener(new BrokerListener() {
                    @Override
                    public void clientDisconnected(ClientInfo client, String reason) {
                        try { // the broker is stopping: the client is being told so
                            readyWhileStopping.complete(get(base[0] + "/ready").statusCode());
                        } catch (IOException | InterruptedException e) {
                            readyWhileStopping.completeExceptionally(e);
                        }
                    }
                })
                .build();
        CompletableFuture<Broker> started = CompletableFuture.supplyAsync(broker::start);
        await().atMost(WAIT).ignoreExceptions().until(() -> broker.metricsAddress() != null);
        base[0] = "http://127.0.0.1:" + broker.metricsAddress().getPort();

        HttpResponse<String> starting = get(base[0] + "/ready");
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(starting.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(starting.body()).contains("\"status\":\"starting\"", "opening the store", "listener tcp is not bound yet");
        assertThat(get(base[0] + "/health").statusCode()).isEqualTo(200);

        storeOpens.countDown();
        started.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        HttpResponse<String> ready = get(base[0] + "/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}\n");
        HttpResponse<String> health = get(base[0] + "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        assertThat(get(base[0] + "/nothing").statusCode()).isEqualTo(404);

        MqttClient client = new MqttClient(TestBrokers.uri(broker), "stays", new MemoryPersistence());
        client.connect(PahoOptions.v3());
        broker.stop();
        assertThat(readyWhileStopping.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(503);
        // stopped: the port is released
        assertThatThrownBy(() -> get(base[0] + "/health")).isInstanceOf(ConnectException.class);
        client.close(true);
    }

    /** An in-memory cluster node whose store answers the join only once {@code reachable} is counted down. */
    private static ClusterBackend backendJoinableWhen(CountDownLatch reachable) {
        ClusterBackend real = new LocalClusterHub().node("node-r");
        return (ClusterBackend) Proxy.newProxyInstance(ClusterBackend.class.getClassLoader(), new Class<?>[]{ClusterBackend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("start")) {
                        return CompletableFuture.runAsync(() -> {
                            try {
                                reachable.await(20, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }).thenCompose(ignored -> real.start((ClusterEvents) args[0], (InboxHandler) args[1]));
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aClusterNodeIsNotReadyUntilItHasJoinedAndSaysWhatItWaitsFor() throws Exception {
        CountDownLatch storeAnswers = new CountDownLatch(1);
        Broker broker = TestBrokers.anonymous().cluster(backendJoinableWhen(storeAnswers))
                .metrics(MetricsSettings.defaults().withLoopbackPort(0)).build();
        CompletableFuture<Broker> started = CompletableFuture.supplyAsync(broker::start);
        try {
            await().atMost(WAIT).ignoreExceptions().until(() -> broker.metricsAddress() != null);
            String ready = "http://127.0.0.1:" + broker.metricsAddress().getPort() + "/ready";
            await().atMost(WAIT).untilAsserted(() -> {
                HttpResponse<String> joining = get(ready);
                assertThat(joining.statusCode()).isEqualTo(503);
                assertThat(joining.body()).contains("\"status\":\"starting\"", "cluster node node-r#",
                        "is connecting to the cluster store", "listener tcp is not bound yet");
            });
            assertThat(get(ready.replace("/ready", "/health")).statusCode()).as("alive while joining").isEqualTo(200);

            storeAnswers.countDown();
            started.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            HttpResponse<String> joined = get(ready);
            assertThat(joined.statusCode()).isEqualTo(200);
            assertThat(joined.body()).isEqualTo("{\"status\":\"ready\"}\n");
        } finally {
            storeAnswers.countDown();
            started.handle((b, failure) -> b).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            broker.stop();
        }
    }

    @Test
    void aStoreWhoseWritesFailAfterStartMakesTheBrokerDegradedUntilItRecovers() throws Exception {
        AtomicReference<String> storeProblem = new AtomicReference<>();
        MessageStore real = MessageStore.inMemory();
        MessageStore failing = (MessageStore) Proxy.newProxyInstance(MessageStore.class.getClassLoader(), new Class<?>[]{MessageStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("problem")) {
                        return Optional.ofNullable(storeProblem.get());
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Broker broker = TestBrokers.anonymous().store(failing).metrics(MetricsSettings.defaults().withLoopbackPort(0)).build().start();
        try {
            String base = "http://127.0.0.1:" + broker.metricsAddress().getPort();
            assertThat(get(base + "/ready").statusCode()).isEqualTo(200);

            storeProblem.set("writes to data/magpie.db fail: [SQLITE_FULL] database or disk is full");
            HttpResponse<String> degraded = get(base + "/ready");
            assertThat(degraded.statusCode()).isEqualTo(503);
            assertThat(degraded.body()).contains("\"status\":\"degraded\"", "message store: writes to data/magpie.db fail", "SQLITE_FULL");
            assertThat(get(base + "/health").statusCode()).as("still alive: it serves its clients").isEqualTo(200);

            storeProblem.set(null);
            assertThat(get(base + "/ready").statusCode()).isEqualTo(200);
        } finally {
            broker.stop();
        }
    }

    @Test
    void metricsOnAWebSocketListenerAnswerLoopbackAndTheTokenButNotForwardedRequests() throws Exception {
        Broker broker = TestBrokers.anonymous()
                .listener(Listener.ws("127.0.0.1", 0))
                .metrics(MetricsSettings.defaults().withToken(TOKEN))
                .build().start();
        try {
            String metrics = "http://127.0.0.1:" + broker.port("ws") + "/metrics";
            HttpResponse<String> local = get(metrics);
            assertThat(local.statusCode()).isEqualTo(200);
            assertThat(local.headers().firstValue("content-type")).hasValue(MetricsEndpoint.TEXT_FORMAT);
            assertThat(local.body()).contains("# TYPE magpie_connections gauge");

            // what a reverse proxy on this machine would send for a client elsewhere
            HttpResponse<String> forwarded = get(metrics, "X-Forwarded-For", "203.0.113.9");
            assertThat(forwarded.statusCode()).isEqualTo(401);
            assertThat(forwarded.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(forwarded.body()).doesNotContain("magpie_");
            assertThat(get(metrics, "X-Forwarded-For", "203.0.113.9", "Authorization", "Bearer wrong-token-0123456789").statusCode())
                    .isEqualTo(401);
            assertThat(get(metrics, "X-Forwarded-For", "203.0.113.9", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);

            HttpResponse<String> open = get(metrics, "Accept", "application/openmetrics-text; version=1.0.0");
            assertThat(open.headers().firstValue("content-type")).hasValue(MetricsEndpoint.OPENMETRICS_FORMAT);
            assertThat(open.body()).endsWith("# EOF\n");
            // liveness and readiness are for load balancers: open to all, and they tell nothing else
            assertThat(get("http://127.0.0.1:" + broker.port("ws") + "/ready", "X-Forwarded-For", "203.0.113.9").statusCode()).isEqualTo(200);
        } finally {
            broker.stop();
        }
    }

    @Test
    void withoutATokenAForwardedRequestIsForbidden() throws Exception {
        Broker broker = TestBrokers.anonymous()
                .listener(Listener.ws("127.0.0.1", 0))
                .metrics(MetricsSettings.defaults())
                .build().start();
        try {
            HttpResponse<String> r = get("http://127.0.0.1:" + broker.port("ws") + "/metrics", "Forwarded", "for=203.0.113.9");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("metrics token");
        } finally {
            broker.stop();
        }
    }

    @Test
    void aStuckEventLoopMakesTheBrokerNotAliveWhileTheLoopbackPortStillAnswers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // a handler that blocks its event loop, the kind of bug /health is there to catch
        Interceptor stuck = (publisher, message) -> {
            if (message.topic().equals("block")) {
                try {
                    release.await(25, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Optional.of(message);
        };
        Broker broker = TestBrokers.anonymous().ioThreads(1).interceptor(stuck)
                .metrics(MetricsSettings.defaults().withLoopbackPort(0)).build().start();
        MqttClient client = new MqttClient(TestBrokers.uri(broker), "blocker", new MemoryPersistence());
        try {
            client.connect(PahoOptions.v3());
            String health = "http://127.0.0.1:" + broker.metricsAddress().getPort() + "/health";
            assertThat(get(health).statusCode()).isEqualTo(200);
            client.publish("block", new byte[]{1}, 0, false);
            await().atMost(Duration.ofSeconds(20)).until(() -> get(health).statusCode() == 503);
            assertThat(get(health).body()).contains("\"status\":\"down\"", "I/O event loops [0] have not run for more than 10 s");
            release.countDown();
            await().atMost(WAIT).until(() -> get(health).statusCode() == 200);
        } finally {
            release.countDown();
            client.disconnectForcibly(100, 100);
            client.close();
            broker.stop();
        }
    }
}
