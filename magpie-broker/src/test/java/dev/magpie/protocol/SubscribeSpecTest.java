package dev.magpie.protocol;

import dev.magpie.Broker;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.codec.UnsubAck;
import dev.magpie.codec.Unsubscribe;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** SUBSCRIBE / UNSUBSCRIBE answers and retained-message options, over raw packets. */
class SubscribeSpecTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(300);
    private Broker broker;
    private int port;

    @BeforeEach
    void start() {
        broker = TestBrokers.anonymous().build().start();
        port = broker.port("tcp");
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    private RawMqttClient connected(MqttVersion v, String id) throws Exception {
        RawMqttClient c = RawMqttClient.connect("127.0.0.1", port);
        c.send(RawMqttClient.connectPacket(v, id, true, 60));
        assertThat(c.receive(ConnAck.class, WAIT).reasonCode()).isZero();
        return c;
    }

    @Test
    void subackHasOneCodePerFilterInOrder_MQTT_3_8_4_6_and_3_9_3_1() throws Exception {
        try (RawMqttClient v5 = connected(MqttVersion.V5, "codes5"); RawMqttClient v3 = connected(MqttVersion.V3_1_1, "codes3")) {
            List<Subscription> filters = List.of(Subscription.of("ok/+", 1), Subscription.of("bad/#/x", 1),
                    Subscription.of("$share/g/t", 1), Subscription.of("$share//t", 1), Subscription.of("q2/#", 2));
            v5.send(new Subscribe(5, filters, MqttProperties.EMPTY));
            SubAck a5 = v5.receive(SubAck.class, WAIT);
            assertThat(a5.packetId()).isEqualTo(5);
            // a shared subscription is granted; one with an empty group name is not a valid filter
            assertThat(a5.reasonCodes()).containsExactly(1, ReasonCode.TOPIC_FILTER_INVALID, 1, ReasonCode.TOPIC_FILTER_INVALID, 2);
            v3.send(new Subscribe(6, filters, MqttProperties.EMPTY));
            // 3.1.1 has one failure code 0x80 [MQTT-3.9.3-2]
            assertThat(v3.receive(SubAck.class, WAIT).reasonCodes()).containsExactly(1, 0x80, 1, 0x80, 2);
        }
    }

    @Test
    void retainHandlingControlsRetainedMessagesOnSubscribe_MQTT_3_3_1_9_to_11() throws Exception {
        try (RawMqttClient pub = connected(MqttVersion.V5, "rh-pub"); RawMqttClient sub = connected(MqttVersion.V5, "rh-sub")) {
            // QoS 1 so the PUBACK tells the message is retained before anyone subscribes (a QoS 0 one could still
            // be in flight and arrive live, with RETAIN clear, at the subscription below)
            pub.send(new Publish("rh/t", 1, true, false, 1, "kept".getBytes(StandardCharsets.UTF_8), MqttProperties.EMPTY));
            pub.receive(dev.magpie.codec.PubResponse.class, WAIT);
            // Retain Handling 2: never
            sub.send(new Subscribe(1, List.of(new Subscription("rh/#", 0, false, false, 2)), MqttProperties.EMPTY));
            sub.receive(SubAck.class, WAIT);
            assertThat(sub.poll(QUIET)).isEmpty();
            // Retain Handling 1 on an existing subscription: not sent
            sub.send(new Subscribe(2, List.of(new Subscription("rh/#", 0, false, false, 1)), MqttProperties.EMPTY));
            sub.receive(SubAck.class, WAIT);
            assertThat(sub.poll(QUIET)).isEmpty();
            // Retain Handling 1 on a new subscription: sent with RETAIN set
            sub.send(new Subscribe(3, List.of(new Subscription("rh/+", 0, false, false, 1)), MqttProperties.EMPTY));
            sub.receive(SubAck.class, WAIT);
            Publish p = sub.receive(Publish.class, WAIT);
            assertThat(p.retain()).isTrue();
            // Retain Handling 0 on a repeated subscription: sent again
            sub.send(new Subscribe(4, List.of(new Subscription("rh/+", 0, false, false, 0)), MqttProperties.EMPTY));
            sub.receive(SubAck.class, WAIT);
            assertThat(sub.receive(Publish.class, WAIT).retain()).isTrue();
        }
    }

    @Test
    void noLocalKeepsAClientsOwnMessagesAway_MQTT_3_8_3_3() throws Exception {
        try (RawMqttClient c = connected(MqttVersion.V5, "nl")) {
            c.send(new Subscribe(1, List.of(new Subscription("nl/#", 0, true, false, 0)), MqttProperties.EMPTY));
            c.receive(SubAck.class, WAIT);
            c.send(new Publish("nl/x", 0, false, false, 0, new byte[]{1}, MqttProperties.EMPTY));
            assertThat(c.poll(QUIET)).isEmpty();
        }
    }

    @Test
    void retainAsPublishedKeepsTheFlagOnLiveMessages_MQTT_3_3_1_12() throws Exception {
        try (RawMqttClient keep = connected(MqttVersion.V5, "rap"); RawMqttClient clear = connected(MqttVersion.V5, "no-rap");
             RawMqttClient pub = connected(MqttVersion.V5, "rap-pub")) {
            keep.send(new Subscribe(1, List.of(new Subscription("rap/#", 0, false, true, 0)), MqttProperties.EMPTY));
            keep.receive(SubAck.class, WAIT);
            clear.send(new Subscribe(1, List.of(new Subscription("rap/#", 0, false, false, 0)), MqttProperties.EMPTY));
            clear.receive(SubAck.class, WAIT);
            pub.send(new Publish("rap/x", 0, true, false, 0, new byte[]{1}, MqttProperties.EMPTY));
            assertThat(keep.receive(Publish.class, WAIT).retain()).isTrue();
            assertThat(clear.receive(Publish.class, WAIT).retain()).isFalse();
        }
    }

    @Test
    void unsubackReportsWhichFiltersExisted_MQTT_3_11_3_1() throws Exception {
        try (RawMqttClient c = connected(MqttVersion.V5, "unsub5")) {
            c.send(new Subscribe(1, List.of(Subscription.of("a", 0)), MqttProperties.EMPTY));
            c.receive(SubAck.class, WAIT);
            c.send(new Unsubscribe(2, List.of("a", "never"), MqttProperties.EMPTY));
            UnsubAck ack = c.receive(UnsubAck.class, WAIT);
            assertThat(ack.packetId()).isEqualTo(2);
            assertThat(ack.reasonCodes()).containsExactly(ReasonCode.SUCCESS, ReasonCode.NO_SUBSCRIPTION_EXISTED);
        }
    }

    @Test
    void overlappingSubscriptionsDeliverOneCopyAtTheHighestQos_MQTT_3_3_5_1() throws Exception {
        try (RawMqttClient c = connected(MqttVersion.V3_1_1, "overlap"); RawMqttClient pub = connected(MqttVersion.V3_1_1, "overlap-pub")) {
            c.send(new Subscribe(1, List.of(Subscription.of("o/#", 0), Subscription.of("o/+", 1)), MqttProperties.EMPTY));
            c.receive(SubAck.class, WAIT);
            pub.send(new Publish("o/x", 2, false, false, 1, new byte[]{1}, MqttProperties.EMPTY));
            Publish p = c.receive(Publish.class, WAIT);
            assertThat(p.qos()).isEqualTo(1);
            assertThat(c.poll(QUIET).filter(Publish.class::isInstance)).isEmpty();
        }
    }
}
