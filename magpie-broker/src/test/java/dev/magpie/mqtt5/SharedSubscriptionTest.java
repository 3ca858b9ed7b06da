package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.magpie.mqtt5.Mqtt5Fixture.QUIET;
import static dev.magpie.mqtt5.Mqtt5Fixture.WAIT;
import static dev.magpie.mqtt5.Mqtt5Fixture.connect5;
import static dev.magpie.mqtt5.Mqtt5Fixture.expectNoPublish;
import static dev.magpie.mqtt5.Mqtt5Fixture.publish;
import static dev.magpie.mqtt5.Mqtt5Fixture.sessionExpiry;
import static dev.magpie.mqtt5.Mqtt5Fixture.subscribe;
import static dev.magpie.mqtt5.Mqtt5Fixture.text;
import static org.assertj.core.api.Assertions.assertThat;

/** Shared subscriptions {@code $share/{group}/{filter}} (spec 4.8.2), for 5.0 and 3.1.1 members alike. */
class SharedSubscriptionTest {
    private Mqtt5Fixture f;

    @BeforeEach
    void start() {
        f = Mqtt5Fixture.start();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    /** Publishes {@code count} QoS 0 messages m0..m{count-1} and waits until they are routed (a QoS 1 marker is acknowledged after them). */
    private void publishAll(RawMqttClient pub, String topic, int count, int qos) {
        for (int i = 0; i < count; i++) {
            pub.send(publish(topic, qos, qos == 0 ? 0 : i + 1, "m" + i));
            if (qos > 0) {
                assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(qos == 1 ? PacketType.PUBACK : PacketType.PUBREC);
                if (qos == 2) {
                    pub.send(PubResponse.of(PacketType.PUBREL, i + 1));
                    pub.receive(PubResponse.class, WAIT);
                }
            }
        }
    }

    /** Receives PUBLISHes until the quiet period passes, acknowledging QoS 1. */
    private static List<Publish> drain(RawMqttClient c) {
        List<Publish> got = new ArrayList<>();
        for (Optional<dev.magpie.codec.MqttPacket> p = c.poll(QUIET); p.isPresent(); p = c.poll(QUIET)) {
            if (p.get() instanceof Publish publish) {
                got.add(publish);
                if (publish.qos() == 1) {
                    c.send(PubResponse.of(PacketType.PUBACK, publish.packetId()));
                }
            }
        }
        return got;
    }

    /** Receives exactly {@code count} PUBLISHes (acknowledging QoS 1), then checks nothing more arrives. */
    private static List<Publish> receive(RawMqttClient c, int count) {
        List<Publish> got = new ArrayList<>();
        while (got.size() < count) {
            if (c.receive(WAIT) instanceof Publish publish) {
                got.add(publish);
                if (publish.qos() == 1) {
                    c.send(PubResponse.of(PacketType.PUBACK, publish.packetId()));
                }
            }
        }
        expectNoPublish(c);
        return got;
    }

    private static List<String> texts(List<Publish> publishes) {
        return publishes.stream().map(Mqtt5Fixture::text).toList();
    }

    @Test
    void eachMessageGoesToOneMemberInTurn_including311Members() {
        // given a 5.0 and a 3.1.1 member of one group
        RawMqttClient a = f.v5("sh-a");
        subscribe(a, "$share/g/rr/#", 0);
        RawMqttClient b = f.v311("sh-b");
        subscribe(b, "$share/g/rr/#", 0);
        // when six messages are published
        publishAll(f.v5("sh-pub"), "rr/t", 6, 0);
        // then each member gets every other one: none twice, none lost
        List<String> toA = texts(receive(a, 3));
        List<String> toB = texts(receive(b, 3));
        assertThat(toA).isIn(List.of("m0", "m2", "m4"), List.of("m1", "m3", "m5"));
        Set<String> all = new HashSet<>(toA);
        all.addAll(toB);
        assertThat(toB).hasSize(3);
        assertThat(all).hasSize(6);
    }

    @Test
    void everyGroupAndEveryOrdinarySubscriberGetsItsCopy() {
        RawMqttClient a = f.v5("sh-g1-a");
        subscribe(a, "$share/g1/grp/#", 0);
        RawMqttClient b = f.v5("sh-g1-b");
        subscribe(b, "$share/g1/grp/#", 0);
        RawMqttClient c = f.v5("sh-g2-c");
        subscribe(c, "$share/g2/grp/+", 0);
        RawMqttClient d = f.v5("sh-plain");
        subscribe(d, "grp/#", 0);
        publishAll(f.v5("sh-grp-pub"), "grp/t", 4, 0);
        // both members connected: they take turns
        assertThat(receive(a, 2)).hasSize(2);
        assertThat(receive(b, 2)).hasSize(2);
        assertThat(texts(receive(c, 4))).containsExactly("m0", "m1", "m2", "m3");
        assertThat(texts(receive(d, 4))).containsExactly("m0", "m1", "m2", "m3");
    }

    @Test
    void eachMemberGetsItsOwnGrantedQos_MQTT_4_8_2_3() {
        RawMqttClient q0 = f.v5("sh-q0");
        subscribe(q0, "$share/q/qos/#", 0);
        RawMqttClient q1 = f.v5("sh-q1");
        subscribe(q1, "$share/q/qos/#", 1);
        publishAll(f.v5("sh-qos-pub"), "qos/t", 2, 2);
        List<Publish> toQ0 = receive(q0, 1);
        List<Publish> toQ1 = receive(q1, 1);
        assertThat(toQ0).hasSize(1).allSatisfy(p -> assertThat(p.qos()).isZero());
        assertThat(toQ1).hasSize(1).allSatisfy(p -> assertThat(p.qos()).isEqualTo(1));
    }

    @Test
    void retainedMessagesAreNotSentToSharedSubscriptions() {
        // spec 3.3.1.3: retained messages are sent when a new non-shared subscription is made
        RawMqttClient pub = f.v5("sh-ret-pub");
        Mqtt5Fixture.storeRetained(pub, "shret/t", "kept", MqttProperties.EMPTY);
        RawMqttClient plain = f.v5("sh-ret-plain");
        subscribe(plain, "shret/#", 0); // proves the retained message is stored
        assertThat(plain.receive(Publish.class, WAIT).retain()).isTrue();
        RawMqttClient member = f.v5("sh-ret-member");
        subscribe(member, "$share/r/shret/#", 0);
        expectNoPublish(member);
    }

    @Test
    void aMemberThatGoesAwayHandsItsUnfinishedQos1MessagesToAnother() {
        // spec 4.8.2: a QoS 1 message not acknowledged when the connection breaks MAY go to another member
        // given a member that can take one message at a time, holding one in flight and one queued
        RawMqttClient a = f.v5("sh-ho-a", MqttProperties.builder().integer(PropertyId.RECEIVE_MAXIMUM, 1).build());
        subscribe(a, "$share/h/ho/#", 1);
        publishAll(f.v5("sh-ho-pub"), "ho/t", 2, 1);
        assertThat(text(a.receive(Publish.class, WAIT))).isEqualTo("m0");
        // and a 3.1.1 member that joins later
        RawMqttClient b = f.v311("sh-ho-b");
        subscribe(b, "$share/h/ho/#", 1);
        // when the first member's connection breaks without acknowledging
        a.close();
        // then the other member gets both messages, at its QoS 1
        List<Publish> handedOff = receive(b, 2);
        assertThat(texts(handedOff)).containsExactly("m0", "m1");
        assertThat(handedOff).allSatisfy(p -> assertThat(p.qos()).isEqualTo(1));
    }

    @Test
    void anUnfinishedQos2MessageStaysWithItsMemberUntilItReconnects_MQTT_4_8_2_4() {
        RawMqttClient a = f.connected(connect5("sh-q2-a", true, sessionExpiry(60)));
        subscribe(a, "$share/x/q2s/#", 2);
        publishAll(f.v5("sh-q2-pub"), "q2s/t", 1, 2);
        Publish first = a.receive(Publish.class, WAIT);
        RawMqttClient b = f.v5("sh-q2-b");
        subscribe(b, "$share/x/q2s/#", 2);
        a.close();
        expectNoPublish(b);
        RawMqttClient again = f.connected(connect5("sh-q2-a", false, sessionExpiry(60)));
        Publish resent = again.receive(Publish.class, WAIT);
        assertThat(resent.dup()).isTrue();
        assertThat(resent.packetId()).isEqualTo(first.packetId());
        assertThat(text(resent)).isEqualTo("m0");
    }

    @Test
    void anUnfinishedQos2MessageIsNotHandedOnWhenItsSessionEnds_MQTT_4_8_2_5() {
        RawMqttClient a = f.v5("sh-q2e-a");
        subscribe(a, "$share/y/q2e/#", 2);
        publishAll(f.v5("sh-q2e-pub"), "q2e/t", 1, 2);
        a.receive(Publish.class, WAIT);
        RawMqttClient b = f.v5("sh-q2e-b");
        subscribe(b, "$share/y/q2e/#", 2);
        a.close(); // Session Expiry 0: the session ends with the connection
        expectNoPublish(b);
    }

    @Test
    void aMessageAMemberRefusedIsNotSentToAnother_MQTT_4_8_2_6() {
        RawMqttClient a = f.v5("sh-ref-a");
        subscribe(a, "$share/z/ref/#", 1);
        publishAll(f.v5("sh-ref-pub"), "ref/t", 1, 1);
        Publish p = a.receive(Publish.class, WAIT);
        a.send(new PubResponse(PacketType.PUBACK, p.packetId(), 0x80, MqttProperties.EMPTY));
        RawMqttClient b = f.v5("sh-ref-b");
        subscribe(b, "$share/z/ref/#", 1);
        a.close();
        expectNoPublish(b);
    }

    @Test
    void membersWhoseSessionEndedLeaveTheGroup() {
        RawMqttClient a = f.v5("sh-end-a");
        subscribe(a, "$share/e/end/#", 0);
        RawMqttClient b = f.v5("sh-end-b");
        subscribe(b, "$share/e/end/#", 0);
        a.send(Disconnect.NORMAL);
        assertThat(a.awaitClosed(WAIT)).isTrue();
        // and a new connection with the same client id does not inherit the membership
        f.v5("sh-end-a");
        publishAll(f.v5("sh-end-pub"), "end/t", 4, 0);
        assertThat(texts(receive(b, 4))).containsExactly("m0", "m1", "m2", "m3");
    }

    @Test
    void connectedMembersArePreferredToOfflineOnes() {
        RawMqttClient a = f.connected(connect5("sh-off-a", true, sessionExpiry(60)));
        subscribe(a, "$share/o/off/#", 1);
        RawMqttClient b = f.v5("sh-off-b");
        subscribe(b, "$share/o/off/#", 1);
        a.close();
        RawMqttClient pub = f.v5("sh-off-pub");
        // the broker notices the closed socket asynchronously; publish once it has
        org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            publishAll(pub, "off/probe", 1, 1);
            assertThat(drain(b)).isNotEmpty();
        });
        publishAll(pub, "off/t", 4, 1);
        assertThat(texts(receive(b, 4))).containsExactly("m0", "m1", "m2", "m3");
    }

    @Test
    void hivemqMembersShareTheLoad() throws Exception {
        Mqtt5BlockingClient a = f.hivemq("sh-hm-a");
        Mqtt5BlockingClient b = f.hivemq("sh-hm-b");
        Mqtt5BlockingClient pub = f.hivemq("sh-hm-pub");
        a.connect();
        b.connect();
        pub.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes toA = a.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt5BlockingClient.Mqtt5Publishes toB = b.publishes(MqttGlobalPublishFilter.ALL)) {
            a.subscribeWith().topicFilter("$share/hm/hmsh/#").qos(MqttQos.EXACTLY_ONCE).send();
            b.subscribeWith().topicFilter("$share/hm/hmsh/#").qos(MqttQos.AT_LEAST_ONCE).send();
            for (int i = 0; i < 10; i++) {
                pub.publishWith().topic("hmsh/t").qos(MqttQos.EXACTLY_ONCE).payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send();
            }
            Set<String> got = new HashSet<>();
            // both members connected: they take turns, each at its own QoS
            for (int i = 0; i < 5; i++) {
                Mqtt5Publish p = toA.receive(WAIT.toSeconds(), TimeUnit.SECONDS).orElseThrow();
                assertThat(p.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
                got.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
                Mqtt5Publish q = toB.receive(WAIT.toSeconds(), TimeUnit.SECONDS).orElseThrow();
                assertThat(q.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
                got.add(new String(q.getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            assertThat(toA.receive(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
            assertThat(toB.receive(QUIET.toMillis(), TimeUnit.MILLISECONDS)).isEmpty();
            assertThat(got).hasSize(10);
        }
    }
}
