package dev.magpie.clients;

import dev.magpie.Broker;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The tool people point at a broker's {@code $SYS} first: {@code mosquitto_sub -t '$SYS/#' -v} reads Magpie's tree
 * under mosquitto's names (the static topics retained, the rest every interval). Skipped where mosquitto-clients is not
 * installed.
 */
class MosquittoSysTest {
    private Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    private static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    @Test
    void mosquittoSubReadsTheSysTree() throws Exception {
        assumeTrue(onPath("mosquitto_sub"), "mosquitto_sub is not installed");
        broker = TestBrokers.anonymous().sysInterval(Duration.ofSeconds(1)).build().start();
        // one round is 65 topics after the 2 retained ones: 100 lines hold at least one whole round
        Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(broker.port("tcp")), "-V", "mqttv311",
                "-t", "$SYS/#", "-C", "100", "-W", "20", "-v").redirectErrorStream(true).start();
        assertThat(sub.waitFor(25, TimeUnit.SECONDS)).as("mosquitto_sub ended").isTrue();
        List<String> lines = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(sub.exitValue()).as("output: %s", lines).isZero();

        assertThat(lines).hasSize(100).allMatch(l -> l.startsWith("$SYS/broker/"));
        // the retained ones come first, on subscribing
        assertThat(lines.subList(0, 2)).anyMatch(l -> l.startsWith("$SYS/broker/version magpie version "))
                .anyMatch(l -> l.matches("\\$SYS/broker/timestamp \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertThat(lines).anyMatch(l -> l.matches("\\$SYS/broker/uptime \\d+ seconds"))
                .anyMatch(l -> l.matches("\\$SYS/broker/retained messages/count \\d+")) // the space is mosquitto's
                .anyMatch(l -> l.matches("\\$SYS/broker/clients/connected [1-9]\\d*"))
                .anyMatch(l -> l.matches("\\$SYS/broker/load/connections/15min \\d+\\.\\d\\d"))
                .anyMatch(l -> l.matches("\\$SYS/broker/bytes/received [1-9]\\d*"));
    }
}
