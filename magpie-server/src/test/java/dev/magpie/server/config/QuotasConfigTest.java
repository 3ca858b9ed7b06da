package dev.magpie.server.config;

import dev.magpie.BrokerLimits;
import dev.magpie.ClientIdPolicy;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The memory quotas and client id ownership of issue 10 as {@code limits:} keys. */
class QuotasConfigTest {

    private static MagpieConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse(yaml, "magpie.yaml");
    }

    @Test
    void quotasAndClientIdKeysBecomeBrokerLimits() {
        MagpieConfig config = parse("""
                listeners:
                  - port: 0
                limits:
                  max_inflight_bytes: 1048576
                  max_retained_messages: 500
                  max_retained_bytes: 10000000
                  max_subscriptions_per_user: 2000
                  max_sessions_per_user: 3
                  client_id_ownership: assign_new_id
                  client_id_pattern: "%u-*"
                """);
        BrokerLimits limits = config.limits().toLimits(config.bans().flapping().toFlapping());
        assertThat(limits.quotas()).isEqualTo(new BrokerLimits.Quotas(1_048_576, 500, 10_000_000, 2_000, 3));
        assertThat(limits.clientIds()).isEqualTo(new ClientIdPolicy(ClientIdPolicy.Ownership.ASSIGN_NEW_ID, "%u-*"));
    }

    @Test
    void theDefaultsAreNonZeroAndTheEmbeddedBrokersOwn() {
        LimitsConfig d = MagpieConfig.defaults().limits();
        assertThat(d.maxInflightBytes()).isEqualTo(8L << 20);
        assertThat(d.maxRetainedMessages()).isEqualTo(100_000);
        assertThat(d.maxRetainedBytes()).isEqualTo(128L << 20);
        assertThat(d.maxSubscriptionsPerUser()).isEqualTo(100_000);
        assertThat(d.maxSessionsPerUser()).isEqualTo(10_000);
        assertThat(d.maxQueuedBytes()).isEqualTo(16L << 20);
        assertThat(d.maxSubscriptionsPerClient()).isEqualTo(10_000);
        assertThat(d.clientIdOwnership()).isEqualTo(ClientIdOwnership.REFUSE);
        assertThat(d.clientIdPattern()).isEmpty();
    }

    @Test
    void badValuesAreReportedAtTheirKeys() {
        assertThatThrownBy(() -> parse("limits:\n  max_retained_messages: -1\n")).hasMessageContaining("max_retained_messages");
        assertThatThrownBy(() -> parse("limits:\n  client_id_ownership: steal\n")).hasMessageContaining("client_id_ownership");
    }
}
