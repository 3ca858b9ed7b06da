package dev.magpie.bench.load;

import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code --subscriber-port}: subscribing connections dial their own port (another cluster node in
 * run-cluster.sh), publishing ones {@code --port}; every message still arrives once and in order [MQTT-4.6.0-5].
 */
class SubscriberPortTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void subscribersDialTheirPortAndPublishersTheOther() {
        Connector.Target split = new Connector.Target("127.0.0.1", 1885, false, Optional.empty(), false, "/mqtt", 0, 1887);
        assertThat(split.portFor(new BenchConnection.Spec("s", MqttFrames.V3, true, 60, 0, "bench/s/0", 0))).isEqualTo(1887);
        assertThat(split.portFor(new BenchConnection.Spec("p", MqttFrames.V3, true, 60, 0, "", 0))).isEqualTo(1885);
        Connector.Target same = new Connector.Target("127.0.0.1", 1885, false, Optional.empty(), false, "/mqtt", 0);
        assertThat(same.portFor(new BenchConnection.Spec("s", MqttFrames.V3, true, 60, 0, "bench/s/0", 0))).isEqualTo(1885);
        assertThatThrownBy(() -> new Connector.Target("127.0.0.1", 1885, false, Optional.empty(), false, "/mqtt", 0, 70_000))
                .hasMessageContaining("--subscriber-port must be 0..65535");
    }

    @Test
    void theOptionReachesTheSettings() {
        LoadCommand command = new LoadCommand(QUIET, QUIET);
        new CommandLine(command).parseArgs("--port", "1885", "--subscriber-port", "1887");
        assertThat(command.settings().target().port()).isEqualTo(1885);
        assertThat(command.settings().target().subscriberPort()).isEqualTo(1887);
    }

    @Test
    void aRunWithSubscribersOnAnotherListenerDeliversEverythingOnce() throws InterruptedException {
        try (Broker broker = TestBrokers.anonymous().listener(Listener.tcp("127.0.0.1", 0).named("subscribers").anonymous(true))
                .build().start()) {
            LoadSettings settings = LoadSettings.defaults("127.0.0.1", broker.port("tcp")).withSeconds(0.2, 1.0).withProgress(false)
                    .withScenario(Scenario.PAIRS).withClients(2, 2).withRate(300)
                    .withTarget(new Connector.Target("127.0.0.1", broker.port("tcp"), false, Optional.empty(), false, "/mqtt", 0,
                            broker.port("subscribers")));
            Report r;
            try (Connector connector = new Connector(settings.target(), 1)) {
                r = new RateRun(settings, connector, QUIET).run();
            }
            assertThat(r.number("offered")).isPositive();
            assertThat(r.number("delivered")).isEqualTo(r.number("expected_deliveries")).isEqualTo(r.number("offered"));
            assertThat(r.number("lost")).isZero();
            assertThat(r.number("duplicates")).isZero();
            assertThat(r.number("reordered")).isZero();
        }
    }
}
