package dev.magpie.mqtt5;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.codec.UnsubAck;
import dev.magpie.codec.Unsubscribe;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.connect5;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request Problem Information 0 [MQTT-3.1.2-29]: the server may explain itself only on PUBLISH, CONNACK and
 * DISCONNECT; every other packet, refusals included, comes without Reason String and User Properties. (The
 * AUTH packets are checked in {@link EnhancedAuthTest}, DISCONNECT in {@link ServerDisconnectTest}.)
 */
class ProblemInformationTest {
    private Mqtt5Fixture f;

    @BeforeEach
    void start() {
        // an authorizer that refuses everything under secret/, so the broker has refusals to explain
        f = Mqtt5Fixture.start(TestBrokers.anonymous().authorizer(new Authorizer() {
            @Override
            public Decision authorizePublish(ClientInfo client, String topic, int qos, boolean retain) {
                return topic.startsWith("secret/") ? Decision.DENY : Decision.NEXT;
            }

            @Override
            public Decision authorizeSubscribe(ClientInfo client, String filter, int qos) {
                return filter.startsWith("secret/") ? Decision.DENY : Decision.NEXT;
            }
        }));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static void assertUnexplained(MqttPacket packet, MqttProperties properties) {
        assertThat(properties.has(PropertyId.REASON_STRING)).as("Reason String on %s", packet.type()).isFalse();
        assertThat(properties.userProperties()).as("User Properties on %s", packet.type()).isEmpty();
    }

    @Test
    void refusalsCarryNoReasonStringOrUserPropertiesWhenProblemInformationIsOff_MQTT_3_1_2_29() {
        MqttProperties quiet = MqttProperties.builder().integer(PropertyId.REQUEST_PROBLEM_INFORMATION, 0).build();
        RawMqttClient c = f.v5("rpi-off", quiet);

        SubAck suback = Mqtt5Fixture.subscribe(c, Subscription.of("secret/x", 1));
        assertThat(suback.reasonCodes()).containsExactly(ReasonCode.NOT_AUTHORIZED);
        assertUnexplained(suback, suback.properties());

        c.send(Mqtt5Fixture.publish("secret/x", 1, 2, "no"));
        PubResponse puback = c.receive(PubResponse.class, WAIT);
        assertThat(puback.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        assertUnexplained(puback, puback.properties());

        c.send(Mqtt5Fixture.publish("secret/y", 2, 3, "no"));
        PubResponse pubrec = c.receive(PubResponse.class, WAIT);
        assertThat(pubrec.type()).isEqualTo(PacketType.PUBREC);
        assertThat(pubrec.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        assertUnexplained(pubrec, pubrec.properties());

        c.send(new Unsubscribe(4, List.of("never/subscribed"), MqttProperties.EMPTY));
        UnsubAck unsuback = c.receive(UnsubAck.class, WAIT);
        assertThat(unsuback.reasonCodes()).containsExactly(ReasonCode.NO_SUBSCRIPTION_EXISTED);
        assertUnexplained(unsuback, unsuback.properties());
    }

    @Test
    void aRefusingConnackMayStillExplainItself_MQTT_3_1_2_29() {
        MqttProperties quiet = MqttProperties.builder().integer(PropertyId.REQUEST_PROBLEM_INFORMATION, 0)
                .string(PropertyId.AUTHENTICATION_METHOD, "NOPE").build();
        ConnAck ack = f.connAck(f.socket(), connect5("rpi-connack", true, quiet));
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.BAD_AUTHENTICATION_METHOD);
        assertThat(ack.properties().string(PropertyId.REASON_STRING)).hasValueSatisfying(r -> assertThat(r).contains("NOPE"));
    }
}
