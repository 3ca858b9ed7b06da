package dev.magpie.protocol;

import dev.magpie.Broker;
import dev.magpie.BrokerSettings;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** QoS 1/2 handshakes, redelivery and flow control, over raw packets. */
class QosFlowSpecTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(300);
    private Broker broker;

    private int start(BrokerSettings settings) {
        broker = TestBrokers.anonymous(settings).build().start();
        return broker.port("tcp");
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    private RawMqttClient connected(int port, MqttVersion v, String id, boolean clean, MqttProperties props) throws Exception {
        RawMqttClient c = RawMqttClient.connect("127.0.0.1", port);
        c.send(new Connect(v, id, clean, 60, null, null, null, props));
        ConnAck ack = c.receive(ConnAck.class, WAIT);
        assertThat(ack.reasonCode()).isZero();
        return c;
    }

    private static void subscribe(RawMqttClient c, String filter, int qos) {
        c.send(new Subscribe(1, List.of(Subscribe.Subscription.of(filter, qos)), MqttProperties.EMPTY));
        assertThat(c.receive(SubAck.class, WAIT).reasonCodes()).containsExactly(qos);
    }

    private static Publish publish(String topic, int qos, int id, String text) {
        return new Publish(topic, qos, false, false, id, text.getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY);
    }

    @Test
    void qos1IsAcknowledgedWithItsPacketId_MQTT_4_3_2_2() throws Exception {
        int port = start(BrokerSettings.defaults());
        try (RawMqttClient c = connected(port, MqttVersion.V3_1_1, "q1", true, MqttProperties.EMPTY)) {
            c.send(publish("t", 1, 4711, "x"));
            PubResponse ack = c.receive(PubResponse.class, WAIT);
            assertThat(ack.type()).isEqualTo(PacketType.PUBACK);
            assertThat(ack.packetId()).isEqualTo(4711);
        }
    }

    @Test
    void qos2DuplicateBeforePubrelIsRoutedOnce_MQTT_4_3_3_9() throws Exception {
        int port = start(BrokerSettings.defaults());
        try (RawMqttClient sub = connected(port, MqttVersion.V3_1_1, "q2-sub", true, MqttProperties.EMPTY);
             RawMqttClient pub = connected(port, MqttVersion.V3_1_1, "q2-pub", true, MqttProperties.EMPTY)) {
            subscribe(sub, "q2", 0);
            pub.send(publish("q2", 2, 9, "once"));
            assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
            pub.send(publish("q2", 2, 9, "once").withPacketId(9, true)); // resent with DUP
            assertThat(pub.receive(PubResponse.class, WAIT).type()).isEqualTo(PacketType.PUBREC);
            pub.send(PubResponse.of(PacketType.PUBREL, 9));
            PubResponse comp = pub.receive(PubResponse.class, WAIT);
            assertThat(comp.type()).isEqualTo(PacketType.PUBCOMP);
            assertThat(comp.packetId()).isEqualTo(9);
            assertThat(sub.receive(Publish.class, WAIT).topic()).isEqualTo("q2");
            assertThat(sub.poll(QUIET)).isEmpty();
        }
    }

    @Test
    void pubrelForAnUnknownIdGetsPubcomp0x92In5() throws Exception {
        int port = start(BrokerSettings.defaults());
        try (RawMqttClient c = connected(port, MqttVersion.V5, "unknown-rel", true, MqttProperties.EMPTY)) {
            c.send(PubResponse.of(PacketType.PUBREL, 77));
            PubResponse comp = c.receive(PubResponse.class, WAIT);
            assertThat(comp.type()).isEqualTo(PacketType.PUBCOMP);
            assertThat(comp.reasonCode()).isEqualTo(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
        }
    }

    @Test
    void outboundQos2HandshakeCompletes_MQTT_4_3_3() throws Exception {
        int port = start(BrokerSettings.defaults());
        try (RawMqttClient sub = connected(port, MqttVersion.V3_1_1, "o2-sub", true, MqttProperties.EMPTY);
             RawMqttClient pub = connected(port, MqttVersion.V3_1_1, "o2-pub", true, MqttProperties.EMPTY)) {
            subscribe(sub, "o2", 2);
            pub.send(publish("o2", 2, 1, "exactly"));
            pub.receive(PubResponse.class, WAIT);
            pub.send(PubResponse.of(PacketType.PUBREL, 1));
            Publish p = sub.receive(Publish.class, WAIT);
            assertThat(p.qos()).isEqualTo(2);
            assertThat(p.packetId()).isPositive();
            sub.send(PubResponse.of(PacketType.PUBREC, p.packetId()));
            PubResponse rel = sub.receive(PubResponse.class, WAIT);
            assertThat(rel.type()).isEqualTo(PacketType.PUBREL);
            assertThat(rel.packetId()).isEqualTo(p.packetId());
            sub.send(PubResponse.of(PacketType.PUBCOMP, p.packetId()));
            assertThat(sub.poll(QUIET)).isEmpty();
        }
    }

    @Test
    void unacknowledgedMessagesAreResentWithDupOnResume_MQTT_4_4_0_1() throws Exception {
        int port = start(BrokerSettings.defaults());
        int firstId;
        try (RawMqttClient sub = connected(port, MqttVersion.V3_1_1, "resume", false, MqttProperties.EMPTY);
             RawMqttClient pub = connected(port, MqttVersion.V3_1_1, "resume-pub", true, MqttProperties.EMPTY)) {
            subscribe(sub, "r", 1);
            pub.send(publish("r", 1, 1, "keep me"));
            pub.receive(PubResponse.class, WAIT);
            Publish first = sub.receive(Publish.class, WAIT);
            assertThat(first.dup()).isFalse();
            firstId = first.packetId();
            // no PUBACK: the connection drops
        }
        try (RawMqttClient again = RawMqttClient.connect("127.0.0.1", port)) {
            again.send(RawMqttClient.connectPacket(MqttVersion.V3_1_1, "resume", false, 60));
            assertThat(again.receive(ConnAck.class, WAIT).sessionPresent()).isTrue();
            Publish resent = again.receive(Publish.class, WAIT);
            assertThat(resent.dup()).isTrue();
            assertThat(resent.packetId()).isEqualTo(firstId);
            assertThat(new String(resent.payload(), StandardCharsets.UTF_8)).isEqualTo("keep me");
            again.send(PubResponse.of(PacketType.PUBACK, resent.packetId()));
        }
    }

    @Test
    void brokerRespectsTheClientsReceiveMaximum_MQTT_3_3_4_9() throws Exception {
        int port = start(BrokerSettings.defaults());
        MqttProperties receiveMax2 = MqttProperties.builder().integer(PropertyId.RECEIVE_MAXIMUM, 2).build();
        try (RawMqttClient sub = connected(port, MqttVersion.V5, "rm-sub", true, receiveMax2);
             RawMqttClient pub = connected(port, MqttVersion.V5, "rm-pub", true, MqttProperties.EMPTY)) {
            subscribe(sub, "rm", 1);
            for (int i = 1; i <= 5; i++) {
                pub.send(publish("rm", 1, i, "m" + i));
                pub.receive(PubResponse.class, WAIT);
            }
            Publish a = sub.receive(Publish.class, WAIT);
            Publish b = sub.receive(Publish.class, WAIT);
            assertThat(sub.poll(QUIET)).as("a third message beyond Receive Maximum 2").isEmpty();
            sub.send(PubResponse.of(PacketType.PUBACK, a.packetId()));
            Publish c = sub.receive(Publish.class, WAIT);
            assertThat(new String(c.payload(), StandardCharsets.UTF_8)).isEqualTo("m3");
            assertThat(sub.poll(QUIET)).isEmpty();
            sub.send(PubResponse.of(PacketType.PUBACK, b.packetId()));
            sub.send(PubResponse.of(PacketType.PUBACK, c.packetId()));
            assertThat(new String(sub.receive(Publish.class, WAIT).payload(), StandardCharsets.UTF_8)).isEqualTo("m4");
        }
    }

    @Test
    void inflightWindowAppliesTo311Clients() throws Exception {
        int port = start(BrokerSettings.defaults().withMaxInflight(1));
        try (RawMqttClient sub = connected(port, MqttVersion.V3_1_1, "w-sub", true, MqttProperties.EMPTY);
             RawMqttClient pub = connected(port, MqttVersion.V3_1_1, "w-pub", true, MqttProperties.EMPTY)) {
            subscribe(sub, "w", 1);
            pub.send(publish("w", 1, 1, "one"));
            pub.send(publish("w", 1, 2, "two"));
            Publish first = sub.receive(Publish.class, WAIT);
            assertThat(sub.poll(QUIET)).isEmpty();
            sub.send(PubResponse.of(PacketType.PUBACK, first.packetId()));
            assertThat(new String(sub.receive(Publish.class, WAIT).payload(), StandardCharsets.UTF_8)).isEqualTo("two");
        }
    }

    @Test
    void messagesLargerThanTheClientsMaximumPacketSizeAreNotSent_MQTT_3_1_2_25() throws Exception {
        int port = start(BrokerSettings.defaults());
        MqttProperties max64 = MqttProperties.builder().integer(PropertyId.MAXIMUM_PACKET_SIZE, 64).build();
        try (RawMqttClient sub = connected(port, MqttVersion.V5, "mps-sub", true, max64);
             RawMqttClient pub = connected(port, MqttVersion.V5, "mps-pub", true, MqttProperties.EMPTY)) {
            subscribe(sub, "mps", 0);
            pub.send(publish("mps", 0, 0, "x".repeat(200)));
            pub.send(publish("mps", 0, 0, "small"));
            Publish got = sub.receive(Publish.class, WAIT);
            assertThat(new String(got.payload(), StandardCharsets.UTF_8)).isEqualTo("small");
        }
    }

    @Test
    void aPacketAboveTheBrokersMaximumGetsDisconnect0x95() throws Exception {
        int port = start(BrokerSettings.defaults().withMaxPacketSize(1024));
        try (RawMqttClient c = connected(port, MqttVersion.V5, "too-big", true, MqttProperties.EMPTY)) {
            c.send(publish("big", 0, 0, "y".repeat(2048)));
            Optional<MqttPacket> d = c.poll(WAIT);
            assertThat(d).containsInstanceOf(Disconnect.class);
            assertThat(((Disconnect) d.get()).reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void refusedPublishGetsPuback0x87In5() throws Exception {
        broker = TestBrokers.anonymous().authorizer(new dev.magpie.spi.Authorizer() {
            @Override
            public dev.magpie.spi.Decision authorizePublish(dev.magpie.spi.ClientInfo c, String t, int q, boolean r) {
                return dev.magpie.spi.Decision.DENY;
            }
        }).build().start();
        try (RawMqttClient c = connected(broker.port("tcp"), MqttVersion.V5, "denied", true, MqttProperties.EMPTY)) {
            c.send(publish("no", 1, 3, "x"));
            PubResponse ack = c.receive(PubResponse.class, WAIT);
            assertThat(ack.type()).isEqualTo(PacketType.PUBACK);
            assertThat(ack.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
    }
}
