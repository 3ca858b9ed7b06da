package dev.magpie.server.config;

import dev.magpie.Broker;
import dev.magpie.codec.Publish;
import dev.magpie.codec.MqttVersion;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code sys_interval} and {@code sys_client_events}: top-level as in mosquitto, checked, and carried to the broker. */
class SysConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of());

    private MagpieConfig parse(String yaml) {
        return loader.parse(yaml, "magpie.yaml");
    }

    @Test
    void defaultsAreMosquittosTenSecondsWithoutClientEvents() {
        assertThat(MagpieConfig.defaults().sysInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(MagpieConfig.defaults().sysClientEvents()).isFalse();
        MagpieConfig off = parse("sys_interval: 0s\nsys_client_events: true\n");
        assertThat(off.sysInterval()).isZero();
        assertThat(off.sysClientEvents()).isTrue();
        assertThat(off.withLogLevel(LogLevel.DEBUG).sysClientEvents()).as("kept by the with… methods").isTrue();
    }

    @Test
    void aBareNumberOrATooShortIntervalIsRefusedAtItsKey() {
        assertThatThrownBy(() -> parse("sys_interval: 10\n")).hasMessageContaining("line 1").hasMessageContaining("sys_interval");
        assertThatThrownBy(() -> parse("log_level: info\nsys_interval: 50ms\n"))
                .hasMessageContaining("sys_interval must be 0s (off) or at least 100ms, was 50ms");
    }

    @Test
    void theBrokerPublishesAtTheConfiguredInterval() {
        MagpieConfig config = parse("""
                listeners:
                  - bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                persistence:
                  enabled: false
                sys_interval: 1s
                """);
        try (Broker broker = BrokerMapping.builderFor(config).build().start();
             RawMqttClient sys = RawMqttClient.connected(broker.port("tcp"), RawMqttClient.connectPacket(MqttVersion.V3_1_1, "s", true, 60))) {
            sys.subscribe("$SYS/broker/uptime", 0);
            // two rounds within a few seconds: the 10 s default would not give them
            Publish first = sys.publishWithin(Duration.ofSeconds(3)).orElseThrow();
            Publish second = sys.publishWithin(Duration.ofSeconds(3)).orElseThrow();
            assertThat(new String(first.payload(), StandardCharsets.UTF_8)).matches("\\d+ seconds");
            assertThat(second.topic()).isEqualTo("$SYS/broker/uptime");
        }
    }
}
