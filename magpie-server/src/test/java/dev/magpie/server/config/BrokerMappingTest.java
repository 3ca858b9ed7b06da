package dev.magpie.server.config;

import dev.magpie.Broker;
import dev.magpie.BrokerCapabilities;
import dev.magpie.BrokerSettings;
import dev.magpie.Listener;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerMappingTest {

    @Test
    void aListenerEntryBecomesABrokerListener() {
        ListenerConfig config = new ListenerConfig("public", ListenerType.TCP, "10.0.0.5", 8883, true, 500);

        assertThat(config.toListener())
                .isEqualTo(new Listener("public", Listener.Kind.TCP, "10.0.0.5", 8883, true, 500))
                .isEqualTo(Listener.tcp("10.0.0.5", 8883).named("public").anonymous(true).maxConnections(500));
    }

    @Test
    void limitsBecomeBrokerSettingsKeyForKey() {
        LimitsConfig limits = new LimitsConfig(1024, Duration.ofMillis(500), 60, 10, 20, 30, Duration.ofHours(2),
                Duration.ofSeconds(3));

        assertThat(limits.toSettings()).isEqualTo(BrokerSettings.defaults().withMaxPacketSize(1024)
                .withConnectTimeout(Duration.ofMillis(500)).withMaxKeepAlive(60).withReceiveMaximum(10)
                .withMaxInflight(20).withMaxQueuedMessages(30).withMaxSessionExpiry(Duration.ofHours(2))
                .withAuthenticationTimeout(Duration.ofSeconds(3)));
    }

    @Test
    void capabilitiesBecomeBrokerCapabilitiesKeyForKey() {
        CapabilitiesConfig capabilities = new ConfigLoader(Map.of()).parse(
                "capabilities:\n  maximum_qos: 1\n  shared_subscriptions: false\n  topic_alias_maximum: 10\n",
                "c.yaml").capabilities();

        assertThat(capabilities.toCapabilities()).isEqualTo(BrokerCapabilities.all().withMaximumQos(1)
                .withSharedSubscriptions(false).withTopicAliasMaximum(10));
        assertThat(CapabilitiesConfig.of(BrokerCapabilities.all())).isEqualTo(CapabilitiesConfig.DEFAULTS);
    }

    @Test
    void theConfigDefaultsAreTheEmbeddedBrokersDefaults() {
        assertThat(LimitsConfig.DEFAULTS.toSettings()).isEqualTo(BrokerSettings.defaults());
        assertThat(LimitsConfig.of(BrokerSettings.defaults())).isEqualTo(LimitsConfig.DEFAULTS);
    }

    @Test
    void aWholeConfigBuildsABrokerWithoutStartingIt() {
        MagpieConfig config = new ConfigLoader(Map.of()).parse("""
                listeners:
                  - name: a
                    port: 0
                  - name: b
                    port: 0
                """, "two.yaml");

        assertThat(config.listeners()).extracting(ListenerConfig::toListener).extracting(Listener::name)
                .isEqualTo(List.of("a", "b"));
        try (Broker broker = BrokerMapping.builderFor(config).build()) {
            assertThat(broker).isNotNull();
        }
    }
}
