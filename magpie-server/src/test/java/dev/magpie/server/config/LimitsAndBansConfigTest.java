package dev.magpie.server.config;

import dev.magpie.Broker;
import dev.magpie.BrokerLimits;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.ReasonCode;
import dev.magpie.spi.Ban;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limits of issue 5 in YAML: {@code limits:} keys, {@code listeners[].max_connection_rate}, {@code bans:}. */
class LimitsAndBansConfigTest {

    private static MagpieConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse(yaml, "magpie.yaml");
    }

    @Test
    void limitsBansAndFlappingBecomeBrokerLimitsKeyForKey() {
        MagpieConfig config = parse("""
                listeners:
                  - port: 0
                    max_connection_rate: 200
                limits:
                  max_connections: 10000
                  max_topic_length: 1024
                  max_topic_levels: 16
                  max_subscriptions_per_client: 100
                  max_queued_bytes: 8000000000
                  message_rate: 50
                  byte_rate: 65536
                  rate_limit_action: disconnect
                bans:
                  client_ids: [broken-17]
                  usernames: [mallory]
                  addresses: [203.0.113.7, "2001:db8::/32"]
                  flapping:
                    max_connects: 15
                    window: 1m
                    ban_duration: 5m
                    by_address: true
                """);
        BrokerLimits expected = BrokerLimits.defaults().toBuilder().maxConnections(10_000).maxTopicLength(1024).maxTopicLevels(16)
                .maxSubscriptionsPerClient(100).maxQueuedBytes(8_000_000_000L).messageRate(50).byteRate(65_536)
                .rateLimitAction(BrokerLimits.RateLimitAction.DISCONNECT)
                .flapping(new BrokerLimits.Flapping(15, Duration.ofMinutes(1), Duration.ofMinutes(5), true)).build();
        assertThat(config.limits().toLimits(config.bans().flapping().toFlapping())).isEqualTo(expected);
        assertThat(config.listeners().get(0).toListener().maxConnectionRate()).isEqualTo(200);
        assertThat(config.bans().toBans()).containsExactly(Ban.clientId("broken-17"), Ban.username("mallory"),
                Ban.address("203.0.113.7"), Ban.address("2001:db8::/32"));
    }

    @Test
    void theDefaultsAreTheEmbeddedBrokersDefaults() {
        MagpieConfig config = MagpieConfig.defaults();
        assertThat(config.limits().toLimits(config.bans().flapping().toFlapping())).isEqualTo(BrokerLimits.defaults());
        assertThat(config.bans().toBans()).isEmpty();
    }

    @Test
    void environmentOverridesReachTheNewKeysIncludingLongs() {
        MagpieConfig config = new ConfigLoader(Map.of("MAGPIE_LIMITS_MAX_QUEUED_BYTES", "5000000000",
                "MAGPIE_LIMITS_RATE_LIMIT_ACTION", "disconnect", "MAGPIE_BANS_FLAPPING_MAX_CONNECTS", "7",
                "MAGPIE_LISTENERS_0_MAX_CONNECTION_RATE", "20")).applyEnvironment(MagpieConfig.defaults());
        assertThat(config.limits().maxQueuedBytes()).isEqualTo(5_000_000_000L);
        assertThat(config.limits().rateLimitAction()).isEqualTo(RateLimitAction.DISCONNECT);
        assertThat(config.bans().flapping().maxConnects()).isEqualTo(7);
        assertThat(config.listeners().get(0).maxConnectionRate()).isEqualTo(20);
    }

    @Test
    void theUnflushedOutputRuleIsConfigurable() { // issue 10: clients that do not read their answers
        MagpieConfig config = parse("limits:\n  unflushed_output_timeout: 1m\n  max_unflushed_bytes: 33554432\n");
        assertThat(config.limits().toLimits(BrokerLimits.Flapping.OFF).unflushedOutput())
                .isEqualTo(new BrokerLimits.UnflushedOutput(Duration.ofMinutes(1), 32L << 20));
        assertThat(MagpieConfig.defaults().limits().toLimits(BrokerLimits.Flapping.OFF).unflushedOutput())
                .isEqualTo(BrokerLimits.UnflushedOutput.DEFAULT);
        assertThatThrownBy(() -> parse("limits:\n  max_unflushed_bytes: -1\n")).hasMessageContaining("max_unflushed_bytes must be >= 0");
    }

    @Test
    void badValuesAreReportedAtTheirKeys() {
        assertThatThrownBy(() -> parse("bans:\n  addresses: [example.com]\n"))
                .hasMessageContaining("addresses[0]").hasMessageContaining("host names are not allowed");
        assertThatThrownBy(() -> parse("limits:\n  rate_limit_action: drop\n"))
                .hasMessageContaining("rate_limit_action 'drop' is not one of throttle, disconnect");
        assertThatThrownBy(() -> parse("limits:\n  max_topic_levels: -1\n")).hasMessageContaining("max_topic_levels must be >= 0");
        assertThatThrownBy(() -> parse("bans:\n  flapping:\n    window: 0s\n")).hasMessageContaining("window must be positive");
        assertThatThrownBy(() -> parse("listeners:\n  - max_connection_rate: -5\n")).hasMessageContaining("max_connection_rate must be >= 0");
    }

    @Test
    void aBrokerBuiltFromTheConfigEnforcesTheBansAndLimits() {
        MagpieConfig config = parse("""
                listeners:
                  - bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                limits:
                  max_subscriptions_per_client: 1
                bans:
                  client_ids: [evil]
                persistence:
                  enabled: false
                """);
        try (Broker broker = BrokerMapping.builderFor(config).build().start();
             RawMqttClient banned = RawMqttClient.connect("127.0.0.1", broker.port("tcp"));
             RawMqttClient good = RawMqttClient.connect("127.0.0.1", broker.port("tcp"))) {
            banned.send(RawMqttClient.connectPacket(MqttVersion.V5, "evil", true, 60));
            assertThat(banned.receive(ConnAck.class, Duration.ofSeconds(5)).reasonCode()).isEqualTo(ReasonCode.BANNED);
            good.send(RawMqttClient.connectPacket(MqttVersion.V5, "good", true, 60));
            assertThat(good.receive(ConnAck.class, Duration.ofSeconds(5)).reasonCode()).isZero();
            good.send(new dev.magpie.codec.Subscribe(1, java.util.List.of(dev.magpie.codec.Subscribe.Subscription.of("a", 0),
                    dev.magpie.codec.Subscribe.Subscription.of("b", 0)), dev.magpie.codec.MqttProperties.EMPTY));
            assertThat(good.receive(dev.magpie.codec.SubAck.class, Duration.ofSeconds(5)).reasonCodes())
                    .containsExactly(0, ReasonCode.QUOTA_EXCEEDED);
        }
    }
}
