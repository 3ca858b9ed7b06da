package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static dev.magpie.mqtt5.Mqtt5Fixture.QUIET;
import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectDisconnect;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectNoPublish;
import static dev.magpie.mqtt5.Mqtt5Fixture.publish;
import static dev.magpie.mqtt5.Mqtt5Fixture.subscribe;
import static dev.magpie.mqtt5.Mqtt5Fixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Flow control (spec 4.9): the broker never has more unacknowledged QoS 1/2 PUBLISHes towards a client than
 * the client's Receive Maximum [MQTT-3.3.4-9], and disconnects a client that exceeds the broker's own with
 * 0x93. The basic QoS 1 window case is in {@code dev.magpie.protocol.QosFlowSpecTest}.
 */
class FlowControlTest {
    private Mqtt5Fixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private static MqttProperties receiveMaximum(int n) {
        return MqttProperties.builder().integer(PropertyId.RECEIVE_MAXIMUM, n).build();
    }

    private static void publishQos1(RawMqttClient pub, String topic, int count) {
        for (int i = 0; i < count; i++) {
            pub.send(publish(topic, 1, i + 1, "m" + i));
            assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBACK);
        }
    }

    @Test
    void neverMoreUnacknowledgedThanTheClientsReceiveMaximum_MQTT_3_3_4_9() {
        f = Mqtt5Fixture.start();
        RawMqttClient sub = f.v5("fc-rm3", receiveMaximum(3));
        subscribe(sub, "fc/#", 1);
        publishQos1(f.v5("fc-pub"), "fc/t", 10);
        List<String> got = new ArrayList<>();
        while (got.size() < 10) {
            // a full window, then nothing more until the client acknowledges
            List<Publish> window = new ArrayList<>();
            int expected = Math.min(3, 10 - got.size());
            for (int i = 0; i < expected; i++) {
                window.add(sub.receive(Publish.class, WAIT));
            }
            expectNoPublish(sub, Duration.ofMillis(150));
            for (Publish p : window) {
                got.add(text(p));
                sub.send(PubResponse.of(PacketType.PUBACK, p.packetId()));
            }
        }
        assertThat(got).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
    }

    @Test
    void aQos2MessageHoldsItsSlotUntilPubcomp_MQTT_4_9_0_2() {
        f = Mqtt5Fixture.start();
        RawMqttClient sub = f.v5("fc-q2", receiveMaximum(1));
        subscribe(sub, "fcq2/#", 2);
        RawMqttClient pub = f.v5("fc-q2-pub");
        for (int i = 1; i <= 2; i++) {
            pub.send(publish("fcq2/t", 2, i, "m" + i));
            pub.receive(PubResponse.class, WAIT);
            pub.send(PubResponse.of(PacketType.PUBREL, i));
            pub.receive(PubResponse.class, WAIT);
        }
        Publish first = sub.receive(Publish.class, WAIT);
        sub.send(PubResponse.of(PacketType.PUBREC, first.packetId()));
        assertThat(sub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREL);
        expectNoPublish(sub);
        sub.send(PubResponse.of(PacketType.PUBCOMP, first.packetId()));
        assertThat(text(sub.receive(Publish.class, WAIT))).isEqualTo("m2");
    }

    @Test
    void aRefusedPubrecFreesTheSlot_MQTT_4_4_0_2() {
        f = Mqtt5Fixture.start();
        RawMqttClient sub = f.v5("fc-refuse", receiveMaximum(1));
        subscribe(sub, "fcref/#", 2);
        RawMqttClient pub = f.v5("fc-refuse-pub");
        for (int i = 1; i <= 2; i++) {
            pub.send(publish("fcref/t", 2, i, "m" + (i - 1)));
            pub.receive(PubResponse.class, WAIT);
            pub.send(PubResponse.of(PacketType.PUBREL, i));
            pub.receive(PubResponse.class, WAIT);
        }
        Publish first = sub.receive(Publish.class, WAIT);
        sub.send(new PubResponse(PacketType.PUBREC, first.packetId(), ReasonCode.UNSPECIFIED_ERROR, MqttProperties.EMPTY));
        assertThat(text(sub.receive(Publish.class, WAIT))).isEqualTo("m1");
    }

    @Test
    void qos0IsNotHeldBackByAFullWindow() {
        // the quota counts QoS 1 and 2 only [MQTT-4.9.0-2]
        f = Mqtt5Fixture.start();
        RawMqttClient sub = f.v5("fc-q0", receiveMaximum(1));
        subscribe(sub, "fcq0/#", 1);
        RawMqttClient pub = f.v5("fc-q0-pub");
        publishQos1(pub, "fcq0/t", 1);
        Publish held = sub.receive(Publish.class, WAIT);
        assertThat(held.qos()).isEqualTo(1);
        pub.send(publish("fcq0/t", 0, 0, "fire and forget"));
        Publish q0 = sub.receive(Publish.class, WAIT);
        assertThat(q0.qos()).isZero();
        assertThat(text(q0)).isEqualTo("fire and forget");
    }

    @Test
    void retainedMessagesOnSubscribeRespectTheWindow() {
        f = Mqtt5Fixture.start();
        RawMqttClient pub = f.v5("fc-ret-pub");
        for (int i = 0; i < 3; i++) {
            pub.send(new Publish("fcret/" + i, 1, true, false, i + 1, ("r" + i).getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
            pub.receive(PubResponse.class, WAIT);
        }
        RawMqttClient sub = f.v5("fc-ret", receiveMaximum(1));
        subscribe(sub, "fcret/#", 1);
        for (int i = 0; i < 3; i++) {
            Publish p = sub.receive(Publish.class, WAIT);
            expectNoPublish(sub, Duration.ofMillis(150));
            sub.send(PubResponse.of(PacketType.PUBACK, p.packetId()));
        }
    }

    @Test
    void aClientExceedingTheBrokersReceiveMaximumIsDisconnected0x93_MQTT_3_3_4_7() {
        f = Mqtt5Fixture.start(BrokerSettings.defaults().withReceiveMaximum(2));
        RawMqttClient c = f.v5("fc-greedy");
        // two QoS 2 messages unreleased is within the quota; releasing one frees it
        for (int id = 1; id <= 2; id++) {
            c.send(publish("greedy", 2, id, "x"));
            assertThat(c.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
        }
        c.send(PubResponse.of(PacketType.PUBREL, 1));
        assertThat(c.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBCOMP);
        c.send(publish("greedy", 2, 3, "x"));
        assertThat(c.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
        // a third one outstanding is one too many
        c.send(publish("greedy", 2, 4, "x"));
        expectDisconnect(c, ReasonCode.RECEIVE_MAXIMUM_EXCEEDED);
    }

    @Test
    void hivemqSubscriberWithManualAcknowledgementSeesTheWindow() {
        f = Mqtt5Fixture.start();
        Mqtt5BlockingClient sub = f.hivemq("fc-hm-sub");
        sub.connectWith().restrictions().receiveMaximum(2).applyRestrictions().send();
        Queue<Mqtt5Publish> received = new ConcurrentLinkedQueue<>();
        Mqtt5AsyncClient async = sub.toAsync();
        async.publishes(MqttGlobalPublishFilter.ALL, received::add, true);
        sub.subscribeWith().topicFilter("fchm/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient pub = f.hivemq("fc-hm-pub");
        pub.connect();
        for (int i = 0; i < 5; i++) {
            pub.publishWith().topic("fchm/t").qos(MqttQos.AT_LEAST_ONCE).payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send();
        }
        await().atMost(WAIT).until(() -> received.size() == 2);
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> received.size() == 2);
        // one acknowledgement frees one slot
        received.poll().acknowledge();
        await().atMost(WAIT).until(() -> received.size() == 2);
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> received.size() == 2);
        int acknowledged = 1;
        while (acknowledged < 5) {
            await().atMost(WAIT).until(() -> !received.isEmpty());
            received.poll().acknowledge();
            acknowledged++;
        }
    }

    @Test
    void hivemqPublisherKeepsToTheBrokersReceiveMaximum() {
        f = Mqtt5Fixture.start(BrokerSettings.defaults().withReceiveMaximum(2));
        Mqtt5BlockingClient sub = f.hivemq("fc-hm-count");
        sub.connect();
        Queue<Mqtt5Publish> received = new ConcurrentLinkedQueue<>();
        sub.toAsync().publishes(MqttGlobalPublishFilter.ALL, received::add);
        sub.subscribeWith().topicFilter("fchm2/#").qos(MqttQos.EXACTLY_ONCE).send();
        Mqtt5AsyncClient pub = f.hivemq("fc-hm-burst").toAsync();
        pub.connect().join();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sent.add(pub.publishWith().topic("fchm2/t").qos(MqttQos.EXACTLY_ONCE).payload(new byte[]{(byte) i}).send());
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        await().atMost(WAIT).until(() -> received.size() == 30);
        assertThat(pub.getState().isConnected()).isTrue();
    }
}
