package dev.magpie.cluster.redis;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dev.magpie.Broker;
import dev.magpie.observe.metrics.MetricsSettings;
import dev.magpie.testkit.TestBrokers;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.magpie.cluster.redis.RedisCommandMeter.Kind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis command latency meter ({@code magpie.cluster.redis.command}): each call of the backend counted under what it
 * was for, and a node's {@code /metrics} showing {@code magpie_cluster_redis_command_seconds} as a Prometheus histogram
 * after a client connected (claim), subscribed (routes) and published a retained message (retained).
 */
@Timeout(30)
class RedisCommandLatencyTest {
    private static RedisServerKit redis;
    private ClusterTestNodes nodes;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerKit.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void nodes() {
        nodes = new ClusterTestNodes(redis, "latency");
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.close();
    }

    @Test
    void everyCallOfTheBackendHasItsKind() {
        // the descriptions RedisClusterBackend gives its calls
        assertThat(Kind.of("send to node-b")).isEqualTo(Kind.SEND);
        assertThat(Kind.of("claim of c1")).isEqualTo(Kind.CLAIM);
        assertThat(Kind.of("owner of c1")).isEqualTo(Kind.CLAIM);
        assertThat(Kind.of("release of c1")).isEqualTo(Kind.CLAIM);
        assertThat(Kind.of("adopting claim of c1")).isEqualTo(Kind.CLAIM);
        assertThat(Kind.of("clients of node-b#1f")).isEqualTo(Kind.CLAIM);
        assertThat(Kind.of("untrack of c1")).isEqualTo(Kind.CLAIM);
        assertThat(Kind.of("session write of c1")).isEqualTo(Kind.SESSION);
        assertThat(Kind.of("session load of c1")).isEqualTo(Kind.SESSION);
        assertThat(Kind.of("route change")).isEqualTo(Kind.ROUTES);
        assertThat(Kind.of("route replace")).isEqualTo(Kind.ROUTES);
        assertThat(Kind.of("route load of node-b")).isEqualTo(Kind.ROUTES);
        assertThat(Kind.of("lease renewal")).isEqualTo(Kind.LEASE);
        assertThat(Kind.of("member list")).isEqualTo(Kind.LEASE);
        assertThat(Kind.of("cleanup claim")).isEqualTo(Kind.LEASE);
        assertThat(Kind.of("forget node-b/1f")).isEqualTo(Kind.LEASE);
        assertThat(Kind.of("leave")).isEqualTo(Kind.LEASE);
        assertThat(Kind.of("retained set of a/b")).isEqualTo(Kind.RETAINED);
        assertThat(Kind.of("retained delete of a/b")).isEqualTo(Kind.RETAINED);
        assertThat(Kind.of("retained load")).isEqualTo(Kind.RETAINED);
        assertThat(Kind.of("retained version of a/b")).isEqualTo(Kind.RETAINED);
        assertThat(Kind.of("inbox adoption of node-b/1f")).isEqualTo(Kind.INBOX);
        assertThat(Kind.of("something new")).isEqualTo(Kind.OTHER);
    }

    @Test
    void failedCallsAreTimedApartAndNothingIsRecordedBeforeBinding() {
        RedisCommandMeter meter = new RedisCommandMeter();
        meter.record(Kind.SEND, 1_000_000, false);                    // not bound yet: dropped
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        meter.bindTo(registry);
        assertThat(registry.find("magpie.cluster.redis.command").timers()).hasSize(2 * Kind.values().length);
        meter.record(Kind.SEND, 3_000_000, false);
        meter.record(Kind.SEND, 2_000_000_000L, true);                  // a timed-out send
        Timer ok = registry.get("magpie.cluster.redis.command").tag("kind", "send").tag("result", "ok").timer();
        Timer error = registry.get("magpie.cluster.redis.command").tag("kind", "send").tag("result", "error").timer();
        assertThat(ok.count()).isEqualTo(1);
        assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3.0);
        assertThat(error.count()).isEqualTo(1);
        assertThat(error.totalTime(TimeUnit.SECONDS)).isEqualTo(2.0);
    }

    @Test
    void aNodesMetricsShowTheRedisCommandLatencyByKind() throws Exception {
        Broker node = nodes.node(TestBrokers.anonymous().metrics(MetricsSettings.defaults().withLoopbackPort(0)),
                nodes.backend("node-m"));
        Mqtt5BlockingClient client = nodes.client(node, "latency-client");               // a claim
        client.subscribeWith().topicFilter("latency/#").qos(MqttQos.AT_LEAST_ONCE).send(); // a route change
        client.publishWith().topic("latency/kept").retain(true).qos(MqttQos.AT_LEAST_ONCE)  // a retained set
                .payload("v".getBytes(StandardCharsets.UTF_8)).send();
        HttpClient http = HttpClient.newHttpClient();
        URI metrics = URI.create("http://127.0.0.1:" + node.metricsAddress().getPort() + "/metrics");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).contains("# TYPE magpie_cluster_redis_command_seconds histogram",
                    "magpie_cluster_redis_command_seconds_bucket{kind=\"claim\",result=\"ok\",le=\"");
            for (String kind : new String[] {"claim", "routes", "retained", "lease"}) {
                assertThat(count(body, kind, "ok")).as(kind).isGreaterThanOrEqualTo(1);
            }
            assertThat(count(body, "send", "error")).isZero();
        });
    }

    /** The {@code _count} of one series in the Prometheus text. */
    private static double count(String body, String kind, String result) {
        Matcher m = Pattern.compile("magpie_cluster_redis_command_seconds_count\\{kind=\"" + kind + "\",result=\""
                + result + "\"} (\\S+)").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
