package dev.magpie.store;

import dev.magpie.Broker;
import dev.magpie.BrokerException;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.UserProperty;
import dev.magpie.testkit.PahoOptions;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.TestBrokers;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Retained messages outlive the broker: set, replaced and cleared over MQTT, the broker stopped, a new broker
 * started on the same data directory, and a new subscriber sees exactly what the last one would have.
 */
class RetainedPersistenceTest extends BrokerRestartTest {

    private RawMqttClient v5(Broker broker, String clientId) {
        RawMqttClient c = RawMqttClient.connect("127.0.0.1", broker.port("tcp"));
        opened.add(c);
        c.send(new Connect(MqttVersion.V5, clientId, true, 60, null, null, null, MqttProperties.EMPTY));
        assertThat(c.receive(ConnAck.class, WAIT).reasonCode()).isZero();
        return c;
    }

    /** Published at QoS 1 and PUBACKed: the broker has routed and stored it (the store write is queued). */
    private static void retain(RawMqttClient pub, String topic, String text, MqttProperties properties) {
        pub.send(new Publish(topic, 1, true, false, 7, text.getBytes(StandardCharsets.UTF_8), properties));
        PubResponse ack = pub.receive(PubResponse.class, WAIT);
        assertThat(ack.type()).isEqualTo(PacketType.PUBACK);
        // 0x10 No matching subscribers when nobody is subscribed yet: being retained does not count (spec 3.4.2.1)
        assertThat(ack.reasonCode()).isIn(ReasonCode.SUCCESS, ReasonCode.NO_MATCHING_SUBSCRIBERS);
    }

    @Test
    void aRetainedMessageWithItsPropertiesAndQosIsSentAfterARestart_MQTT_3_3_1_6() {
        Broker first = startOnDir();
        MqttProperties props = MqttProperties.builder()
                .integer(PropertyId.PAYLOAD_FORMAT_INDICATOR, 1)
                .string(PropertyId.CONTENT_TYPE, "text/plain")
                .string(PropertyId.RESPONSE_TOPIC, "replies/here")
                .binary(PropertyId.CORRELATION_DATA, new byte[]{1, 2, 3})
                .userProperty("k1", "v1").userProperty("k2", "v2")
                .build();
        retain(v5(first, "pub"), "persist/props", "kept", props);
        first.stop();

        Broker second = startOnDir();
        RawMqttClient sub = v5(second, "sub");
        subscribe(sub, "persist/#", 2);

        // [MQTT-3.3.1-6] a new subscription gets the retained message, with RETAIN set
        Publish p = sub.receive(Publish.class, WAIT);
        assertThat(p.topic()).isEqualTo("persist/props");
        assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("kept");
        assertThat(p.retain()).isTrue();
        assertThat(p.qos()).as("stored at QoS 1, subscribed at 2").isEqualTo(1);
        // [MQTT-3.3.2-15..20] properties are forwarded unaltered
        MqttProperties got = p.properties();
        assertThat(got.integer(PropertyId.PAYLOAD_FORMAT_INDICATOR, -1)).isEqualTo(1);
        assertThat(got.string(PropertyId.CONTENT_TYPE)).contains("text/plain");
        assertThat(got.string(PropertyId.RESPONSE_TOPIC)).contains("replies/here");
        assertThat(got.binary(PropertyId.CORRELATION_DATA)).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
        assertThat(got.userProperties()).containsExactly(new UserProperty("k1", "v1"), new UserProperty("k2", "v2"));
    }

    @Test
    void aReplacementAndAClearSurviveARestart_MQTT_3_3_1_5_and_3_3_1_10() {
        Broker first = startOnDir();
        RawMqttClient pub = v5(first, "pub");
        retain(pub, "r/replaced", "old", MqttProperties.EMPTY);
        retain(pub, "r/replaced", "new", MqttProperties.EMPTY);
        retain(pub, "r/cleared", "soon gone", MqttProperties.EMPTY);
        retain(pub, "r/cleared", "", MqttProperties.EMPTY); // [MQTT-3.3.1-10] an empty payload clears it
        first.stop();

        RawMqttClient sub = v5(startOnDir(), "sub");
        subscribe(sub, "r/#", 1);

        Publish p = sub.receive(Publish.class, WAIT);
        assertThat(p.topic()).isEqualTo("r/replaced");
        assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("new");
        sub.send(PubResponse.of(PacketType.PUBACK, p.packetId()));
        assertThat(sub.publishWithin(QUIET)).as("no message expected").isEmpty();
    }

    @Test
    void messageExpiryIsCountedAcrossTheRestart_MQTT_3_3_2_5_and_3_3_2_6() {
        Broker first = startOnDir();
        RawMqttClient pub = v5(first, "pub");
        retain(pub, "e/short", "expires", MqttProperties.builder().integer(PropertyId.MESSAGE_EXPIRY_INTERVAL, 1).build());
        retain(pub, "e/long", "stays", MqttProperties.builder().integer(PropertyId.MESSAGE_EXPIRY_INTERVAL, 600).build());
        long published = System.nanoTime();
        first.stop();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> System.nanoTime() - published > TimeUnit.MILLISECONDS.toNanos(1_300));

        RawMqttClient sub = v5(startOnDir(), "sub");
        subscribe(sub, "e/#", 0);

        Publish p = sub.receive(Publish.class, WAIT);
        assertThat(p.topic()).as("[MQTT-3.3.2-5] the expired one is not sent").isEqualTo("e/long");
        // [MQTT-3.3.2-6] the interval sent is what is left of it
        assertThat(p.properties().unsignedInt(PropertyId.MESSAGE_EXPIRY_INTERVAL, -1)).isBetween(590L, 599L);
        assertThat(sub.publishWithin(QUIET)).as("no message expected").isEmpty();
    }

    @Test
    void aPahoV3SubscriberGetsWhatAPahoPublisherRetainedBeforeTheRestart() throws Exception {
        Broker first = startOnDir();
        MqttClient publisher = new MqttClient(TestBrokers.uri(first), "paho-pub", new MemoryPersistence());
        publisher.connect();
        MqttMessage message = new MqttMessage("22.5".getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        message.setRetained(true);
        publisher.publish("sensors/temp", message); // returns after PUBACK
        publisher.disconnect();
        publisher.close();
        first.stop();

        Broker second = startOnDir();
        MqttClient subscriber = new MqttClient(TestBrokers.uri(second), "paho-sub", new MemoryPersistence());
        opened.add(subscriber::close);
        MqttConnectOptions options = PahoOptions.v3();
        options.setCleanSession(true);
        subscriber.connect(options);
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        subscriber.subscribe("sensors/#", 1, (topic, m) -> received.add(m));

        MqttMessage got = received.poll(5, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(new String(got.getPayload(), StandardCharsets.UTF_8)).isEqualTo("22.5");
        assertThat(got.isRetained()).isTrue();
        subscriber.disconnect();
    }

    @Test
    void anApplicationStoreInstanceCarriesRetainedMessagesToTheNextBroker() {
        MessageStore store = MessageStore.inMemory();
        Broker first = start(TestBrokers.anonymous().store(store));
        retain(v5(first, "pub"), "mem/t", "in memory", MqttProperties.EMPTY);
        first.stop();

        RawMqttClient sub = v5(start(TestBrokers.anonymous().store(store)), "sub");
        subscribe(sub, "mem/t", 0);

        assertThat(new String(sub.receive(Publish.class, WAIT).payload(), StandardCharsets.UTF_8)).isEqualTo("in memory");
    }

    @Test
    void withoutAStoreNothingIsKept() {
        Broker first = start(TestBrokers.anonymous());
        retain(v5(first, "pub"), "none/t", "lost", MqttProperties.EMPTY);
        first.stop();

        RawMqttClient sub = v5(start(TestBrokers.anonymous()), "sub");
        subscribe(sub, "none/t", 0);
        assertThat(sub.publishWithin(QUIET)).as("no message expected").isEmpty();
    }

    @Test
    void aCorruptDatabaseFileFailsTheStartWithAClearMessage() throws Exception {
        Files.write(dir.resolve("magpie.db"), "garbage, not an SQLite database at all. ".repeat(50).getBytes(StandardCharsets.UTF_8));
        Broker broker = TestBrokers.anonymous().dataDirectory(dir).build();

        assertThatThrownBy(broker::start)
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining(dir.resolve("magpie.db").toString())
                .hasMessageContaining("restore a backup, or move it away");
        broker.stop(); // idempotent after a failed start
    }
}
