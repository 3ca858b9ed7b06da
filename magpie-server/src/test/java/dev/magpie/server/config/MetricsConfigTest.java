package dev.magpie.server.config;

import dev.magpie.Broker;
import dev.magpie.Listener;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code metrics:} section: on by default, its keys, the environment, and errors that point at the line. */
class MetricsConfigTest {

    private static MagpieConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse(yaml, "magpie.yaml");
    }

    @Test
    void metricsAreOnWithoutALoopbackPortByDefault() {
        assertThat(parse("log_level: info\n").metrics()).isEqualTo(MetricsConfig.DEFAULTS);
        assertThat(MetricsConfig.DEFAULTS).isEqualTo(new MetricsConfig(true, "/metrics", "", true, false, 9883));
    }

    @Test
    void theKeysAreRead() {
        MetricsConfig metrics = parse("metrics:\n  enabled: true\n  path: /prometheus\n  token: 0123456789abcdef0123\n"
                + "  jvm: false\n  loopback: true\n  port: 0\n").metrics();
        assertThat(metrics).isEqualTo(new MetricsConfig(true, "/prometheus", "0123456789abcdef0123", false, true, 0));
        assertThat(metrics.toString()).doesNotContain("0123456789abcdef0123");
    }

    @Test
    void aPathWithoutSlashIsRefusedAtItsLine() {
        assertThatThrownBy(() -> parse("log_level: info\nmetrics:\n  path: metrics\n"))
                .hasMessageStartingWith("config error in magpie.yaml at line 3, column 3:")
                .hasMessageContaining("path must start with '/'");
    }

    @Test
    void aShortTokenIsRefusedWithWhatToDo() {
        assertThatThrownBy(() -> parse("metrics:\n  token: abc\n"))
                .hasMessageStartingWith("config error in magpie.yaml at line 2, column 3:")
                .hasMessageContaining("token must be at least 16 printable ASCII characters");
    }

    @Test
    void aPortOutOfRangeAndAnUnknownKeyAreRefused() {
        assertThatThrownBy(() -> parse("metrics:\n  loopback: true\n  port: 70000\n"))
                .hasMessageStartingWith("config error in magpie.yaml at line 3, column 3:").hasMessageContaining("port must be 0..65535");
        assertThatThrownBy(() -> parse("metrics:\n  bind: 0.0.0.0\n"))
                .hasMessageStartingWith("config error in magpie.yaml at line 2, column 3: unknown key 'metrics.bind'");
    }

    @Test
    void theEnvironmentSetsTheTokenAndThePort() {
        MagpieConfig config = new ConfigLoader(Map.of("MAGPIE_METRICS_TOKEN", "fedcba9876543210fedc", "MAGPIE_METRICS_LOOPBACK", "true",
                "MAGPIE_METRICS_PORT", "9999")).applyEnvironment(MagpieConfig.defaults());
        assertThat(config.metrics()).isEqualTo(new MetricsConfig(true, "/metrics", "fedcba9876543210fedc", true, true, 9999));
    }

    @Test
    void disabledMetricsGiveTheBrokerNoRoutes() {
        MetricsConfig off = new MetricsConfig(false, "/metrics", "", true, true, 0);
        Broker broker = off.applyTo(Broker.builder().listener(Listener.tcp("127.0.0.1", 0))).build().start();
        try {
            assertThatThrownBy(broker::metricsAddress).isInstanceOf(IllegalStateException.class);
        } finally {
            broker.stop();
        }
    }
}
