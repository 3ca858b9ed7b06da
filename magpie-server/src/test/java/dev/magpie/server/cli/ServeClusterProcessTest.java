package dev.magpie.server.cli;

import dev.magpie.cluster.redis.RedisServerKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code magpie serve} as cluster nodes: the configuration of {@code examples/cluster/} (its node files, with the MQTT
 * port, the data directory and the Redis address overridden by {@code MAGPIE_…} variables so the test takes free ports)
 * run as real processes over a test-started {@code redis-server}; and the one line a node prints when Redis is not there.
 */
class ServeClusterProcessTest {
    private static final Path EXAMPLE = ServeProcess.repositoryRoot().resolve("examples/cluster");
    private static RedisServerKit redis;

    @TempDir
    Path dir;
    private final List<ServeProcess> nodes = new ArrayList<>();
    private final MosquittoClients mosquitto = new MosquittoClients();

    @BeforeAll
    static void startRedis() {
        redis = RedisServerKit.start();
    }

    @AfterAll
    static void stopRedis() throws IOException {
        redis.close();
    }

    @AfterEach
    void stopNodes() throws InterruptedException {
        mosquitto.close();
        nodes.forEach(ServeProcess::close);
    }

    private ServeProcess node(int n, String redisUri) throws IOException {
        ServeProcess node = ServeProcess.start(Map.of("MAGPIE_LISTENERS_0_PORT", "0",
                        "MAGPIE_DATA_DIR", dir.resolve("node" + n).toString(), "MAGPIE_CLUSTER_REDIS_URI", redisUri),
                "--config", EXAMPLE.resolve("node" + n + ".yaml").toString());
        nodes.add(node);
        return node;
    }

    // [MQTT-3.3.5-1]: the server sends a publication to every subscription that matches it, here on another node
    @Test
    void aMessagePublishedOnNodeOneReachesASubscriberOnNodeThree() throws Exception {
        ServeProcess first = node(1, redis.uri());
        ServeProcess third = node(3, redis.uri());
        int publishPort = first.awaitPort("tcp");
        int subscribePort = third.awaitPort("tcp");
        first.awaitLine("cluster node node-1");
        third.awaitLine("cluster node node-3");

        Process subscriber = mosquitto.subscribe(subscribePort, "-t", "demo/#", "-q", "1", "-C", "1", "-v", "-W", "20");
        CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> firstLine(subscriber));
        // the subscriber's route reaches node 1 a few milliseconds after its SUBACK: publish until it has arrived
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
            if (!received.isDone()) {
                mosquitto.publish(publishPort, "-t", "demo/hello", "-q", "1", "-m", "crossed");
            }
            return received.isDone();
        });
        assertThat(received.get()).isEqualTo("demo/hello crossed");
    }

    @Test
    void aNodeWhoseRedisIsNotThereStopsWithOneLineThatSaysSo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ServeProcess lonely = node(2, "redis://127.0.0.1:" + closedPort);

        assertThat(lonely.awaitExit(Duration.ofSeconds(25))).isEqualTo(ServeCommand.EXIT_START_FAILED);
        List<String> errors = lonely.lines().stream().filter(line -> line.startsWith("magpie: ")).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).contains("cannot start", "node-2", "Redis");
        assertThat(lonely.output()).doesNotContain("\tat ");
    }

    private static String firstLine(Process process) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line = reader.readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            return "read failed: " + e;
        }
    }
}
