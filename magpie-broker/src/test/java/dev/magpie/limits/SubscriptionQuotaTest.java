package dev.magpie.limits;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import dev.magpie.BrokerLimits;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.UnsubAck;
import dev.magpie.codec.Unsubscribe;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.magpie.limits.LimitsFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** max_subscriptions_per_client: filters beyond it get 0x97 Quota exceeded (5.0) or 0x80 Failure (3.1.1). */
class SubscriptionQuotaTest {

    private static LimitsFixture start() {
        return new LimitsFixture(TestBrokers.anonymous().limits(BrokerLimits.defaults().toBuilder().maxSubscriptionsPerClient(2).build()));
    }

    @Test
    void v5ExtraFiltersGetQuotaExceededAndReplacingOrFreeingASlotWorks() {
        try (LimitsFixture f = start()) {
            RawMqttClient c = f.v5("c");
            // one code per filter, in order [MQTT-3.9.3-1]: the third is over the quota
            assertThat(LimitsFixture.subscribe(c, "a", "b", "c")).containsExactly(1, 1, ReasonCode.QUOTA_EXCEEDED);
            // subscribing again to a held filter replaces it [MQTT-3.8.4-3], so it never counts twice
            assertThat(LimitsFixture.subscribe(c, "a")).containsExactly(1);
            c.send(new Unsubscribe(2, List.of("a"), MqttProperties.EMPTY));
            c.receive(UnsubAck.class, WAIT);
            assertThat(LimitsFixture.subscribe(c, "c")).containsExactly(1);
        }
    }

    @Test
    void v311ExtraFiltersGetFailure() {
        try (LimitsFixture f = start()) {
            RawMqttClient c = f.v311("c");
            assertThat(LimitsFixture.subscribe(c, "a", "b", "c")).containsExactly(1, 1, ReasonCode.V3_SUBACK_FAILURE);
        }
    }

    @Test
    void realV5ClientSeesQuotaExceeded() {
        try (LimitsFixture f = start()) {
            Mqtt5BlockingClient client = Mqtt5Client.builder().identifier("hive").serverHost("127.0.0.1").serverPort(f.broker.port("tcp"))
                    .buildBlocking();
            client.connect();
            try {
                client.subscribeWith().topicFilter("a").send();
                client.subscribeWith().topicFilter("b").send();
                assertThatThrownBy(() -> client.subscribeWith().topicFilter("c").send())
                        .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> assertThat(e.getMqttMessage().getReasonCodes())
                                .containsExactly(Mqtt5SubAckReasonCode.QUOTA_EXCEEDED));
            } finally {
                client.disconnect();
            }
        }
    }
}
