package dev.magpie.clients;

import dev.magpie.Broker;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's mosquitto_pub / mosquitto_sub against the broker (installed by {@code .ci/run} from the
 * {@code mosquitto-clients} package). mosquitto_sub's {@code -C n} exits after n messages and {@code -W}
 * bounds the wait, so every process ends by itself.
 */
class MosquittoClientsTest {
    private Broker broker;
    private final List<String> subscribed = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        broker = TestBrokers.anonymous().eventListener(new dev.magpie.spi.BrokerListener() {
            @Override
            public void subscribed(dev.magpie.spi.ClientInfo client, String filter, int grantedQos) {
                subscribed.add(filter);
            }
        }).build().start();
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    private Process run(String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String finish(Process p) throws Exception {
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("process ended").isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private String port() {
        return String.valueOf(broker.port("tcp"));
    }

    @ParameterizedTest(name = "mqtt{0} QoS {1}")
    @CsvSource({"mqttv311,0", "mqttv311,1", "mqttv311,2", "mqttv5,0", "mqttv5,1", "mqttv5,2", "mqttv31,1"})
    void subscribeAndPublish(String version, int qos) throws Exception {
        // a retained message first, so the subscriber proves it is subscribed before the live ones are sent
        Process ready = run("mosquitto_pub", "-h", "127.0.0.1", "-p", port(), "-V", version, "-q", String.valueOf(qos),
                "-t", "mq/ready", "-r", "-m", "ready");
        assertThat(ready.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(ready.exitValue()).isZero();

        Process sub = run("mosquitto_sub", "-h", "127.0.0.1", "-p", port(), "-V", version, "-q", String.valueOf(qos),
                "-t", "mq/#", "-C", "4", "-W", "20", "-v");
        List<String> lines = new ArrayList<>();
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(sub.getInputStream(), StandardCharsets.UTF_8));
        lines.add(reader.readLine()); // blocks until the retained message arrived: the subscription is live
        for (int i = 0; i < 3; i++) {
            Process pub = run("mosquitto_pub", "-h", "127.0.0.1", "-p", port(), "-V", version, "-q", String.valueOf(qos),
                    "-t", "mq/" + i, "-m", "msg" + i);
            assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(pub.exitValue()).isZero();
        }
        String line;
        while ((line = reader.readLine()) != null) {
            lines.add(line);
        }
        assertThat(sub.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(lines).containsExactly("mq/ready ready", "mq/0 msg0", "mq/1 msg1", "mq/2 msg2");
    }

    @Test
    void willFromMosquittoSubIsPublishedWhenItIsKilled() throws Exception {
        Process watcher = run("mosquitto_sub", "-h", "127.0.0.1", "-p", port(), "-t", "lw/#", "-C", "2", "-W", "20", "-v");
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(watcher.getInputStream(), StandardCharsets.UTF_8));
        Process marker = run("mosquitto_pub", "-h", "127.0.0.1", "-p", port(), "-t", "lw/marker", "-r", "-m", "up");
        finish(marker);
        assertThat(reader.readLine()).isEqualTo("lw/marker up");

        Process victim = run("mosquitto_sub", "-h", "127.0.0.1", "-p", port(), "-t", "nothing", "-W", "20",
                "--will-topic", "lw/victim", "--will-payload", "dead", "--will-qos", "1");
        // the broker tells us when the victim is in (its own output is block-buffered on a pipe)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> subscribed.contains("nothing"));
        victim.destroyForcibly(); // SIGKILL: no DISCONNECT is sent
        assertThat(victim.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(reader.readLine()).isEqualTo("lw/victim dead");
        assertThat(watcher.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
}
