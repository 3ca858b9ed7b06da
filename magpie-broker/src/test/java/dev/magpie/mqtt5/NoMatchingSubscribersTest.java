package dev.magpie.mqtt5;

import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.publish;
import static dev.magpie.mqtt5.Mqtt5Fixture.subscribe;
import static dev.magpie.mqtt5.Mqtt5Fixture.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PUBACK / PUBREC 0x10 No matching subscribers when no subscription took the message, shared or not (spec 3.4.2.1,
 * 3.5.2.1; as mosquitto and EMQX answer). Being stored as a retained message does not count. 0x10 is not a failure:
 * the message was accepted and a QoS 2 flow goes on with PUBREL / PUBCOMP. 3.1.1 acknowledgements carry no code.
 */
class NoMatchingSubscribersTest {
    private Mqtt5Fixture f;

    @BeforeEach
    void start() {
        f = Mqtt5Fixture.start();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static PubResponse ackOf(RawMqttClient pub, Publish message) {
        pub.send(message);
        PubResponse ack = pub.receive(PubResponse.class, WAIT);
        assertThat(ack.packetId()).isEqualTo(message.packetId());
        return ack;
    }

    @Test
    void qos1WithoutSubscribersIsAcknowledgedWith0x10() {
        RawMqttClient pub = f.v5("nms-pub1");
        PubResponse ack = ackOf(pub, publish("nms/none", 1, 1, "x"));
        assertThat(ack.type()).isEqualTo(PacketType.PUBACK);
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
    }

    @Test
    void qos2WithoutSubscribersGetsPubrec0x10AndTheFlowCompletes_MQTT_4_3_3_11() {
        RawMqttClient pub = f.v5("nms-pub2");
        PubResponse rec = ackOf(pub, publish("nms/none", 2, 7, "x"));
        assertThat(rec.type()).isEqualTo(PacketType.PUBREC);
        assertThat(rec.reasonCode()).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
        pub.send(PubResponse.of(PacketType.PUBREL, 7));
        PubResponse comp = pub.receive(PubResponse.class, WAIT);
        assertThat(comp.type()).isEqualTo(PacketType.PUBCOMP);
        assertThat(comp.reasonCode()).as("the id was still held: not 0x92").isEqualTo(ReasonCode.SUCCESS);
    }

    @Test
    void aRetainedMessageWithoutSubscribersGets0x10AndIsStillStored() {
        RawMqttClient pub = f.v5("nms-pub3");
        PubResponse ack = ackOf(pub, new Publish("nms/kept", 1, true, false, 1, "kept".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
        RawMqttClient sub = f.v5("nms-late");
        subscribe(sub, "nms/kept", 1);
        assertThat(text(sub.receive(Publish.class, WAIT))).isEqualTo("kept");
    }

    @Test
    void aMatchingSubscriptionGivesSuccess() {
        RawMqttClient sub = f.v5("nms-sub");
        subscribe(sub, "nms/+", 1);
        RawMqttClient pub = f.v5("nms-pub4");
        assertThat(ackOf(pub, publish("nms/one", 1, 1, "x")).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
        assertThat(sub.receive(Publish.class, WAIT).topic()).isEqualTo("nms/one");
    }

    @Test
    void aSharedSubscriptionCountsAsAMatch() {
        RawMqttClient member = f.v5("nms-member");
        subscribe(member, "$share/g/nms/shared", 1);
        RawMqttClient pub = f.v5("nms-pub5");
        assertThat(ackOf(pub, publish("nms/shared", 2, 1, "x")).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    }

    @Test
    void aNoLocalSubscriptionOfThePublisherItselfTakesNothing_MQTT_3_8_3_3() {
        RawMqttClient self = f.v5("nms-self");
        subscribe(self, new Subscription("nms/self", 1, true, false, 0));
        assertThat(ackOf(self, publish("nms/self", 1, 1, "x")).reasonCode()).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
    }

    @Test
    void v311AcknowledgementsCarryNoReasonCode() {
        RawMqttClient pub = f.v311("nms-311");
        PubResponse ack = ackOf(pub, publish("nms/none", 1, 1, "x"));
        assertThat(ack.type()).isEqualTo(PacketType.PUBACK);
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    }
}
